"""Mock tests for the two example stacks, the real entry point, preview mode, and bad config."""

import importlib
import inspect
import json
import subprocess
import sys

import pytest
from mock_harness import (
    ENDPOINT,
    INGRESS_RULE,
    LISTENER,
    LISTENER_RULE,
    LOAD_BALANCER,
    NAT,
    REPO,
    alb_security_group,
    last_run,
    resolved,
    rules_on,
    run_program,
    stack_config,
    task_security_groups,
)
from spec_cases import BAD_INPUTS, REGION

from infra.spec import SpecError

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


@pytest.fixture(scope="module")
def prod():
    return run_program(stack_config("prod"), stack="prod")


@pytest.fixture(scope="module")
def dev():
    return run_program(stack_config("dev"), stack="dev")


def test_prod_serves_https_with_a_modern_tls_policy_and_redirects_http(prod):
    listeners = {listener.inputs["port"]: listener for listener in prod.of_type(LISTENER)}
    assert set(listeners) == {80, 443}
    https = listeners[443].inputs
    assert https["protocol"] == "HTTPS" and https["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert https["certificateArn"].startswith("arn:aws:acm:us-east-1:123456789012:certificate/")
    (redirect,) = listeners[80].inputs["defaultActions"]
    assert redirect == {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
    for rule in prod.of_type(LISTENER_RULE):
        assert rule.inputs["listenerArn"] == prod.named("ingress-https").id


def test_prod_alb_admits_443_and_80_only_for_the_redirect(prod):
    ports = {r.inputs["fromPort"] for r in rules_on(prod, INGRESS_RULE, alb_security_group(prod))}
    assert ports == {80, 443}


def test_prod_alb_has_deletion_protection_and_access_logs(prod):
    (alb,) = prod.of_type(LOAD_BALANCER)
    assert alb.inputs["enableDeletionProtection"] is True
    assert alb.inputs["accessLogs"] == {
        "enabled": True,
        "bucket": "acme-prod-alb-access-logs",
        "prefix": "fargate-networking",
    }


def test_prod_has_a_nat_per_az_and_flow_logs_on_the_vpc(prod):
    assert len(prod.of_type(NAT)) == 3
    (flow_log,) = prod.of_type("aws:ec2/flowLog:FlowLog")
    assert flow_log.inputs["vpcId"] == prod.named("network-vpc").id
    assert flow_log.inputs["trafficType"] == "ALL"
    assert flow_log.inputs["logDestination"] == prod.named("network-flow-logs").outputs["arn"]
    assert flow_log.inputs["iamRoleArn"] == prod.named("network-flow-logs-role").outputs["arn"]
    assert prod.named("network-flow-logs").inputs["retentionInDays"] == 90


def _accepts_tags(type_token: str) -> bool:
    """Whether the pulumi_aws resource class for `aws:<module>/<x>:<Class>` takes a `tags` argument."""
    _, module, class_name = type_token.split(":")
    cls = getattr(importlib.import_module(f"pulumi_aws.{module.split('/')[0]}"), class_name)
    return "tags" in inspect.signature(cls._internal_init).parameters


def test_prod_tags_every_taggable_resource_as_production(prod):
    taggable = [r for r in prod.registrations if r.custom and _accepts_tags(r.type)]
    assert {r.type for r in taggable} >= {"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"}
    tagged = [r for r in taggable if "tags" in r.inputs]
    assert [r.name for r in taggable if r not in tagged] == []
    assert len(tagged) > 40
    for registration in tagged:
        assert registration.inputs["tags"]["environment"] == "production", registration.name
        assert registration.inputs["tags"]["owner"] == "platform-team"


def test_prod_pins_its_zones_and_needs_no_lookup(prod):
    assert prod.invokes == []
    azs = {s.inputs["availabilityZone"] for s in prod.of_type("aws:ec2/subnet:Subnet")}
    assert azs == {"us-east-1a", "us-east-1b", "us-east-1c"}


def test_dev_looks_its_zones_up_and_uses_two(dev):
    assert dev.invokes == ["aws:index/getAvailabilityZones:getAvailabilityZones"]
    azs = {s.inputs["availabilityZone"] for s in dev.of_type("aws:ec2/subnet:Subnet")}
    assert azs == {"us-east-1a", "us-east-1b"}


def test_dev_serves_plain_http_that_forwards_through_rules(dev):
    (listener,) = dev.of_type(LISTENER)
    assert (listener.inputs["port"], listener.inputs["protocol"]) == (80, "HTTP")
    assert {r.inputs["fromPort"] for r in rules_on(dev, INGRESS_RULE, alb_security_group(dev))} == {80}
    rules = {r.name: r.inputs for r in dev.of_type(LISTENER_RULE)}
    assert rules["backend-rule-200"]["conditions"] == [{"pathPattern": {"values": ["/api/*"]}}]
    assert rules["webapp-rule-50000"]["conditions"] == [{"pathPattern": {"values": ["/*"]}}]


def test_dev_puts_interface_endpoints_in_one_az_and_has_no_nat(dev):
    assert not dev.of_type(NAT)
    interfaces = [e for e in dev.of_type(ENDPOINT) if e.inputs["vpcEndpointType"] == "Interface"]
    assert sorted(e.inputs["serviceName"] for e in interfaces) == [
        "com.amazonaws.us-east-1.ecr.api",
        "com.amazonaws.us-east-1.ecr.dkr",
        "com.amazonaws.us-east-1.logs",
    ]
    assert all(e.inputs["subnetIds"] == [dev.named("network-private-us-east-1a").id] for e in interfaces)


def test_dev_backend_is_sensitive_and_private_and_webapp_internal(dev):
    services = {s.inputs["name"]: s.inputs for s in dev.of_type("aws:ecs/service:Service")}
    assert services["backend"]["tags"]["data-classification"] == "sensitive"
    assert services["backend"]["networkConfiguration"]["assignPublicIp"] is False
    assert services["webapp"]["tags"]["data-classification"] == "internal"


def test_dev_backend_admits_only_the_alb_and_webapp_and_webapp_only_the_alb(dev):
    sgs = task_security_groups(dev)
    alb_sg = alb_security_group(dev)
    backend_in = {
        (r.inputs["referencedSecurityGroupId"], r.inputs["fromPort"])
        for r in rules_on(dev, INGRESS_RULE, sgs["backend"])
    }
    assert backend_in == {(alb_sg, 5000), (sgs["webapp"], 5000)}
    webapp_in = {
        (r.inputs["referencedSecurityGroupId"], r.inputs["fromPort"])
        for r in rules_on(dev, INGRESS_RULE, sgs["webapp"])
    }
    assert webapp_in == {(alb_sg, 3000)}  # nobody calls webapp


def test_dev_exports_the_vpc_alb_and_services(dev):
    assert resolved(dev, "vpcId") == dev.named("network-vpc").id
    dns_name = dev.named("ingress-alb").outputs["dnsName"]
    assert dns_name.endswith(".us-east-1.elb.amazonaws.com")
    assert resolved(dev, "albDnsName") == dns_name
    assert resolved(dev, "url") == f"http://{dns_name}"
    assert resolved(dev, "serviceNames") == ["webapp", "backend"]
    assert resolved(dev, "serviceConnectNamespace") == "internal"


def resource_set(run):
    return sorted((r.type, r.name, r.parent) for r in run.registrations)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_entry_point_pulumi_runs_builds_the_same_stack(stack):
    direct = run_program(stack_config(stack), stack=stack)
    entry = run_program(stack_config(stack), stack=stack, entry=True)
    assert resource_set(entry) == resource_set(direct)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_preview_registers_the_same_resources_with_unknown_ids(stack):
    update = run_program(stack_config(stack), stack=stack)
    preview = run_program(stack_config(stack), stack=stack, preview=True)
    assert resource_set(preview) == resource_set(update)
    subnet = preview.of_type("aws:ec2/subnet:Subnet")[0]
    assert subnet.inputs["vpcId"] == UNKNOWN
    assert preview.named("network-vpc").urn in subnet.property_dependencies["vpcId"]


def test_container_definitions_are_known_json_at_preview_with_image_port_name_and_awslogs():
    preview = run_program(stack_config("dev"), stack="dev", preview=True)
    for name, port in (("webapp", 3000), ("backend", 5000)):
        definitions = preview.named(f"{name}-task").inputs["containerDefinitions"]
        assert isinstance(definitions, str) and UNKNOWN not in definitions
        assert not preview.named(f"{name}-task").property_dependencies.get("containerDefinitions")
        (container,) = json.loads(definitions)
        assert container["image"] == f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{name}:1.0.0"
        assert container["portMappings"] == [
            {"name": name, "containerPort": port, "protocol": "tcp", "appProtocol": "http"}
        ]
        assert container["logConfiguration"] == {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": f"/ecs/fargate-networking-dev/{name}",
                "awslogs-region": "us-east-1",
                "awslogs-stream-prefix": name,
            },
        }
        assert preview.named(f"{name}-logs").inputs["name"] == f"/ecs/fargate-networking-dev/{name}"
        assert preview.named(f"{name}-logs").urn in preview.named(f"{name}-task").dependencies


def test_log_group_names_are_unique_per_stack_and_name_the_stack(prod):
    services = {r.urn for r in prod.of_type("fargate:ecs:FargateService")}
    groups = [g for g in prod.of_type("aws:cloudwatch/logGroup:LogGroup") if g.parent in services]
    assert sorted(g.inputs["name"] for g in groups) == [
        "/ecs/fargate-networking-prod/backend",
        "/ecs/fargate-networking-prod/webapp",
    ]


@pytest.mark.parametrize(("platform", "message"), [case[1:] for case in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_config_stops_the_real_program_before_any_resource_is_registered(platform, message):
    with pytest.raises(SpecError) as caught:
        run_program({"aws:region": REGION, "fargate-networking:platform": platform}, entry=True)
    assert str(caught.value) == message
    assert caught.value.path.startswith("fargate-networking:platform.")
    assert last_run().registrations == []


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"aws:region": REGION}, "fargate-networking:platform: is not set; allowed: an object with keys"),
        (
            {"aws:region": REGION, "fargate-networking:platform": "not json"},
            'fargate-networking:platform: "<unparsable>" is not a structured config object',
        ),
    ],
)
def test_missing_or_unparsable_config_is_one_line_and_registers_nothing(config, message):
    with pytest.raises(SpecError, match=message):
        run_program(config, entry=True)
    assert last_run().registrations == []


def test_the_program_imports_awsx_only_for_the_awsx_source():
    code = "import sys, infra.program; assert 'pulumi_awsx' not in sys.modules, 'awsx imported eagerly'"
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
