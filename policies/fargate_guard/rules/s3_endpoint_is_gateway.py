"""s3-endpoint-is-gateway: an S3 VPC endpoint is a (free) Gateway endpoint, not a (billed) Interface one."""

from __future__ import annotations

import re

from pulumi_policy import EnforcementLevel

from ..findings import Findings
from ..stack import StackGraph, is_unknown
from ..stack.types import ENDPOINT
from ..stack_policy import stack_policy

S3_SERVICE = re.compile(r"^com\.amazonaws\.[a-z0-9-]+\.s3$")


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    for endpoint in graph.of_type(ENDPOINT):
        service = endpoint.get("serviceName")
        if is_unknown(service):
            findings.undecidable(endpoint, "its service name is unknown during preview")
            continue
        if not S3_SERVICE.match(str(service)):
            continue
        findings.check()
        kind = endpoint.get("vpcEndpointType") or "Gateway"
        if is_unknown(kind):
            findings.undecidable(endpoint, "its endpoint type is unknown during preview")
        elif kind == "Interface":
            findings.violation(
                endpoint,
                f"VPC endpoint {endpoint.name} serves {service} as an Interface endpoint, billed per hour and per GB; "
                "make it a Gateway endpoint (vpc_endpoint_type='Gateway', route_table_ids=[the private route tables]), "
                "which is free and is what ECR image layers are pulled through.",
            )


POLICY = stack_policy(
    name="s3-endpoint-is-gateway",
    description=(
        "An S3 VPC endpoint (com.amazonaws.<region>.s3) is of type Interface. Fix: use a Gateway endpoint "
        "attached to the private route tables; it is free and ECR layer pulls need it."
    ),
    level=EnforcementLevel.MANDATORY,
    check=check,
    nothing_to_check="no S3 VPC endpoint in this stack",
)
