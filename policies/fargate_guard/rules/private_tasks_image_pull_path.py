"""private-tasks-image-pull-path: a service without NAT or IGW egress has the endpoints ECS needs to pull."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from ..findings import Findings, isolated_services, no_egress
from ..images import uses_awslogs
from ..stack import StackGraph, endpoint_service, endpoint_type
from ..stack_policy import stack_policy


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    s3_tables = graph.s3_gateway_tables()
    for service, isolated in isolated_services(graph, findings):
        missing: list[str] = []
        uncovered: dict[str, list[str]] = {}
        for egress in isolated:
            for table in egress.tables:
                if table.urn not in s3_tables:
                    uncovered.setdefault(table.label, []).append(egress.subnet.name)
        missing += [
            f"an S3 Gateway endpoint on the {t} (subnets {', '.join(sorted(s))})" for t, s in sorted(uncovered.items())
        ]
        vpc = graph.vpc_of(isolated[0].subnet)
        endpoints = graph.endpoints_in(vpc)
        interface = {endpoint_service(e) for e in endpoints if endpoint_type(e) == "Interface"}
        needed = ["ecr.api", "ecr.dkr"]
        logs = uses_awslogs(graph, graph.task_definition(service))
        if logs is None and "logs" not in interface:
            findings.undecidable(service, "its container definitions (awslogs or not) are unknown during preview")
        elif logs:
            needed.append("logs")
        vpc_name = vpc.name if vpc else "?"
        missing += [f"the {s} Interface endpoint in VPC {vpc_name}" for s in needed if s not in interface]
        if not missing:
            continue
        if any(endpoint_service(e) is None or endpoint_type(e) is None for e in endpoints):
            findings.undecidable(service, "an endpoint of its VPC has a service name or type unknown during preview")
            continue
        subnets = ", ".join(sorted({e.subnet.name for e in isolated}))
        findings.violation(
            service,
            f"ECS service {service.name} runs in subnets {subnets} {no_egress(isolated)}, "
            f"so it can only pull images through VPC endpoints, and it lacks {'; '.join(dict.fromkeys(missing))}. "
            "Without them the deploy fails with CannotPullContainerError; add them or give the subnets a NAT route.",
        )


POLICY = stack_policy(
    name="private-tasks-image-pull-path",
    description=(
        "An ECS service in subnets with no NAT or internet gateway route lacks an image-pull path: an S3 Gateway "
        "endpoint on those subnets' route tables, ecr.api and ecr.dkr Interface endpoints in the VPC, and a logs "
        "endpoint when a container uses awslogs. Fix: add the missing endpoints or a NAT route."
    ),
    level=EnforcementLevel.MANDATORY,
    check=check,
    nothing_to_check="no ECS service in this stack runs in subnets without a NAT or internet gateway route",
)
