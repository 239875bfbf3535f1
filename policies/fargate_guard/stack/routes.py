"""Routing: the VPC a resource belongs to, which route tables apply to a subnet, what each route targets, and how a
subnet reaches the internet.

A subnet's route tables come from its `RouteTableAssociation`s, else from its VPC's main route table
(`MainRouteTableAssociation`, else the table AWS created with the VPC, one implicit node per VPC). Routes are a
table's inline `routes` plus every `aws.ec2.Route` pointing at it.

AWS's definitions (Amazon VPC User Guide): a subnet is public when its route table has a route to an internet
gateway, whatever the destination; a public NAT gateway reaches the internet only from a subnet whose route table
sends 0.0.0.0/0 to an internet gateway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .model import Index, Res, unique
from .snapshot import Snapshot
from .types import (
    CIDR_ASSOC,
    DEFAULT_ROUTE_CIDRS,
    DEFAULT_ROUTE_TABLE,
    ENDPOINT_RT_ASSOC,
    IGW,
    IGW_ATTACHMENT,
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
    NAT = "nat"  # a public NAT gateway in a subnet routed to an internet gateway
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
        nat = self.kind == RouteKind.OTHER and self.target is not None and self.target.type == NAT
        target = ("NAT gateway " if nat else what.get(self.kind, "gateway ")) + self.target_name
        return f"{self.table.label} sends {self.dest} to {target} ({self.label})"


@dataclass
class Egress:
    """How one subnet reaches the internet, through its route tables' default routes."""

    subnet: Res
    tables: list[Res]
    igw: list[Route] = field(default_factory=list)  # every route to an internet gateway: the subnet is public
    nat: list[Route] = field(default_factory=list)  # default routes to a NAT gateway that reaches the internet
    indirect: list[Route] = field(default_factory=list)  # through a transit gateway, peering, appliance...
    dead_nat: list[Route] = field(default_factory=list)  # default routes to a public NAT that reaches no IGW
    unusable_igw: bool = False  # its default route goes to an IGW, but the tasks judged have no public IP
    undecidable: list[str] = field(default_factory=list)

    @property
    def has_internet(self) -> bool:
        """A default route to an internet gateway or to a NAT gateway that reaches the internet."""
        return bool(self.nat) or any(r.dest in DEFAULT_ROUTE_CIDRS for r in self.igw)


def nat_connectivity(nat: Res) -> str | None:
    """A NAT gateway's connectivity: "public" (the default) or "private", or None when unknown during preview."""
    value = nat.get("connectivityType")
    return None if is_unknown(value) else (value or "public")


class Routing(Index):
    """Route tables, routes and egress, on top of the generic index."""

    def __init__(self, snap: Snapshot) -> None:
        super().__init__(snap)
        self._main_tables: dict[str, Res] = {}  # VPC URN -> its implicit main route table (or the DefaultRouteTable)
        self._egress: dict[str, Egress] = {}
        self._in_progress: set[str] = set()  # subnets whose egress is being computed (a NAT's subnet, recursively)
        self.implicit_per_vpc(IMPLICIT_MAIN_RT, self.implicit_main_table, ("mainRouteTableId", "defaultRouteTableId"))
        # Routes, associations and endpoints written against `vpc.main_route_table_id` point at that node.
        for holder, key in ((ROUTE, "routeTableId"), (RT_ASSOC, "routeTableId"), (ENDPOINT_RT_ASSOC, "routeTableId")):
            for res in self.of_type(holder):
                for table in self.refs(res, key, res.get(key), *ROUTE_TABLES).resources:
                    self.link(table, key, res)

    def vpc_of(self, res: Res) -> Res | None:
        """The VPC of a subnet, SG, route table, endpoint, IGW... (via `vpcId`, also when it is given as a secondary
        CIDR block association's `vpc_id`, or via a subnet for a NAT)."""
        if res.type == VPC:
            return res
        vpc = self.ref(res, "vpcId", VPC)
        if vpc is None and res.type != CIDR_ASSOC:
            assoc = self.ref(res, "vpcId", CIDR_ASSOC)
            vpc = self.vpc_of(assoc) if assoc else None
        if vpc is None and res.type == NAT:
            subnet = self.ref(res, "subnetId", SUBNET)
            return self.vpc_of(subnet) if subnet else None
        if vpc is None and res.type == DEFAULT_ROUTE_TABLE:
            return self.ref(res, "defaultRouteTableId", VPC)
        return vpc

    def vpc_cidr_blocks(self, vpc: Res) -> list[str | None]:
        """Every IPv4 CIDR block of a VPC: its primary block and its secondary blocks (None when unknown)."""
        blocks = [vpc.get("cidrBlock")] + [a.get("cidrBlock") for a in self.referrers(vpc, "vpcId", CIDR_ASSOC)]
        return [b if isinstance(b, str) and not is_unknown(b) else None for b in blocks]

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
        unsure: list[Route] = []  # inline routes whose gateway, unknown during preview, can't be attributed
        for i, r in enumerate(as_list(table.get("routes"))):
            if isinstance(r, dict):
                dest = r.get("cidrBlock") or r.get("ipv6CidrBlock") or r.get("destinationPrefixListId")
                label = f"inline route #{i + 1} ({dest}) of {table.name}"
                routes.append(self._route(table, table, label, dest, r, shared, shared, sole))
                if routes[-1].kind == RouteKind.UNKNOWN and is_unknown(r.get("gatewayId")):
                    unsure.append(routes[-1])
        igws = unique(self._igw_of(d) for d in shared if d.type in (IGW, IGW_ATTACHMENT))
        if unsure and igws and not any(r.kind == RouteKind.IGW for r in routes):
            # The IGW's id went into one of these routes (nothing else in a route takes it): the table has a route
            # to an internet gateway, which is all it takes to make its subnets public.
            labels = " or ".join(r.label for r in unsure)
            dests = " or ".join(str(r.dest) for r in unsure)
            target = igws[0] if len(igws) == 1 else None
            igw_names = ", ".join(sorted(g.name for g in igws))
            routes.append(Route(table, table, labels, dests, RouteKind.IGW, target, igw_names))
        for route in self.referrers(table, "routeTableId", ROUTE):
            dest = (
                route.get("destinationCidrBlock")
                or route.get("destinationIpv6CidrBlock")
                or route.get("destinationPrefixListId")
            )
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
                igws = unique(self._igw_of(d) for d in gateway_deps if d.type in (IGW, IGW_ATTACHMENT))
                others = [
                    d for d in gateway_deps if d.type not in (IGW, IGW_ATTACHMENT, VPC, SUBNET, MANAGED_PREFIX_LIST)
                ]
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
                target = self._igw_of(target) if target is not None and target.type == IGW_ATTACHMENT else target
                if (target and target.type in (IGW, IGW_ATTACHMENT)) or str(gateway_id).startswith("igw-"):
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
            reach = [self._nat_reaches_internet(c) for c in candidates]
            if all(ok is True for ok, _ in reach):
                return Route(table, holder, label, dest, RouteKind.NAT, target, name)
            if all(ok is False for ok, _ in reach):
                return Route(table, holder, label, dest, RouteKind.OTHER, target, f"{name} ({reach[0][1]})")
            why = "; ".join(w for ok, w in reach if ok is not True)
            return Route(table, holder, label, dest, RouteKind.UNKNOWN, target, name, f"{label}: {why}")
        if kinds == {"private"}:
            return Route(table, holder, label, dest, RouteKind.INDIRECT, target, f"private NAT gateway {name}")
        if len(candidates) == 1:
            why = f"{label} sends {dest} to NAT gateway {name}, whose connectivity_type is unknown during preview"
        else:
            listed = ", ".join(sorted(c.name for c in candidates))
            why = f"{label} sends {dest} to one of NAT gateways {listed}, not all of them public"
        return Route(table, holder, label, dest, RouteKind.UNKNOWN, target, name, why)

    def _igw_of(self, res: Res) -> Res:
        """An internet gateway, or the one an `InternetGatewayAttachment` attaches (the attachment itself when that
        IGW is not in this stack: it still names an internet gateway)."""
        if res.type == IGW_ATTACHMENT:
            return self.ref(res, "internetGatewayId", IGW) or res
        return res

    def _nat_reaches_internet(self, nat: Res) -> tuple[bool | None, str]:
        """Whether a public NAT gateway's own subnet sends 0.0.0.0/0 to an internet gateway (None: can't tell)."""
        subnet = self.ref(nat, "subnetId", SUBNET)
        if subnet is None:
            return None, f"the subnet of NAT gateway {nat.name} is not in this stack"
        if subnet.urn in self._in_progress:
            # Its subnet's default route is the one being followed, to a NAT gateway: it is no route to an IGW
            # (a route table holds one route per destination).
            return False, f"in subnet {subnet.name}, whose 0.0.0.0/0 route leads to a NAT gateway, not to an IGW"
        egress = self.egress_of_subnet(subnet)
        if any(r.dest == "0.0.0.0/0" for r in egress.igw):
            return True, ""
        if egress.undecidable:
            return None, f"whether NAT gateway {nat.name}'s subnet {subnet.name} routes to an internet gateway: " + (
                "; ".join(egress.undecidable)
            )
        return False, f"in subnet {subnet.name}, which has no 0.0.0.0/0 route to an internet gateway"

    def egress_of_subnet(self, subnet: Res) -> Egress:
        """How a subnet reaches the internet: its default routes to an IGW or a NAT, or why that is undecidable.

        Computed once per subnet and shared by every policy: callers read it, never change it.
        """
        cached = self._egress.get(subnet.urn)
        if cached is not None:
            return cached
        self._in_progress.add(subnet.urn)
        try:
            egress = self._egress_of(subnet)
        finally:
            self._in_progress.discard(subnet.urn)
        self._egress[subnet.urn] = egress
        return egress

    def _egress_of(self, subnet: Res) -> Egress:
        tables, why = self.route_tables_of_subnet(subnet)
        egress = Egress(subnet, tables)
        if why:
            egress.undecidable.append(why)
        for table in tables:
            for route in self.routes_of(table):
                if route.kind == RouteKind.IGW:
                    egress.igw.append(route)  # any route to an internet gateway makes the subnet public
                    if not isinstance(route.dest, str) or is_unknown(route.dest):
                        egress.undecidable.append(f"{route.label} has a destination unknown during preview")
                    continue
                if is_unknown(route.dest):
                    if route.kind in (RouteKind.NAT, RouteKind.UNKNOWN):
                        egress.undecidable.append(f"{route.label} has a destination unknown during preview")
                    continue
                if route.dest not in DEFAULT_ROUTE_CIDRS:
                    continue
                if route.kind == RouteKind.NAT:
                    egress.nat.append(route)
                elif route.kind == RouteKind.OTHER and route.target is not None and route.target.type == NAT:
                    egress.dead_nat.append(route)
                elif route.kind == RouteKind.INDIRECT:
                    egress.indirect.append(route)
                elif route.kind == RouteKind.UNKNOWN:
                    egress.undecidable.append(route.why or f"the target of {route.label} is unknown during preview")
        return egress

    def subnet_egress(self, subnets: list[Res]) -> list[Egress]:
        return [self.egress_of_subnet(s) for s in subnets]
