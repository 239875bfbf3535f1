"""vpc-flow-logs: every VPC records flow logs (Security Hub EC2.6)."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from ..findings import Findings
from ..stack import StackGraph
from ..stack.types import FLOW_LOG, VPC
from ..stack_policy import stack_policy


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    for vpc in graph.of_type(VPC):
        findings.check()
        if not graph.referrers(vpc, "vpcId", FLOW_LOG):
            findings.violation(
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
