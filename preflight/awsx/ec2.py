"""awsx.ec2.Vpc, awsx.ec2.DefaultVpc and awsx.ec2.getDefaultVpc at pulumi-awsx 3.11.0.

Behaviour carried over from awsx/ec2/vpc.ts, defaultVpc.ts and getDefaultVpc.ts (rewritten, not copied):
- children: the aws.ec2.Vpc named like the component (only aws.ec2.Vpc's own arguments, tags {Name: name, ...tags});
  an InternetGateway named like the component, parented to the VPC, always; per AZ, public subnets first, then
  private, then isolated: a Subnet (parent: the VPC), its RouteTable (parent: the subnet), RouteTableAssociation
  (parent: the route table); for a public subnet that should host a NAT an Eip and a NatGateway named
  `<name>-<AZ number>` (parent: the subnet); a public route 0.0.0.0/0 to the IGW; a private route 0.0.0.0/0 to the
  AZ's NAT (OnePerAz) or the first NAT (Single), none with strategy None; isolated subnets get no route. Every child
  depends on its parent.
- defaults: cidrBlock 10.0.0.0/16, 3 AZs from getAvailabilityZones, subnetStrategy Legacy, NAT OnePerAz.
- VPC endpoints: one aws.ec2.VpcEndpoint per spec, named by its service name, parent the VPC. vpcEndpointStrategy
  Legacy passes the spec through; Auto gives a gateway endpoint every route table, and an interface endpoint one
  subnet per AZ (private, else isolated, else public), private DNS on and, without securityGroupIds, a SecurityGroup
  `<service>-sg` with an ingress rule `<service>-ingress` (tcp 443 from the VPC CIDR).
- getDefaultVpc: aws.ec2.getVpc(default) and its subnets; public = mapPublicIpOnLaunch, private = the others.
"""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from ..remote import RemoteComponent, Unmodelled
from . import layout as subnet_layout
from .layout import LayoutError, SubnetInput

# aws.ec2.Vpc's arguments that awsx passes through from its own (vpc.ts spreads args into the VPC's).
_VPC_PASS_THROUGH = {
    "enableDnsHostnames": "enable_dns_hostnames",
    "enableDnsSupport": "enable_dns_support",
    "enableNetworkAddressUsageMetrics": "enable_network_address_usage_metrics",
    "instanceTenancy": "instance_tenancy",
}
_VPC_MODELLED = {
    "cidrBlock",
    "availabilityZoneNames",
    "numberOfAvailabilityZones",
    "natGateways",
    "subnetSpecs",
    "subnetStrategy",
    "subnetNameTagStrategy",
    "availabilityZoneCidrMask",
    "tags",
    "vpcEndpointSpecs",
    "vpcEndpointStrategy",
    *_VPC_PASS_THROUGH,
}
_SPEC_MODELLED = {"type", "name", "cidrMask", "size", "cidrBlocks", "tags"}
_ENDPOINT_ARGS = {
    "autoAccept": "auto_accept",
    "dnsOptions": "dns_options",
    "ipAddressType": "ip_address_type",
    "policy": "policy",
    "region": "region",
    "resourceConfigurationArn": "resource_configuration_arn",
    "serviceNetworkArn": "service_network_arn",
    "serviceRegion": "service_region",
    "subnetConfigurations": "subnet_configurations",
    "vpcEndpointType": "vpc_endpoint_type",
}
_ENDPOINT_MODELLED = {"serviceName", "routeTableIds", "securityGroupIds", "subnetIds", "privateDnsEnabled", "tags"}
_ENDPOINT_MODELLED |= set(_ENDPOINT_ARGS)


def only_modelled(component: RemoteComponent, modelled: set[str], where: str = "", value: Any = None) -> None:
    """Raise Unmodelled naming the first option outside `modelled` the program gave."""
    given = component.raw_inputs if value is None else value
    for key in sorted(given or {}):
        if key not in modelled and given[key] is not None:
            raise Unmodelled(f"option {where}{key} is not modelled")


def _tags(component: RemoteComponent, *path: str) -> dict[str, Any]:
    return dict(component.known(*path, default={}))


def _subnet_inputs(component: RemoteComponent) -> list[SubnetInput] | None:
    specs = component.known("subnetSpecs")
    if specs is None:
        return None
    out = []
    for index, spec in enumerate(specs):
        only_modelled(component, _SPEC_MODELLED, f"subnetSpecs[{index}].", spec)
        blocks = spec.get("cidrBlocks")
        out.append(
            SubnetInput(
                type=spec["type"],
                name=spec.get("name"),
                cidr_mask=int(spec["cidrMask"]) if spec.get("cidrMask") is not None else None,
                size=int(spec["size"]) if spec.get("size") is not None else None,
                cidr_blocks=tuple(blocks) if blocks is not None else None,
                tags=spec.get("tags"),
            )
        )
    return out


def _availability_zones(component: RemoteComponent) -> list[str]:
    names = component.known("availabilityZoneNames")
    count = component.known("numberOfAvailabilityZones")
    if names and count:
        raise LayoutError("Only one of [availabilityZoneNames] and [numberOfAvailabilityZones] can be specified")
    if names:
        return list(names)
    wanted = int(count or 3)
    zones = component.invoke("aws:index/getAvailabilityZones:getAvailabilityZones", {})["names"]
    if len(zones) < wanted:
        raise LayoutError(
            f"The configured region for this provider does not have at least {wanted} Availability Zones."
        )
    return zones[:wanted]


def _should_create_nat(strategy: str, made: int, az_index: int) -> bool:
    return {"none": False, "single": made < 1, "oneperaz": made < az_index + 1}[strategy.lower()]


_TYPE_ORDER = {"public": 0, "private": 1, "isolated": 2}


def expand_vpc(component: RemoteComponent) -> dict[str, Any]:
    name = component.name
    only_modelled(component, _VPC_MODELLED)
    cidr = component.known("cidrBlock", default="10.0.0.0/16")
    zones = _availability_zones(component)
    nat = component.known("natGateways", default={})
    only_modelled(component, {"strategy"}, "natGateways.", nat)
    nat_strategy = nat.get("strategy", "OnePerAz")
    strategy = component.known("subnetStrategy", default="Legacy")
    tag_strategy = component.known("subnetNameTagStrategy", default="Legacy")
    endpoint_strategy = component.known("vpcEndpointStrategy", default="Legacy")
    endpoint_specs = component.known("vpcEndpointSpecs", default=[])
    for index, spec in enumerate(endpoint_specs):
        only_modelled(component, _ENDPOINT_MODELLED, f"vpcEndpointSpecs[{index}].", spec)
    tags = _tags(component, "tags")
    subnets = subnet_layout.subnet_layout(
        name,
        cidr,
        zones,
        _subnet_inputs(component),
        strategy,
        component.known("availabilityZoneCidrMask"),
        tag_strategy,
    )
    subnet_layout.nat_gateway_check(nat_strategy, subnets)
    auto_interface_dns = endpoint_strategy == "Auto" and any(
        _endpoint_type(spec) == "interface" and spec.get("privateDnsEnabled") is not False for spec in endpoint_specs
    )
    shared_tags = {"Name": name, **tags}

    vpc_args: dict[str, Any] = {"cidr_block": cidr, "tags": shared_tags}
    for key, arg in _VPC_PASS_THROUGH.items():
        vpc_args[arg] = component.at(key)
    if auto_interface_dns:  # vpc.ts getVpcEndpointDnsDefaults
        for key in ("enableDnsHostnames", "enableDnsSupport"):
            if component.value(key) is False:
                raise LayoutError(f'vpcEndpointStrategy "Auto" requires {key} to be true when private DNS is on.')
            vpc_args[_VPC_PASS_THROUGH[key]] = vpc_args[_VPC_PASS_THROUGH[key]] or True
    vpc = component.add(aws.ec2.Vpc, name, vpc_args)
    igw = component.add(
        aws.ec2.InternetGateway,
        name,
        {"vpc_id": vpc.resource.id, "tags": shared_tags},
        parent=vpc,
        depends_on=(vpc,),
    )
    by_kind: dict[str, list] = {"public": [], "private": [], "isolated": []}
    route_tables, routes, associations, nat_gateways, eips, generated = [], [], [], [], [], []
    for az_index, zone in enumerate(zones):
        in_zone = [s for s in subnets if s.az_name == zone and s.type != "Unused"]
        for spec in sorted(in_zone, key=lambda s: _TYPE_ORDER[s.type.lower()]):
            kind = spec.type.lower()
            subnet = component.add(
                aws.ec2.Subnet,
                spec.resource_name,
                {
                    "vpc_id": vpc.resource.id,
                    "availability_zone": zone,
                    "map_public_ip_on_launch": kind == "public",
                    "cidr_block": spec.cidr_block,
                    "assign_ipv6_address_on_creation": False,
                    "tags": {**shared_tags, **(spec.tags or {}), "Name": spec.name_tag, "SubnetType": spec.type},
                },
                parent=vpc,
                depends_on=(vpc,),
            )
            by_kind[kind].append(subnet)
            generated.append((subnet, kind, zone))
            table = component.add(
                aws.ec2.RouteTable,
                spec.resource_name,
                {"vpc_id": vpc.resource.id, "tags": {**shared_tags, "Name": spec.name_tag, "SubnetType": spec.type}},
                parent=subnet,
                depends_on=(subnet,),
            )
            route_tables.append(table)
            associations.append(
                component.add(
                    aws.ec2.RouteTableAssociation,
                    spec.resource_name,
                    {"route_table_id": table.resource.id, "subnet_id": subnet.resource.id},
                    parent=table,
                    depends_on=(table,),
                )
            )
            if kind == "public" and _should_create_nat(nat_strategy, len(nat_gateways), az_index):
                nat_name = f"{name}-{az_index + 1}"
                eip = component.add(
                    aws.ec2.Eip, nat_name, {"tags": {**tags, "Name": nat_name}}, parent=subnet, depends_on=(subnet,)
                )
                eips.append(eip)
                nat_gateways.append(
                    component.add(
                        aws.ec2.NatGateway,
                        nat_name,
                        {
                            "subnet_id": subnet.resource.id,
                            "allocation_id": eip.resource.allocation_id,
                            "tags": {**tags, "Name": nat_name},
                        },
                        parent=subnet,
                        depends_on=(subnet,),
                    )
                )
            target: dict[str, Any] | None = None
            if kind == "public":
                target = {"gateway_id": igw.resource.id}
            elif kind == "private" and nat_strategy.lower() != "none":
                gateway = nat_gateways[0] if nat_strategy.lower() == "single" else nat_gateways[az_index]
                target = {"nat_gateway_id": gateway.resource.id}
            if target is not None:
                routes.append(
                    component.add(
                        aws.ec2.Route,
                        spec.resource_name,
                        {"route_table_id": table.resource.id, "destination_cidr_block": "0.0.0.0/0", **target},
                        parent=table,
                        depends_on=(table,),
                    )
                )
    endpoints = [
        _endpoint(component, spec, endpoint_strategy, vpc, shared_tags, route_tables, generated, zones)
        for spec in endpoint_specs
    ]
    first_zone = [s for s in subnets if s.az_name == zones[0]]
    return {
        "vpc": vpc,
        "vpcId": vpc.out("id"),
        "subnets": [c for c, _, _ in generated],
        "publicSubnets": by_kind["public"],
        "privateSubnets": by_kind["private"],
        "isolatedSubnets": by_kind["isolated"],
        "publicSubnetIds": [s.out("id") for s in by_kind["public"]],
        "privateSubnetIds": [s.out("id") for s in by_kind["private"]],
        "isolatedSubnetIds": [s.out("id") for s in by_kind["isolated"]],
        "routeTables": route_tables,
        "routes": routes,
        "routeTableAssociations": associations,
        "internetGateway": igw,
        "natGateways": nat_gateways,
        "eips": eips,
        "vpcEndpoints": endpoints,
        "subnetLayout": [{"type": s.type, "cidrMask": int(s.cidr_block.split("/")[1])} for s in first_zone],
    }


def _endpoint_type(spec: dict[str, Any]) -> str:
    return str(spec.get("vpcEndpointType") or "Gateway").lower()


def _endpoint(component, spec, strategy, vpc, shared_tags, route_tables, generated, zones):
    service = spec["serviceName"]
    kind = _endpoint_type(spec)
    index = component.value("vpcEndpointSpecs").index(spec)

    def given(key: str):
        return component.at("vpcEndpointSpecs", index, key) if spec.get(key) is not None else None

    args: dict[str, Any] = {arg: given(key) for key, arg in _ENDPOINT_ARGS.items()}
    args |= {
        "service_name": service,
        "vpc_id": vpc.resource.id,
        "tags": {**shared_tags, **(spec.get("tags") or {})},
        "route_table_ids": given("routeTableIds"),
        "subnet_ids": given("subnetIds"),
        "security_group_ids": given("securityGroupIds"),
        "private_dns_enabled": spec.get("privateDnsEnabled"),
    }
    auto = strategy == "Auto"
    if not auto:
        missing = (
            kind == "interface" and spec.get("subnetIds") is None and spec.get("subnetConfigurations") is None
        ) or (kind == "gateway" and spec.get("routeTableIds") is None)
        if missing:  # vpc.ts warnIncompleteLegacyVpcEndpointSpec
            component.warn(f'VPC endpoint "{service}" has no subnets or route tables; awsx warns likewise')
    if auto and kind == "gateway" and spec.get("routeTableIds") is None:
        args["route_table_ids"] = [t.resource.id for t in route_tables]
    if auto and kind == "interface":
        if spec.get("subnetIds") is None and spec.get("subnetConfigurations") is None:
            chosen = []
            for zone in zones:
                for preferred in ("private", "isolated", "public"):
                    match = next((s for s, k, z in generated if z == zone and k == preferred), None)
                    if match is not None:
                        chosen.append(match.resource.id)
                        break
            args["subnet_ids"] = chosen
        if spec.get("privateDnsEnabled") is None:
            args["private_dns_enabled"] = True
        if spec.get("securityGroupIds") is None:
            tags = {**shared_tags, **(spec.get("tags") or {})}
            group = component.add(
                aws.ec2.SecurityGroup,
                f"{service}-sg",
                {"vpc_id": vpc.resource.id, "tags": tags},
                parent=vpc,
                depends_on=(vpc,),
            )
            component.add(
                aws.ec2.SecurityGroupRule,
                f"{service}-ingress",
                {
                    "type": "ingress",
                    "security_group_id": group.resource.id,
                    "protocol": "tcp",
                    "from_port": 443,
                    "to_port": 443,
                    "cidr_blocks": [vpc.resource.cidr_block],
                },
                parent=vpc,
                depends_on=(group,),
            )
            args["security_group_ids"] = [group.resource.id]
    return component.add(aws.ec2.VpcEndpoint, service, args, parent=vpc, depends_on=(vpc,))


def default_vpc(fake: Any, _args: dict[str, Any] | None = None) -> dict[str, Any]:
    """awsx:ec2:getDefaultVpc from the fake provider's default VPC and subnets (getDefaultVpc.ts)."""
    from pulumi.runtime.mocks import MockCallArgs

    def ask(token: str, args: dict[str, Any]) -> dict[str, Any]:
        return fake.call(MockCallArgs(token, args, ""))

    vpc = ask("aws:ec2/getVpc:getVpc", {"default": True})
    ids = ask("aws:ec2/getSubnets:getSubnets", {"filters": [{"name": "vpc-id", "values": [vpc["id"]]}]})["ids"]
    subnets = [ask("aws:ec2/getSubnet:getSubnet", {"id": subnet_id}) for subnet_id in ids]
    return {
        "vpcId": vpc["id"],
        "publicSubnetIds": [s["id"] for s in subnets if s.get("mapPublicIpOnLaunch")],
        "privateSubnetIds": [s["id"] for s in subnets if not s.get("mapPublicIpOnLaunch")],
    }


def expand_default_vpc(component: RemoteComponent) -> dict[str, Any]:
    only_modelled(component, set())
    return default_vpc(component._fake)
