"""What AWS would reject or get wrong at `pulumi up`, checked on the registrations of every pattern: names and
descriptions that fit, Service Connect servers before their callers, steady-state waits, IAM before its users, and
the existing VPC's DNS attributes."""

import re

import pytest
from mock_harness import ECS_SERVICE, TASK_DEFINITION, last_run, run_program, stack_config
from spec_cases import ECR
from test_infra_patterns import EXISTING, PATTERNS, platform

from components.rulebook import (
    AUTONAME_SUFFIX_LENGTH,
    SERVICE_NAME_MAX_LENGTH,
    TASK_FAMILY_RE,
    ec2_description_problem,
)
from infra.spec import SpecError
from preflight.fake_aws import INVOKES

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SG_RULES = (
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
)
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
_RUNS = {}


@pytest.fixture(params=list(PATTERNS))
def run(request):
    if request.param not in _RUNS:
        _RUNS[request.param] = run_program(PATTERNS[request.param], stack=request.param)
    return _RUNS[request.param]


def test_every_sg_and_sg_rule_description_is_one_ec2_accepts(run):
    described = [r for r in run.registrations if r.type in (SECURITY_GROUP, *SG_RULES)]
    assert described
    for registration in described:
        description = registration.inputs["description"]
        assert ec2_description_problem(description) is None, (registration.name, description)


@pytest.mark.parametrize(
    "description", ["Service Connect webapp -> backend:5000", "a < b", "quote's", "x" * 256, "tab\there"]
)
def test_ec2_descriptions_aws_rejects_are_caught(description):
    problem = ec2_description_problem(description)
    assert problem is not None and problem.value == description


def test_service_names_are_capped_so_the_autonamed_target_group_fits_in_32():
    assert SERVICE_NAME_MAX_LENGTH == 32 - len("-tg") - AUTONAME_SUFFIX_LENGTH == 21


def test_a_21_character_service_name_gives_target_group_and_role_names_that_fit():
    name = "a" * SERVICE_NAME_MAX_LENGTH
    config = platform(services=[{"name": name, "image": f"{ECR}/x:1", "port": 80, "default": True}])
    run = run_program(config)
    (target_group,) = run.of_type(TARGET_GROUP)
    assert target_group.name == f"{name}-tg"
    assert len(target_group.name) + AUTONAME_SUFFIX_LENGTH <= 32
    assert len(run.named(f"{name}-execution-role").name) + AUTONAME_SUFFIX_LENGTH <= 64


def test_a_22_character_service_name_is_one_config_error_and_registers_nothing():
    name = "b" * 22
    config = platform(services=[{"name": name, "image": f"{ECR}/x:1", "port": 80, "default": True}])
    with pytest.raises(SpecError) as caught:
        run_program(config, entry=True)
    message = str(caught.value)
    assert message.startswith(f'fargate-networking:platform.services[0].name: "{name}" is 22 characters long; ')
    assert "allowed: 1 to 21 of a-z 0-9 -" in message and "\n" not in message
    assert last_run().registrations == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_each_callers_ecs_service_depends_on_its_callees(stack):
    run = run_program(stack_config(stack), stack=stack)
    services = {s.inputs["name"]: s for s in run.of_type(ECS_SERVICE)}
    assert services["backend"].urn in services["webapp"].dependencies
    assert services["webapp"].urn not in services["backend"].dependencies


def test_a_call_chain_orders_every_server_before_its_caller():
    run = run_program(PATTERNS["nat-single"])  # webapp -> backend -> worker
    services = {s.inputs["name"]: s for s in run.of_type(ECS_SERVICE)}
    assert services["backend"].urn in services["webapp"].dependencies
    assert services["worker"].urn in services["backend"].dependencies
    assert services["webapp"].urn not in services["worker"].dependencies
    order = [r.inputs["name"] for r in run.of_type(ECS_SERVICE)]
    assert order.index("worker") < order.index("backend") < order.index("webapp")


def test_a_call_cycle_is_one_config_error():
    config = platform()
    config["fargate-networking:platform"]["services"][2]["calls"] = ["webapp"]
    with pytest.raises(SpecError) as caught:
        run_program(config, entry=True)
    assert str(caught.value) == (
        'fargate-networking:platform.services[0].calls[0]: "backend" closes the call cycle webapp -> backend -> '
        "worker -> webapp; allowed: calls without cycles: each Service Connect server is started before its callers"
    )
    assert last_run().registrations == []


def test_services_wait_for_steady_state_unless_the_config_says_not_to():
    run = run_program(PATTERNS["nat-single"])
    assert {s.inputs["waitForSteadyState"] for s in run.of_type(ECS_SERVICE)} == {True}
    config = platform()
    config["fargate-networking:platform"]["services"][2]["waitForSteadyState"] = False
    services = {s.inputs["name"]: s.inputs for s in run_program(config).of_type(ECS_SERVICE)}
    assert (services["worker"]["waitForSteadyState"], services["webapp"]["waitForSteadyState"]) == (False, True)


@pytest.mark.parametrize("stack", ["dev", "feature.login-v2", "team_a.prod"])
def test_task_family_is_valid_for_any_stack_name_and_names_project_stack_and_service(stack):
    run = run_program(stack_config("dev"), stack=stack)
    families = {t.inputs["family"] for t in run.of_type(TASK_DEFINITION)}
    expected_stack = re.sub(r"[^A-Za-z0-9_-]", "_", stack)
    assert families == {f"fargate-networking-{expected_stack}-{s}" for s in ("webapp", "backend")}
    assert all(TASK_FAMILY_RE.match(family) for family in families)


def test_flow_log_waits_for_its_role_policy_and_task_definitions_for_the_execution_policy():
    run = run_program(stack_config("prod"), stack="prod")
    (flow_log,) = run.of_type("aws:ec2/flowLog:FlowLog")
    assert run.named("network-flow-logs-policy").urn in flow_log.dependencies
    for service in ("webapp", "backend"):
        assert run.named(f"{service}-execution-policy").urn in run.named(f"{service}-task").dependencies


def test_existing_vpc_is_read_once_for_its_dns_attributes():
    run = run_program(PATTERNS["existing-vpc"], stack="existing-vpc")
    assert run.invokes == ["aws:ec2/getVpc:getVpc"]


@pytest.mark.parametrize("attribute", ["enableDnsSupport", "enableDnsHostnames"])
def test_existing_vpc_with_dns_off_is_one_config_error_and_registers_nothing(monkeypatch, attribute):
    token = "aws:ec2/getVpc:getVpc"
    answer = INVOKES[token]
    monkeypatch.setitem(INVOKES, token, lambda args, account: {**answer(args, account), attribute: False})
    config = platform(network={"source": "existing", "existing": EXISTING})
    with pytest.raises(SpecError) as caught:
        run_program(config, entry=True)
    assert str(caught.value) == (
        f'fargate-networking:platform.network.existing.vpcId: "{EXISTING["vpcId"]}" has {attribute} off; '
        "allowed: a VPC with enableDnsSupport and enableDnsHostnames on (aws ec2 modify-vpc-attribute)"
    )
    assert last_run().registrations == []
