"""nat-without-s3-gateway-endpoint: S3 traffic through a NAT pays NAT processing; a Gateway endpoint is free."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from ..findings import Findings
from ..stack import StackGraph, endpoint_service, endpoint_type
from ..stack.types import NAT
from ..stack_policy import stack_policy


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    for nat in graph.of_type(NAT):
        if nat.get("connectivityType") == "private":
            continue
        findings.check()
        vpc = graph.vpc_of(nat)
        if vpc is None:
            findings.undecidable(nat, "its subnet or VPC is not in this stack")
            continue
        endpoints = graph.endpoints_in(vpc)
        if any(endpoint_service(e) == "s3" and endpoint_type(e) == "Gateway" for e in endpoints):
            continue
        if any(endpoint_service(e) is None for e in endpoints):
            findings.undecidable(nat, "an endpoint of its VPC has a service name unknown during preview")
            continue
        findings.violation(
            nat,
            f"NAT gateway {nat.name} serves VPC {vpc.name}, which has no S3 Gateway endpoint, so S3 and ECR layer "
            "traffic pays NAT data processing; add a free S3 Gateway endpoint on the private route tables.",
        )


POLICY = stack_policy(
    name="nat-without-s3-gateway-endpoint",
    description=(
        "A VPC with a NAT gateway has no S3 Gateway endpoint, so S3 traffic pays NAT processing per GB. "
        "Fix: add an S3 Gateway endpoint on the private route tables."
    ),
    level=EnforcementLevel.ADVISORY,
    check=check,
    nothing_to_check="no public NAT gateway in this stack",
)
