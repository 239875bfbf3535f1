"""task-sg-ingress-from-sgs: task SGs admit only the SGs of their load balancers and Service Connect peers, on the
ports of the services that use them (one SG shared by several services may admit each one's port)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pulumi_policy import EnforcementLevel

from ..findings import Findings, names
from ..stack import Res, StackGraph, ports_within, span
from ..stack.types import ECS_SERVICE, IMPLICIT_DEFAULT_SG
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


@dataclass
class Callers:
    """The task SGs of Service Connect callers and the ports each may use: one (caller SG URNs, ports) group per
    service behind the task SG. Every service of a namespace calls every other, so a map from each caller SG to its
    ports, kept for each task SG, would grow as the square of the services."""

    groups: list[tuple[set[str], set[int]]] = field(default_factory=list)

    def add(self, sgs: set[str], ports: set[int]) -> None:
        if sgs:
            self.groups.append((sgs, ports))

    def __contains__(self, sg_urn: str) -> bool:
        return any(sg_urn in sgs for sgs, _ in self.groups)

    def ports(self, sg_urn: str | None = None) -> set[int]:
        """The ports caller SG `sg_urn` may use (every caller's when None)."""
        return set().union(*(ports for sgs, ports in self.groups if sg_urn is None or sg_urn in sgs))


@dataclass
class Allowed:
    """What a task SG may admit, over every service that uses it (services behind one load balancer may share it)."""

    services: list[Res] = field(default_factory=list)
    lbs: list[Res] = field(default_factory=list)
    peers: list[Res] = field(default_factory=list)
    lb: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))  # LB SG URN -> container ports
    peer: Callers = field(default_factory=Callers)  # caller task SGs -> Service Connect ports
    aliases: set[int] | None = None  # client alias ports of Service Connect entries whose port is unknown
    lb_ports_unknown: bool = False  # a service's load balancer container ports are unknown during preview
    missing: list[str] = field(default_factory=list)  # what could not be followed from service to load balancer


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    services = graph.of_type(ECS_SERVICE)
    by_namespace: dict[str, list[Res]] = defaultdict(list)
    task_sgs: dict[str, list[Res]] = {}
    for service in services:
        task_sgs[service.urn] = graph.service_network(service)[1].resources
        ns = graph.namespace_key(service)
        if ns:
            by_namespace[ns].append(service)
    allowed_by_sg: dict[str, Allowed] = {}
    sg_of: dict[str, Res] = {}
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
        lb_ports = graph.lb_ports(service)
        sc_ports, sc_aliases = graph.service_connect_ports(service)
        peers = [p for p in by_namespace.get(graph.namespace_key(service) or "", []) if p is not service]
        peer_sgs = {sg.urn for p in peers for sg in task_sgs[p.urn]} if sc_ports or sc_aliases is not None else set()
        for sg in sgs.resources:
            sg_of[sg.urn] = sg
            allowed = allowed_by_sg.setdefault(sg.urn, Allowed())
            allowed.services.append(service)
            allowed.lbs += [lb for lb in lbs if lb not in allowed.lbs]
            allowed.peers += [p for p in peers if p not in allowed.peers]
            allowed.missing += missing
            allowed.lb_ports_unknown |= lb_ports is None
            for lb in lbs:
                for lb_sg in graph.lb_security_groups(lb).resources:
                    allowed.lb[lb_sg.urn] |= lb_ports or set()
            allowed.peer.add(peer_sgs, sc_ports)
            if sc_aliases is not None:
                allowed.aliases = (allowed.aliases or set()) | sc_aliases
    for sg_urn, allowed in allowed_by_sg.items():
        _judge_sg(graph, sg_of[sg_urn], allowed, findings)


def _judge_sg(graph: StackGraph, sg: Res, allowed: Allowed, findings: Findings) -> None:
    users = allowed.services
    of = f"ECS service {users[0].name}" if len(users) == 1 else f"ECS services {names(users)}"
    reported: set[tuple[str, str]] = set()
    for ingress in graph.ingress_of(sg):
        judged = _judge(ingress, allowed)
        if judged is None:
            continue
        if isinstance(judged, Undecided):
            for service in users:
                findings.undecidable(service, f"{ingress.label}: {judged.reason}")
            continue
        if (ingress.rule.urn, ingress.value) in reported:
            continue
        reported.add((ingress.rule.urn, ingress.value))
        # The rule AWS gives a VPC's default SG is no resource of the stack: report it on the service using it.
        holder = users[0] if ingress.rule.type == IMPLICIT_DEFAULT_SG else ingress.rule
        findings.violation(
            holder,
            f"Task security group {sg.name} of {of} admits {judged.what} ({ingress.label}, {span(ingress.ports)}). "
            f"{_allowed(graph, allowed)} Remove that rule or reference the right security group.",
        )


def _allowed(graph: StackGraph, allowed: Allowed) -> str:
    sources = []
    lb_ports = set().union(*allowed.lb.values()) if allowed.lb else set()
    sc_ports = allowed.peer.ports()
    if allowed.lbs:
        shown = "its container port (unknown during preview)" if allowed.lb_ports_unknown else _ports(lb_ports)
        sources.append(f"the SGs of load balancers {names(allowed.lbs)} on container port {shown}")
    if allowed.peers and (sc_ports or allowed.aliases):
        ports = _ports(sc_ports | (allowed.aliases or set()))
        sources.append(f"the task SGs of Service Connect callers {names(allowed.peers)} on port {ports}")
    if not sources:
        return "It has no load balancer and no Service Connect caller, so it should admit nothing."
    text = f"It may admit only {' and '.join(sources)}."
    bare = [lb for lb in allowed.lbs if not graph.lb_security_groups(lb).resources and not lb.get("securityGroups")]
    if bare:
        text += (
            f" Load balancer {names(bare)} has no security group, so there is no SG to admit: give it one "
            "(security_groups on aws.lb.LoadBalancer; a network load balancer gets one only when it is created, "
            "so adding it replaces the load balancer) and admit that SG."
        )
    return text


def _judge(ingress, allowed: Allowed) -> Denied | Undecided | None:
    """None when the ingress is allowed, Denied when it is not, Undecided when it can't be told."""
    if ingress.kind == "cidr":
        return Denied(f"the CIDR {ingress.value}")
    if ingress.kind == "ipv6":
        return Denied(f"the IPv6 CIDR {ingress.value}")
    if ingress.kind == "prefix-list":
        return Denied(f"the prefix list {ingress.value}")
    if ingress.kind != "sg" or ingress.source is None:
        if allowed.missing:
            return Undecided("; ".join(dict.fromkeys(allowed.missing)))
        return Undecided(f"source {ingress.value} is unknown or not in this stack")
    src = ingress.source.urn
    if src not in allowed.lb and src not in allowed.peer:
        if allowed.missing and not allowed.lb:
            return Undecided("; ".join(dict.fromkeys(allowed.missing)))
        return Denied(
            f"the security group {ingress.source.name}, which is neither the SG of a load balancer in front of it "
            "nor the task SG of a Service Connect caller"
        )
    if ingress.ambiguous:
        return None
    if ingress.ports is None:
        return Undecided("its ports are unknown during preview")
    if ports_within(ingress.ports, allowed.lb.get(src, set()) | allowed.peer.ports(src)):
        return None
    if src in allowed.lb and allowed.lb_ports_unknown:
        return Undecided("the container port its load balancer targets is unknown during preview")
    if src in allowed.peer and allowed.aliases is not None:
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
