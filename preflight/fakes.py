"""A plausible fake AWS for Pulumi's mock runtime: resource ids, computed outputs and invoke answers.

Nothing here knows about any particular program. It answers by resource type token and invoke token, the way the
AWS provider would, with deterministic values so that two runs of the same program give the same report.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs, Mocks
from pulumi.runtime.rpc import UNKNOWN  # the engine's sentinel for a value unknown during preview

ACCOUNT_ID = "123456789012"
PARTITION = "aws"

# How many availability zones each region has (as of 2026); other regions get three.
_AZ_COUNT = {
    "us-east-1": 6,
    "us-west-2": 4,
    "ap-northeast-1": 3,
    "ap-northeast-2": 4,
    "eu-west-1": 3,
    "us-west-1": 2,
}
_AZ_ID_PREFIX = {"us-east-1": "use1", "us-east-2": "use2", "us-west-1": "usw1", "us-west-2": "usw2"}

# Resource id prefixes, shaped like the real ones (vpc-0a1b2c3d4e5f60718).
_ID_PREFIX = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": "eigw",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/defaultRouteTable:DefaultRouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation": "rtbassoc",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/networkAcl:NetworkAcl": "acl",
    "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": "acl",
    "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation": "a",
    "aws:servicediscovery/httpNamespace:HttpNamespace": "ns",
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": "ns",
}

# Types whose provider id is their ARN.
_ARN_IS_ID = {
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:alb/loadBalancer:LoadBalancer",
    "aws:lb/targetGroup:TargetGroup",
    "aws:alb/targetGroup:TargetGroup",
    "aws:lb/listener:Listener",
    "aws:alb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:alb/listenerRule:ListenerRule",
    "aws:ecs/cluster:Cluster",
    "aws:ecs/service:Service",
}

# Types the AWS provider auto-names from the logical name when no name is given.
_AUTONAMED = {
    "aws:iam/role:Role",
    "aws:iam/policy:Policy",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:ecs/cluster:Cluster",
    "aws:ecs/service:Service",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:alb/loadBalancer:LoadBalancer",
    "aws:lb/targetGroup:TargetGroup",
    "aws:alb/targetGroup:TargetGroup",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
}


def _awsx_vpc_outputs(name: str) -> dict[str, Any]:
    def ids(kind: str) -> list[str]:
        return [f"subnet-0{_digest(name, kind, str(i), length=16)}" for i in range(3)]

    return {
        "vpcId": f"vpc-0{_digest(name, 'awsx', length=16)}",
        "publicSubnetIds": ids("public"),
        "privateSubnetIds": ids("private"),
        "isolatedSubnetIds": [],
    }


# Outputs of remote components (built by a plugin that preflight cannot run), in update mode.
_REMOTE_COMPONENT_OUTPUTS: dict[str, Callable[[str], dict[str, Any]]] = {"awsx:ec2:Vpc": _awsx_vpc_outputs}

# Regional services that expose a VPC endpoint and have no private DNS name of their own form.
_GATEWAY_SERVICES = {"s3", "dynamodb"}


def _digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


def _type_parts(type_token: str) -> tuple[str, str]:
    """`aws:ec2/vpc:Vpc` -> ("ec2", "vpc")."""
    try:
        _, module, name = type_token.split(":")
    except ValueError:
        return "unknown", type_token.lower()
    service = module.split("/")[0]
    return service, name[:1].lower() + name[1:]


def availability_zones(region: str) -> list[str]:
    return [f"{region}{letter}" for letter in "abcdef"[: _AZ_COUNT.get(region, 3)]]


class FakeAws(Mocks):
    """Mocks that answer like AWS. In preview, computed outputs stay unknown, as in a first `pulumi preview`."""

    def __init__(self, region: str, preview: bool, on_invoke: Callable[[str, bool], None]) -> None:
        self.region = region
        self.preview = preview
        self._on_invoke = on_invoke  # (token, simulated)
        self._invokes: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "aws:index/getAvailabilityZones:getAvailabilityZones": self._availability_zones,
            "aws:index/getRegion:getRegion": self._region,
            "aws:index/getPartition:getPartition": self._partition,
            "aws:index/getCallerIdentity:getCallerIdentity": self._caller_identity,
            "aws:ec2/getVpcEndpointService:getVpcEndpointService": self._endpoint_service,
            "aws:ec2/getPrefixList:getPrefixList": self._prefix_list,
            "aws:ec2/getManagedPrefixList:getManagedPrefixList": self._prefix_list,
            "aws:ec2/getVpc:getVpc": self._vpc,
            "aws:ec2/getSubnets:getSubnets": self._subnets,
            "aws:ec2/getSubnet:getSubnet": self._subnet,
            "aws:iam/getPolicyDocument:getPolicyDocument": self._policy_document,
        }

    # ---- resources -------------------------------------------------------------------------------------------
    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict]:
        remote = _REMOTE_COMPONENT_OUTPUTS.get(args.typ)
        if remote is not None:
            # A remote (plugin-built) component: its outputs are not its inputs, and its children are invisible.
            return "", {} if self.preview else remote(args.name)
        inputs = dict(args.inputs)
        # A read (`Resource.get`) or an import gives its id; a create gets a fake one, except in preview.
        resource_id = args.resource_id or (None if self.preview else self.fake_id(args.typ, args.name))
        if resource_id is None:
            # An empty id and no computed outputs: every output not set by the program is unknown.
            return "", inputs
        return resource_id, {**inputs, "id": resource_id, **self.computed(args.typ, args.name, inputs, resource_id)}

    def preview_outputs(self, type_token: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """What a first preview shows beyond the inputs: known planned values, and unknowns for computed outputs.

        The provider plans auto-names and `tagsAll` (known); ids, ARNs and other values AWS assigns stay unknown.
        """
        computed = self.computed(type_token, name, inputs, "")
        planned = {key: computed[key] for key in ("name", "tagsAll") if key in computed}
        unknown = {key: UNKNOWN for key in ["id", *computed] if key not in planned and key not in inputs}
        return {**unknown, **planned}

    def fake_id(self, type_token: str, name: str) -> str:
        if type_token in _ARN_IS_ID:
            return self.arn(type_token, name)
        prefix = _ID_PREFIX.get(type_token)
        if prefix:
            return f"{prefix}-0{_digest(type_token, name, length=16)}"
        return f"{name}-{_digest(type_token, name, length=8)}"

    def arn(self, type_token: str, name: str) -> str:
        service, kind = _type_parts(type_token)
        service = {"lb": "elasticloadbalancing", "alb": "elasticloadbalancing", "cloudwatch": "logs"}.get(
            service, service
        )
        if service == "iam":
            return f"arn:{PARTITION}:iam::{ACCOUNT_ID}:{kind}/{name}"
        return f"arn:{PARTITION}:{service}:{self.region}:{ACCOUNT_ID}:{kind}/{name}/{_digest(name, length=16)}"

    def computed(self, typ: str, name: str, inputs: dict[str, Any], resource_id: str) -> dict[str, Any]:
        """The outputs AWS (or the provider) fills in for a resource of this type, beyond its inputs."""
        out: dict[str, Any] = {"arn": resource_id if typ in _ARN_IS_ID else self.arn(typ, name)}
        if "tags" in inputs:
            out["tagsAll"] = inputs["tags"]
        if typ in _AUTONAMED and not inputs.get("name"):
            out["name"] = f"{name}-{_digest(name, length=7)}"
        _, kind = _type_parts(typ)
        if kind == "vpc":
            out["mainRouteTableId"] = out["defaultRouteTableId"] = f"rtb-0{_digest(name, 'main', length=16)}"
            out["defaultSecurityGroupId"] = f"sg-0{_digest(name, 'default', length=16)}"
            out["defaultNetworkAclId"] = f"acl-0{_digest(name, 'default', length=16)}"
            out["ownerId"] = ACCOUNT_ID
        elif kind == "loadBalancer":
            out["dnsName"] = f"{name}-{int(_digest(name, length=8), 16) % 10**9}.{self.region}.elb.amazonaws.com"
            out["zoneId"] = "Z35SXDOTRQ7X7K"
            out["arnSuffix"] = resource_id.split(":loadbalancer/", 1)[-1]
        elif kind == "targetGroup":
            out["arnSuffix"] = resource_id.rsplit(":", 1)[-1]
        elif kind in ("eip", "natGateway"):
            octet = int(_digest(name, length=2), 16)
            out["publicIp"] = f"203.0.113.{octet}"
            if kind == "eip":
                out["allocationId"] = resource_id
        elif kind == "vpcEndpoint":
            if inputs.get("vpcEndpointType", "Gateway") == "Gateway":
                out["prefixListId"] = f"pl-{_digest(str(inputs.get('serviceName')), length=8)}"
            out["networkInterfaceIds"] = []
            out["dnsEntries"] = []
        elif kind == "role":
            out["uniqueId"] = f"AROA{_digest(name, length=17).upper()}"
        elif kind == "taskDefinition":
            out["revision"] = 1
            out["arnWithoutRevision"] = out["arn"]
        elif kind in ("httpNamespace", "privateDnsNamespace"):
            out["hostedZone"] = f"Z{_digest(name, length=13).upper()}"
        return out

    # ---- invokes ---------------------------------------------------------------------------------------------
    def call(self, args: MockCallArgs) -> dict:
        handler = self._invokes.get(args.token)
        self._on_invoke(args.token, handler is not None)
        return handler(dict(args.args or {})) if handler else {}

    def _availability_zones(self, _args: dict) -> dict:
        names = availability_zones(self.region)
        prefix = _AZ_ID_PREFIX.get(self.region, self.region.replace("-", "")[:4])
        return {
            "id": self.region,
            "names": names,
            "zoneIds": [f"{prefix}-az{i + 1}" for i in range(len(names))],
            "groupNames": [self.region] * len(names),
            "state": "available",
            "region": self.region,
        }

    def _region(self, _args: dict) -> dict:
        return {
            "id": self.region,
            "name": self.region,
            "region": self.region,
            "description": self.region,
            "endpoint": f"ec2.{self.region}.amazonaws.com",
        }

    def _partition(self, _args: dict) -> dict:
        return {
            "id": PARTITION,
            "partition": PARTITION,
            "dnsSuffix": "amazonaws.com",
            "reverseDnsPrefix": "com.amazonaws",
        }

    def _caller_identity(self, _args: dict) -> dict:
        return {
            "id": ACCOUNT_ID,
            "accountId": ACCOUNT_ID,
            "arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:user/preflight",
            "userId": "AIDAPREFLIGHTFAKEUSER",
        }

    def _endpoint_service(self, args: dict) -> dict:
        service = args.get("service") or str(args.get("serviceName", "")).rsplit(".", 1)[-1]
        service_type = args.get("serviceType") or ("Gateway" if service in _GATEWAY_SERVICES else "Interface")
        name = args.get("serviceName") or f"com.amazonaws.{self.region}.{service}"
        return {
            "id": _digest(name, length=8),
            "service": service,
            "serviceName": name,
            "serviceType": service_type,
            "serviceId": f"vpce-svc-0{_digest(name, length=16)}",
            "availabilityZones": availability_zones(self.region),
            "baseEndpointDnsNames": [f"{service}.{self.region}.vpce.amazonaws.com"],
            "privateDnsName": "" if service_type == "Gateway" else f"{service}.{self.region}.amazonaws.com",
            "owner": "amazon",
            "acceptanceRequired": False,
            "managesVpcEndpoints": False,
            "vpcEndpointPolicySupported": True,
            "region": self.region,
            "tags": {},
        }

    def _prefix_list(self, args: dict) -> dict:
        name = args.get("name") or f"com.amazonaws.{self.region}.s3"
        pl_id = args.get("prefixListId") or args.get("id") or f"pl-{_digest(name, length=8)}"
        return {
            "id": pl_id,
            "prefixListId": pl_id,
            "name": name,
            "cidrBlocks": ["52.216.0.0/15", "54.231.0.0/16"],
        }

    def _vpc(self, args: dict) -> dict:
        vpc_id = args.get("id") or f"vpc-0{_digest('default-vpc', length=16)}"
        return {
            "id": vpc_id,
            "arn": f"arn:{PARTITION}:ec2:{self.region}:{ACCOUNT_ID}:vpc/{vpc_id}",
            "cidrBlock": "172.31.0.0/16",
            "default": bool(args.get("default", True)),
            "enableDnsHostnames": True,
            "enableDnsSupport": True,
            "instanceTenancy": "default",
            "mainRouteTableId": f"rtb-0{_digest(vpc_id, 'main', length=16)}",
            "ownerId": ACCOUNT_ID,
            "tags": {},
        }

    def _subnets(self, _args: dict) -> dict:
        ids = [f"subnet-0{_digest('default-subnet', az, length=16)}" for az in availability_zones(self.region)]
        return {"id": self.region, "ids": ids}

    def _subnet(self, args: dict) -> dict:
        zones = availability_zones(self.region)
        subnet_id = args.get("id") or f"subnet-0{_digest('default-subnet', zones[0], length=16)}"
        index = int(_digest(subnet_id, length=2), 16) % len(zones)
        return {
            "id": subnet_id,
            "arn": f"arn:{PARTITION}:ec2:{self.region}:{ACCOUNT_ID}:subnet/{subnet_id}",
            "vpcId": f"vpc-0{_digest('default-vpc', length=16)}",
            "availabilityZone": zones[index],
            "cidrBlock": f"172.31.{index * 16}.0/20",
            "defaultForAz": True,
            "mapPublicIpOnLaunch": True,
            "tags": {},
        }

    def _policy_document(self, args: dict) -> dict:
        statements = []
        for stmt in args.get("statements") or []:
            rendered: dict[str, Any] = {}
            if stmt.get("sid"):
                rendered["Sid"] = stmt["sid"]
            rendered["Effect"] = stmt.get("effect", "Allow")
            for key, out_key in (("actions", "Action"), ("resources", "Resource")):
                if stmt.get(key):
                    rendered[out_key] = stmt[key]
            for principal in stmt.get("principals") or []:
                rendered.setdefault("Principal", {})[principal["type"]] = principal["identifiers"]
            for cond in stmt.get("conditions") or []:
                rendered.setdefault("Condition", {}).setdefault(cond["test"], {})[cond["variable"]] = cond["values"]
            statements.append(rendered)
        document = json.dumps({"Version": args.get("version", "2012-10-17"), "Statement": statements}, indent=2)
        return {
            "id": _digest(document, length=10),
            "json": document,
            "minifiedJson": json.dumps(json.loads(document), separators=(",", ":")),
        }
