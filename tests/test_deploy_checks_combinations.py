"""Deploy checks across inputs: Fargate task definitions (cfn-lint's E3047/E3048 read into constraints.json),
TCP/UDP port ranges (EC2's words) and awsvpc/host port mappings (ECS's words), on single registrations built here,
with unknowns, secrets and read resources.

The fixture program's cases (tests/fixtures/programs/deploy_checks) are asserted in test_deploy_checks.py.
"""

from __future__ import annotations

import copy
import json

import pytest
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.rpc import UNKNOWN

from preflight import engine
from preflight.deploy_checks import check, sources
from preflight.deploy_checks import generate as generator
from preflight.deploy_checks.check import constraints
from preflight.registration import Registration

_SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
TASK = {
    "family": "app",
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "awsvpc",
    "cpu": "256",
    "memory": "512",
    "containerDefinitions": json.dumps([{"name": "app", "image": "nginx"}]),
}


def secret(value):
    return {**_SECRET, "value": value}


def registration(type_: str, inputs: dict, read: bool = False) -> Registration:
    struct = struct_pb2.Struct()
    json_format.ParseDict({k: v for k, v in inputs.items() if v is not None}, struct)
    return Registration(
        urn=f"urn:pulumi:dev::p::{type_}::r",
        type=type_,
        name="r",
        parent="",
        custom=True,
        inputs=struct,
        outputs=struct_pb2.Struct(),
        dependencies=[],
        property_dependencies={},
        read=read,
    )


def flagged(type_: str, inputs: dict) -> set[str]:
    found = check([registration(type_, inputs)])
    assert all(f.check == "combination" for f in found), found
    return {f.input for f in found}


# ---- the data read from cfn-lint ---------------------------------------------------------------------------------
def test_the_fargate_size_table_is_read_from_cfn_lint_with_both_unit_forms():
    rows = {row["cpu"]: row for row in constraints()["fargate"]["size"]["rows"]}
    # AWS's table (botocore's RegisterTaskDefinition.memory documentation): 256 (.25 vCPU) with 0.5, 1 or 2 GB;
    # 4096 (4 vCPU) with 8 to 30 GB in 1 GB steps; 16384 (16 vCPU) with 32 to 120 GB in 8 GB steps.
    assert (rows[256]["vcpu"], rows[256]["memory"], rows[256]["memoryGb"]) == (
        [".25"],
        [512, 1024, 2048],
        ["0.5", "1", "2"],
    )
    assert rows[4096]["memory"] == list(range(8192, 30720 + 1, 1024))
    assert rows[4096]["memoryGb"] == [str(n) for n in range(8, 31)]  # spelled out from "8|9|1[0-9]|2[0-9]|30"
    assert rows[16384]["memory"] == list(range(32768, 122880 + 1, 8192))
    assert constraints()["fargate"]["cpu"]["units"] == sorted(rows)


def test_the_fargate_rules_name_pulumi_inputs_and_cite_cfn_lint_and_aws():
    fargate = constraints()["fargate"]
    assert fargate["when"] == {"input": "requiresCompatibilities", "contains": "FARGATE"}
    assert [r["input"] for r in fargate["required"]] == ["networkMode", "cpu", "memory"]
    assert {e["input"]: e["enum"] for e in fargate["enums"]} == {
        "networkMode": ["awsvpc"],
        "containerDefinitions<json>[].logConfiguration.logDriver": ["awslogs", "splunk", "awsfirelens"],
    }
    assert [a["input"] for a in fargate["absent"]] == ["placementConstraints"]
    sources_ = [r["source"] for r in (*fargate["required"], *fargate["enums"], *fargate["absent"], fargate["cpu"])]
    assert all(s.startswith("cfn-lint 1.58.0 E3048 ") and 'AWS: "' in s for s in sources_)
    assert fargate["size"]["source"].startswith("cfn-lint 1.58.0 E3047 (schemas/extensions/aws_ecs_taskdefinition/")


def _changed(monkeypatch, path: str, change) -> None:
    original = generator._extension

    def patched(ext):
        schema = copy.deepcopy(original(ext))
        if ext.path.endswith(path):
            change(schema)
        return schema

    monkeypatch.setattr(generator, "_extension", patched)


@pytest.mark.parametrize(
    ("path", "change", "message"),
    [
        # a new rule in E3048 that this generator does not read
        ("fargate_properties.json", lambda s: s["then"]["allOf"].append({"required": ["Family"]}), "is not one"),
        # a memory pattern with a form it cannot spell out
        (
            "fargate_cpu_memory.json",
            lambda s: s["then"]["anyOf"][0]["properties"]["Memory"]["else"].update(pattern="^(0.5|1|2?)\\s*(?i)GB$"),
            "cannot spell out",
        ),
        # a row whose MiB and GB forms disagree
        (
            "fargate_cpu_memory.json",
            lambda s: s["then"]["anyOf"][0]["properties"]["Memory"]["then"].update(enum=[512, 1024, 4096]),
            "disagree",
        ),
        # a property no input is mapped for
        (
            "fargate_properties.json",
            lambda s: s["then"]["allOf"][0].update(required=["NetworkMode", "RuntimePlatform"]),
            "does not map",
        ),
    ],
)
def test_the_generator_refuses_a_changed_extension_schema(monkeypatch, path, change, message):
    _changed(monkeypatch, path, change)
    with pytest.raises(generator.SourceError, match=message):
        generator.build()


def test_the_generator_refuses_a_fargate_rule_without_aws_words(monkeypatch):
    why = {k: v for k, v in sources.FARGATE.why.items() if k != "logDriver"}
    monkeypatch.setattr(sources, "FARGATE", sources.Fargate(**{**sources.FARGATE.__dict__, "why": why}))
    with pytest.raises(generator.SourceError, match="no AWS quote for 'logDriver'"):
        generator.build()


# ---- Fargate task definitions ------------------------------------------------------------------------------------
TD = sources.TASK_DEFINITION


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, set()),
        # task size: CPU units or vCPU, MiB or GB, as ECS documents them
        ({"cpu": "1 vCPU", "memory": "3GB"}, set()),
        ({"cpu": ".25 vcpu", "memory": "0.5 GB"}, set()),
        ({"cpu": "0.25 vCPU", "memory": "2gb"}, set()),  # compared by value: 0.25 is cfn-lint's .25
        ({"cpu": 4096.0, "memory": 30720.0}, set()),  # numbers, as the engine records them
        ({"cpu": "16 vCPU", "memory": "120 GB"}, set()),
        ({"memory": "4096"}, {"cpu, memory"}),
        ({"cpu": "4096", "memory": "31744"}, {"cpu, memory"}),
        ({"cpu": "1 vCPU", "memory": "1 GB"}, {"cpu, memory"}),
        ({"cpu": "300"}, {"cpu"}),
        ({"cpu": "3 vCPU"}, {"cpu"}),
        ({"cpu": "256 units"}, {"cpu"}),
        # required, and awsvpc
        ({"cpu": None}, {"cpu"}),
        ({"cpu": None, "memory": None, "networkMode": None}, {"cpu", "memory", "networkMode"}),
        ({"networkMode": "bridge"}, {"networkMode"}),
        ({"networkMode": "AWSVPC"}, set()),  # enums are compared without case, as for single inputs
        # placement constraints: any is refused; an empty list sends none
        ({"placementConstraints": [{"type": "memberOf", "expression": "x"}]}, {"placementConstraints"}),
        ({"placementConstraints": []}, set()),
        # log drivers, inside the container definitions' JSON
        (
            {
                "containerDefinitions": json.dumps(
                    [{"name": "a"}, {"name": "b", "logConfiguration": {"logDriver": "gelf"}}]
                )
            },
            {"containerDefinitions[1].logConfiguration.logDriver"},
        ),
        ({"containerDefinitions": json.dumps([{"name": "a", "logConfiguration": {"logDriver": "splunk"}}])}, set()),
        # Fargate among others still counts; without it nothing applies
        ({"requiresCompatibilities": ["EC2", "FARGATE"], "cpu": "300"}, {"cpu"}),
        ({"requiresCompatibilities": ["EC2"], "cpu": "300", "memory": None, "networkMode": "bridge"}, set()),
        ({"requiresCompatibilities": None, "cpu": "300"}, set()),
        # unknowns: skipped, never guessed
        ({"requiresCompatibilities": [UNKNOWN], "cpu": "300"}, set()),
        ({"requiresCompatibilities": UNKNOWN, "cpu": "300"}, set()),
        ({"cpu": UNKNOWN, "memory": "99"}, set()),
        ({"memory": UNKNOWN}, set()),
        ({"networkMode": UNKNOWN, "cpu": UNKNOWN, "memory": UNKNOWN}, set()),
        ({"containerDefinitions": UNKNOWN}, set()),
        ({"placementConstraints": UNKNOWN}, set()),
        # secrets are checked
        ({"memory": secret("600")}, {"cpu, memory"}),
        ({"requiresCompatibilities": secret(["FARGATE"]), "cpu": secret("300")}, {"cpu"}),
    ],
)
def test_a_fargate_rule_accepts_and_rejects(change, expected):
    assert flagged(TD, {**TASK, **change}) == expected


def test_a_fargate_finding_names_the_pair_what_is_allowed_and_hides_a_secret():
    [finding] = check([registration(TD, {**TASK, "memory": secret("4096")})])
    assert (finding.input, finding.value) == ("cpu, memory", "cpu='256', memory=[secret]")
    assert "memory 512, 1024, 2048 MiB (0.5, 1, 2 GB)" in finding.constraint
    assert "4096" not in finding.message and "E3047" in finding.source
    [finding] = check([registration(TD, {**TASK, "cpu": "2048", "memory": "3 GB"})])
    assert "memory 4096 to 16384 MiB in steps of 1024 (4 to 16 GB in steps of 1)" in finding.constraint


def test_a_read_task_definition_is_never_checked():
    assert check([registration(TD, {**TASK, "cpu": "300", "networkMode": "bridge"}, read=True)]) == []


# ---- port ranges -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("protocol", "low", "high", "bad"),
    [
        ("tcp", 443.0, 443.0, False),
        ("tcp", 443.0, 80.0, True),
        ("TCP", 443.0, 80.0, True),
        ("udp", 53.0, 1.0, True),
        ("6", 10.0, 0.0, True),
        (17.0, 10.0, 0.0, True),
        ("icmp", 8.0, 0.0, False),  # type 8, code 0
        ("icmpv6", 128.0, 0.0, False),
        ("58", 128.0, 0.0, False),
        ("-1", 10.0, 0.0, False),  # all protocols: the ports are ignored
        ("all", 10.0, 0.0, False),
        ("47", 10.0, 0.0, False),  # another protocol: the ports are ignored
        ("tcp", UNKNOWN, 0.0, False),
        (UNKNOWN, 443.0, 80.0, False),
        ("tcp", secret(443.0), 80.0, True),
    ],
)
def test_a_port_range_is_checked_only_for_tcp_and_udp(protocol, low, high, bad):
    rule = {"fromPort": low, "toPort": high}
    cases = [
        (
            sources.SG,
            {"description": "d", "ingress": [{**rule, "protocol": protocol}]},
            "ingress[0].fromPort, ingress[0].toPort",
        ),
        (sources.DEFAULT_SG, {"egress": [{**rule, "protocol": protocol}]}, "egress[0].fromPort, egress[0].toPort"),
        (sources.SG_RULE, {"type": "ingress", **rule, "protocol": protocol}, "fromPort, toPort"),
        (sources.SG_INGRESS, {**rule, "ipProtocol": protocol}, "fromPort, toPort"),
        (sources.SG_EGRESS, {**rule, "ipProtocol": protocol}, "fromPort, toPort"),
    ]
    for type_, inputs, path in cases:
        assert flagged(type_, inputs) == ({path} if bad else set()), type_


def test_a_reversed_port_range_names_the_ports_and_the_protocol():
    [finding] = check([registration(sources.SG_INGRESS, {"ipProtocol": "tcp", "fromPort": 8443.0, "toPort": 443.0})])
    assert finding.value == "fromPort=8443, toPort=443"
    assert "ipProtocol='tcp'" in finding.message and "start of the port range" in finding.source
    [finding] = check(
        [registration(sources.SG_INGRESS, {"ipProtocol": "tcp", "fromPort": secret(8443.0), "toPort": 443.0})]
    )
    assert finding.value == "fromPort=[secret], toPort=443" and "8443" not in finding.message


# ---- host ports in the awsvpc and host network modes -------------------------------------------------------------
FIRST = "containerDefinitions[0].portMappings[0].hostPort"


def mappings(*items) -> str:
    return json.dumps([{"name": "a", "image": "nginx", "portMappings": list(items)}])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"containerDefinitions": mappings({"containerPort": 80, "hostPort": 8080})}, {FIRST}),
        (
            {
                "requiresCompatibilities": ["EC2"],
                "networkMode": "host",
                "containerDefinitions": mappings({"containerPort": 80, "hostPort": 81}),
            },
            {FIRST},
        ),
        # matched as written: only ECS's own spelling is known to be the awsvpc mode
        ({"networkMode": "AWSVPC", "containerDefinitions": mappings({"containerPort": 80, "hostPort": 81})}, set()),
        # one finding per offending mapping, in every container
        (
            {
                "containerDefinitions": json.dumps(
                    [
                        {"name": "a", "portMappings": [{"containerPort": 80}, {"containerPort": 81, "hostPort": 1}]},
                        {"name": "b", "portMappings": [{"containerPort": 82, "hostPort": 2}]},
                    ]
                )
            },
            {"containerDefinitions[0].portMappings[1].hostPort", "containerDefinitions[1].portMappings[0].hostPort"},
        ),
        # allowed: equal, left out (or null)
        ({"containerDefinitions": mappings({"containerPort": 80, "hostPort": 80})}, set()),
        ({"containerDefinitions": mappings({"containerPort": 80.0, "hostPort": 80})}, set()),
        ({"containerDefinitions": mappings({"containerPort": 80}, {"containerPort": 81, "hostPort": None})}, set()),
        # 0, the bridge mode's dynamic port: ECS's words for awsvpc and host neither allow nor forbid it
        ({"containerDefinitions": mappings({"containerPort": 80, "hostPort": 0})}, set()),
        # bridge, by name or as ECS's default when left out, and none: not this rule's
        (
            {
                "requiresCompatibilities": ["EC2"],
                "networkMode": "bridge",
                "containerDefinitions": mappings({"containerPort": 80, "hostPort": 8080}),
            },
            set(),
        ),
        (
            {
                "requiresCompatibilities": ["EC2"],
                "networkMode": None,
                "cpu": None,
                "memory": None,
                "containerDefinitions": mappings({"containerPort": 80, "hostPort": 8080}),
            },
            set(),
        ),
        # a range has no containerPort: left alone
        ({"containerDefinitions": mappings({"containerPortRange": "8000-8010", "hostPort": 9000})}, set()),
        # unknowns: skipped, never guessed
        ({"networkMode": UNKNOWN, "containerDefinitions": mappings({"containerPort": 80, "hostPort": 1})}, set()),
        ({"containerDefinitions": UNKNOWN}, set()),
        # a value of another type is the provider's to refuse
        ({"containerDefinitions": mappings({"containerPort": 80, "hostPort": "8080"})}, set()),
        # secrets are checked
        (
            {"networkMode": secret("awsvpc"), "containerDefinitions": mappings({"containerPort": 1, "hostPort": 2})},
            {FIRST},
        ),
        ({"containerDefinitions": secret(mappings({"containerPort": 1, "hostPort": 2}))}, {FIRST}),
    ],
)
def test_a_host_port_in_awsvpc_or_host_mode_must_be_left_out_or_the_container_port(change, expected):
    assert flagged(TD, {**TASK, **change}) == expected


def test_a_host_port_finding_names_the_mapping_the_ports_and_the_mode_and_hides_a_secret():
    [finding] = check(
        [registration(TD, {**TASK, "containerDefinitions": mappings({"containerPort": 80, "hostPort": 8080})})]
    )
    assert (finding.input, finding.value) == ("containerDefinitions[0].portMappings[0].hostPort", "8080")
    assert finding.constraint == "left out or 80 (the containerPort) when networkMode is 'awsvpc'"
    assert "set to the same value as the containerPort" in finding.source
    hidden = secret(mappings({"containerPort": 80, "hostPort": 8080}))
    [finding] = check([registration(TD, {**TASK, "containerDefinitions": hidden})])
    assert finding.value == "[secret]" and "80" not in finding.message.replace("portMappings[0]", "")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"modes": ("awsvpc", "vpc")}, "has no mode \\['vpc'\\]"),
        (
            {"quotes": (sources.Quote("The hostPort must be 0.", sources.Model("ecs", "PortMapping", "hostPort")),)},
            "no longer says",
        ),
    ],
)
def test_the_generator_refuses_a_host_port_rule_aws_does_not_state(monkeypatch, change, message):
    monkeypatch.setattr(sources, "HOST_PORTS", sources.HostPorts(**{**sources.HOST_PORTS.__dict__, **change}))
    with pytest.raises(generator.SourceError, match=message):
        generator.build()


@pytest.mark.parametrize(("container_port", "expected"), [(8080, {("80", "left out or 8080")}), (80, set())])
def test_awsx_writes_the_target_groups_port_as_the_host_port_which_awsvpc_refuses(container_port, expected):
    # awsx: hostPort = hostPort ?? the target group's port; its ALB's default target group listens on 80.
    def program():
        import pulumi_awsx as awsx

        balancer = awsx.lb.ApplicationLoadBalancer("lb")
        container = {"name": "app", "image": "nginx", "cpu": 256, "memory": 512}
        mapping = {"container_port": container_port, "target_group": balancer.default_target_group}
        awsx.ecs.FargateService(
            "svc", assign_public_ip=True, task_definition_args={"container": {**container, "port_mappings": [mapping]}}
        )

    recorder = engine.Recorder(project="p", stack="s", region="us-east-1", preview=True)
    recorder.run(program)
    # (awsx also gives the service's load balancer that port as containerPort: the `reference` check's finding)
    found = [f for f in check(recorder.registrations) if f.type == TD]
    assert {(f.value, f.constraint.split(" (")[0]) for f in found} == expected
    assert all(f.input == "containerDefinitions[0].portMappings[0].hostPort" for f in found)
