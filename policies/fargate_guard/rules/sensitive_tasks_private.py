"""sensitive-tasks-private: a sensitive ECS service gets no public IP and no subnet routed to an internet gateway."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from ..findings import Findings, flag_if_true
from ..stack import Route, StackGraph, is_unknown
from ..stack.types import ECS_SERVICE
from ..stack_policy import stack_policy

SENSITIVITY_SCHEMA = {
    "sensitiveTagKey": {
        "type": "string",
        "default": "data-classification",
        "description": "Tag key that classifies an ECS service or task definition.",
    },
    "sensitiveTagValues": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["sensitive"],
        "description": "Values of the tag that make a service sensitive.",
    },
}


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    tag_key, tag_values = config["sensitiveTagKey"], config["sensitiveTagValues"]
    for service in graph.of_type(ECS_SERVICE):
        value, undecided = graph.sensitivity(service, tag_key, tag_values)
        if value is None:
            if undecided:
                findings.undecidable(service, f"{undecided}, so whether it is sensitive can't be told")
            continue
        findings.check()
        label = f"ECS service {service.name} is tagged {tag_key}={value}"
        net = service.get("networkConfiguration")
        assign = net.get("assignPublicIp") if isinstance(net, dict) else None
        message = f"{label} but sets assign_public_ip=true; set it to false."
        flag_if_true(findings, service, net if is_unknown(net) else assign, "assign_public_ip", message)
        subnets, _ = graph.service_network(service)
        if subnets.unresolved:
            findings.undecidable(service, f"subnets {', '.join(subnets.unresolved)} are not in this stack")
        by_route: dict[str, tuple[Route, list[str]]] = {}
        for egress in graph.subnet_egress(subnets.resources):
            for route in egress.igw:
                by_route.setdefault(route.label, (route, []))[1].append(egress.subnet.name)
            for why in egress.undecidable:
                findings.undecidable(service, why)
        for route, subnet_names in by_route.values():
            subnet_names.sort()
            where = f"subnet {subnet_names[0]}" if len(subnet_names) == 1 else f"subnets {', '.join(subnet_names)}"
            findings.violation(
                service,
                f"{label} but runs in {where} whose {route.describe()}; "
                "move it to a private subnet (NAT or VPC endpoints) or remove that route.",
            )


POLICY = stack_policy(
    name="sensitive-tasks-private",
    description=(
        "A sensitive ECS service (tagged data-classification=sensitive on the service or its task definition) "
        "must not get a public IP nor run in a public subnet (its route table has a route to an internet gateway). "
        "Fix: assign_public_ip=false and private subnets (NAT or VPC endpoints)."
    ),
    level=EnforcementLevel.MANDATORY,
    check=check,
    nothing_to_check="no ECS service in this stack is tagged sensitive",
    schema=SENSITIVITY_SCHEMA,
)
