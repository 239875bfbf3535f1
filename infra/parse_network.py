"""Reading `network` and `egress` of the platform config: the VPC layout (or an existing VPC's ids) and the egress
pattern. Rules come from the rulebook and infra.layout; every mistake is one SpecError."""

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence

from components import NetworkArgs, NetworkRef
from components.rulebook import aws_id_problem, endpoint_service_problem
from infra.config_reader import MISSING, Section, SpecError, raise_if
from infra.layout import MAX_AZS, MIN_AZS, VPC_PREFIX_RANGE, interface_endpoints, subnet_layout
from infra.schema import (
    DEFAULT_CIDR,
    EGRESS_MODES,
    EXISTING_KEYS,
    LAYOUT_KEYS,
    NAT_GATEWAYS,
    NETWORK_SOURCES,
    EgressSpec,
    NetworkSpec,
)


def parse_network(
    section: Section,
    region: str,
    available_zones: Callable[[], Sequence[str]] | None,
    *,
    log_retention_days: int,
    tags: Mapping[str, str],
) -> NetworkSpec:
    source = section.string("source", "managed", NETWORK_SOURCES)
    flow_logs = section.boolean("flowLogs", False)
    if source == "existing":
        section.forbid(LAYOUT_KEYS, 'is not used with network.source "existing"', "network.existing.* instead")
        if flow_logs:
            raise SpecError(section.at("flowLogs"), True, 'is not supported with network.source "existing"', "false")
        return NetworkSpec(source, existing=_existing(section))
    section.forbid(("existing",), f'is only used with network.source "existing", not "{source}"', "remove it")
    cidr = _vpc_cidr(section.at("cidr"), section.string("cidr", DEFAULT_CIDR))
    zones = _zones(section, region, available_zones)
    public, private = subnet_layout(cidr, len(zones))
    public = _subnet_cidrs(section, "publicSubnetCidrs", cidr, len(zones), public)
    private = _subnet_cidrs(section, "privateSubnetCidrs", cidr, len(zones), private)
    _check_overlaps(section, cidr, public, private)
    layout = NetworkArgs(
        cidr_block=cidr,
        availability_zones=zones,
        public_subnet_cidrs=public,
        private_subnet_cidrs=private,
        flow_logs=flow_logs,
        flow_log_retention_days=log_retention_days,
        tags=tags,
    )
    return NetworkSpec(source, layout=layout)


def _vpc_cidr(path: str, value: str) -> str:
    low, high = VPC_PREFIX_RANGE
    allowed = f"an IPv4 network such as 10.0.0.0/16 with a prefix /{low} to /{high}"
    try:
        network = ipaddress.IPv4Network(value)
    except ValueError as error:
        raise SpecError(path, value, f"is not a valid CIDR ({error})", allowed) from None
    if not low <= network.prefixlen <= high:
        raise SpecError(path, value, f"has prefix /{network.prefixlen}", allowed)
    return str(network)


def _zones(section: Section, region: str, available_zones) -> tuple[str, ...]:
    if section.has("availabilityZones"):
        zones = section.strings("availabilityZones")
        path = section.at("availabilityZones")
        if not MIN_AZS <= len(zones) <= MAX_AZS:
            raise SpecError(path, list(zones), f"lists {len(zones)} zones", f"{MIN_AZS} to {MAX_AZS} zones")
        for i, zone in enumerate(zones):
            if not re.fullmatch(rf"{re.escape(region)}[a-z]", zone):
                raise SpecError(f"{path}[{i}]", zone, f"is not a zone of region {region}", f"{region}a, {region}b, ...")
        if len(set(zones)) != len(zones):
            raise SpecError(path, list(zones), "repeats a zone", "distinct zone names")
        if section.has("azCount") and section.integer("azCount", None, MIN_AZS, MAX_AZS) != len(zones):
            raise SpecError(
                section.at("azCount"),
                section.raw["azCount"],
                f"disagrees with the {len(zones)} availabilityZones",
                f"{len(zones)} or leave azCount out",
            )
        return zones
    count = section.integer("azCount", 2, MIN_AZS, MAX_AZS)
    zones = tuple(sorted(available_zones() or ())) if available_zones else ()
    if count > len(zones):
        listed = ", ".join(zones) if zones else "none"
        raise SpecError(
            section.at("azCount"),
            count,
            f"is more than the {len(zones)} available zones in {region} ({listed})",
            f"{MIN_AZS}..{len(zones)}" if len(zones) >= MIN_AZS else "a region with at least 2 zones",
        )
    return zones[:count]


def _subnet_cidrs(section: Section, key: str, vpc: str, count: int, computed: tuple[str, ...]) -> tuple[str, ...]:
    if not section.has(key):
        return computed
    values = section.strings(key)
    if len(values) != count:
        raise SpecError(section.at(key), list(values), f"has {len(values)} CIDRs for {count} zones", f"{count} CIDRs")
    result = []
    for i, value in enumerate(values):
        path = f"{section.at(key)}[{i}]"
        allowed = f"a subnet of {vpc} with a prefix up to /28"
        try:
            subnet = ipaddress.IPv4Network(value)
        except ValueError as error:
            raise SpecError(path, value, f"is not a valid CIDR ({error})", allowed) from None
        if not subnet.subnet_of(ipaddress.IPv4Network(vpc)) or subnet.prefixlen > 28:
            raise SpecError(path, value, f"is not inside the VPC CIDR {vpc}", allowed)
        result.append(str(subnet))
    return tuple(result)


def _check_overlaps(section: Section, vpc: str, public: tuple[str, ...], private: tuple[str, ...]) -> None:
    named = [(f"publicSubnetCidrs[{i}]", c) for i, c in enumerate(public)]
    named += [(f"privateSubnetCidrs[{i}]", c) for i, c in enumerate(private)]
    for i, (name, cidr) in enumerate(named):
        for other_name, other in named[:i]:
            if ipaddress.IPv4Network(cidr).overlaps(ipaddress.IPv4Network(other)):
                raise SpecError(
                    section.at(name),
                    cidr,
                    f"overlaps network.{other_name} ({other})",
                    f"non-overlapping subnets inside {vpc}",
                )


def _existing(section: Section) -> NetworkRef:
    existing = section.section("existing", EXISTING_KEYS)
    if not section.has("existing"):
        raise SpecError(existing.path, MISSING, 'is required with network.source "existing"', ", ".join(EXISTING_KEYS))
    vpc_id = existing.string("vpcId")
    raise_if(existing.at("vpcId"), aws_id_problem(vpc_id, "vpc", "vpcId"))
    cidr = _vpc_cidr(existing.at("vpcCidr"), existing.string("vpcCidr"))
    public = _aws_ids(existing, "publicSubnetIds", "subnet")
    private = _aws_ids(existing, "privateSubnetIds", "subnet")
    tables = _aws_ids(existing, "privateRouteTableIds", "rtb")
    if not MIN_AZS <= len(private) <= MAX_AZS:
        raise SpecError(
            existing.at("privateSubnetIds"), list(private), "needs one subnet per AZ", f"{MIN_AZS} to {MAX_AZS} ids"
        )
    for key, ids in (("publicSubnetIds", public), ("privateRouteTableIds", tables)):
        if len(ids) != len(private):
            raise SpecError(
                existing.at(key),
                list(ids),
                f"has {len(ids)} ids for {len(private)} private subnets",
                f"{len(private)} ids, same AZ order",
            )
    return NetworkRef(
        vpc_id=vpc_id,
        vpc_cidr=cidr,
        public_subnet_ids=public,
        private_subnet_ids=private,
        private_route_table_ids=tables,
    )


def _aws_ids(section: Section, key: str, kind: str) -> tuple[str, ...]:
    values = section.strings(key, MISSING)
    for i, value in enumerate(values):
        raise_if(f"{section.at(key)}[{i}]", aws_id_problem(value, kind, key))
    return values


def parse_egress(section: Section, network: NetworkSpec) -> EgressSpec:
    mode = section.string("mode", "nat", EGRESS_MODES)
    awsx = network.source == "awsx"
    if mode != "nat":
        section.forbid(("natGateways",), f'is only used with egress.mode "nat", not "{mode}"', "remove it")
    if awsx and mode == "endpoints":
        raise SpecError(
            section.at("mode"),
            mode,
            'is not offered with network.source "awsx" (awsx exposes no route tables by tier)',
            "public, nat",
        )
    nat = section.string("natGateways", "perAz", NAT_GATEWAYS) if mode == "nat" else None
    s3_gateway = section.boolean("s3Gateway", not awsx)
    if awsx and s3_gateway:
        raise SpecError(section.at("s3Gateway"), True, 'is not offered with network.source "awsx"', "false")
    extras = section.strings("interfaceEndpoints")
    for i, service in enumerate(extras):
        raise_if(f"{section.at('interfaceEndpoints')}[{i}]", endpoint_service_problem(service))
    section.unique("interfaceEndpoints", extras, "each service once")
    endpoints = interface_endpoints(mode, extras)
    if section.has("endpointAzCount") and not endpoints:
        raise SpecError(
            section.at("endpointAzCount"),
            section.raw["endpointAzCount"],
            "is set but no interface endpoints are created",
            "remove it",
        )
    count = section.integer("endpointAzCount", network.az_count, 1, network.az_count)
    return EgressSpec(mode, nat, s3_gateway, endpoints, count)
