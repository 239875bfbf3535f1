"""ecs-service-no-public-ip: no ECS service assigns public IPs (Security Hub ECS.2, checkov CKV_AWS_333)."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from ..findings import Findings, flag_if_true
from ..stack import StackGraph
from ..stack.types import ECS_SERVICE
from ..stack_policy import stack_policy


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    for service in graph.of_type(ECS_SERVICE):
        findings.check()
        net = service.get("networkConfiguration")
        assign = net.get("assignPublicIp") if isinstance(net, dict) else net
        message = (
            f"ECS service {service.name} assigns public IPs to its tasks; set assign_public_ip=false and reach "
            "the internet through a NAT gateway or VPC endpoints."
        )
        flag_if_true(findings, service, assign, "assign_public_ip", message)


POLICY = stack_policy(
    name="ecs-service-no-public-ip",
    description=(
        "An ECS service assigns public IPs to its tasks (Security Hub ECS.2, checkov CKV_AWS_333). "
        "Fix: assign_public_ip=false, with egress through a NAT gateway or VPC endpoints."
    ),
    level=EnforcementLevel.ADVISORY,
    check=check,
    nothing_to_check="no ECS service in this stack",
)
