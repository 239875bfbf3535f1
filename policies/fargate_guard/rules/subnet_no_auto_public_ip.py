"""subnet-no-auto-public-ip: subnets don't give public IPs to everything launched in them (Security Hub EC2.15)."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from ..findings import Findings, flag_if_true
from ..stack import StackGraph
from ..stack.types import SUBNET
from ..stack_policy import stack_policy


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    for subnet in graph.of_type(SUBNET):
        findings.check()
        message = (
            f"Subnet {subnet.name} auto-assigns public IPs to every interface launched in it; set "
            "map_public_ip_on_launch=False and give public IPs only where needed (the ALB and NAT have their own)."
        )
        flag_if_true(findings, subnet, subnet.get("mapPublicIpOnLaunch"), "map_public_ip_on_launch", message)


POLICY = stack_policy(
    name="subnet-no-auto-public-ip",
    description="A subnet auto-assigns public IPs (Security Hub EC2.15). Fix: map_public_ip_on_launch=False.",
    level=EnforcementLevel.ADVISORY,
    check=check,
    nothing_to_check="no subnet in this stack",
)
