"""alb-http-redirects-to-https: an application load balancer's HTTP listeners redirect to HTTPS (Security Hub ELB.1):
with an HTTPS listener, every HTTP listener redirects; an internet-facing one with only HTTP listeners gets one."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from ..findings import Findings
from ..stack import StackGraph, as_list
from ..stack.types import LB, LISTENER
from ..stack.values import UNKNOWN, as_bool
from ..stack_policy import stack_policy


def _redirects_to_https(listener) -> bool:
    return any(
        isinstance(a, dict) and a.get("type") == "redirect" and (a.get("redirect") or {}).get("protocol") == "HTTPS"
        for a in as_list(listener.get("defaultActions"))
    )


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    for lb in graph.of_type(LB):
        if (lb.get("loadBalancerType") or "application") != "application":
            continue  # ELB.1 is about application load balancers; an NLB's TCP/TLS listeners don't redirect
        listeners = graph.referrers(lb, "loadBalancerArn", LISTENER)
        https = [x for x in listeners if x.get("protocol") == "HTTPS"]
        plain = [x for x in listeners if x.get("protocol") == "HTTP" and not _redirects_to_https(x)]
        if https:
            findings.check()
            for listener in plain:
                findings.violation(
                    listener,
                    f"Listener {listener.name} of load balancer {lb.name} serves plain HTTP although HTTPS listener "
                    f"{https[0].name} exists; make its default action a redirect to HTTPS (port 443, HTTP_301).",
                )
            continue
        internal = as_bool(lb.get("internal"))
        if internal is UNKNOWN:
            findings.undecidable(lb, "whether it is internal is unknown during preview")
            continue
        if internal or not listeners:
            continue
        findings.check()
        for listener in plain:
            findings.violation(
                listener,
                f"Listener {listener.name} of internet-facing load balancer {lb.name} serves plain HTTP and the load "
                "balancer has no HTTPS listener (Security Hub ELB.1); add an HTTPS listener with an ACM certificate "
                "and make this one redirect to it (port 443, HTTP_301).",
            )


POLICY = stack_policy(
    name="alb-http-redirects-to-https",
    description=(
        "An application load balancer's HTTP listener doesn't redirect to HTTPS (Security Hub ELB.1): it has an HTTPS "
        "listener, or it is internet-facing with HTTP listeners only. Fix: an HTTPS listener, and make every HTTP "
        "listener's default action a redirect to HTTPS."
    ),
    level=EnforcementLevel.ADVISORY,
    check=check,
    nothing_to_check="no application load balancer with listeners in this stack",
)
