"""EC2 and VPC: lookups of the default VPC, its subnets, AMIs, prefix lists and endpoint services; computed outputs
of VPCs, Elastic IPs, NAT gateways and VPC endpoints."""

from __future__ import annotations

import json
from typing import Any

from .account import Account, availability_zones, digest

# Regional services that expose a VPC endpoint and have no private DNS name of their own form.
_GATEWAY_SERVICES = {"s3", "dynamodb"}
_AMAZON_OWNER = "137112412989"  # the owner id of Amazon's own AMIs (owner alias "amazon")


def _filter_values(args: dict[str, Any], name: str) -> list[str]:
    return [v for f in args.get("filters") or [] if f.get("name") == name for v in f.get("values") or []]


def get_vpc(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    vpc_id = args.get("id") or aws.default_vpc_id()
    return {
        "id": vpc_id,
        "arn": aws.arn("ec2", f"vpc/{vpc_id}"),
        "cidrBlock": "172.31.0.0/16",
        "default": bool(args.get("default", True)),
        "dhcpOptionsId": f"dopt-0{digest(vpc_id, 'dhcp', length=16)}",
        "enableDnsHostnames": True,
        "enableDnsSupport": True,
        "instanceTenancy": "default",
        "mainRouteTableId": f"rtb-0{digest(vpc_id, 'main', length=16)}",
        "ownerId": aws.account_id,
        "cidrBlockAssociations": [],
        "ipv6AssociationId": "",
        "ipv6CidrBlock": "",
        "region": aws.region,
        "state": "available",
        "tags": args.get("tags") or {},
    }


def get_vpcs(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    return {"id": aws.region, "ids": [aws.default_vpc_id()], "region": aws.region, "tags": args.get("tags") or {}}


def get_subnets(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    """The default VPC's subnets, one per zone, whatever the filters (the fake account has no other VPC)."""
    return {"id": aws.region, "ids": aws.default_subnet_ids(), "region": aws.region, "tags": args.get("tags") or {}}


def get_subnet(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    zones = availability_zones(aws.region)
    subnet_id = args.get("id") or aws.default_subnet_ids()[0]
    index = int(digest(subnet_id, length=2), 16) % len(zones)
    return {
        "id": subnet_id,
        "arn": aws.arn("ec2", f"subnet/{subnet_id}"),
        "vpcId": aws.default_vpc_id(),
        "availabilityZone": zones[index],
        "cidrBlock": f"172.31.{index * 16}.0/20",
        "defaultForAz": True,
        "mapPublicIpOnLaunch": True,
        "ownerId": aws.account_id,
        "state": "available",
        "tags": {},
    }


def get_security_group(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    name = args.get("name") or "default"
    group_id = args.get("id") or f"sg-0{digest('sg', name, length=16)}"
    return {
        "id": group_id,
        "arn": aws.arn("ec2", f"security-group/{group_id}"),
        "name": name,
        "description": f"{name} security group",
        "vpcId": args.get("vpcId") or aws.default_vpc_id(),
        "region": aws.region,
        "tags": args.get("tags") or {},
    }


def get_route_table(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    """The route table a subnet (or gateway) is associated with; without an association of its own, the main one."""
    subnet_id = args.get("subnetId") or ""
    key = args.get("routeTableId") or subnet_id or args.get("gatewayId") or args.get("vpcId") or "main"
    table_id = args.get("routeTableId") or f"rtb-0{digest('route-table', key, length=16)}"
    association = {
        "routeTableAssociationId": f"rtbassoc-0{digest(table_id, subnet_id, length=16)}",
        "routeTableId": table_id,
        "subnetId": subnet_id,
        "gatewayId": args.get("gatewayId") or "",
        "main": not subnet_id,
    }
    return {
        "id": table_id,
        "routeTableId": table_id,
        "arn": aws.arn("ec2", f"route-table/{table_id}"),
        "associations": [association],
        "routes": [],
        "subnetId": subnet_id,
        "gatewayId": args.get("gatewayId") or "",
        "vpcId": args.get("vpcId") or aws.default_vpc_id(),
        "ownerId": aws.account_id,
        "filters": args.get("filters"),
        "region": aws.region,
        "tags": args.get("tags") or {},
    }


def _ami_id(args: dict[str, Any]) -> str:
    return f"ami-0{digest(json.dumps(args, sort_keys=True), length=16)}"


def get_ami(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    """One image matching the filters, shaped like an Amazon Linux AMI (hvm, ebs, the architecture asked for)."""
    image_id = _ami_id(args)
    names = _filter_values(args, "name")
    name = names[0].replace("*", "2026.11.01") if names else f"preflight-image-{image_id[-8:]}"
    owners = args.get("owners") or ["amazon"]
    owner_id = owners[0] if owners[0].isdigit() else _AMAZON_OWNER
    architecture = (_filter_values(args, "architecture") or ["x86_64"])[0]
    return {
        "id": image_id,
        "imageId": image_id,
        "arn": f"arn:{aws.partition}:ec2:{aws.region}::image/{image_id}",
        "architecture": architecture,
        "blockDeviceMappings": [],
        "bootMode": "",
        "creationDate": "2026-11-01T00:00:00.000Z",
        "deprecationTime": "2028-11-01T00:00:00.000Z",
        "description": name,
        "enaSupport": True,
        "executableUsers": args.get("executableUsers"),
        "filters": args.get("filters"),
        "hypervisor": "xen",
        "imageLocation": f"{owners[0]}/{name}",
        "imageOwnerAlias": "amazon" if owner_id == _AMAZON_OWNER else "",
        "imageType": "machine",
        "imdsSupport": "v2.0",
        "includeDeprecated": bool(args.get("includeDeprecated", False)),
        "kernelId": "",
        "lastLaunchedTime": "",
        "mostRecent": bool(args.get("mostRecent", False)),
        "name": name,
        "nameRegex": args.get("nameRegex"),
        "ownerId": owner_id,
        "owners": owners,
        "platform": "",
        "platformDetails": "Linux/UNIX",
        "productCodes": [],
        "public": True,
        "ramdiskId": "",
        "region": aws.region,
        "rootDeviceName": "/dev/xvda",
        "rootDeviceType": "ebs",
        "rootSnapshotId": f"snap-0{digest(image_id, length=16)}",
        "sriovNetSupport": "simple",
        "state": "available",
        "stateReason": {"code": "UNSET", "message": "UNSET"},
        "tags": {},
        "tpmSupport": "",
        "uefiData": "",
        "usageOperation": "RunInstances",
        "virtualizationType": "hvm",
    }


def get_ami_ids(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    return {
        "id": aws.region,
        "ids": [_ami_id(args)],
        "owners": args.get("owners") or [],
        "filters": args.get("filters"),
        "region": aws.region,
    }


def get_vpc_endpoint_service(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    service = args.get("service") or str(args.get("serviceName", "")).rsplit(".", 1)[-1]
    service_type = args.get("serviceType") or ("Gateway" if service in _GATEWAY_SERVICES else "Interface")
    name = args.get("serviceName") or f"com.amazonaws.{aws.region}.{service}"
    return {
        "id": digest(name, length=8),
        "service": service,
        "serviceName": name,
        "serviceType": service_type,
        "serviceId": f"vpce-svc-0{digest(name, length=16)}",
        "availabilityZones": availability_zones(aws.region),
        "baseEndpointDnsNames": [f"{service}.{aws.region}.vpce.amazonaws.com"],
        "privateDnsName": "" if service_type == "Gateway" else f"{service}.{aws.region}.amazonaws.com",
        "owner": "amazon",
        "acceptanceRequired": False,
        "managesVpcEndpoints": False,
        "vpcEndpointPolicySupported": True,
        "region": aws.region,
        "tags": {},
    }


_S3_CIDRS = ["52.216.0.0/15", "54.231.0.0/16"]


def _prefix_list_id(args: dict[str, Any], aws: Account) -> tuple[str, str]:
    name = args.get("name") or f"com.amazonaws.{aws.region}.s3"
    return args.get("prefixListId") or args.get("id") or f"pl-{digest(name, length=8)}", name


def get_prefix_list(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    pl_id, name = _prefix_list_id(args, aws)
    return {"id": pl_id, "prefixListId": pl_id, "name": name, "cidrBlocks": _S3_CIDRS, "region": aws.region}


def get_managed_prefix_list(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    pl_id, name = _prefix_list_id(args, aws)
    return {
        "id": pl_id,
        "name": name,
        "arn": aws.arn("ec2", f"prefix-list/{pl_id}"),
        "addressFamily": "IPv4",
        "entries": [{"cidr": cidr, "description": ""} for cidr in _S3_CIDRS],
        "maxEntries": len(_S3_CIDRS),
        "ownerId": "AWS",
        "version": 1,
        "region": aws.region,
        "tags": {},
    }


# ---- computed outputs of resources -----------------------------------------------------------------------------
def vpc(name: str, _inputs: dict[str, Any], _id: str, aws: Account) -> dict[str, Any]:
    table = f"rtb-0{digest(name, 'main', length=16)}"
    return {
        "mainRouteTableId": table,
        "defaultRouteTableId": table,
        "defaultSecurityGroupId": f"sg-0{digest(name, 'default', length=16)}",
        "defaultNetworkAclId": f"acl-0{digest(name, 'default', length=16)}",
        "ownerId": aws.account_id,
    }


def public_ip(name: str, _inputs: dict[str, Any], _id: str, _aws: Account) -> dict[str, Any]:
    return {"publicIp": f"203.0.113.{int(digest(name, length=2), 16)}"}


def eip(name: str, inputs: dict[str, Any], resource_id: str, aws: Account) -> dict[str, Any]:
    return {**public_ip(name, inputs, resource_id, aws), "allocationId": resource_id}


def vpc_endpoint(_name: str, inputs: dict[str, Any], _id: str, _aws: Account) -> dict[str, Any]:
    out: dict[str, Any] = {"networkInterfaceIds": [], "dnsEntries": []}
    if inputs.get("vpcEndpointType", "Gateway") == "Gateway":
        out["prefixListId"] = f"pl-{digest(str(inputs.get('serviceName')), length=8)}"
    return out


def instance(name: str, _inputs: dict[str, Any], _id: str, aws: Account) -> dict[str, Any]:
    octet = int(digest(name, length=2), 16)
    public, private = (
        ("compute-1", "ec2") if aws.region == "us-east-1" else (f"{aws.region}.compute", f"{aws.region}.compute")
    )
    return {
        "publicIp": f"203.0.113.{octet}",
        "publicDns": f"ec2-203-0-113-{octet}.{public}.amazonaws.com",
        "privateIp": f"172.31.{octet % 16}.{octet}",
        "privateDns": f"ip-172-31-{octet % 16}-{octet}.{private}.internal",
    }


INVOKES = {
    "aws:ec2/getVpc:getVpc": get_vpc,
    "aws:ec2/getVpcs:getVpcs": get_vpcs,
    "aws:ec2/getSubnets:getSubnets": get_subnets,
    "aws:ec2/getSubnet:getSubnet": get_subnet,
    "aws:ec2/getSecurityGroup:getSecurityGroup": get_security_group,
    "aws:ec2/getAmi:getAmi": get_ami,
    "aws:ec2/getAmiIds:getAmiIds": get_ami_ids,
    "aws:ec2/getVpcEndpointService:getVpcEndpointService": get_vpc_endpoint_service,
    "aws:ec2/getPrefixList:getPrefixList": get_prefix_list,
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": get_managed_prefix_list,
    "aws:ec2/getRouteTable:getRouteTable": get_route_table,
}
COMPUTED = {
    "aws:ec2/vpc:Vpc": vpc,
    "aws:ec2/eip:Eip": eip,
    "aws:ec2/natGateway:NatGateway": public_ip,
    "aws:ec2/vpcEndpoint:VpcEndpoint": vpc_endpoint,
    "aws:ec2/instance:Instance": instance,
}
