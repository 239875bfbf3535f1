"""One index of a stack's resources, shared by every policy, that relates resources without needing their ids.

In a first `pulumi preview` every id and ARN is unknown, so a policy that joins `subnet.vpcId == vpc.id` decides
nothing. The engine still tells us, for each top-level input, which resources its value came from
(`property_dependencies`). This module joins through those first and falls back to comparing ids and ARNs when they
are known (update mode, or references to resources outside the stack).

Everything here reads plain data: `plain()` unwraps pulumi_policy's unknown-checking proxies once, so reading an
unknown never raises `UnknownValueError` (which would turn a policy into "can't run during preview").
"""

from __future__ import annotations

import ipaddress
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy.proxy import _DictProxy, _ListProxy

# The engine's sentinels for values that can't be known during preview (pulumi_policy/proxy.py).
UNKNOWNS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
        "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
        "e48ece36-62e2-4504-bad9-02848725956a",  # archive
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
    }
)

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
IGW = "aws:ec2/internetGateway:InternetGateway"
NAT = "aws:ec2/natGateway:NatGateway"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
DEFAULT_ROUTE_TABLE = "aws:ec2/defaultRouteTable:DefaultRouteTable"
ROUTE = "aws:ec2/route:Route"
RT_ASSOC = "aws:ec2/routeTableAssociation:RouteTableAssociation"
MAIN_RT_ASSOC = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ENDPOINT_RT_ASSOC = "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation"
SG = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
ECS_SERVICE = "aws:ecs/service:Service"
TASK_DEF = "aws:ecs/taskDefinition:TaskDefinition"
ECR_REPO = "aws:ecr/repository:Repository"
PULL_THROUGH_RULE = "aws:ecr/pullThroughCacheRule:PullThroughCacheRule"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
MANAGED_PREFIX_LIST = "aws:ec2/managedPrefixList:ManagedPrefixList"
# Not a resource of the stack: the main route table AWS creates with each VPC, which the stack reaches only through
# `vpc.main_route_table_id` / `vpc.default_route_table_id` (one node per VPC, see StackGraph.implicit_main_table).
IMPLICIT_MAIN_RT = "fargate-guard:implicit/mainRouteTable"
ROUTE_TABLES = (ROUTE_TABLE, DEFAULT_ROUTE_TABLE, IMPLICIT_MAIN_RT)
CLUSTER = "aws:ecs/cluster:Cluster"
NAMESPACES = (
    "aws:servicediscovery/httpNamespace:HttpNamespace",
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
    "aws:servicediscovery/publicDnsNamespace:PublicDnsNamespace",
)

DEFAULT_ROUTE_CIDRS = ("0.0.0.0/0", "::/0")
# Input names of the separate ingress rule resources: protocol, source SG, IPv4 CIDR, IPv6 CIDR, prefix list, self.
SEPARATE_RULE_KEYS = {
    SG_RULE: ("protocol", "sourceSecurityGroupId", "cidrBlocks", "ipv6CidrBlocks", "prefixListIds", "self"),
    SG_INGRESS_RULE: ("ipProtocol", "referencedSecurityGroupId", "cidrIpv4", "cidrIpv6", "prefixListId", None),
}
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


def is_unknown(value: Any) -> bool:
    """True when the engine sent the value as "unknown during preview"."""
    return isinstance(value, str) and value in UNKNOWNS


def plain(value: Any) -> Any:
    """Unwrap pulumi_policy's proxies into plain dicts and lists, leaving unknown sentinels in place.

    Every stack policy unwraps the whole stack, so the common shapes take exact-type fast paths (ABC isinstance
    checks cost more than the copying).
    """
    kind = type(value)
    if kind is _DictProxy or kind is _ListProxy:
        value = value["__target"]
        kind = type(value)
    if kind is dict:
        return {k: plain(v) for k, v in value.items()}
    if kind is list:
        return [plain(v) for v in value]
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [plain(v) for v in value]
    return value


def known(value: Any) -> Any:
    """The value, or None when it is unknown."""
    return None if is_unknown(value) else value


def as_list(value: Any) -> list:
    """A list input as a list: None -> [], an unknown array -> [the sentinel]."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def normalize_type(type_token: str) -> str:
    """The `aws:alb/...` aliases of the load balancer types are the same resources as `aws:lb/...`."""
    return "aws:lb/" + type_token[len("aws:alb/") :] if type_token.startswith("aws:alb/") else type_token


def port_range(from_port: Any, to_port: Any, protocol: Any) -> tuple[int, int] | None:
    """The inclusive port range a rule admits, or None when unknown. Protocol -1/all admits every port."""
    if str(protocol).lower() in ("-1", "all"):
        return (0, 65535)
    if is_unknown(from_port) or is_unknown(to_port) or is_unknown(protocol):
        return None
    lo = as_port(from_port) if from_port is not None else 0
    hi = as_port(to_port) if to_port is not None else 65535
    return None if lo is None or hi is None else (lo, hi)


def as_port(value: Any) -> int | None:
    """A port number from a JSON number or numeric string; None for anything else (unknowns included)."""
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def endpoint_service(endpoint: Res) -> str | None:
    """The service part of an endpoint's service name ("s3", "ecr.dkr", "logs"), or None when unknown."""
    name = endpoint.get("serviceName")
    if not isinstance(name, str) or is_unknown(name):
        return None
    parts = name.split(".")
    return ".".join(parts[3:]) if len(parts) > 3 and parts[0] == "com" else name


def endpoint_type(endpoint: Res) -> str | None:
    """Gateway, Interface, GatewayLoadBalancer... (a missing type means Gateway), or None when unknown."""
    kind = endpoint.get("vpcEndpointType") or "Gateway"
    return None if is_unknown(kind) else kind


def span(ports: tuple[int, int] | None) -> str:
    if ports is None:
        return "unknown ports"
    lo, hi = ports
    return f"port {lo}" if lo == hi else f"ports {lo}-{hi}"


def ports_within(ports: tuple[int, int], allowed: set[int]) -> bool:
    """Whether every port of an inclusive range is in `allowed`."""
    lo, hi = ports
    return hi - lo < len(allowed) and all(p in allowed for p in range(lo, hi + 1))


def cidr_covers(outer: str, inner: str) -> bool:
    try:
        return ipaddress.ip_network(inner, strict=False).subnet_of(ipaddress.ip_network(outer, strict=False))
    except (ValueError, TypeError):
        return False


@dataclass(eq=False)
class Res:
    """A resource of the stack, its inputs as plain data and its links as other `Res`."""

    urn: str
    type: str
    name: str
    props: dict
    deps: dict[str, list[Res]] = field(default_factory=dict)
    parent: Res | None = None

    def get(self, key: str, default: Any = None) -> Any:
        return self.props.get(key, default)

    def dep_types(self, key: str, *types: str) -> list[Res]:
        return [d for d in self.deps.get(key, []) if d.type in types]

    def tags(self) -> dict:
        """The known tags (`tags`, and the provider's `tagsAll` when known); unknown ones are left out."""
        out = {}
        for key in ("tagsAll", "tags"):
            tags = self.props.get(key)
            if isinstance(tags, dict):
                out.update({k: v for k, v in tags.items() if not is_unknown(v)})
        return out

    def tag(self, key: str) -> tuple[Any, bool]:
        """(the known value of tag `key` or None, whether it may still be set by a value unknown during preview).

        `tags` is what the program sets; `tagsAll` (tags plus the provider's default tags) is read when known.
        """
        value, unknown = None, False
        for prop in ("tags", "tagsAll"):
            tags = self.props.get(prop)
            if isinstance(tags, dict) and tags.get(key) is not None:
                if is_unknown(tags[key]):
                    unknown |= prop == "tags"
                elif value is None:
                    value = tags[key]
            elif prop == "tags" and is_unknown(tags):
                unknown = True
        return value, unknown and value is None

    @property
    def label(self) -> str:
        """How a message names a route table (the implicit main route table is no resource of the stack)."""
        return self.name if self.type == IMPLICIT_MAIN_RT else f"route table {self.name}"

    def __repr__(self) -> str:
        return f"Res({self.type}::{self.name})"


@dataclass
class Refs:
    """Resources a property points at, plus how many of its values could not be resolved (unknown or external)."""

    resources: list[Res]
    unresolved: list[str]


@dataclass
class Ingress:
    """One source admitted by an ingress rule of a security group, whichever way the rule was written."""

    rule: Res  # the resource holding the rule: the SG itself (inline) or a separate rule resource
    label: str  # how a reviewer finds the rule: "inline ingress #2" or the rule resource's name
    kind: str  # "cidr", "ipv6", "prefix-list", "sg" or "unknown"
    value: str  # the CIDR / prefix list id / SG name
    source: Res | None  # the source SG when kind == "sg" and it is in the stack
    ports: tuple[int, int] | None  # None when unknown
    protocol: str
    ambiguous: bool = False  # an inline rule's unknown SG, known only to be one of the inline rules' SGs

    def admits(self, port: int) -> bool:
        return self.ports is not None and self.ports[0] <= port <= self.ports[1]


class StackGraph:
    """Indexes the stack once (by URN, by id/ARN, by type, and reverse links), in time linear in its size."""

    def __init__(self, resources: Iterable[Any], stack_tags: Mapping[str, str] | None = None) -> None:
        self.stack_tags = dict(stack_tags or {})
        self.all: list[Res] = []
        self.by_urn: dict[str, Res] = {}
        self.by_id: dict[str, Res] = {}
        self.by_type: dict[str, list[Res]] = defaultdict(list)
        raw = list(resources)
        for r in raw:
            res = Res(r.urn, normalize_type(r.resource_type), r.name, plain(r.props))
            self.all.append(res)
            self.by_urn[res.urn] = res
            self.by_type[res.type].append(res)
            for key in ("id", "arn"):
                value = res.props.get(key)
                if isinstance(value, str) and value and not is_unknown(value):
                    self.by_id[value] = res
        for r, res in zip(raw, self.all, strict=True):
            res.parent = self.by_urn.get(getattr(r.parent, "urn", None) or "")
            res.deps = {
                k: [self.by_urn[d.urn] for d in v if d.urn in self.by_urn]
                for k, v in (r.property_dependencies or {}).items()
            }
        self._endpoints_by_vpc: dict[str, list[Res]] | None = None
        self._reverse: dict[tuple[str, str], list[Res]] = defaultdict(list)
        self._linked: set[tuple[int, str, int]] = set()
        for res in self.all:
            for key, targets in res.deps.items():
                for target in targets:
                    self._link(target, key, res)
            for key, value in res.props.items():
                for v in _strings(value):
                    if v in self.by_id:
                        self._link(self.by_id[v], key, res)
        self._main_tables: dict[str, Res] = {}  # VPC URN -> its implicit main route table (or the DefaultRouteTable)
        self._main_by_id: dict[str, Res] = {}  # a VPC's known mainRouteTableId / defaultRouteTableId -> that node
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
                    self._link(table, key, res)

    def _link(self, target: Res, key: str, source: Res) -> None:
        mark = (id(target), key, id(source))
        if mark not in self._linked:
            self._linked.add(mark)
            self._reverse[(target.urn, key)].append(source)

    # ---- generic lookups ------------------------------------------------------------------------------------
    def of_type(self, *types: str) -> list[Res]:
        return [r for t in types for r in self.by_type.get(t, [])]

    def referrers(self, target: Res, key: str, *types: str) -> list[Res]:
        """Resources of `types` whose top-level input `key` points at `target` (by dependency or by id)."""
        return [r for r in self._reverse.get((target.urn, key), []) if r.type in types]

    def refs(self, res: Res, key: str, values: Any, *types: str) -> Refs:
        """Resolve `values` (ids/ARNs, possibly unknown), found under top-level input `key`, to resources of `types`.

        Known values resolve by id/ARN. Unknown values resolve through the key's property dependencies of the right
        type not matched yet (all of them: the engine only tells which resources the key's value came from).
        """
        values = [v for v in as_list(values) if v is not None]
        found: list[Res] = []
        unresolved: list[str] = []
        unknown = 0
        mains = IMPLICIT_MAIN_RT in types
        for v in values:
            if is_unknown(v):
                unknown += 1
            elif isinstance(v, str) and v in self.by_id and self.by_id[v].type in types:
                found.append(self.by_id[v])
            elif mains and isinstance(v, str) and v in self._main_by_id:
                found.append(self._main_by_id[v])
            else:
                unresolved.append(str(v))
        if unknown:
            # An unknown value came from one of the key's dependencies; with as many candidates as unknowns (or a
            # whole list unknown) they are exactly those resources.
            candidates = [d for d in res.dep_types(key, *types) if d not in found]
            if mains and len(candidates) < unknown:
                # A route table id that came from a VPC is its main route table (`vpc.main_route_table_id`).
                implicit = [self.implicit_main_table(vpc) for vpc in res.dep_types(key, VPC)]
                candidates += [t for t in _unique(implicit) if t not in found and t not in candidates]
            found.extend(candidates)
            if len(candidates) < unknown and not (len(values) == 1 and candidates):
                unresolved.extend(["<unknown>"] * (unknown - len(candidates)))
        return Refs(_unique(found), unresolved)

    def ref(self, res: Res, key: str, *types: str) -> Res | None:
        """The single resource a scalar top-level input points at, or None."""
        refs = self.refs(res, key, res.get(key), *types)
        if refs.resources:
            return refs.resources[0]
        deps = res.dep_types(key, *types)
        return deps[0] if len(deps) == 1 else None

    # ---- networking ------------------------------------------------------------------------------------------
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
            return _unique(tables), None
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
        kind, target, target_name, why = "other", None, "", ""
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
                    kind = "igw"
                else:
                    kind = "unknown"
                    candidates = _unique(igws + others)
                    why = f"the gateway of {label} is unknown during preview" + (
                        f" (one of {', '.join(sorted(d.name for d in candidates))})" if candidates else ""
                    )
            else:
                target = self.by_id.get(gateway_id)
                if (target and target.type == IGW) or str(gateway_id).startswith("igw-"):
                    kind = "igw"
            target_name = target.name if target else str(gateway_id)
        elif indirect:
            kind = "indirect"
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
            return Route(table, holder, label, dest, "unknown", None, name, why)
        kinds = {_connectivity(c) for c in candidates}
        if kinds == {"public"}:
            return Route(table, holder, label, dest, "nat", target, name)
        if kinds == {"private"}:
            return Route(table, holder, label, dest, "indirect", target, f"private NAT gateway {name}")
        if len(candidates) == 1:
            why = f"{label} sends {dest} to NAT gateway {name}, whose connectivity_type is unknown during preview"
        else:
            listed = ", ".join(sorted(c.name for c in candidates))
            why = f"{label} sends {dest} to one of NAT gateways {listed}, not all of them public"
        return Route(table, holder, label, dest, "unknown", target, name, why)

    def egress_of_subnet(self, subnet: Res) -> Egress:
        """How a subnet reaches the internet: its default routes to an IGW or a NAT, or why that is undecidable."""
        tables, why = self.route_tables_of_subnet(subnet)
        egress = Egress(subnet, tables)
        if why:
            egress.undecidable.append(why)
        for table in tables:
            for route in self.routes_of(table):
                if is_unknown(route.dest):
                    if route.kind in ("igw", "nat", "unknown"):
                        egress.undecidable.append(f"{route.label} has a destination unknown during preview")
                    continue
                if route.dest not in DEFAULT_ROUTE_CIDRS:
                    continue
                if route.kind == "igw":
                    egress.igw.append(route)
                elif route.kind == "nat":
                    egress.nat.append(route)
                elif route.kind == "indirect":
                    egress.indirect.append(route)
                elif route.kind == "unknown":
                    egress.undecidable.append(route.why or f"the target of {route.label} is unknown during preview")
        return egress

    # ---- security groups -------------------------------------------------------------------------------------
    def ingress_of(self, sg: Res) -> list[Ingress]:
        """Every ingress source admitted by a security group: inline rules, SecurityGroupRule and
        SecurityGroupIngressRule resources."""
        out: list[Ingress] = []
        inline = as_list(sg.get("ingress"))
        for i, rule in enumerate(inline):
            if not isinstance(rule, dict):
                out.append(Ingress(sg, f"inline ingress of {sg.name}", "unknown", "?", None, None, "?"))
                continue
            ports = port_range(rule.get("fromPort"), rule.get("toPort"), rule.get("protocol"))
            label = f"inline ingress #{i + 1} of {sg.name}"
            proto = str(rule.get("protocol"))
            out += self._sources(
                sg,
                sg,
                label,
                ports,
                proto,
                "ingress",
                rule.get("cidrBlocks"),
                rule.get("ipv6CidrBlocks"),
                rule.get("prefixListIds"),
                rule.get("securityGroups"),
                bool(rule.get("self")),
                shared_key=len(inline) > 1,
            )
        for typ, (proto_key, sg_key, cidr4, cidr6, prefixes, self_key) in SEPARATE_RULE_KEYS.items():
            for rule in self.referrers(sg, "securityGroupId", typ):
                if typ == SG_RULE and rule.get("type") != "ingress":
                    continue
                proto = str(rule.get(proto_key))
                ports = port_range(rule.get("fromPort"), rule.get("toPort"), proto)
                out += self._sources(
                    sg,
                    rule,
                    f"rule {rule.name}",
                    ports,
                    proto,
                    sg_key,
                    rule.get(cidr4),
                    rule.get(cidr6),
                    rule.get(prefixes),
                    rule.get(sg_key),
                    bool(self_key and rule.get(self_key)),
                )
        return out

    def _sources(
        self, sg, holder, label, ports, proto, sg_key, cidrs, cidrs6, prefixes, sgs, self_ref, shared_key=False
    ) -> list[Ingress]:
        out: list[Ingress] = []
        for kind, values in (("cidr", cidrs), ("ipv6", cidrs6), ("prefix-list", prefixes)):
            for v in as_list(values):
                out.append(Ingress(holder, label, kind, "<unknown>" if is_unknown(v) else str(v), None, ports, proto))
        if self_ref:
            out.append(Ingress(holder, label, "sg", sg.name, sg, ports, proto))
        sg_values = [v for v in as_list(sgs) if v is not None]
        if sg_values:
            if shared_key and any(is_unknown(v) for v in sg_values):
                # Inline rules share one dependency list ("ingress"): an unknown SG of one rule could be any SG
                # any inline rule depends on. Name the ones we can, and keep the rest as candidates.
                known_refs = self.refs(holder, sg_key, [v for v in sg_values if not is_unknown(v)], SG)
                candidates = holder.dep_types(sg_key, SG)
                vague = f"one of the inline ingress rules of {sg.name}"
                for src in _unique(known_refs.resources + candidates):
                    out.append(Ingress(holder, vague, "sg", src.name, src, ports, proto, ambiguous=True))
                for v in known_refs.unresolved:
                    out.append(Ingress(holder, label, "sg", v, None, ports, proto))
            else:
                refs = self.refs(holder, sg_key, sg_values, SG)
                for src in refs.resources:
                    out.append(Ingress(holder, label, "sg", src.name, src, ports, proto))
                for v in refs.unresolved:
                    out.append(Ingress(holder, label, "sg", v, None, ports, proto))
        return out

    # ---- ECS -------------------------------------------------------------------------------------------------
    def service_network(self, service: Res) -> tuple[Refs, Refs]:
        """(subnets, security groups) of an ECS service's awsvpc network configuration."""
        net = service.get("networkConfiguration")
        if is_unknown(net):
            return Refs([], ["<unknown network configuration>"]), Refs([], ["<unknown network configuration>"])
        net = net if isinstance(net, dict) else {}
        subnets = self.refs(service, "networkConfiguration", net.get("subnets"), SUBNET)
        sgs = self.refs(service, "networkConfiguration", net.get("securityGroups"), SG)
        return subnets, sgs

    def task_definition(self, service: Res) -> Res | None:
        return self.ref(service, "taskDefinition", TASK_DEF)

    def containers(self, task_def: Res | None) -> list[dict] | None:
        """Parsed container definitions, or None when unknown during preview."""
        if task_def is None:
            return None
        raw = task_def.get("containerDefinitions")
        if raw is None or is_unknown(raw):
            return None
        try:
            parsed = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            return None
        return [c for c in parsed if isinstance(c, dict)] if isinstance(parsed, list) else None

    def sensitivity(self, service: Res, tag_key: str, values: Sequence[str]) -> tuple[str | None, str | None]:
        """(the sensitive tag value of a service or its task definition, or None), and, when it is not known to be
        sensitive, why its sensitivity can't be decided (a tag unknown during preview, a task definition elsewhere).
        """
        undecided = []
        td = self.task_definition(service)
        holders = [("ECS service", service), ("task definition", td)] if td else [("ECS service", service)]
        for what, res in holders:
            value, unknown = res.tag(tag_key)
            if isinstance(value, str) and value in values:
                return value, None
            if unknown:
                undecided.append(f"the {tag_key} tag of {what} {res.name} is unknown during preview")
        if td is None:
            value = service.get("taskDefinition")
            shown = "unknown during preview" if is_unknown(value) else f"{value}, not in this stack"
            undecided.append(f"its task definition ({shown}) may carry the {tag_key} tag")
        return None, "; ".join(undecided) or None

    def load_balancers_of(self, service: Res) -> tuple[list[Res], list[str]]:
        """The load balancers in front of a service (target group -> listener or listener rule -> load balancer),
        and what could not be followed."""
        entries = [e for e in as_list(service.get("loadBalancers")) if isinstance(e, dict)]
        refs = self.refs(service, "loadBalancers", [e.get("targetGroupArn") for e in entries], TARGET_GROUP)
        lbs: list[Res] = []
        missing = [f"target group {v} is not in this stack" for v in refs.unresolved]
        for tg in refs.resources:
            listeners = self.referrers(tg, "defaultActions", LISTENER)
            for rule in self.referrers(tg, "actions", LISTENER_RULE):
                listener = self.ref(rule, "listenerArn", LISTENER)
                if listener is None:
                    missing.append(f"the listener of rule {rule.name} is not in this stack")
                else:
                    listeners.append(listener)
            if not listeners:
                missing.append(f"no listener of this stack forwards to target group {tg.name}")
            for listener in listeners:
                lb = self.ref(listener, "loadBalancerArn", LB)
                if lb is None:
                    missing.append(f"the load balancer of listener {listener.name} is not in this stack")
                else:
                    lbs.append(lb)
        return _unique(lbs), missing

    def lb_security_groups(self, lb: Res) -> Refs:
        return self.refs(lb, "securityGroups", lb.get("securityGroups"), SG)

    def lb_ports(self, service: Res) -> set[int]:
        """Container ports a service exposes to its load balancers."""
        ports = set()
        for e in as_list(service.get("loadBalancers")):
            if isinstance(e, dict) and isinstance(e.get("containerPort"), int | float):
                ports.add(int(e["containerPort"]))
        return ports

    def service_connect(self, service: Res) -> dict | None:
        sc = service.get("serviceConnectConfiguration")
        return sc if isinstance(sc, dict) and sc.get("enabled") is True else None

    def namespace_key(self, service: Res) -> str | None:
        """What identifies a service's Service Connect namespace: the namespace resource's URN, else its ARN or name.

        The namespace may be given by ARN or by name, or left out for the cluster's `serviceConnectDefaults`.
        """
        sc = self.service_connect(service)
        if sc is None:
            return None
        holder, key, value = service, "serviceConnectConfiguration", sc.get("namespace")
        if value is None and not service.dep_types(key, *NAMESPACES):
            cluster = self.ref(service, "cluster", CLUSTER)
            defaults = cluster.get("serviceConnectDefaults") if cluster else None
            holder, key = cluster, "serviceConnectDefaults"
            value = defaults.get("namespace") if isinstance(defaults, dict) else None
        if holder is None:
            return None
        deps = holder.dep_types(key, *NAMESPACES)
        if deps:
            return deps[0].urn
        if isinstance(value, str) and not is_unknown(value):
            if value in self.by_id:
                return self.by_id[value].urn
            named = [ns for ns in self.of_type(*NAMESPACES) if ns.get("name") == value]
            return named[0].urn if len(named) == 1 else value
        return None

    def service_connect_ports(self, service: Res) -> tuple[set[int], set[int] | None]:
        """Ports a Service Connect server receives on (ingress override, else the named container port).

        Second: None when all are known; else, for the entries whose container port is unknown during preview,
        their client alias ports, which a peer's rule is allowed to use in the meantime.
        """
        sc = self.service_connect(service)
        if sc is None:
            return set(), None
        containers = self.containers(self.task_definition(service))
        named = {}
        for c in containers or []:
            for m in c.get("portMappings") or []:
                if isinstance(m, dict) and m.get("name") and as_port(m.get("containerPort")) is not None:
                    named[m["name"]] = as_port(m["containerPort"])
        ports: set[int] = set()
        aliases: set[int] | None = None
        for entry in as_list(sc.get("services")):
            entry = entry if isinstance(entry, dict) else {}
            override = entry.get("ingressPortOverride")
            if isinstance(override, int | float):
                ports.add(int(override))
            elif entry.get("portName") in named:
                ports.add(named[entry["portName"]])
            else:
                aliases = aliases or set()
                aliases |= {int(a["port"]) for a in as_list(entry.get("clientAlias")) if isinstance(a, dict)
                            and isinstance(a.get("port"), int | float)}  # fmt: skip
        return ports, aliases

    def isolated_subnets(self, service: Res) -> tuple[list[Egress], list[str]]:
        """The subnets of a service with neither a NAT nor an internet gateway default route, and what could not
        be decided."""
        subnets, _ = self.service_network(service)
        why = [f"subnet {v} is not in this stack" for v in subnets.unresolved]
        isolated = []
        for egress in self.subnet_egress(subnets.resources):
            if egress.has_internet:
                continue
            why += [
                f"subnet {egress.subnet.name}'s {r.describe()}; whether that reaches the internet is decided elsewhere"
                for r in egress.indirect
            ]
            if egress.undecidable or egress.indirect:
                why.extend(egress.undecidable)
            else:
                isolated.append(egress)
        return isolated, why

    def endpoints_in(self, vpc: Res | None) -> list[Res]:
        if self._endpoints_by_vpc is None:
            self._endpoints_by_vpc = defaultdict(list)
            for endpoint in self.of_type(ENDPOINT):
                owner = self.vpc_of(endpoint)
                if owner is not None:
                    self._endpoints_by_vpc[owner.urn].append(endpoint)
        return self._endpoints_by_vpc.get(vpc.urn, []) if vpc is not None else []

    def endpoint_route_tables(self, endpoint: Res) -> Refs:
        """Route tables a Gateway endpoint is attached to (its routeTableIds and separate associations)."""
        refs = self.refs(endpoint, "routeTableIds", endpoint.get("routeTableIds"), *ROUTE_TABLES)
        for assoc in self.referrers(endpoint, "vpcEndpointId", ENDPOINT_RT_ASSOC):
            table = self.ref(assoc, "routeTableId", *ROUTE_TABLES)
            if table is None:
                refs.unresolved.append(f"route table of {assoc.name}")
            else:
                refs.resources.append(table)
        return refs

    def s3_gateway_tables(self) -> dict[str, list[Res]]:
        """Route table URN -> the S3 Gateway endpoints attached to it."""
        tables: dict[str, list[Res]] = defaultdict(list)
        for endpoint in self.of_type(ENDPOINT):
            if endpoint_service(endpoint) == "s3" and endpoint_type(endpoint) == "Gateway":
                for table in self.endpoint_route_tables(endpoint).resources:
                    tables[table.urn].append(endpoint)
        return tables

    def subnet_egress(self, subnets: list[Res]) -> list[Egress]:
        return [self.egress_of_subnet(s) for s in subnets]


@dataclass
class Route:
    table: Res
    holder: Res  # the route table (inline route) or the aws.ec2.Route resource
    label: str
    dest: Any
    kind: str  # "igw", "nat", "other" or "unknown"
    target: Res | None
    target_name: str
    why: str = ""  # when kind == "unknown": why the target can't be told

    def describe(self) -> str:
        what = {"igw": "internet gateway ", "nat": "NAT gateway ", "indirect": ""}.get(self.kind, "gateway ")
        return f"{self.table.label} sends {self.dest} to {what}{self.target_name} ({self.label})"


@dataclass
class Egress:
    subnet: Res
    tables: list[Res]
    igw: list[Route] = field(default_factory=list)
    nat: list[Route] = field(default_factory=list)
    indirect: list[Route] = field(default_factory=list)  # through a transit gateway, peering, appliance...
    undecidable: list[str] = field(default_factory=list)

    @property
    def has_internet(self) -> bool:
        return bool(self.igw or self.nat)


def _connectivity(nat: Res) -> str | None:
    """A NAT gateway's connectivity: "public" (the default) or "private", or None when unknown during preview."""
    value = nat.get("connectivityType")
    return None if is_unknown(value) else (value or "public")


def _strings(value: Any) -> Iterator[str]:
    """Every string inside an input, however deeply nested (ids and ARNs referenced from objects and lists)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _unique(items: Iterable[Res]) -> list[Res]:
    seen: set[str] = set()
    out = []
    for r in items:
        if r.urn not in seen:
            seen.add(r.urn)
            out.append(r)
    return out
