"""default-sg-closed: each VPC's default security group has no rules (Security Hub EC2.2)."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from ..findings import Findings
from ..stack import StackGraph, as_list
from ..stack.types import DEFAULT_SG, VPC
from ..stack_policy import stack_policy


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    for vpc in graph.of_type(VPC):
        findings.check()
        managed = graph.referrers(vpc, "vpcId", DEFAULT_SG)
        if not managed:
            findings.violation(
                vpc,
                f"VPC {vpc.name} leaves its default security group as AWS creates it (all traffic from itself, all "
                "egress); adopt it with aws.ec2.DefaultSecurityGroup(vpc_id=...) and no ingress or egress rules.",
            )
        for sg in managed:
            if as_list(sg.get("ingress")) or as_list(sg.get("egress")):
                findings.violation(
                    sg,
                    f"Default security group {sg.name} of VPC {vpc.name} has rules; remove every ingress and egress "
                    "rule so nothing that falls back to it gets traffic.",
                )


POLICY = stack_policy(
    name="default-sg-closed",
    description=(
        "A VPC's default security group allows traffic (Security Hub EC2.2). Fix: manage it with "
        "aws.ec2.DefaultSecurityGroup and no rules."
    ),
    level=EnforcementLevel.ADVISORY,
    check=check,
    nothing_to_check="no VPC in this stack",
)
