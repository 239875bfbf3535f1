"""alb-hardening: drop invalid headers (ELB.4), access logs (ELB.5), deletion protection (ELB.6)."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from ..findings import Findings
from ..stack import StackGraph
from ..stack.types import LB
from ..stack.values import UNKNOWN, as_bool
from ..stack_policy import stack_policy

SCHEMA = {
    "requireDropInvalidHeaders": {"type": "boolean", "default": True, "description": "ELB.4"},
    "requireAccessLogs": {"type": "boolean", "default": True, "description": "ELB.5"},
    "requireDeletionProtection": {"type": "boolean", "default": True, "description": "ELB.6"},
}


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    for lb in graph.of_type(LB):
        if (lb.get("loadBalancerType") or "application") != "application":
            continue
        findings.check()
        logs = lb.get("accessLogs")
        settings = [
            ("requireDropInvalidHeaders", lb.get("dropInvalidHeaderFields"), "drop_invalid_header_fields=True (ELB.4)"),
            ("requireAccessLogs", logs.get("enabled") if isinstance(logs, dict) else logs, "access_logs (ELB.5)"),
            ("requireDeletionProtection", lb.get("enableDeletionProtection"), "enable_deletion_protection (ELB.6)"),
        ]
        missing = []
        for knob, value, fix in settings:
            if not config[knob]:
                continue
            if as_bool(value) is UNKNOWN:
                findings.undecidable(lb, f"{fix} is unknown during preview")
            elif as_bool(value) is not True:
                missing.append(fix)
        if missing:
            findings.violation(lb, f"Application load balancer {lb.name} lacks {', '.join(missing)}; set them.")


POLICY = stack_policy(
    name="alb-hardening",
    description=(
        "An application load balancer keeps invalid headers, writes no access logs or can be deleted by accident "
        "(Security Hub ELB.4, ELB.5, ELB.6). Fix: drop_invalid_header_fields, access_logs, enable_deletion_protection."
    ),
    level=EnforcementLevel.ADVISORY,
    check=check,
    nothing_to_check="no application load balancer in this stack",
    schema=SCHEMA,
)
