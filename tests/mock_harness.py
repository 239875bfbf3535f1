"""Run the real stack program under Pulumi's mocks and record every registration, links included.

In update mode every resource gets the id f"{name}-id", so a link is asserted by comparing an input with the
id of the resource it should point at."""

import json
import runpy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pulumi
import yaml
from google.protobuf import json_format
from pulumi.runtime import settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.stack import wait_for_rpcs
from pulumi.runtime.sync_await import _sync_await

REPO = Path(__file__).resolve().parent.parent
PROJECT = "fargate-networking"
STACK_TYPE = "pulumi:pulumi:Stack"
ZONES = {
    "us-east-1": ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"],
    "eu-west-1": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
}
# Outputs a real provider computes, so that dependent inputs are known in update mode.
COMPUTED = {
    "aws:lb/loadBalancer:LoadBalancer": lambda name: {"dnsName": f"{name}.us-east-1.elb.amazonaws.com"},
    "awsx:ec2:Vpc": lambda name: {
        "vpcId": f"{name}-vpc-id",
        "publicSubnetIds": [f"{name}-public-{i}-id" for i in range(6)],
        "privateSubnetIds": [f"{name}-private-{i}-id" for i in range(6)],
    },
}


REMOTE_COMPONENTS = {"awsx:ec2:Vpc"}


class PlatformMocks(pulumi.runtime.Mocks):
    def __init__(self, region: str, preview: bool):
        self.region, self.preview = region, preview
        self.calls: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        if args.typ in REMOTE_COMPONENTS:
            # A remote component's outputs are not its inputs (awsx's natGateways input is a strategy, its
            # natGateways output a list of resources): echoing inputs would fail the SDK's output typing.
            return "", {} if self.preview else COMPUTED[args.typ](args.name)
        if self.preview:
            return "", dict(args.inputs)
        state = {
            "arn": f"arn:aws:mock:{self.region}:123456789012:{args.name}",
            "name": args.name,
            **args.inputs,
            **COMPUTED.get(args.typ, lambda _: {})(args.name),
        }
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs):
        self.calls.append(args.token)
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            names = ZONES.get(self.region, [])
            return {"id": self.region, "names": names, "zoneIds": [f"use1-az{i + 1}" for i in range(len(names))]}
        if args.token == "aws:index/getRegion:getRegion":
            return {"id": self.region, "name": self.region, "region": self.region, "endpoint": "", "description": ""}
        raise NotImplementedError(args.token)


@dataclass
class Registration:
    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]

    @property
    def id(self) -> str:
        return f"{self.name}-id"


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: pulumi.runtime.Mocks):
        super().__init__(mocks)
        self.registrations: list[Registration] = []

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type != STACK_TYPE:
            self.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    parent=request.parent,
                    custom=request.custom,
                    inputs=json_format.MessageToDict(request.object),
                    dependencies=list(request.dependencies),
                    property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
                )
            )
        return response


@dataclass
class Run:
    stack: str
    registrations: list[Registration]
    calls: list[str]
    outputs: dict[str, Any] = field(default_factory=dict)

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_]

    def named(self, name: str) -> Registration:
        (match,) = [r for r in self.registrations if r.name == name]
        return match

    def by_urn(self, urn: str) -> Registration:
        (match,) = [r for r in self.registrations if r.urn == urn]
        return match

    def by_id(self, resource_id: str) -> Registration:
        (match,) = [r for r in self.registrations if r.id == resource_id]
        return match

    def children_of(self, component: Registration) -> list[Registration]:
        return [r for r in self.registrations if r.parent == component.urn]


def config_strings(config: Mapping[str, Any]) -> dict[str, str]:
    """Stack config as the CLI hands it to a program: structured values become JSON strings."""
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in config.items()}


def stack_config(stack: str) -> dict[str, Any]:
    return yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text())["config"]


def run_program(config: Mapping[str, Any], *, stack: str = "test", preview: bool = False, entry: bool = False) -> Run:
    """Run infra under mocks with this stack config. entry=True runs infra/__main__.py as Pulumi would."""

    def program() -> dict[str, Any]:
        if entry:
            runpy.run_path(str(REPO / "infra" / "__main__.py"), run_name="__main__")
            return {}
        from infra.program import build, load_spec

        return build(load_spec())

    return run_function(program, config=config, stack=stack, preview=preview)


def run_function(
    program: Callable[[], Any],
    *,
    config: Mapping[str, Any] = MappingProxyType({}),
    stack: str = "test",
    preview: bool = False,
) -> Run:
    """Run any Pulumi code under fresh mocks; a dict it returns becomes Run.outputs."""
    region = str(config.get("aws:region", "us-east-1"))
    mocks = PlatformMocks(region, preview)
    monitor = RecordingMonitor(mocks)
    settings.ROOT.set(None)  # a fresh root stack per run
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=preview, monitor=monitor)
    set_all_config(config_strings(config))
    run = Run(stack, monitor.registrations, mocks.calls)
    _LAST_RUN[:] = [run]
    try:
        run.outputs = program() or {}
    finally:
        _sync_await(wait_for_rpcs())
    return run


_LAST_RUN: list[Run] = []


def last_run() -> Run:
    """The most recent run, also when the program raised (to check that nothing was registered)."""
    return _LAST_RUN[0]


def resolved(run: Run, key: str) -> Any:
    """The value of a stack output (outputs are Pulumi Outputs until resolved)."""
    return _sync_await(pulumi.Output.from_input(run.outputs[key]).future())


# ---- link helpers: follow ids from one registration to another -------------------------------------------------
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
NAT = "aws:ec2/natGateway:NatGateway"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
ECS_SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"


def subnet_ids(run: Run, tier: str) -> set[str]:
    return {s.id for s in run.of_type(SUBNET) if s.inputs["tags"]["tier"] == tier}


def private_route_table_ids(run: Run) -> set[str]:
    return {t.id for t in run.of_type(ROUTE_TABLE) if t.inputs["tags"].get("tier") == "private"}


def route_table_az(run: Run, route_table_id: str) -> str:
    (association,) = [a for a in run.of_type(ASSOCIATION) if a.inputs["routeTableId"] == route_table_id]
    return run.by_id(association.inputs["subnetId"]).inputs["availabilityZone"]


def default_routes(run: Run) -> dict[str, Registration]:
    """Private route table id -> its 0.0.0.0/0 route."""
    private = private_route_table_ids(run)
    return {
        r.inputs["routeTableId"]: r
        for r in run.of_type(ROUTE)
        if r.inputs["destinationCidrBlock"] == "0.0.0.0/0" and r.inputs["routeTableId"] in private
    }


def task_security_groups(run: Run) -> dict[str, str]:
    """ECS service name -> its task SG id."""
    return {s.inputs["name"]: s.inputs["networkConfiguration"]["securityGroups"][0] for s in run.of_type(ECS_SERVICE)}


def alb_security_group(run: Run) -> str:
    (alb,) = run.of_type(LOAD_BALANCER)
    (sg,) = alb.inputs["securityGroups"]
    return sg


def rules_on(run: Run, type_: str, security_group_id: str) -> list[Registration]:
    return [r for r in run.of_type(type_) if r.inputs["securityGroupId"] == security_group_id]
