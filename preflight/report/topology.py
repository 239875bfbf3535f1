"""The network as recorded: VPCs, subnets by route target, endpoints, NAT gateways, load balancers and services.

Built from the recorded registrations only (types, inputs, and the URNs each input came from), so it works for any
program and in preview, where every id is unknown. It knows AWS resource types, nothing about our components or policy
pack. The diagram (mermaid.py) and the cost estimate (cost.py) read it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from .model import MARKS, Report

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the SDK's unknown sentinel, as recorded inputs carry it

VPC = "aws:ec2/vpc:Vpc"
CIDR_ASSOCIATION = "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
DEFAULT_ROUTE_TABLE = "aws:ec2/defaultRouteTable:DefaultRouteTable"
ROUTE = "aws:ec2/route:Route"
RT_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
MAIN_RT_ASSOCIATION = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
IGW = "aws:ec2/internetGateway:InternetGateway"
IGW_ATTACHMENT = "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"
NAT = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ENDPOINT_RT_ASSOCIATION = "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
LOAD_BALANCERS = {"aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"}
LISTENERS = {"aws:lb/listener:Listener", "aws:alb/listener:Listener"}
LISTENER_RULES = {"aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"}
TARGET_GROUPS = {"aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"}
ECS_SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"

DEFAULT_ROUTES = {"0.0.0.0/0", "::/0"}
# The route target kinds a tier is named by; anything else (transit gateway, peering, an ENI, ...) is "other".
TIER_OF_ROUTE = {"IGW": "public", "NAT": "private", "none": "isolated", "other": "other"}
SENSITIVITY_TAG = "data-classification"


@dataclass
class Subnet:
    name: str
    urn: str
    cidr: str
    az: str
    route: str  # IGW | NAT | none | other
    route_detail: str  # e.g. "NAT network-nat-us-east-1a", "transit gateway"


@dataclass
class Tier:
    tier: str  # public | private | isolated | other
    route: str
    subnets: list[Subnet]


@dataclass
class Endpoint:
    name: str
    urn: str
    service: str  # short service name: s3, ecr.api, logs
    type: str  # Gateway | Interface | GatewayLoadBalancer
    azs: list[str]


@dataclass
class NatGateway:
    name: str
    urn: str
    az: str
    public: bool
    eip: bool


@dataclass
class Vpc:
    name: str
    urn: str
    cidrs: list[str]
    azs: list[str]
    tiers: list[Tier]
    endpoints: list[Endpoint]
    nat_gateways: list[NatGateway]
    igw: bool


@dataclass
class Rule:
    priority: str
    match: str  # "/api/*", "host a.example.com", "default"
    action: str  # "-> backend-tg", "redirect HTTPS:443", "fixed 404"


@dataclass
class Listener:
    name: str
    urn: str
    protocol: str
    port: str
    rules: list[Rule]


@dataclass
class LoadBalancer:
    name: str
    urn: str
    type: str  # application | network | gateway
    internal: bool
    azs: list[str]
    subnets: int
    listeners: list[Listener]
    target_groups: list[str]
    security_groups: list[str] = field(default_factory=list)  # URNs


@dataclass
class Service:
    name: str
    urn: str
    vpc: str  # VPC name, "" if unknown
    tiers: list[str]  # tiers of its subnets
    azs: list[str]
    public_ip: bool
    sensitivity: str  # the data-classification tag, "" when absent
    desired_count: int
    cpu: float  # vCPU per task, 0 if unknown
    memory: float  # GB per task, 0 if unknown
    arch: str  # X86_64 | ARM64
    fargate: bool
    target_groups: list[str]
    security_groups: list[str] = field(default_factory=list)  # URNs
    covers: list[str] = field(default_factory=list)  # URNs drawn as this service (task definition, SGs)


@dataclass
class Edge:
    source: str  # load balancer or service name
    target: str  # service name
    label: str


@dataclass
class Topology:
    region: str
    vpcs: list[Vpc]
    load_balancers: list[LoadBalancer]
    services: list[Service]
    service_connect: list[Edge]
    sg_edges: list[Edge]
    flagged: dict[str, str]  # URN -> its most severe mark (model.MARKS): a deploy-check finding or a violation level
    unplaced: dict[str, int] = field(default_factory=dict)  # resource kinds seen without a VPC to put them in

    def to_json(self) -> dict[str, Any]:
        document = asdict(self)
        for balancer in document["load_balancers"]:
            balancer.pop("security_groups")
        for service in document["services"]:
            service.pop("security_groups")
            service.pop("covers")
        return {
            "vpcs": document["vpcs"],
            "loadBalancers": document["load_balancers"],
            "services": document["services"],
            "serviceConnect": document["service_connect"],
            "securityGroupEdges": document["sg_edges"],
            "flagged": document["flagged"],
        }


def known(value: Any) -> bool:
    return value is not None and value != UNKNOWN


def as_bool(value: Any) -> bool:
    """The provider takes "true"/"false" strings for booleans too."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value) if known(value) else False


def _text(value: Any, default: str = "?") -> str:
    if not known(value) or value == "":
        return default
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Index:
    """The recorded resources by URN and type, with each input's source URNs."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.by_urn = report.by_urn()
        self.of_type: dict[str, list[str]] = defaultdict(list)
        for resource in report.resources:
            self.of_type[resource.type].append(resource.urn)

    def inputs(self, urn: str) -> dict[str, Any]:
        return self.report.inputs.get(urn, {})

    def name(self, urn: str) -> str:
        resource = self.by_urn.get(urn)
        return resource.name if resource else urn.rpartition("::")[2]

    def links(self, urn: str, key: str, types: set[str] | str | None = None) -> list[str]:
        """URNs the input `key` of `urn` came from, optionally only those of `types`."""
        wanted = {types} if isinstance(types, str) else types
        found = []
        for target in self.report.links.get(urn, {}).get(key, []):
            resource = self.by_urn.get(target)
            if resource and (wanted is None or resource.type in wanted) and target not in found:
                found.append(target)
        return found

    def link(self, urn: str, key: str, types: set[str] | str | None = None) -> str:
        found = self.links(urn, key, types)
        return found[0] if found else ""

    def types(self, *types: str) -> list[str]:
        return [urn for t in types for urn in self.of_type.get(t, [])]


def _short_service(name: str) -> str:
    """com.amazonaws.us-east-1.ecr.api -> ecr.api"""
    parts = name.split(".")
    return ".".join(parts[3:]) if len(parts) > 3 and parts[0] == "com" else name


_TARGET_KEYS = (
    "gatewayId",
    "natGatewayId",
    "transitGatewayId",
    "vpcPeeringConnectionId",
    "networkInterfaceId",
    "vpcEndpointId",
    "egressOnlyGatewayId",
    "carrierGatewayId",
    "localGatewayId",
    "coreNetworkArn",
)


def _target_kind(index: _Index, key: str, value: Any, linked: list[str]) -> tuple[str, str]:
    """(kind, label) of one route's target: a linked resource, a literal id, or what its key says."""
    for urn in linked:
        kind = {IGW: "IGW", NAT: "NAT"}.get(index.by_urn[urn].type, "other")
        if key != "gatewayId" or kind != "NAT":
            return kind, f"{kind if kind != 'other' else index.by_urn[urn].type.rpartition(':')[2]} {index.name(urn)}"
    if known(value) and isinstance(value, str):
        prefix = value.split("-")[0]
        kind = {"igw": "IGW", "nat": "NAT"}.get(prefix, "other")
        return kind, f"{kind if kind != 'other' else key} {value}"
    return ("NAT", "NAT (unknown)") if key == "natGatewayId" else ("other", f"{key} (unknown)")


def _route_kind(index: _Index, rt: str) -> tuple[str, str]:
    """(kind, detail) of a route table: IGW when any route reaches an internet gateway (AWS's definition of a
    public subnet), else NAT for a default route to a NAT gateway, else other for any other non-local route."""
    routes: list[tuple[str, str, str]] = []  # (destination, kind, label)
    if rt:
        inline = index.inputs(rt).get("routes")
        linked = index.links(rt, "routes")
        for entry in inline if isinstance(inline, list) else []:
            destination = _text(
                entry.get("cidrBlock") or entry.get("ipv6CidrBlock") or entry.get("destinationPrefixListId")
            )
            for key in _TARGET_KEYS:
                if key in entry and entry[key] != "local":
                    gateways = [u for u in linked if index.by_urn[u].type == (NAT if key == "natGatewayId" else IGW)]
                    routes.append((destination, *_target_kind(index, key, entry[key], gateways)))
                    break
        for route in index.types(ROUTE):
            if index.link(route, "routeTableId") != rt:
                continue
            inputs = index.inputs(route)
            destination = _text(
                inputs.get("destinationCidrBlock")
                or inputs.get("destinationIpv6CidrBlock")
                or inputs.get("destinationPrefixListId")
            )
            for key in _TARGET_KEYS:
                if key in inputs and inputs[key] != "local":
                    routes.append((destination, *_target_kind(index, key, inputs[key], index.links(route, key))))
                    break
    igw = [label for _, kind, label in routes if kind == "IGW"]
    if igw:
        return "IGW", igw[0]
    nat = sorted({label for destination, kind, label in routes if kind == "NAT" and destination in DEFAULT_ROUTES})
    if nat:
        return "NAT", ", ".join(nat)
    if routes:
        return "other", ", ".join(sorted({label for _, _, label in routes}))
    return "none", "local only"


def _vpcs(index: _Index) -> tuple[list[Vpc], dict[str, Subnet], dict[str, str]]:
    vpcs: list[Vpc] = []
    subnets_by_urn: dict[str, Subnet] = {}
    vpc_of_subnet: dict[str, str] = {}
    associations = {index.link(a, "subnetId"): index.link(a, "routeTableId") for a in index.types(RT_ASSOCIATION)}
    for vpc in index.types(VPC):
        inputs = index.inputs(vpc)
        cidrs = [_text(inputs.get("cidrBlock"), "IPAM-assigned")]
        cidrs += [
            _text(index.inputs(a).get("cidrBlock"))
            for a in index.types(CIDR_ASSOCIATION)
            if index.link(a, "vpcId") == vpc
        ]
        main = [
            index.link(m, "routeTableId") for m in index.types(MAIN_RT_ASSOCIATION) if index.link(m, "vpcId") == vpc
        ]
        main += [d for d in index.types(DEFAULT_ROUTE_TABLE) if index.link(d, "defaultRouteTableId") == vpc]
        main_rt = main[0] if main else ""
        tiers: dict[str, list[Subnet]] = defaultdict(list)
        azs: set[str] = set()
        # A subnet created against a secondary CIDR association belongs to the association's VPC.
        owners = {vpc} | {a for a in index.types(CIDR_ASSOCIATION) if index.link(a, "vpcId") == vpc}
        for subnet in index.types(SUBNET):
            if index.link(subnet, "vpcId", {VPC, CIDR_ASSOCIATION}) not in owners:
                continue
            sinputs = index.inputs(subnet)
            az = _text(sinputs.get("availabilityZone") or sinputs.get("availabilityZoneId"))
            kind, detail = _route_kind(index, associations.get(subnet) or main_rt)
            item = Subnet(index.name(subnet), subnet, _text(sinputs.get("cidrBlock")), az, kind, detail)
            tiers[kind].append(item)
            subnets_by_urn[subnet] = item
            vpc_of_subnet[subnet] = index.name(vpc)
            azs.add(az)
        endpoints = []
        for endpoint in index.types(ENDPOINT):
            if index.link(endpoint, "vpcId") != vpc:
                continue
            einputs = index.inputs(endpoint)
            endpoint_azs = sorted(
                {subnets_by_urn[s].az for s in index.links(endpoint, "subnetIds", SUBNET) if s in subnets_by_urn}
            )
            endpoints.append(
                Endpoint(
                    index.name(endpoint),
                    endpoint,
                    _short_service(_text(einputs.get("serviceName"))),
                    _text(einputs.get("vpcEndpointType"), "Gateway"),
                    endpoint_azs,
                )
            )
        nats = []
        for nat in index.types(NAT):
            subnet = index.link(nat, "subnetId", SUBNET)
            if subnet not in subnets_by_urn or vpc_of_subnet.get(subnet) != index.name(vpc):
                continue
            public = _text(index.inputs(nat).get("connectivityType"), "public") != "private"
            nats.append(
                NatGateway(
                    index.name(nat), nat, subnets_by_urn[subnet].az, public, bool(index.link(nat, "allocationId"))
                )
            )
        igw = any(index.link(g, "vpcId") == vpc for g in index.types(IGW)) or any(
            index.link(a, "vpcId") == vpc for a in index.types(IGW_ATTACHMENT)
        )
        order = ["IGW", "NAT", "other", "none"]
        vpcs.append(
            Vpc(
                name=index.name(vpc),
                urn=vpc,
                cidrs=cidrs,
                azs=sorted(azs),
                tiers=[
                    Tier(TIER_OF_ROUTE[kind], kind, sorted(tiers[kind], key=lambda s: (s.az, s.name)))
                    for kind in order
                    if tiers[kind]
                ],
                endpoints=sorted(endpoints, key=lambda e: (e.type, e.service)),
                nat_gateways=sorted(nats, key=lambda n: (n.az, n.name)),
                igw=igw,
            )
        )
    return vpcs, subnets_by_urn, vpc_of_subnet


def _action(index: _Index, urn: str, key: str) -> str:
    actions = index.inputs(urn).get(key)
    groups = [index.name(t) for t in index.links(urn, key, TARGET_GROUPS)]
    if groups:
        return "-> " + ", ".join(groups)
    for action in actions if isinstance(actions, list) else []:
        kind = action.get("type")
        if kind == "redirect":
            redirect = action.get("redirect") or {}
            return f"redirect {_text(redirect.get('protocol'), '')}:{_text(redirect.get('port'), '')}".rstrip(":")
        if kind == "fixed-response":
            return f"fixed {_text((action.get('fixedResponse') or {}).get('statusCode'))}"
        if kind:
            return str(kind)
    return "?"


def _match(conditions: Any) -> str:
    parts = []
    for condition in conditions if isinstance(conditions, list) else []:
        for key, label in (("pathPattern", ""), ("hostHeader", "host ")):
            values = (condition.get(key) or {}).get("values")
            if isinstance(values, list):
                parts.append(label + " ".join(_text(v) for v in values))
    return ", ".join(parts) or "?"


def _load_balancers(index: _Index, subnets: dict[str, Subnet]) -> list[LoadBalancer]:
    balancers = []
    for lb in index.types(*sorted(LOAD_BALANCERS)):
        inputs = index.inputs(lb)
        lb_subnets = index.links(lb, "subnets", SUBNET) + index.links(lb, "subnetMappings", SUBNET)
        listeners = []
        for listener in index.types(*sorted(LISTENERS)):
            if index.link(listener, "loadBalancerArn") != lb:
                continue
            linputs = index.inputs(listener)
            rules = [
                Rule(
                    _text(index.inputs(r).get("priority")),
                    _match(index.inputs(r).get("conditions")),
                    _action(index, r, "actions"),
                )
                for r in index.types(*sorted(LISTENER_RULES))
                if index.link(r, "listenerArn") == listener
            ]
            rules.sort(key=lambda r: int(r.priority) if r.priority.isdigit() else 10**6)
            rules.append(Rule("default", "default", _action(index, listener, "defaultActions")))
            listeners.append(
                Listener(
                    index.name(listener), listener, _text(linputs.get("protocol")), _text(linputs.get("port")), rules
                )
            )
        groups = sorted(
            {
                g.rpartition("-> ")[2]
                for lst in listeners
                for r in lst.rules
                if r.action.startswith("-> ")
                for g in [r.action]
            }
        )
        balancers.append(
            LoadBalancer(
                name=index.name(lb),
                urn=lb,
                type=_text(inputs.get("loadBalancerType"), "application"),
                internal=as_bool(inputs.get("internal")),
                azs=sorted({subnets[s].az for s in lb_subnets if s in subnets}),
                subnets=len(lb_subnets) or len(inputs.get("subnets") or []),
                listeners=sorted(listeners, key=lambda x: (x.port, x.name)),
                target_groups=groups,
                security_groups=index.links(lb, "securityGroups", SECURITY_GROUP),
            )
        )
    return balancers


def _number(value: Any, default: float = 0.0) -> float:
    try:
        return float(value) if known(value) else default
    except (TypeError, ValueError):
        return default


def _services(index: _Index, subnets: dict[str, Subnet], vpc_of_subnet: dict[str, str]) -> list[Service]:
    tier_of = {s.urn: TIER_OF_ROUTE[s.route] for s in subnets.values()}
    services = []
    for service in index.types(ECS_SERVICE):
        inputs = index.inputs(service)
        network = inputs.get("networkConfiguration") if isinstance(inputs.get("networkConfiguration"), dict) else {}
        service_subnets = index.links(service, "networkConfiguration", SUBNET)
        task = index.link(service, "taskDefinition", TASK_DEFINITION)
        tinputs = index.inputs(task) if task else {}
        tags = {
            key: value
            for source in (tinputs.get("tags"), inputs.get("tags"))
            if isinstance(source, dict)
            for key, value in source.items()
        }
        platform = tinputs.get("runtimePlatform") if isinstance(tinputs.get("runtimePlatform"), dict) else {}
        strategies = inputs.get("capacityProviderStrategies")
        fargate = _text(inputs.get("launchType"), "") == "FARGATE" or any(
            isinstance(s, dict) and str(s.get("capacityProvider", "")).startswith("FARGATE")
            for s in (strategies if isinstance(strategies, list) else [])
        )
        sgs = index.links(service, "networkConfiguration", SECURITY_GROUP)
        services.append(
            Service(
                name=index.name(service),
                urn=service,
                vpc=next((vpc_of_subnet[s] for s in service_subnets if s in vpc_of_subnet), ""),
                tiers=sorted({tier_of[s] for s in service_subnets if s in tier_of}),
                azs=sorted({subnets[s].az for s in service_subnets if s in subnets}),
                public_ip=as_bool(network.get("assignPublicIp")),
                sensitivity=_text(tags.get(SENSITIVITY_TAG), ""),
                # The provider's default desired count is 0 (the service is created but runs no task).
                desired_count=int(_number(inputs.get("desiredCount"), 0)),
                cpu=_number(tinputs.get("cpu")) / 1024,
                memory=_number(tinputs.get("memory")) / 1024,
                arch=_text(platform.get("cpuArchitecture"), "X86_64"),
                fargate=fargate,
                target_groups=[index.name(t) for t in index.links(service, "loadBalancers", TARGET_GROUPS)],
                security_groups=sgs,
                covers=[service, *([task] if task else []), *sgs],
            )
        )
    return sorted(services, key=lambda s: s.name)


def _ingress(index: _Index) -> dict[str, list[tuple[str, str]]]:
    """Security group URN -> [(source SG URN, ports)] it admits."""
    admits: dict[str, list[tuple[str, str]]] = defaultdict(list)

    def ports(inputs: dict[str, Any]) -> str:
        low, high = _text(inputs.get("fromPort")), _text(inputs.get("toPort"))
        if _text(inputs.get("ipProtocol") or inputs.get("protocol"), "") in {"-1", "all"}:
            return "all"
        return low if low == high else f"{low}-{high}"

    for rule in index.types(SG_INGRESS_RULE):
        target, source = index.link(rule, "securityGroupId"), index.link(rule, "referencedSecurityGroupId")
        if target and source:
            admits[target].append((source, ports(index.inputs(rule))))
    for rule in index.types(SG_RULE):
        inputs = index.inputs(rule)
        if inputs.get("type") != "ingress":
            continue
        target = index.link(rule, "securityGroupId")
        source = target if as_bool(inputs.get("self")) else index.link(rule, "sourceSecurityGroupId")
        if target and source:
            admits[target].append((source, ports(inputs)))
    for group in index.types(SECURITY_GROUP):
        entries = index.inputs(group).get("ingress")
        with_groups = [e for e in (entries if isinstance(entries, list) else []) if e.get("securityGroups")]
        for source in index.links(group, "ingress", SECURITY_GROUP):
            for entry in with_groups or [{}]:
                admits[group].append((source, ports(entry) if entry else "?"))
    return admits


def _admitting(admits: dict[str, list[tuple[str, str]]], targets: list[str]) -> dict[str, set[str]]:
    """Source SG URN -> the ports on which any of `targets` admits it."""
    found: dict[str, set[str]] = defaultdict(set)
    for target in targets:
        for source, ports in admits.get(target, []):
            found[source].add(ports)
    return found


def _may_connect(admitting: dict[str, set[str]], sources: list[str]) -> str:
    """The ports on which any of `sources` is admitted (`admitting` of the targets), or "" when none is."""
    return ", ".join(sorted({p for s in sources for p in admitting.get(s, ())}))


def _service_connect(index: _Index, services: list[Service], admitting: list[dict[str, set[str]]]) -> list[Edge]:
    """Client -> server edges: both in the same Service Connect namespace and the server's SG admits the client's.

    `admitting` holds each service's `_admitting` of its own groups, in the order of `services`.
    """
    config = {s.name: index.inputs(s.urn).get("serviceConnectConfiguration") for s in services}
    namespace = {
        s.name: (index.link(s.urn, "serviceConnectConfiguration") or _text((config[s.name] or {}).get("namespace"), ""))
        for s in services
        if isinstance(config[s.name], dict) and as_bool(config[s.name].get("enabled"))
    }
    edges = []
    for server, admitted in zip(services, admitting, strict=True):
        if server.name not in namespace:
            continue
        aliases = []
        for entry in config[server.name].get("services") or []:
            for alias in entry.get("clientAlias") or []:
                dns = _text(alias.get("dnsName"), entry.get("discoveryName") or entry.get("portName") or "?")
                aliases.append(f"{dns}:{_text(alias.get('port'))}")
        if not aliases:
            continue
        for client in services:
            if client is server or namespace.get(client.name) != namespace[server.name]:
                continue
            if admitted.keys().isdisjoint(client.security_groups):
                continue  # admitted on no port
            if _may_connect(admitted, client.security_groups):
                edges.append(Edge(client.name, server.name, ", ".join(aliases)))
    return edges


def build_topology(report: Report) -> Topology:
    index = _Index(report)
    vpcs, subnets, vpc_of_subnet = _vpcs(index)
    balancers = _load_balancers(index, subnets)
    services = _services(index, subnets, vpc_of_subnet)
    admits = _ingress(index)
    admitting = [_admitting(admits, service.security_groups) for service in services]
    sg_edges = []
    for balancer in balancers:
        for service, admitted in zip(services, admitting, strict=True):
            ports = _may_connect(admitted, balancer.security_groups)
            if ports:
                sg_edges.append(Edge(balancer.name, service.name, ports))
    flagged: dict[str, str] = {}
    for urn, mark in report.marks():
        if urn and (urn not in flagged or MARKS.index(mark) < MARKS.index(flagged[urn])):
            flagged[urn] = mark
    unplaced = {}
    orphans = [s for s in services if not s.vpc]
    if orphans:
        unplaced["services"] = len(orphans)
    return Topology(
        region=report.region,
        vpcs=vpcs,
        load_balancers=balancers,
        services=services,
        service_connect=_service_connect(index, services, admitting),
        sg_edges=sg_edges,
        flagged=flagged,
        unplaced=unplaced,
    )
