"""vpc-flow-logs: every VPC records flow logs (Security Hub EC2.6)."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from .common import Verdict, stack_policy
from .graph import FLOW_LOG, VPC, StackGraph


def check(graph: StackGraph, config: dict, verdict: Verdict) -> None:
    for vpc in graph.of_type(VPC):
        verdict.check()
        if not graph.referrers(vpc, "vpcId", FLOW_LOG):
            verdict.violation(
                vpc,
                f"VPC {vpc.name} has no flow log; add aws.ec2.FlowLog(vpc_id=..., traffic_type='REJECT' or 'ALL') "
                "to CloudWatch Logs or S3.",
            )


POLICY = stack_policy(
    name="vpc-flow-logs",
    description="A VPC has no flow log (Security Hub EC2.6). Fix: add an aws.ec2.FlowLog for it.",
    level=EnforcementLevel.ADVISORY,
    check=check,
    nothing_to_check="no VPC in this stack",
)
