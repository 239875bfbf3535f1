"""Routing: which route tables apply to a subnet, what each route targets, and how a subnet reaches the internet.

A subnet's route tables come from its `RouteTableAssociation`s, else from its VPC's main route table
(`MainRouteTableAssociation`, else the table AWS created with the VPC, one implicit node per VPC). Routes are a
table's inline `routes` plus every `aws.ec2.Route` pointing at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .model import Index, Res, unique
from .snapshot import Snapshot
from .types import (
    DEFAULT_ROUTE_CIDRS,
    DEFAULT_ROUTE_TABLE,
    ENDPOINT_RT_ASSOC,
    IGW,
    IMPLICIT_MAIN_RT,
    MAIN_RT_ASSOC,
    MANAGED_PREFIX_LIST,
    NAT,
    ROUTE,
    ROUTE_TABLES,
    RT_ASSOC,
    SUBNET,
    VPC,
)
from .values import as_list, is_unknown, known

# Route targets through which a default route may reach the internet via another network (centralized egress).
INDIRECT_TARGETS = {
    "transitGatewayId": "transit gateway",
    "vpcPeeringConnectionId": "VPC peering connection",
    "networkInterfaceId": "network interface",
    "vpcEndpointId": "gateway load balancer endpoint",
    "coreNetworkArn": "core network",
    "carrierGatewayId": "carrier gateway",
    "localGatewayId": "local gateway",
}


class RouteKind(StrEnum):
    IGW = "igw"  # an internet gateway
    NAT = "nat"  # a public NAT gateway
    INDIRECT = "indirect"  # another network that may reach the internet elsewhere (transit gateway, private NAT...)
    OTHER = "other"  # a target that never leads to the internet (a VPN gateway, no target)
    UNKNOWN = "unknown"  # can't be told during preview, or not in this stack


@dataclass
class Route:
    table: Res
    holder: Res  # the route table (inline route) or the aws.ec2.Route resource
    label: str
    dest: Any
    kind: RouteKind
    target: Res | None
    target_name: str
    why: str = ""  # when kind is UNKNOWN: why the target can't be told

    def describe(self) -> str:
        what = {RouteKind.IGW: "internet gateway ", RouteKind.NAT: "NAT gateway ", RouteKind.INDIRECT: ""}
        target = what.get(self.kind, "gateway ") + self.target_name
        return f"{self.table.label} sends {self.dest} to {target} ({self.label})"


@dataclass
class Egress:
    """How one subnet reaches the internet, through its route tables' default routes."""

    subnet: Res
    tables: list[Res]
    igw: list[Route] = field(default_factory=list)
    nat: list[Route] = field(default_factory=list)
    indirect: list[Route] = field(default_factory=list)  # through a transit gateway, peering, appliance...
    undecidable: list[str] = field(default_factory=list)

    @property
    def has_internet(self) -> bool:
        return bool(self.igw or self.nat)


def nat_connectivity(nat: Res) -> str | None:
    """A NAT gateway's connectivity: "public" (the default) or "private", or None when unknown during preview."""
    value = nat.get("connectivityType")
    return None if is_unknown(value) else (value or "public")


class Routing(Index):
    """Route tables, routes and egress, on top of the generic index."""

    def __init__(self, snap: Snapshot) -> None:
        super().__init__(snap)
        self._main_tables: dict[str, Res] = {}  # VPC URN -> its implicit main route table (or the DefaultRouteTable)
        self._main_by_id: dict[str, Res] = {}  # a VPC's known mainRouteTableId / defaultRouteTableId -> that node
        self._egress: dict[str, Egress] = {}
        for vpc in self.of_type(VPC):
            node = self.implicit_main_table(vpc)
            for key in ("mainRouteTableId", "defaultRouteTableId"):
                value = vpc.get(key)
                if isinstance(value, str) and value and not is_unknown(value) and value not in self.by_id:
                    self._main_by_id[value] = node
        # Routes, associations and endpoints written against `vpc.main_route_table_id` point at that node.
        for holder, key in ((ROUTE, "routeTableId"), (RT_ASSOC, "routeTableId"), (ENDPOINT_RT_ASSOC, "routeTableId")):
            for res in self.of_type(holder):
                for table in self.refs(res, key, res.get(key), *ROUTE_TABLES).resources:
                    self.link(table, key, res)

    def resolve_extra(self, value: str, types: tuple[str, ...]) -> Res | None:
        return self._main_by_id.get(value) if IMPLICIT_MAIN_RT in types else None

    def extra_candidates(self, res: Res, key: str, types: tuple[str, ...]) -> list[Res]:
        # A route table id that came from a VPC is its main route table (`vpc.main_route_table_id`).
        if IMPLICIT_MAIN_RT not in types:
            return []
        return unique(self.implicit_main_table(vpc) for vpc in res.dep_types(key, VPC))

    def vpc_of(self, res: Res) -> Res | None:
        """The VPC of a subnet, SG, route table, endpoint, IGW... (via `vpcId`, or via a subnet for a NAT)."""
        if res.type == VPC:
            return res
        vpc = self.ref(res, "vpcId", VPC)
        if vpc is None and res.type == NAT:
            subnet = self.ref(res, "subnetId", SUBNET)
            return self.vpc_of(subnet) if subnet else None
        if vpc is None and res.type == DEFAULT_ROUTE_TABLE:
            return self.ref(res, "defaultRouteTableId", VPC)
        return vpc

    def implicit_main_table(self, vpc: Res) -> Res:
        """The route table AWS created with the VPC (`vpc.main_route_table_id`): the `DefaultRouteTable` resource
        that adopts it, else one node standing for it, whose routes are the `aws.ec2.Route`s written against it."""
        node = self._main_tables.get(vpc.urn)
        if node is None:
            adopted = self.referrers(vpc, "defaultRouteTableId", DEFAULT_ROUTE_TABLE)
            default_id = known(vpc.get("defaultRouteTableId"))
            if not adopted and default_id:
                adopted = [t for t in self.of_type(DEFAULT_ROUTE_TABLE) if t.get("defaultRouteTableId") == default_id]
            if adopted:
                node = adopted[0]
            else:
                urn, name = f"{vpc.urn}#main-route-table", f"main route table of VPC {vpc.name}"
                node = Res(urn, IMPLICIT_MAIN_RT, name, {"vpcId": vpc.get("id")}, {"vpcId": [vpc]})
            self._main_tables[vpc.urn] = node
        return node

    def main_route_table(self, vpc: Res) -> tuple[Res | None, str | None]:
        """The route table of a VPC's subnets that have no association, or why it is not known."""
        for assoc in self.referrers(vpc, "vpcId", MAIN_RT_ASSOC):
            rt = self.ref(assoc, "routeTableId", *ROUTE_TABLES)
            if rt is None:
                return None, f"main route table association {assoc.name} points at a route table outside this stack"
            return rt, None
        main_id = known(vpc.get("mainRouteTableId"))
        if main_id and main_id in self.by_id and self.by_id[main_id].type in ROUTE_TABLES:
            return self.by_id[main_id], None  # refreshed after another table was made main
        # The table AWS created with the VPC: only the local route, plus whatever this stack adds to it.
        return self.implicit_main_table(vpc), None

    def route_tables_of_subnet(self, subnet: Res) -> tuple[list[Res], str | None]:
        """The route tables whose routes apply to a subnet, and why they could not be found (or None)."""
        tables: list[Res] = []
        for assoc in self.referrers(subnet, "subnetId", RT_ASSOC):
            rt = self.ref(assoc, "routeTableId", *ROUTE_TABLES)
            if rt is None:
                return [], f"route table association {assoc.name} points at a route table outside this stack"
            tables.append(rt)
        if tables:
            return unique(tables), None
        vpc = self.vpc_of(subnet)
        if vpc is None:
            return [], f"the VPC of subnet {subnet.name} is outside this stack"
        main, why = self.main_route_table(vpc)
        if main is None:
            return [], f"subnet {subnet.name} has no route table association and its VPC {vpc.name}'s {why}"
        return [main], None

    def routes_of(self, table: Res) -> list[Route]:
        """Every route of a table: its inline `routes` and the separate `aws.ec2.Route` resources that target it."""
        routes: list[Route] = []
        inline = [r for r in as_list(table.get("routes")) if isinstance(r, dict)]
        # Inline routes share one dependency list ("routes"): an unknown gateway id is one of its resources.
        shared = table.deps.get("routes", [])
        sole = sum(1 for r in inline if is_unknown(r.get("gatewayId"))) == 1
        for i, r in enumerate(as_list(table.get("routes"))):
            if isinstance(r, dict):
                dest = r.get("cidrBlock") or r.get("ipv6CidrBlock")
                label = f"inline route #{i + 1} ({dest}) of {table.name}"
                routes.append(self._route(table, table, label, dest, r, shared, shared, sole))
        for route in self.referrers(table, "routeTableId", ROUTE):
            dest = route.get("destinationCidrBlock") or route.get("destinationIpv6CidrBlock")
            gateways, nats = route.deps.get("gatewayId", []), route.deps.get("natGatewayId", [])
            routes.append(self._route(table, route, f"route {route.name} ({dest})", dest, route.props, gateways, nats))
        return routes

    def _route(self, table, holder, label, dest, props: dict, gateway_deps, nat_deps, sole=False) -> Route:
        """Classify one route by its target. `gateway_deps` / `nat_deps`: the resources an unknown gatewayId /
        natGatewayId may have come from; `sole`: it is the only inline route whose gatewayId is unknown."""
        gateway_id, nat_id = props.get("gatewayId"), props.get("natGatewayId")
        kind, target, target_name, why = RouteKind.OTHER, None, "", ""
        indirect = next((k for k in INDIRECT_TARGETS if props.get(k) is not None), None)
        if nat_id is not None:
            return self._nat_route(table, holder, label, dest, nat_id, [d for d in nat_deps if d.type == NAT])
        if gateway_id is not None:
            if is_unknown(gateway_id):
                igws = [d for d in gateway_deps if d.type == IGW]
                others = [d for d in gateway_deps if d.type not in (IGW, VPC, SUBNET, MANAGED_PREFIX_LIST)]
                target = igws[0] if len(igws) == 1 else None
                if igws and (not others or sole):
                    # Only an IGW could have given the id, or this is the one unknown gateway id its IGW went into.
                    kind = RouteKind.IGW
                else:
                    kind = RouteKind.UNKNOWN
                    candidates = unique(igws + others)
                    why = f"the gateway of {label} is unknown during preview" + (
                        f" (one of {', '.join(sorted(d.name for d in candidates))})" if candidates else ""
                    )
            else:
                target = self.by_id.get(gateway_id)
                if (target and target.type == IGW) or str(gateway_id).startswith("igw-"):
                    kind = RouteKind.IGW
            target_name = target.name if target else str(gateway_id)
        elif indirect:
            kind = RouteKind.INDIRECT
            value = props[indirect]
            if is_unknown(value):  # the dependency of its key (separate Route) or of `routes` that is no IGW/NAT
                deps = [d for d in holder.deps.get(indirect, holder.deps.get("routes", [])) if d.type not in (IGW, NAT)]
                target = deps[0] if len(deps) == 1 else None
            else:
                target = self.by_id.get(value)
            target_name = f"{INDIRECT_TARGETS[indirect]} {target.name if target else value}"
        return Route(table, holder, label, dest, kind, target, target_name, why)

    def _nat_route(self, table, holder, label, dest, nat_id, nat_deps) -> Route:
        """A route to a NAT gateway: internet egress only through a public NAT; a private NAT leads to another
        network (a transit gateway, a peered VPC), like the indirect targets."""
        if is_unknown(nat_id):
            candidates = nat_deps
        else:
            found = self.by_id.get(nat_id)
            candidates = [found] if found is not None and found.type == NAT else []
        target = candidates[0] if len(candidates) == 1 else None
        name = target.name if target else str(nat_id) if not is_unknown(nat_id) else "?"
        if not candidates:
            where = "which one is unknown during preview" if is_unknown(nat_id) else f"{nat_id} is not in this stack"
            why = f"{label} sends {dest} to a NAT gateway, but {where}, so whether it is public is unknown"
            return Route(table, holder, label, dest, RouteKind.UNKNOWN, None, name, why)
        kinds = {nat_connectivity(c) for c in candidates}
        if kinds == {"public"}:
            return Route(table, holder, label, dest, RouteKind.NAT, target, name)
        if kinds == {"private"}:
            return Route(table, holder, label, dest, RouteKind.INDIRECT, target, f"private NAT gateway {name}")
        if len(candidates) == 1:
            why = f"{label} sends {dest} to NAT gateway {name}, whose connectivity_type is unknown during preview"
        else:
            listed = ", ".join(sorted(c.name for c in candidates))
            why = f"{label} sends {dest} to one of NAT gateways {listed}, not all of them public"
        return Route(table, holder, label, dest, RouteKind.UNKNOWN, target, name, why)

    def egress_of_subnet(self, subnet: Res) -> Egress:
        """How a subnet reaches the internet: its default routes to an IGW or a NAT, or why that is undecidable.

        Computed once per subnet and shared by every policy: callers read it, never change it.
        """
        cached = self._egress.get(subnet.urn)
        if cached is not None:
            return cached
        tables, why = self.route_tables_of_subnet(subnet)
        egress = Egress(subnet, tables)
        if why:
            egress.undecidable.append(why)
        for table in tables:
            for route in self.routes_of(table):
                if is_unknown(route.dest):
                    if route.kind in (RouteKind.IGW, RouteKind.NAT, RouteKind.UNKNOWN):
                        egress.undecidable.append(f"{route.label} has a destination unknown during preview")
                    continue
                if route.dest not in DEFAULT_ROUTE_CIDRS:
                    continue
                if route.kind == RouteKind.IGW:
                    egress.igw.append(route)
                elif route.kind == RouteKind.NAT:
                    egress.nat.append(route)
                elif route.kind == RouteKind.INDIRECT:
                    egress.indirect.append(route)
                elif route.kind == RouteKind.UNKNOWN:
                    egress.undecidable.append(route.why or f"the target of {route.label} is unknown during preview")
        self._egress[subnet.urn] = egress
        return egress

    def subnet_egress(self, subnets: list[Res]) -> list[Egress]:
        return [self.egress_of_subnet(s) for s in subnets]
