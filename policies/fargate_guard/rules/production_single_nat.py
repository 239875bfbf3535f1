"""production-single-nat: a production VPC needs a NAT gateway per availability zone, not one."""

from __future__ import annotations

from collections import defaultdict

from pulumi_policy import EnforcementLevel

from ..findings import Findings
from ..stack import Res, StackGraph
from ..stack.types import NAT, VPC
from ..stack_policy import stack_policy

SCHEMA = {
    "production": {
        "type": "boolean",
        "default": False,
        "description": "Treat this stack as production regardless of tags (set it in the stack's policy config).",
    },
    "productionStackNames": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["prod", "production"],
        "description": "Stack names (read from the resources' URNs) that mean production.",
    },
    "productionTagKey": {"type": "string", "default": "environment", "description": "Tag key naming the environment."},
    "productionTagValues": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["prod", "production"],
        "description": "Values of that key, on the stack or on a VPC or NAT gateway, that mean production.",
    },
}


def _is_production(graph: StackGraph, config: dict, vpc: Res, nats: list[Res]) -> bool:
    key, values = config["productionTagKey"], config["productionTagValues"]
    tagged = [graph.stack_tags.get(key)] + [r.tags().get(key) for r in [vpc, *nats]]
    stack = vpc.urn.split("::", 1)[0].rsplit(":", 1)[-1]  # urn:pulumi:<stack>::<project>::<type>::<name>
    return (
        bool(config["production"])
        or stack in config["productionStackNames"]
        or any(isinstance(v, str) and v in values for v in tagged)
    )


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    nats_by_vpc: dict[str, list[Res]] = defaultdict(list)
    for nat in graph.of_type(NAT):
        vpc = graph.vpc_of(nat)
        if vpc is None:
            findings.undecidable(nat, "its subnet or VPC is not in this stack")
        elif nat.get("connectivityType") != "private":
            nats_by_vpc[vpc.urn].append(nat)
    for vpc in graph.of_type(VPC):
        nats = nats_by_vpc.get(vpc.urn, [])
        if not nats or not _is_production(graph, config, vpc, nats):
            continue
        findings.check()
        if len(nats) == 1:
            findings.violation(
                nats[0],
                f"VPC {vpc.name} is production but all its private subnets egress through the single NAT gateway "
                f"{nats[0].name}: an outage of its availability zone cuts every task off. Add one NAT per AZ.",
            )


POLICY = stack_policy(
    name="production-single-nat",
    description=(
        "A production stack (policy config, stack name, stack tag or VPC/NAT tag environment=prod) egresses through "
        "a single NAT gateway, a single-AZ point of failure. Fix: one NAT gateway per availability zone."
    ),
    level=EnforcementLevel.ADVISORY,
    check=check,
    nothing_to_check="no production VPC with NAT gateways in this stack",
    schema=SCHEMA,
)
