"""What the provider's own SDK says a resource type outputs: its output properties that are not inputs.

After a real create, AWS fills every such computed output. The service modules give the ones with a known shape;
this fills the remaining string outputs with plausible values by name (an ARN for `...Arn`, a URL for `...Url`),
so a program that builds on them (`api.execution_arn.apply(lambda arn: arn + "/*")`) runs as it would after an
update. Lists, maps, numbers, booleans and nested objects are left unset: an invented security rule or flag could
change a policy verdict.
"""

from __future__ import annotations

import functools
from typing import Any

from pulumi import _types as sdk_types  # the SDK's own reading of a resource class's typed properties
from pulumi.runtime import rpc

from .account import Account, digest

_NEVER = {"id", "urn", "tagsAll"}
# References to resources elsewhere (the VPC an ALB lands in): inventing one would place the resource wrongly.
_REFERENCES = {"vpcId", "subnetId", "securityGroupId", "networkInterfaceId"}


# The property a provider auto-names when a program leaves it out, where it is not `name`.
_AUTONAME_KEYS = {"aws:s3/bucket:Bucket": "bucket", "aws:s3/bucketV2:BucketV2": "bucket"}


@functools.cache
def _sdk_properties(type_token: str) -> tuple[dict[str, Any], frozenset[str]] | None:
    """(output property -> type, input property names) of `type_token` from its SDK classes; None if unknown."""
    try:
        package, module, class_name = type_token.split(":")
        registered = rpc.get_resource_module(package, module, "")
        fqn = registered.mod_info["fqn"]  # pulumi-generated SDKs record where the class lives
        resource_module = __import__(fqn, fromlist=[class_name])
        resource_class = getattr(resource_module, class_name)
        args_class = getattr(resource_module, f"{class_name}Args")
        outputs = sdk_types.resource_types(resource_class)
        inputs = frozenset(sdk_types.input_type_py_to_pulumi_names(args_class).values())
    except (AttributeError, KeyError, TypeError, ValueError, ImportError, NameError):
        return None
    return outputs, inputs


@functools.cache
def computed_string_outputs(type_token: str) -> tuple[str, ...]:
    """The string output properties of `type_token` that its Args class does not take; () if unknown."""
    properties = _sdk_properties(type_token)
    if properties is None:
        return ()
    outputs, inputs = properties
    return tuple(sorted(key for key, typ in outputs.items() if typ is str and key not in inputs | _NEVER))


def autoname_key(type_token: str) -> str | None:
    """The property the provider names from the logical name when it is left out (`name`, or S3's `bucket`)."""
    if type_token in _AUTONAME_KEYS:
        return _AUTONAME_KEYS[type_token]
    properties = _sdk_properties(type_token)
    return "name" if properties is not None and "name" in properties[1] else None


def plausible_string(key: str, type_token: str, name: str, aws: Account) -> str:
    service = type_token.split(":")[1].split("/")[0]
    token = digest(type_token, name, key, length=12)
    lowered = key.lower()
    if key in ("ownerId", "accountId"):
        return aws.account_id
    if lowered.endswith("arn"):
        return aws.arn(service, f"{key[: -len('arn')] or 'resource'}/{name}-{token}")
    if lowered.endswith(("url", "uri", "endpoint")):
        return f"https://{name}-{token}.{service}.{aws.region}.amazonaws.com"
    if lowered.endswith("id"):
        return f"{key[:-2].lower() or 'id'}-{token}"
    return f"{name}-{token}"


def fill_computed_strings(type_token: str, name: str, known: dict[str, Any], aws: Account) -> dict[str, Any]:
    """Plausible values for the string outputs AWS computes that `known` does not hold yet."""
    return {
        key: plausible_string(key, type_token, name, aws)
        for key in computed_string_outputs(type_token)
        if known.get(key) is None and key not in _REFERENCES
    }
