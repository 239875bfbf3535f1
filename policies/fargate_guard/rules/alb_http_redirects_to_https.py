"""alb-http-redirects-to-https: with an HTTPS listener, HTTP listeners redirect to HTTPS (Security Hub ELB.1)."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from ..findings import Findings
from ..stack import StackGraph, as_list
from ..stack.types import LB, LISTENER
from ..stack_policy import stack_policy


def _redirects_to_https(listener) -> bool:
    return any(
        isinstance(a, dict) and a.get("type") == "redirect" and (a.get("redirect") or {}).get("protocol") == "HTTPS"
        for a in as_list(listener.get("defaultActions"))
    )


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    for lb in graph.of_type(LB):
        listeners = graph.referrers(lb, "loadBalancerArn", LISTENER)
        https = [x for x in listeners if x.get("protocol") == "HTTPS"]
        if not https:
            continue
        findings.check()
        for listener in listeners:
            if listener.get("protocol") == "HTTP" and not _redirects_to_https(listener):
                findings.violation(
                    listener,
                    f"Listener {listener.name} of load balancer {lb.name} serves plain HTTP although HTTPS listener "
                    f"{https[0].name} exists; make its default action a redirect to HTTPS (port 443, HTTP_301).",
                )


POLICY = stack_policy(
    name="alb-http-redirects-to-https",
    description=(
        "An HTTP listener of a load balancer that has an HTTPS listener doesn't redirect to HTTPS (Security Hub "
        "ELB.1). Fix: make the HTTP listener's default action a redirect to HTTPS."
    ),
    level=EnforcementLevel.ADVISORY,
    check=check,
    nothing_to_check="no load balancer with an HTTPS listener in this stack",
)
