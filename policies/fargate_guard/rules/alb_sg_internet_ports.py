"""alb-sg-internet-ports: a load balancer's SG admits only the web ports from the internet."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from ..findings import Findings
from ..stack import StackGraph, ports_within, span
from ..stack.types import DEFAULT_ROUTE_CIDRS, LB
from ..stack_policy import stack_policy

SCHEMA = {
    "allowedPorts": {
        "type": "array",
        "items": {"type": "integer"},
        "default": [80, 443],
        "description": "Ports a load balancer's security group may open to 0.0.0.0/0 and ::/0.",
    }
}


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    allowed = {int(p) for p in config["allowedPorts"]}
    reported = set()
    for lb in graph.of_type(LB):
        sgs = graph.lb_security_groups(lb)
        for value in sgs.unresolved:
            findings.undecidable(lb, f"security group {value} is not in this stack")
        for sg in sgs.resources:
            findings.check()
            for ingress in graph.ingress_of(sg):
                if ingress.kind not in ("cidr", "ipv6") or ingress.value not in DEFAULT_ROUTE_CIDRS:
                    continue
                if ingress.ports is None:
                    findings.undecidable(sg, f"{ingress.label} has ports unknown during preview")
                    continue
                if ports_within(ingress.ports, allowed):
                    continue
                if (ingress.rule.urn, ingress.label) in reported:
                    continue
                reported.add((ingress.rule.urn, ingress.label))
                findings.violation(
                    ingress.rule,
                    f"Security group {sg.name} of load balancer {lb.name} admits {ingress.value} on "
                    f"{span(ingress.ports)} ({ingress.label}); open only {sorted(allowed)} to the internet.",
                )


POLICY = stack_policy(
    name="alb-sg-internet-ports",
    description=(
        "A load balancer's security group admits the internet (0.0.0.0/0 or ::/0) on ports other than 80/443. "
        "Fix: open only the listener ports to the internet."
    ),
    level=EnforcementLevel.ADVISORY,
    check=check,
    nothing_to_check="no load balancer with a security group in this stack",
    schema=SCHEMA,
)
