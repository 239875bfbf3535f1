"""The AWS region a program deploys to, found the way the AWS provider finds it, and checked before the program runs.

The provider takes `aws:region`, else the AWS_REGION or AWS_DEFAULT_REGION environment variable (pulumi_aws
config/vars.py `region`). Its own static check of the name is off by default (`skipRegionValidation` defaults to
true there), so a name that is no region fails at the first AWS call of a real deployment; preflight fails at once
instead, unless the stack sets `aws:skipRegionValidation: true` itself (for AWS-like APIs with regions of their own).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .errors import PreflightError

REGION_KEY = "aws:region"
REGION_ENVIRONMENT = ("AWS_REGION", "AWS_DEFAULT_REGION")

# Every region of every partition in botocore 1.44.8's data/endpoints.json (`partitions[*].regions`), for machines
# without botocore. Where botocore is installed, its (possibly newer) list is consulted as well.
KNOWN_REGIONS = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-central-1",
        "ca-west-1",
        "eu-central-1",
        "eu-central-2",
        "eu-north-1",
        "eu-south-1",
        "eu-south-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "cn-north-1",
        "cn-northwest-1",
        "us-gov-east-1",
        "us-gov-west-1",
        "us-iso-east-1",
        "us-iso-west-1",
        "us-isob-east-1",
        "us-isob-west-1",
        "eu-isoe-west-1",
        "us-isof-east-1",
        "us-isof-south-1",
        "eusc-de-east-1",
    }
)


def botocore_regions() -> frozenset[str]:
    """Every region in the installed botocore's endpoint data; empty when botocore is not installed."""
    try:
        from botocore.loaders import create_loader
    except ImportError:
        return frozenset()
    endpoints = create_loader().load_data("endpoints")
    return frozenset(region for partition in endpoints["partitions"] for region in partition["regions"])


def is_region(name: str) -> bool:
    return name in KNOWN_REGIONS or name in botocore_regions()  # botocore only for names newer than the table


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def resolve_region(
    config: Mapping[str, Any], environment: Mapping[str, str] = os.environ, where: str = "the stack config"
) -> str:
    """The region from config, else from the environment; one clear error if it is missing or not a region."""
    configured = config.get(REGION_KEY)
    if configured not in (None, ""):
        region, source = str(configured), f"{REGION_KEY} in {where}"
    else:
        found = [(name, environment[name]) for name in REGION_ENVIRONMENT if environment.get(name)]
        if not found:
            raise PreflightError(
                f"{REGION_KEY} is not set in {where}, nor AWS_REGION or AWS_DEFAULT_REGION in the environment; "
                f"set one, e.g. `pulumi config set {REGION_KEY} us-east-1`"
            )
        name, region = found[0]
        source = f"{name} in the environment"
    if _truthy(config.get("aws:skipRegionValidation")) or is_region(region):
        return region
    allowed = sorted(KNOWN_REGIONS | botocore_regions())
    raise PreflightError(
        f"{source}: {region!r} is not an AWS region; allowed: {', '.join(allowed)} "
        "(or set aws:skipRegionValidation: true)"
    )
