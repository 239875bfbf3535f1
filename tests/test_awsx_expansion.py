"""preflight's awsx model registers the pulumi_aws children awsx would, with awsx's names, parents and links."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx
import pytest
from google.protobuf import json_format
from pulumi.runtime import settings

from preflight import engine
from preflight.awsx import MODELLED_COMPONENTS, MODELLED_VERSION, AwsxLibrary
from preflight.awsx.layout import LayoutError

VPC, SUBNET, NAT, ROUTE = (
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/route:Route",
)


class Recorded:
    def __init__(self, recorder):
        self.diagnostics = recorder.diagnostics
        self.all = [
            {
                "type": r.type,
                "name": r.name,
                "urn": r.urn,
                "parent": r.parent,
                "inputs": json_format.MessageToDict(r.inputs),
                "outputs": json_format.MessageToDict(r.outputs),
                "deps": r.dependencies,
                "prop_deps": r.property_dependencies,
            }
            for r in recorder.registrations
        ]

    def of(self, type_):
        return [r for r in self.all if r["type"] == type_]

    def one(self, type_, name):
        (match,) = [r for r in self.all if r["type"] == type_ and r["name"] == name]
        return match

    def by_urn(self, urn):
        (match,) = [r for r in self.all if r["urn"] == urn]
        return match


def record(program, preview=True):
    recorder = engine.Recorder(project="p", stack="s", region="us-east-1", preview=preview)
    recorder.run(program)
    return Recorded(recorder)


@pytest.mark.parametrize("strategy,nats", [("None", 0), ("Single", 1), ("OnePerAz", 3)])
def test_nat_strategy_decides_the_nat_gateways_and_private_routes(strategy, nats):
    run = record(lambda: awsx.ec2.Vpc("net", nat_gateways={"strategy": strategy}))
    gateways = run.of(NAT)
    assert len(gateways) == nats and len(run.of("aws:ec2/eip:Eip")) == nats
    private_routes = [r for r in run.of(ROUTE) if "private" in r["name"]]
    assert len(private_routes) == (3 if nats else 0)
    for route in private_routes:
        (nat_urn,) = route["prop_deps"]["natGatewayId"]
        nat = run.by_urn(nat_urn)
        az = route["name"].rsplit("-", 1)[1]
        assert nat["name"] == ("net-1" if strategy == "Single" else f"net-{az}")
        assert run.by_urn(nat["parent"])["name"] == "net-public-1" if strategy == "Single" else f"net-public-{az}"


def test_vpc_children_have_awsx_parents_names_and_links():
    run = record(
        lambda: awsx.ec2.Vpc("net", cidr_block="10.1.0.0/16", availability_zone_names=["us-east-1a", "us-east-1b"])
    )
    component = run.one("awsx:ec2:Vpc", "net")
    vpc = run.one(VPC, "net")
    assert vpc["parent"] == component["urn"] and vpc["inputs"]["cidrBlock"] == "10.1.0.0/16"
    assert vpc["inputs"]["tags"] == {"Name": "net"}
    igw = run.one("aws:ec2/internetGateway:InternetGateway", "net")
    assert igw["parent"] == vpc["urn"] and igw["prop_deps"]["vpcId"] == [vpc["urn"]] and vpc["urn"] in igw["deps"]
    # Legacy layout for 2 AZs: /17 per AZ, private /18 then public /19
    subnets = {s["name"]: s["inputs"] for s in run.of(SUBNET)}
    assert {n: (s["cidrBlock"], s["availabilityZone"], s["mapPublicIpOnLaunch"]) for n, s in subnets.items()} == {
        "net-private-1": ("10.1.0.0/18", "us-east-1a", False),
        "net-public-1": ("10.1.64.0/19", "us-east-1a", True),
        "net-private-2": ("10.1.128.0/18", "us-east-1b", False),
        "net-public-2": ("10.1.192.0/19", "us-east-1b", True),
    }
    assert subnets["net-public-1"]["tags"] == {"Name": "net-public-1", "SubnetType": "Public"}
    for subnet in run.of(SUBNET):
        table = run.one("aws:ec2/routeTable:RouteTable", subnet["name"])
        association = run.one("aws:ec2/routeTableAssociation:RouteTableAssociation", subnet["name"])
        assert subnet["parent"] == vpc["urn"] and table["parent"] == subnet["urn"]
        assert association["parent"] == table["urn"]
        assert association["prop_deps"] == {"routeTableId": [table["urn"]], "subnetId": [subnet["urn"]]}
    public_route = run.one(ROUTE, "net-public-1")
    assert public_route["inputs"]["destinationCidrBlock"] == "0.0.0.0/0"
    assert public_route["prop_deps"]["gatewayId"] == [igw["urn"]]


@pytest.mark.parametrize("preview", [True, False])
def test_component_outputs_are_its_childrens_values(preview):
    def program():
        vpc = awsx.ec2.Vpc("net", number_of_availability_zones=2)
        aws.ec2.SecurityGroup("sg", vpc_id=vpc.vpc_id)
        aws.ec2.SecurityGroup("sg-ref", vpc_id=vpc.vpc.id)
        aws.ecs.Service("svc", network_configuration={"subnets": vpc.private_subnet_ids})

    run = record(program, preview)
    # awsx's order (AZ 1, AZ 2), whatever order the registrations completed in
    private = sorted((s for s in run.of(SUBNET) if "private" in s["name"]), key=lambda s: s["name"])
    service = run.one("aws:ecs/service:Service", "svc")
    assert {s["urn"] for s in private} <= set(service["prop_deps"]["networkConfiguration"])
    vpc = run.one(VPC, "net")
    for name in ("sg", "sg-ref"):
        assert vpc["urn"] in run.one("aws:ec2/securityGroup:SecurityGroup", name)["prop_deps"]["vpcId"]
    subnets = service["inputs"]["networkConfiguration"]["subnets"]
    if preview:
        assert subnets == pulumi.runtime.rpc.UNKNOWN
    else:
        assert subnets == [s["outputs"]["id"] for s in private]
        assert run.one("aws:ec2/securityGroup:SecurityGroup", "sg")["inputs"]["vpcId"] == vpc["outputs"]["id"]


def test_vpc_endpoints_auto_strategy_wires_route_tables_subnets_and_an_https_sg():
    run = record(
        lambda: awsx.ec2.Vpc(
            "net",
            number_of_availability_zones=2,
            vpc_endpoint_strategy="Auto",
            vpc_endpoint_specs=[
                {"service_name": "com.amazonaws.us-east-1.s3"},
                {"service_name": "com.amazonaws.us-east-1.ecr.api", "vpc_endpoint_type": "Interface"},
            ],
        )
    )
    tables = {t["urn"] for t in run.of("aws:ec2/routeTable:RouteTable")}
    s3 = run.one("aws:ec2/vpcEndpoint:VpcEndpoint", "com.amazonaws.us-east-1.s3")
    assert set(s3["prop_deps"]["routeTableIds"]) == tables and len(tables) == 4
    ecr = run.one("aws:ec2/vpcEndpoint:VpcEndpoint", "com.amazonaws.us-east-1.ecr.api")
    private = {s["urn"] for s in run.of(SUBNET) if "private" in s["name"]}
    assert set(ecr["prop_deps"]["subnetIds"]) == private and ecr["inputs"]["privateDnsEnabled"] is True
    sg = run.one("aws:ec2/securityGroup:SecurityGroup", "com.amazonaws.us-east-1.ecr.api-sg")
    rule = run.one("aws:ec2/securityGroupRule:SecurityGroupRule", "com.amazonaws.us-east-1.ecr.api-ingress")
    assert ecr["prop_deps"]["securityGroupIds"] == [sg["urn"]]
    assert (rule["inputs"]["fromPort"], rule["inputs"]["toPort"], rule["inputs"]["protocol"]) == (443, 443, "tcp")
    assert rule["prop_deps"]["cidrBlocks"] == [run.one(VPC, "net")["urn"]]
    assert run.one(VPC, "net")["inputs"]["enableDnsHostnames"] is True


def test_legacy_endpoint_without_route_tables_passes_through_with_awsx_warning():
    run = record(lambda: awsx.ec2.Vpc("net", vpc_endpoint_specs=[{"service_name": "com.amazonaws.us-east-1.s3"}]))
    endpoint = run.one("aws:ec2/vpcEndpoint:VpcEndpoint", "com.amazonaws.us-east-1.s3")
    assert "routeTableIds" not in endpoint["inputs"]
    assert any("com.amazonaws.us-east-1.s3" in d and "route tables" in d for d in run.diagnostics)


def test_an_option_outside_the_model_keeps_the_diagnostic_naming_it_and_registers_no_child():
    run = record(lambda: awsx.ec2.Vpc("net", assign_generated_ipv6_cidr_block=True))
    assert [r["type"] for r in run.all if r["type"] != engine.STACK_TYPE] == ["awsx:ec2:Vpc"]
    (diagnostic,) = [d for d in run.diagnostics if "remote component" in d]
    assert "awsx:ec2:Vpc net" in diagnostic and "assignGeneratedIpv6CidrBlock" in diagnostic


def test_a_component_outside_the_model_keeps_the_diagnostic():
    run = record(lambda: awsx.ecr.Repository("repo"))
    (diagnostic,) = [d for d in run.diagnostics if "remote component" in d]
    assert "awsx:ecr:Repository repo" in diagnostic and "does not model" in diagnostic


def test_a_different_installed_awsx_version_is_reported(monkeypatch):
    assert AwsxLibrary(installed=MODELLED_VERSION).version_note() is None
    monkeypatch.setattr(engine, "component_libraries", lambda: {"awsx": lambda: AwsxLibrary(installed="3.10.0")})
    run = record(lambda: (awsx.ec2.Vpc("a"), awsx.ec2.Vpc("b")))
    notes = [d for d in run.diagnostics if "3.10.0" in d]
    assert len(notes) == 1 and MODELLED_VERSION in notes[0]
    assert len(run.of(VPC)) == 2  # still expanded


def test_awsx_refusal_fails_the_program_like_awsx():
    try:
        with pytest.raises(LayoutError, match="public subnets must be declared"):
            record(lambda: awsx.ec2.Vpc("net", subnet_specs=[{"type": "Private"}], nat_gateways={"strategy": "Single"}))
    finally:
        settings.SETTINGS.outputs.clear()  # the failed program's pending outputs must not leak into the next run


def test_network_load_balancer_gets_tcp_target_group_and_listener_and_no_sg():
    run = record(lambda: awsx.lb.NetworkLoadBalancer("nlb"), preview=False)
    balancer = run.one("aws:lb/loadBalancer:LoadBalancer", "nlb")
    assert balancer["inputs"]["loadBalancerType"] == "network" and "securityGroups" not in balancer["inputs"]
    assert len(balancer["inputs"]["subnets"]) == 6  # the default VPC's (all public) subnets
    group = run.one("aws:lb/targetGroup:TargetGroup", "nlb")
    assert (group["inputs"]["protocol"], group["inputs"]["port"]) == ("TCP", 80)
    listener = run.one("aws:lb/listener:Listener", "nlb-0")
    assert (listener["inputs"]["protocol"], listener["inputs"]["port"]) == ("TCP", 80)
    assert listener["inputs"]["defaultActions"] == [{"type": "forward", "targetGroupArn": group["outputs"]["id"]}]
    assert not run.of("aws:ec2/securityGroup:SecurityGroup")


def test_alb_default_sg_is_open_to_the_internet_as_awsx_makes_it():
    run = record(lambda: awsx.lb.ApplicationLoadBalancer("web"))
    sg = run.one("aws:ec2/securityGroup:SecurityGroup", "web")
    assert sg["inputs"]["ingress"][0]["cidrBlocks"] == ["0.0.0.0/0"] and sg["inputs"]["ingress"][0]["protocol"] == "-1"
    balancer = run.one("aws:lb/loadBalancer:LoadBalancer", "web")
    assert balancer["prop_deps"]["securityGroups"] == [sg["urn"]]
    group = run.one("aws:lb/targetGroup:TargetGroup", "web")
    assert (group["inputs"]["targetType"], group["inputs"]["protocol"], group["inputs"]["port"]) == ("ip", "HTTP", 80)


def test_fargate_task_definition_has_roles_log_group_and_awslogs_containers():
    run = record(
        lambda: awsx.ecs.FargateTaskDefinition(
            "task",
            containers={"b": {"name": "b", "image": "x", "cpu": 256, "memory": 1024}, "a": {"name": "a", "image": "y"}},
        )
    )
    roles = {r["name"]: r for r in run.of("aws:iam/role:Role")}
    assert set(roles) == {"task-task", "task-execution"}
    assert json.loads(roles["task-task"]["inputs"]["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "Service": "ecs-tasks.amazonaws.com"
    }
    (attachment,) = run.of("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment["inputs"]["policyArn"].endswith("AmazonECSTaskExecutionRolePolicy")
    task = run.one("aws:ecs/taskDefinition:TaskDefinition", "task")
    definitions = json.loads(task["inputs"]["containerDefinitions"])  # known in preview, as awsx's plan is
    assert [d["name"] for d in definitions] == ["a", "b"]
    assert definitions[0]["logConfiguration"]["options"]["awslogs-stream-prefix"] == "a"
    assert (task["inputs"]["cpu"], task["inputs"]["memory"]) == ("256", "1024")  # cheapest size holding the sums
    assert task["inputs"]["networkMode"] == "awsvpc" and task["inputs"]["requiresCompatibilities"] == ["FARGATE"]


def _service_with_image(image):
    balancer = awsx.lb.ApplicationLoadBalancer("lb")
    awsx.ecs.FargateService(
        "svc",
        assign_public_ip=True,
        task_definition_args={
            "container": {
                "name": "app",
                "image": image(),
                "cpu": 256,
                "memory": 512,
                "port_mappings": [{"container_port": 80, "target_group": balancer.default_target_group}],
            }
        },
    )


def test_an_image_unknown_while_the_program_runs_leaves_what_awsx_computes_from_the_containers_unknown():
    # As `pulumi new container-aws-python` does: the image comes from a resource (here a repository URL, unknown in
    # preview). awsx computes container definitions, default cpu/memory, family and load balancers from the whole
    # containers input, so all of them are unknown; the rest of the component is registered as awsx does.
    run = record(lambda: _service_with_image(lambda: aws.ecr.Repository("images").repository_url))
    task = run.one("aws:ecs/taskDefinition:TaskDefinition", "svc")
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    assert [task["inputs"][key] for key in ("containerDefinitions", "cpu", "memory", "family")] == [unknown] * 4
    assert task["inputs"]["networkMode"] == "awsvpc" and task["inputs"]["requiresCompatibilities"] == ["FARGATE"]
    service = run.one("aws:ecs/service:Service", "svc")
    assert service["inputs"]["loadBalancers"] == unknown
    assert {r["name"] for r in run.of("aws:iam/role:Role")} == {"svc-task", "svc-execution"}
    assert not [d for d in run.diagnostics if "svc" in d]


def test_container_definitions_are_written_as_awsx_writes_them_once_the_image_is_known():
    run = record(lambda: _service_with_image(lambda: aws.ecr.Repository("images").repository_url), preview=False)
    task = run.one("aws:ecs/taskDefinition:TaskDefinition", "svc")
    text = task["inputs"]["containerDefinitions"]
    assert '"cpu":256,' in text and '"memory":512,' in text  # JSON.stringify writes 256, never 256.0
    (definition,) = json.loads(text)
    assert definition["portMappings"] == [{"containerPort": 80, "hostPort": 80}]
    # awsx gets the program's object with sorted keys (google-protobuf's Map) and appends its log configuration
    assert list(definition) == ["cpu", "image", "memory", "name", "portMappings", "logConfiguration"]
    service = run.one("aws:ecs/service:Service", "svc")
    assert [(b["containerName"], b["containerPort"]) for b in service["inputs"]["loadBalancers"]] == [("app", 80)]


def _nginx_service(**task_args):
    """A FargateService running nginx, with more task definition arguments (created when called)."""
    container = {"name": "app", "image": "nginx", "cpu": 256, "memory": 512}
    return lambda: awsx.ecs.FargateService(
        "svc", assign_public_ip=True, task_definition_args={"container": container, **task_args}
    )


def test_an_option_outside_the_model_is_refused_before_any_child_is_registered():
    run = record(_nginx_service(log_group={"args": {"retention_in_days": 7}}))
    assert [r["type"] for r in run.all if r["name"].startswith("svc")] == ["awsx:ecs:FargateService"]
    assert [d for d in run.diagnostics if "awsx:ecs:FargateService svc" in d and "logGroup.args" in d]


def test_a_role_arn_unknown_while_the_program_runs_is_passed_on():
    def program():
        _nginx_service(task_role={"role_arn": aws.iam.Role("mine", assume_role_policy="{}").arn})()

    run = record(program)
    assert {r["name"] for r in run.of("aws:iam/role:Role")} == {"mine", "svc-execution"}  # awsx makes no task role
    task = run.one("aws:ecs/taskDefinition:TaskDefinition", "svc")
    assert task["inputs"]["taskRoleArn"] == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    assert run.by_urn(run.one("aws:iam/role:Role", "mine")["urn"])["name"] == "mine"
    assert any(run.one("aws:iam/role:Role", "mine")["urn"] in urns for urns in task["prop_deps"].values())


def test_default_vpc_component_and_invoke_read_the_default_vpc():
    def program():
        found = awsx.ec2.get_default_vpc()
        pulumi.export("invoked", found.vpc_id)
        default = awsx.ec2.DefaultVpc("default")
        aws.ec2.SecurityGroup("sg", vpc_id=default.vpc_id)
        aws.ec2.SecurityGroup("sg2", vpc_id=found.vpc_id)

    run = record(program, preview=False)
    first, second = (run.one("aws:ec2/securityGroup:SecurityGroup", n)["inputs"]["vpcId"] for n in ("sg", "sg2"))
    assert first == second and first.startswith("vpc-")
    assert not [d for d in run.diagnostics if "getDefaultVpc" in d]


def test_readme_and_requirements_name_the_modelled_components_and_version():
    repo = Path(__file__).resolve().parent.parent
    readme = (repo / "README.md").read_text()
    section = readme[readme.index("### awsx components") : readme.index("### Deploy checks")]
    assert f"pulumi-awsx {MODELLED_VERSION}" in section
    assert f"pulumi_awsx=={MODELLED_VERSION}" in (repo / "requirements.txt").read_text().splitlines()
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    documented = {f"awsx:{module}:{name}" for row in rows for module, name in re.findall(r"`(\w+)\.(\w+)`", row)}
    assert documented == set(MODELLED_COMPONENTS) | set(AwsxLibrary().invokes())


_LOADED_AFTER = """
import json, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from preflight.engine import run_program
from preflight.project import load_project
for program, overlay in {runs!r}:
    run_program(load_project(Path(program), "dev", overlay=overlay), "dev", preview=True)
print(json.dumps(sorted(m for m in sys.modules if m == "preflight.awsx" or m.startswith("pulumi_awsx"))))
"""


def _loaded_after(*runs):
    import subprocess
    import sys

    code = _LOADED_AFTER.format(tests=str(Path(__file__).parent), runs=[(str(p), o) for p, o in runs])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_program_without_awsx_does_not_load_the_awsx_model():
    assert _loaded_after((Path(__file__).parent / "fixtures" / "programs" / "plain_vpc", None)) == []


def test_the_awsx_model_loaded_by_this_repos_program_stays_loaded_for_the_next_run():
    from test_awsx_policy import _awsx_platform

    # The repo's program is under the checkout that holds preflight: preflight's modules, loaded while it ran, must
    # not be unloaded with the program's own.
    assert "preflight.awsx" in _loaded_after((Path(__file__).parent.parent, _awsx_platform()))
