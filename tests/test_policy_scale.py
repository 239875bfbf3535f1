"""The policies relate resources through an index built once per validation: a stack of thousands of resources is
checked in linear time, with every id unknown as in a first preview. Wall time is measured by the benchmark
script (benchmarks/bench_preflight.py), never by a test."""

from __future__ import annotations

import contextlib
import json

from pulumi_policy import PolicyResource, PolicyResourceOptions, StackValidationArgs, proxy
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

U = UNKNOWN_STRING_VALUE


def _stamp(i: int) -> list[tuple[str, str, dict, dict[str, list[str]]]]:
    """One VPC with a public subnet, its IGW route, and a sensitive service in it: ten resources, ids unknown."""
    n = f"s{i}"
    return [
        ("aws:ec2/vpc:Vpc", f"{n}-vpc", {"cidrBlock": "10.0.0.0/16"}, {}),
        ("aws:ec2/internetGateway:InternetGateway", f"{n}-igw", {"vpcId": U}, {"vpcId": [f"{n}-vpc"]}),
        ("aws:ec2/subnet:Subnet", f"{n}-subnet", {"vpcId": U, "cidrBlock": "10.0.0.0/24"}, {"vpcId": [f"{n}-vpc"]}),
        ("aws:ec2/routeTable:RouteTable", f"{n}-rt", {"vpcId": U}, {"vpcId": [f"{n}-vpc"]}),
        (
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            f"{n}-rta",
            {"subnetId": U, "routeTableId": U},
            {"subnetId": [f"{n}-subnet"], "routeTableId": [f"{n}-rt"]},
        ),
        (
            "aws:ec2/route:Route",
            f"{n}-default",
            {"routeTableId": U, "destinationCidrBlock": "0.0.0.0/0", "gatewayId": U},
            {"routeTableId": [f"{n}-rt"], "gatewayId": [f"{n}-igw"]},
        ),
        ("aws:ec2/securityGroup:SecurityGroup", f"{n}-sg", {"vpcId": U}, {"vpcId": [f"{n}-vpc"]}),
        (
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            f"{n}-open",
            {"securityGroupId": U, "cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 80, "toPort": 80},
            {"securityGroupId": [f"{n}-sg"]},
        ),
        (
            "aws:ecs/taskDefinition:TaskDefinition",
            f"{n}-td",
            {
                "containerDefinitions": json.dumps([{"name": "app", "image": "nginx"}]),
                "tags": {"data-classification": "sensitive"},
            },
            {},
        ),
        (
            "aws:ecs/service:Service",
            f"{n}-svc",
            {"taskDefinition": U, "networkConfiguration": {"subnets": [U], "securityGroups": [U]}},
            {"taskDefinition": [f"{n}-td"], "networkConfiguration": [f"{n}-subnet", f"{n}-sg"]},
        ),
    ]


def _stack(stamps: int) -> list[PolicyResource]:
    rows = [row for i in range(stamps) for row in _stamp(i)]
    urn = {name: f"urn:pulumi:dev::scale::{typ}::{name}" for typ, name, _, _ in rows}
    resources = {}
    for typ, name, props, _ in rows:
        opts = PolicyResourceOptions(False, [], None, [], None, [], None)
        resources[name] = PolicyResource(typ, unknown_checking_proxy(props), urn[name], name, opts, None, None, [], {})
    for _, name, _, deps in rows:
        resources[name].property_dependencies = {k: [resources[d] for d in v] for k, v in deps.items()}
    return list(resources.values())


def _validate(guard, resources):
    found = []
    for policy in guard.ALL_POLICIES:
        # not_applicable raises and is a verdict; an UnknownValueError ("can't run during preview") propagates.
        with contextlib.suppress(_NotApplicableError):
            policy.validate(StackValidationArgs(resources), lambda msg, urn, p=policy.name: found.append((p, urn)))
    return found


def test_every_stamp_is_judged_with_all_ids_unknown(guard):
    found = _validate(guard, _stack(50))
    flagged = {(p, urn.rsplit("::", 1)[-1]) for p, urn in found}
    assert {n for p, n in flagged if p == "sensitive-tasks-private"} == {f"s{i}-svc" for i in range(50)}
    assert {n for p, n in flagged if p == "task-sg-ingress-from-sgs"} == {f"s{i}-open" for i in range(50)}


class _CountingList(list):
    """The stack's resource list, counting every resource a policy walks past."""

    def __init__(self, items, counter):
        super().__init__(items)
        self.counter = counter

    def __iter__(self):
        for item in super().__iter__():
            self.counter[0] += 1
            yield item


def test_checking_work_grows_linearly_with_the_stack(guard, monkeypatch):
    """Work is counted, not timed: every property read and every resource visited by all policies together.

    A policy that scans the stack once per service (a quadratic join) would make 4x the resources cost ~16x.
    """
    counter = [0]
    original = proxy._DictProxy.__getitem__

    def counting_getitem(self, key):
        counter[0] += 1
        return original(self, key)

    monkeypatch.setattr(proxy._DictProxy, "__getitem__", counting_getitem)

    def work(stamps: int) -> int:
        resources = _CountingList(_stack(stamps), counter)
        counter[0] = 0
        _validate(guard, resources)
        return counter[0]

    small, large = work(100), work(400)  # 1,000 and 4,000 resources
    assert small > 1000, "the policies read next to nothing: the count is not measuring them"
    assert large / small < 4.5, f"4x the resources took {large / small:.2f}x the work (quadratic would be ~16x)"
