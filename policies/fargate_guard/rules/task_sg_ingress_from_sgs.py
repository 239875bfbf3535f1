"""task-sg-ingress-from-sgs: task SGs admit only the SGs of their load balancers and Service Connect peers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pulumi_policy import EnforcementLevel

from ..findings import Findings, names
from ..stack import Res, StackGraph, ports_within, span
from ..stack.types import ECS_SERVICE
from ..stack_policy import stack_policy


@dataclass(frozen=True)
class Denied:
    """The rule admits a source it must not: `what` names it for the message."""

    what: str


@dataclass(frozen=True)
class Undecided:
    """Whether the rule is allowed can't be told (yet): `reason` says why."""

    reason: str


def _ports(ports: set[int]) -> str:
    return "/".join(str(p) for p in sorted(ports)) or "none"


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    services = graph.of_type(ECS_SERVICE)
    by_namespace: dict[str, list[Res]] = defaultdict(list)
    task_sgs: dict[str, list[Res]] = {}
    for service in services:
        task_sgs[service.urn] = graph.service_network(service)[1].resources
        ns = graph.namespace_key(service)
        if ns:
            by_namespace[ns].append(service)
    reported: set[tuple[str, str]] = set()
    for service in services:
        if service.get("networkConfiguration") is None:
            continue  # not awsvpc (EC2 bridge/host networking): tasks use the instance's security groups
        findings.check()
        sgs = graph.service_network(service)[1]
        for value in sgs.unresolved:
            findings.undecidable(service, f"security group {value} is not in this stack")
        if not sgs.resources and not sgs.unresolved:
            findings.violation(
                service,
                f"ECS service {service.name} sets no security group, so its tasks get the VPC's default SG; "
                "give it a task SG that admits only its load balancer's SG and Service Connect peers.",
            )
            continue
        lbs, missing = graph.load_balancers_of(service)
        lb_sgs = {sg.urn for lb in lbs for sg in graph.lb_security_groups(lb).resources}
        lb_ports = graph.lb_ports(service)
        sc_ports, sc_aliases = graph.service_connect_ports(service)
        peers = [p for p in by_namespace.get(graph.namespace_key(service) or "", []) if p is not service]
        peer_sgs = {sg.urn for p in peers for sg in task_sgs[p.urn]} if sc_ports or sc_aliases is not None else set()
        for sg in sgs.resources:
            for ingress in graph.ingress_of(sg):
                judged = _judge(ingress, lb_sgs, lb_ports, peer_sgs, sc_ports, sc_aliases, missing)
                if judged is None:
                    continue
                if isinstance(judged, Undecided):
                    findings.undecidable(service, f"{ingress.label}: {judged.reason}")
                    continue
                key = (ingress.rule.urn, f"{sg.name}/{ingress.value}/{service.name}")
                if key in reported:
                    continue
                reported.add(key)
                allowed = _allowed(lbs, lb_ports, peers, sc_ports | (sc_aliases or set()))
                findings.violation(
                    ingress.rule,
                    f"Task security group {sg.name} of ECS service {service.name} admits {judged.what} "
                    f"({ingress.label}, {span(ingress.ports)}). {allowed} "
                    "Remove that rule or reference the right security group.",
                )


def _allowed(lbs: list[Res], lb_ports: set[int], peers: list[Res], sc_ports: set[int]) -> str:
    sources = []
    if lbs:
        sources.append(f"the SGs of load balancers {names(lbs)} on container port {_ports(lb_ports)}")
    if peers and sc_ports:
        sources.append(f"the task SGs of Service Connect callers {names(peers)} on port {_ports(sc_ports)}")
    if not sources:
        return "It has no load balancer and no Service Connect caller, so it should admit nothing."
    return f"It may admit only {' and '.join(sources)}."


def _judge(ingress, lb_sgs, lb_ports, peer_sgs, sc_ports, sc_aliases, missing) -> Denied | Undecided | None:
    """None when the ingress is allowed, Denied when it is not, Undecided when it can't be told."""
    if ingress.kind == "cidr":
        return Denied(f"the CIDR {ingress.value}")
    if ingress.kind == "ipv6":
        return Denied(f"the IPv6 CIDR {ingress.value}")
    if ingress.kind == "prefix-list":
        return Denied(f"the prefix list {ingress.value}")
    if ingress.kind != "sg" or ingress.source is None:
        if missing:
            return Undecided("; ".join(missing))
        return Undecided(f"source {ingress.value} is unknown or not in this stack")
    src = ingress.source.urn
    if src not in lb_sgs and src not in peer_sgs:
        if missing and not lb_sgs:
            return Undecided("; ".join(missing))
        return Denied(
            f"the security group {ingress.source.name}, which is neither the SG of a load balancer in front of it "
            "nor the task SG of a Service Connect caller"
        )
    if ingress.ambiguous:
        return None
    if ingress.ports is None:
        return Undecided("its ports are unknown during preview")
    allowed = (lb_ports if src in lb_sgs else set()) | (sc_ports if src in peer_sgs else set())
    if ports_within(ingress.ports, allowed):
        return None
    if src in peer_sgs and sc_aliases is not None:
        # The server's container port is unknown during preview. Its client alias port is the usual one, but a
        # guess never passes a rule: the rule is undecided until the container definitions are known.
        return Undecided("its Service Connect container port is unknown during preview")
    return Denied(f"the security group {ingress.source.name} on more than its container port")


POLICY = stack_policy(
    name="task-sg-ingress-from-sgs",
    description=(
        "An ECS task security group admits traffic from a CIDR, an IPv6 CIDR, a prefix list, an unrelated security "
        "group or on more than the container port. Fix: admit only the load balancer's SG (services behind one) and "
        "the task SGs of Service Connect callers in the same namespace, on the container port."
    ),
    level=EnforcementLevel.MANDATORY,
    check=check,
    nothing_to_check="no ECS service in this stack",
)
