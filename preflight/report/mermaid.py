"""The topology as a Mermaid flowchart: a reviewer sees the network instead of reading 80 resources.

Subnets are grouped per VPC by tier (what their route tables send traffic to), services sit in the tier they run in,
and resources with a violation or a deploy-check finding are marked. Big stacks stay readable: each tier lists a few
subnets, the diagram draws a limited number of services and rules, and says what it summarised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import MARKS
from .topology import Service, Topology, Vpc

MAX_SUBNET_LINES = 3  # subnets listed per tier; the rest are counted
MAX_SERVICES = 12  # services drawn; the rest are one summary node
MAX_RULES = 5  # listener rules listed per listener
MAX_EDGES = 40  # Service Connect and security group edges drawn

_MARK_TITLES = {"deploy": "deploy check"}  # a mark's title in a node; a violation level is its own title
_TIER_TITLE = {
    "public": "public subnets · route to {detail}",
    "private": "private subnets · default route to {detail}",
    "isolated": "isolated subnets · no route out of the VPC",
    "other": "subnets routed to {detail}",
}


@dataclass
class Diagram:
    source: str
    notes: list[str] = field(default_factory=list)  # what was summarised


def _label(*lines: str) -> str:
    """A quoted Mermaid label; quotes escaped, lines joined with <br/>."""
    return '"' + "<br/>".join(line.replace('"', "#quot;") for line in lines if line) + '"'


def _id(prefix: str, name: str, used: set[str]) -> str:
    base = prefix + "_" + re.sub(r"\W+", "_", name).strip("_")
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}_{n}", n + 1
    used.add(candidate)
    return candidate


def _azs(azs: list[str]) -> str:
    return f"{len(azs)} AZ{'s' if len(azs) != 1 else ''}: {', '.join(azs)}" if azs else "AZ unknown"


class _Writer:
    def __init__(self, topology: Topology) -> None:
        self.topology = topology
        self.lines = ["flowchart TB"]
        self.used: set[str] = set()
        self.marked: dict[str, str] = {}  # node id -> level
        self.notes: list[str] = []

    def mark(self, node: str, urns: list[str]) -> str:
        """Mark `node` with the most severe mark among `urns` (model.MARKS); returns a title prefix."""
        marks = [self.topology.flagged[u] for u in urns if u in self.topology.flagged]
        if not marks:
            return ""
        mark = min(marks, key=MARKS.index)
        self.marked[node] = mark
        return f"⚠ {_MARK_TITLES.get(mark, mark)}: "

    def node(
        self, indent: str, prefix: str, name: str, urns: list[str], *lines: str, shape: tuple[str, str] = ("[", "]")
    ) -> str:
        node = _id(prefix, name, self.used)
        warning = self.mark(node, urns)
        first = (warning + lines[0]) if lines else warning
        self.lines.append(f"{indent}{node}{shape[0]}{_label(first, *lines[1:])}{shape[1]}")
        return node


def _service_lines(service: Service) -> list[str]:
    count = f"{service.desired_count} task{'s' if service.desired_count != 1 else ''}"
    size = f"{service.cpu:g} vCPU / {service.memory:g} GB" if service.cpu else ""
    placement = "+".join(service.tiers) or "subnets unknown"
    return [
        f"service {service.name}",
        f"{placement} · {count} · {_azs(service.azs)}",
        "public IP" if service.public_ip else "no public IP",
        f"data-classification: {service.sensitivity}" if service.sensitivity else "",
        size,
    ]


def _vpc(writer: _Writer, vpc: Vpc, services: list[Service], service_nodes: dict[str, str]) -> dict[str, str]:
    """Draws one VPC; returns ids of the gateway nodes ("igw", "nat") for edges."""
    lines, topology = writer.lines, writer.topology
    vpc_id = _id("vpc", vpc.name, writer.used)
    warning = writer.mark(vpc_id, [vpc.urn])
    title = f"{warning}VPC {vpc.name} · {', '.join(vpc.cidrs)} · {_azs(vpc.azs)}"
    lines.append(f"  subgraph {vpc_id}[{_label(title)}]")
    lines.append("    direction TB")
    gateways: dict[str, str] = {}
    if vpc.igw:
        gateways["igw"] = writer.node("    ", "igw", vpc.name, [], "internet gateway", shape=("{{", "}}"))
    placed = {s.name for s in services if len(s.tiers) == 1}
    for tier in vpc.tiers:
        tier_id = _id("tier", f"{vpc.name}_{tier.tier}", writer.used)
        details = sorted({s.route_detail for s in tier.subnets})
        detail = details[0] if len(details) == 1 else f"{tier.route} (per AZ: {len(details)})"
        lines.append(f"    subgraph {tier_id}[{_label(_TIER_TITLE[tier.tier].format(detail=detail))}]")
        shown = [f"{s.name} · {s.cidr} · {s.az}" for s in tier.subnets[:MAX_SUBNET_LINES]]
        rest = tier.subnets[MAX_SUBNET_LINES:]
        if rest:
            shown.append(f"… and {len(rest)} more in {len({s.az for s in rest})} AZs")
            writer.notes.append(f"{tier.tier} subnets of {vpc.name}: {MAX_SUBNET_LINES} of {len(tier.subnets)} listed")
        writer.node(
            "      ",
            "subnets",
            f"{vpc.name}_{tier.tier}",
            [s.urn for s in tier.subnets],
            f"{len(tier.subnets)} {tier.tier} subnet{'s' if len(tier.subnets) != 1 else ''}",
            *shown,
        )
        if tier.tier == "public" and vpc.nat_gateways:
            nats = vpc.nat_gateways
            kind = (
                "public, Elastic IP"
                if all(n.public and n.eip for n in nats)
                else "public"
                if nats[0].public
                else "private"
            )
            gateways["nat"] = writer.node(
                "      ",
                "nat",
                vpc.name,
                [n.urn for n in nats],
                f"NAT gateway{'s' if len(nats) != 1 else ''} x{len(nats)} ({kind})",
                _azs(sorted({n.az for n in nats})),
            )
        for balancer in topology.load_balancers:
            in_tier = tier.tier == ("private" if balancer.internal else "public")
            if in_tier and balancer.azs and set(balancer.azs) <= set(vpc.azs) and balancer.name not in service_nodes:
                service_nodes[balancer.name] = _balancer(writer, balancer)
        for service in services:
            if service.name in placed and service.tiers == [tier.tier]:
                service_nodes[service.name] = writer.node(
                    "      ", "svc", service.name, service.covers, *_service_lines(service)
                )
        lines.append("    end")
    for service in services:
        if service.name not in service_nodes:
            service_nodes[service.name] = writer.node(
                "    ", "svc", service.name, service.covers, *_service_lines(service)
            )
    gateway = [e for e in vpc.endpoints if e.type == "Gateway"]
    interface = [e for e in vpc.endpoints if e.type != "Gateway"]
    if gateway:
        writer.node(
            "    ",
            "gwep",
            vpc.name,
            [e.urn for e in gateway],
            "gateway endpoints (free)",
            ", ".join(e.service for e in gateway),
        )
    if interface:
        by_azs: dict[tuple[str, ...], list[str]] = {}
        for endpoint in interface:
            by_azs.setdefault(tuple(endpoint.azs), []).append(endpoint.service)
        writer.node(
            "    ",
            "ifep",
            vpc.name,
            [e.urn for e in interface],
            f"interface endpoints x{len(interface)}",
            *[f"{', '.join(names)} · {_azs(list(azs))}" for azs, names in by_azs.items()],
        )
    lines.append("  end")
    return gateways


def _balancer(writer: _Writer, balancer) -> str:
    lines = [
        f"{'ALB' if balancer.type == 'application' else balancer.type.upper()} {balancer.name}",
        f"{'internal' if balancer.internal else 'internet-facing'} · {_azs(balancer.azs)}",
    ]
    for listener in balancer.listeners:
        rules = listener.rules
        described = [f"{r.match} {r.action}" if r.match != "default" else f"default {r.action}" for r in rules]
        if len(described) > MAX_RULES:
            writer.notes.append(f"listener {listener.name}: {MAX_RULES} of {len(described)} rules listed")
            described = [*described[: MAX_RULES - 1], f"… {len(described) - MAX_RULES + 1} more", described[-1]]
        lines.append(f"{listener.protocol}:{listener.port} · " + "; ".join(described))
    urns = [balancer.urn] + [lst.urn for lst in balancer.listeners] + balancer.security_groups
    return writer.node("      ", "lb", balancer.name, urns, *lines)


def render_mermaid(topology: Topology) -> Diagram:
    writer = _Writer(topology)
    lines = writer.lines
    services = topology.services
    if len(services) > MAX_SERVICES:
        writer.notes.append(f"services: {MAX_SERVICES} of {len(services)} drawn")
        services = services[:MAX_SERVICES]
    internet = writer.node("  ", "internet", "internet", [], "Internet", shape=("((", "))"))
    service_nodes: dict[str, str] = {}
    gateways: list[dict[str, str]] = []
    for vpc in topology.vpcs:
        gateways.append(_vpc(writer, vpc, [s for s in services if s.vpc == vpc.name], service_nodes))
    for service in services:
        if service.name not in service_nodes:
            service_nodes[service.name] = writer.node(
                "  ", "svc", service.name, service.covers, *_service_lines(service)
            )
    for balancer in topology.load_balancers:
        if balancer.name not in service_nodes:
            service_nodes[balancer.name] = _balancer(writer, balancer)
    hidden = topology.services[MAX_SERVICES:]
    if hidden:
        writer.node("  ", "more", "services", [s.urn for s in hidden], f"… and {len(hidden)} more services")
    edges: list[str] = []
    for gateway in gateways:
        if "igw" in gateway:
            edges.append(f"  {gateway['igw']} --- {internet}")
        if "nat" in gateway and "igw" in gateway:
            edges.append(f"  {gateway['nat']} --> {gateway['igw']}")
    for balancer in topology.load_balancers:
        if not balancer.internal and balancer.name in service_nodes:
            edges.append(f"  {internet} --> {service_nodes[balancer.name]}")
    connections = [(e, "-->", "SG ") for e in topology.sg_edges] + [
        (e, "-.->", "Service Connect ") for e in topology.service_connect
    ]
    drawn = [
        (e, arrow, kind) for e, arrow, kind in connections if e.source in service_nodes and e.target in service_nodes
    ]
    if len(drawn) > MAX_EDGES:
        writer.notes.append(f"connections: {MAX_EDGES} of {len(drawn)} drawn")
        drawn = drawn[:MAX_EDGES]
    for edge, arrow, kind in drawn:
        edges.append(
            f"  {service_nodes[edge.source]} {arrow}|{_label(kind + edge.label)}| {service_nodes[edge.target]}"
        )
    lines += edges
    if writer.notes:
        writer.node("  ", "note", "summarised", [], "summarised for readability:", *writer.notes)
    lines.append("  classDef mandatory fill:#fde2e2,stroke:#c0392b,stroke-width:3px")
    lines.append("  classDef remediate fill:#fde2e2,stroke:#c0392b,stroke-width:2px")
    lines.append("  classDef advisory fill:#fff4d6,stroke:#d68910,stroke-width:2px")
    if "deploy" in writer.marked.values():
        lines.append("  classDef deploy fill:#f5b7b1,stroke:#922b21,stroke-width:3px,stroke-dasharray:6 3")
    for level in MARKS:
        nodes = [node for node, found in writer.marked.items() if found == level]
        if nodes:
            lines.append(f"  class {','.join(nodes)} {level}")
    return Diagram("\n".join(lines) + "\n", writer.notes)
