"""Run the real stack program under preflight's mock runtime (`preflight.engine.Recorder` with `FakeAws`) and record
every registration, links included.

In update mode every resource gets a FakeAws id shaped like the real one (`vpc-0…`, `subnet-0…`, an ARN for load
balancers, listeners, target groups, clusters and services), so a link is asserted by comparing an input with the id
(or an output such as `arn`) of the registration it should point at: `run.named("network-vpc").id`."""

import contextlib
import json
import runpy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pulumi
import yaml
from google.protobuf import json_format
from pulumi.runtime.stack import wait_for_rpcs
from pulumi.runtime.sync_await import _sync_await

from preflight import engine
from preflight.registration import STACK_TYPE, Registration

REPO = Path(__file__).resolve().parent.parent
PROJECT = "fargate-networking"


@dataclass
class Recorded:
    """One of preflight's registrations as the tests read it: inputs and outputs as plain dicts."""

    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    read: bool = False
    position: tuple[str, int] | None = None  # (absolute file, line) of the declaring program line

    @property
    def id(self) -> str:
        """The provider id FakeAws gave it (update mode); empty in preview, where ids are unknown."""
        return self.outputs.get("id", "")

    @classmethod
    def of(cls, recorded: Registration) -> "Recorded":
        """The same fields as preflight's registration, with the Structs read into dicts."""
        converted = {key: json_format.MessageToDict(getattr(recorded, key)) for key in ("inputs", "outputs")}
        return cls(**{**{f.name: getattr(recorded, f.name) for f in fields(recorded)}, **converted})


@dataclass
class MockRun:
    stack: str
    recorder: engine.Recorder
    registrations: list[Recorded] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def invokes(self) -> list[str]:
        """Every invoke token the program called, in order."""
        return self.recorder.invokes

    def collect(self) -> None:
        self.registrations = [Recorded.of(r) for r in self.recorder.registrations if r.type != STACK_TYPE]

    def of_type(self, type_: str) -> list[Recorded]:
        return [r for r in self.registrations if r.type == type_]

    def named(self, name: str) -> Recorded:
        (match,) = [r for r in self.registrations if r.name == name]
        return match

    def by_urn(self, urn: str) -> Recorded:
        (match,) = [r for r in self.registrations if r.urn == urn]
        return match

    def by_id(self, resource_id: str) -> Recorded:
        (match,) = [r for r in self.registrations if r.id == resource_id]
        return match

    def children_of(self, component: Recorded) -> list[Recorded]:
        return [r for r in self.registrations if r.parent == component.urn]


def config_strings(config: Mapping[str, Any]) -> dict[str, str]:
    """Stack config as the CLI hands it to a program: structured values become JSON strings."""
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in config.items()}


def stack_config(stack: str) -> dict[str, Any]:
    return yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text())["config"]


def run_program(
    config: Mapping[str, Any], *, stack: str = "test", preview: bool = False, entry: bool = False
) -> MockRun:
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
) -> MockRun:
    """Run any Pulumi code under fresh mocks; a dict it returns becomes MockRun.outputs."""
    region = str(config.get("aws:region", "us-east-1"))
    recorder = engine.Recorder(
        project=PROJECT, stack=stack, region=region, preview=preview, config=config_strings(config)
    )
    run = MockRun(stack, recorder)
    _LAST_RUN[:] = [run]
    try:
        run.outputs = recorder.run(program) or {}
    except BaseException:
        with contextlib.suppress(Exception):  # let what was registered before the failure land, then re-raise
            _sync_await(wait_for_rpcs())
        raise
    finally:
        run.collect()
    return run


_LAST_RUN: list[MockRun] = []


def last_run() -> MockRun:
    """The most recent run, also when the program raised (to check that nothing was registered)."""
    return _LAST_RUN[0]


def resolved(run: MockRun, key: str) -> Any:
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


def subnet_ids(run: MockRun, tier: str) -> set[str]:
    return {s.id for s in run.of_type(SUBNET) if s.inputs["tags"].get("tier") == tier}


def private_route_table_ids(run: MockRun) -> set[str]:
    return {t.id for t in run.of_type(ROUTE_TABLE) if t.inputs["tags"].get("tier") == "private"}


def route_table_az(run: MockRun, route_table_id: str) -> str:
    (association,) = [a for a in run.of_type(ASSOCIATION) if a.inputs["routeTableId"] == route_table_id]
    return run.by_id(association.inputs["subnetId"]).inputs["availabilityZone"]


def default_routes(run: MockRun) -> dict[str, Recorded]:
    """Private route table id -> its 0.0.0.0/0 route."""
    private = private_route_table_ids(run)
    return {
        r.inputs["routeTableId"]: r
        for r in run.of_type(ROUTE)
        if r.inputs["destinationCidrBlock"] == "0.0.0.0/0" and r.inputs["routeTableId"] in private
    }


def task_security_groups(run: MockRun) -> dict[str, str]:
    """ECS service name -> its task SG id."""
    return {s.inputs["name"]: s.inputs["networkConfiguration"]["securityGroups"][0] for s in run.of_type(ECS_SERVICE)}


def alb_security_group(run: MockRun) -> str:
    (alb,) = run.of_type(LOAD_BALANCER)
    (sg,) = alb.inputs["securityGroups"]
    return sg


def rules_on(run: MockRun, type_: str, security_group_id: str) -> list[Recorded]:
    return [r for r in run.of_type(type_) if r.inputs["securityGroupId"] == security_group_id]
