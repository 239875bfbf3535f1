"""The pack's one-pass decoder of a resource's properties gives what pulumi_policy gives a policy: the value of
`deserialize_properties(json_format.MessageToDict(struct))`, type for type (80 arrives as 80.0, never 80 nor True)
and key for key in the same order, or the same error. Here on values built to reach every branch; on every resource
of our stacks and fixtures in tests/test_policy_servicer.py."""

from __future__ import annotations

import math

import pulumi
import pytest
from google.protobuf import json_format, struct_pb2
from pulumi_policy.deserialize import (
    SPECIAL_ARCHIVE_SIG,
    SPECIAL_ASSET_SIG,
    SPECIAL_SECRET_SIG,
    SPECIAL_SIG_KEY,
    deserialize_properties,
)
from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_OBJECT_VALUE, UNKNOWN_STRING_VALUE

# The signature of a resource reference (pulumi's sdk/go/common/resource/properties.go): pulumi_policy rejects it.
RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"


def exact(value):
    """A value with its types, float spellings and key order written out, so that 1.0, 1 and True differ, 0.0 and
    -0.0 differ, and {a, b} differs from {b, a}; assets and archives by their kind and contents."""
    if isinstance(value, dict):
        return ("dict", [(key, exact(v)) for key, v in value.items()])
    if isinstance(value, list):
        return ("list", [exact(v) for v in value])
    if isinstance(value, pulumi.Asset | pulumi.Archive):
        return (type(value).__name__, exact(vars(value)))
    return (type(value).__name__, repr(value))


def library(struct: struct_pb2.Struct):
    return deserialize_properties(json_format.MessageToDict(struct))


def secret(value):
    return {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": value}


def asset(**kind):
    return {SPECIAL_SIG_KEY: SPECIAL_ASSET_SIG, **kind}


def archive(**kind):
    return {SPECIAL_SIG_KEY: SPECIAL_ARCHIVE_SIG, **kind}


def struct(values: dict) -> struct_pb2.Struct:
    built = struct_pb2.Struct()
    built.update(values)
    return built


EVERY_BRANCH = {
    "string": "subnet-1",
    "empty string": "",
    "integral": 80,
    "non-integral": 0.25,
    "negative zero": -0.0,
    "large": 1e300,
    "tiny": 5e-324,
    "true": True,
    "false": False,
    "null": None,
    "empty object": {},
    "empty list": [],
    "nested": {"a": [{"b": [1, "x", None, True, [], {}]}, [[2.5]]], "z": {"y": {"x": "deep"}}},
    "unknowns": [UNKNOWN_STRING_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_ARRAY_VALUE, {"o": UNKNOWN_OBJECT_VALUE}],
    "secret": secret({"password": "hunter2", "port": 5432, "inner": secret([1, {"k": "v"}])}),
    "secrets in a list": [secret("a"), secret(None), {"s": secret(asset(text="x"))}],
    "assets": [asset(text="print(1)"), asset(path="./app.py"), asset(uri="https://example.com/a")],
    "archives": [
        archive(path="./dist"),
        archive(uri="https://example.com/a.zip"),
        archive(assets={"main.py": asset(text="x"), "lib": archive(path="./lib")}),
    ],
    "key order": {"zeta": 1, "alpha": 2, "mid": {"b": 1, "a": 2}},
    SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG,  # at the top level a signature key is a property like any other
}


def test_properties_equal_the_librarys_on_every_kind_of_value(guard):
    from fargate_guard.decode import properties

    built = struct(EVERY_BRANCH)
    built.fields["unset"].CopyFrom(struct_pb2.Value())  # a Value with no kind set: the library reads None
    ours, theirs = properties(built), library(built)
    assert exact(ours) == exact(theirs)
    # What the comparison covers: numbers stay floats, secrets are unwrapped, assets are built, order is the map's.
    assert type(ours["integral"]) is float and ours["integral"] == 80
    assert ours["secret"]["password"] == "hunter2" and ours["secret"]["inner"][1] == {"k": "v"}
    assert isinstance(ours["assets"][0], pulumi.StringAsset) and isinstance(ours["archives"][2], pulumi.AssetArchive)
    assert ours[SPECIAL_SIG_KEY] == SPECIAL_SECRET_SIG and ours["unset"] is None
    assert list(ours) == list(built.fields)


def test_exact_tells_apart_what_equality_does_not():
    assert exact({"a": 1.0}) != exact({"a": 1}) and exact([1.0]) != exact([True])
    assert exact({"a": 1, "b": 2}) != exact({"b": 2, "a": 1})
    assert exact(-0.0) != exact(0.0)
    assert exact(pulumi.StringAsset("x")) != exact(pulumi.FileAsset("x"))
    assert exact(pulumi.StringAsset("x")) == exact(pulumi.StringAsset("x"))


@pytest.mark.parametrize(
    "value",
    [
        math.nan,
        math.inf,
        -math.inf,
        {"deep": [1, {"x": math.nan}]},
        {SPECIAL_SIG_KEY: RESOURCE_REFERENCE_SIG, "urn": "urn:pulumi:dev::t::aws:ec2/vpc:Vpc::main"},
        [{SPECIAL_SIG_KEY: "not-a-signature"}],
        {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG},  # a secret without its value
        asset(nothing="here"),
        archive(assets={"a": "not an asset"}),
        secret({"x": math.inf}),
    ],
    ids=[
        "NaN",
        "infinity",
        "minus infinity",
        "nested NaN",
        "resource reference",
        "unknown signature",
        "secret without value",
        "asset of no kind",
        "archive of no asset",
        "infinity in a secret",
    ],
)
def test_properties_raise_what_the_library_raises(guard, value):
    from fargate_guard.decode import properties

    built = struct({"ok": "fine", "odd": value})
    with pytest.raises(Exception) as theirs:
        library(built)
    with pytest.raises(type(theirs.value)) as ours:
        properties(built)
    assert str(ours.value) == str(theirs.value)
