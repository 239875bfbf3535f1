"""The stack index is built once per AnalyzeStack and shared by every stack policy, keyed on the stack's content:
pulumi_policy gives each policy its own copy of the same resources, and the same URNs may come back with other
properties (the next preview, another stack), which must never be judged on a stale index."""

from __future__ import annotations

import contextlib

import pytest
from pulumi_policy import PolicyResource, PolicyResourceOptions, StackValidationArgs
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import unknown_checking_proxy

SERVICE = "aws:ecs/service:Service"


@pytest.fixture
def built(guard, monkeypatch):
    """Every StackGraph built while the test runs."""
    graphs = []
    original = guard.stack.graph.StackGraph.__init__

    def counting(self, *args, **kwargs):
        graphs.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(guard.stack.graph.StackGraph, "__init__", counting)
    return graphs


def _copy(assign_public_ip):
    """A fresh copy of a one-service stack, as pulumi_policy builds one for each policy."""
    opts = PolicyResourceOptions(False, [], None, [], None, [], None)
    props = {"networkConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": assign_public_ip}}
    urn = f"urn:pulumi:dev::t::{SERVICE}::web"
    return [PolicyResource(SERVICE, unknown_checking_proxy(props), urn, "web", opts, None, None, [], {})]


def _flagged(guard, resources, policy_name="ecs-service-no-public-ip"):
    (policy,) = [p for p in guard.ALL_POLICIES if p.name == policy_name]
    found = []
    with contextlib.suppress(_NotApplicableError):
        policy.validate(StackValidationArgs(resources), lambda message, urn=None: found.append(urn))
    return found


def test_every_policy_of_one_stack_reads_one_index(guard, built):
    for policy in guard.ALL_POLICIES:
        with contextlib.suppress(_NotApplicableError):
            policy.validate(StackValidationArgs(_copy(True)), lambda message, urn=None: None)
    assert len(built) == 1


def test_the_same_urns_with_other_properties_get_a_new_index(guard):
    assert _flagged(guard, _copy(True)) == ["urn:pulumi:dev::t::aws:ecs/service:Service::web"]
    assert _flagged(guard, _copy(False)) == []
    assert _flagged(guard, _copy(True)) == ["urn:pulumi:dev::t::aws:ecs/service:Service::web"]


def test_stack_tags_are_part_of_the_key(guard):
    first = guard.stack.shared_graph(_copy(False), {"environment": "dev"})
    second = guard.stack.shared_graph(_copy(False), {"environment": "prod"})
    assert first is not second and second.stack_tags == {"environment": "prod"}
    assert guard.stack.shared_graph(_copy(False), {"environment": "prod"}) is second


def _request(assign_public_ip):
    from google.protobuf import struct_pb2
    from pulumi.runtime.proto import analyzer_pb2

    props = struct_pb2.Struct()
    props.update({"networkConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": assign_public_ip}})
    urn = f"urn:pulumi:dev::t::{SERVICE}::web"
    resource = analyzer_pb2.AnalyzerResource(type=SERVICE, properties=props, urn=urn, name="web")
    return analyzer_pb2.AnalyzeStackRequest(resources=[resource])


def test_under_the_sdks_server_each_analyze_stack_call_builds_one_index(guard, built):
    from pulumi_policy import EnforcementLevel
    from pulumi_policy.policy import _PolicyAnalyzerServicer

    servicer = _PolicyAnalyzerServicer("p", "0.1.0", list(guard.ALL_POLICIES), EnforcementLevel.ADVISORY)

    def public_ip_findings(assign_public_ip):
        response = servicer.AnalyzeStack(_request(assign_public_ip), None)
        return [d.urn for d in response.diagnostics if d.policyName == "ecs-service-no-public-ip"]

    assert public_ip_findings(True) == [f"urn:pulumi:dev::t::{SERVICE}::web"]
    assert public_ip_findings(False) == []  # the same URN with other properties: judged on a new index
    assert public_ip_findings(True) == [f"urn:pulumi:dev::t::{SERVICE}::web"]
    assert len(built) == 3  # one per call, not one per policy (15 per call)
