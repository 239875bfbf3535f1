"""Deploy checks: inputs AWS or pulumi-aws would reject at `pulumi up`, found offline from the recorded registrations.

The fixture program (tests/fixtures/programs/deploy_checks) has a bad side (default) and a good side
(`fixture:good: true`); every constraint family has cases on both. The data file is tested to be what the generator
makes from the pinned botocore and cfn-lint.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from preflight.deploy_checks import CHECKS, check, sources
from preflight.deploy_checks import generate as generator
from preflight.deploy_checks.check import constraints, violation
from preflight.engine import run_program
from preflight.project import load_project

PROGRAM = Path(__file__).parent / "fixtures" / "programs" / "deploy_checks"
SERVICE_22 = "orders-reconciliation1"  # 22 characters: "<name>-tg" autonames to 33
RULE_KEYS = ", ".join(
    (
        "securityGroupId",
        "ipProtocol",
        "fromPort",
        "toPort",
        "cidrIpv4",
        "cidrIpv6",
        "prefixListId",
        "referencedSecurityGroupId",
    )
)
LEGACY_RULE_KEYS = (
    "type, securityGroupId, protocol, fromPort, toPort, cidrBlocks, ipv6CidrBlocks, prefixListIds, "
    "sourceSecurityGroupId, self"
)
# (resource, input, check) the bad side must give, in both modes.
BAD = {
    # character sets: the EC2 API's words (rule resource and inline rule), cfn-lint's schema, a forbidden prefix
    ("sc-in", "description", "pattern"),
    ("inline-sg", "ingress[0].description", "pattern"),
    ("inline-sg", "description", "pattern"),
    ("named-sg", "name", "pattern"),
    ("spaced-role", "name", "pattern"),
    # lengths: the ELBv2 API's words, botocore's IAM model
    ("explicit-tg", "name", "length"),
    ("long-role", "name", "length"),
    # enums: botocore, cfn-lint
    ("app-lb", "loadBalancerType", "enum"),
    ("app-logs", "retentionInDays", "enum"),
    # numeric ranges: botocore
    ("rule-a", "priority", "range"),
    ("rule-b", "priority", "range"),
    ("app-tg", "port", "range"),
    ("app-tg", "healthCheck.interval", "range"),
    # tags: EC2's reserved prefix, ELB's character set
    ("main-vpc", "tags key 'aws:owner'", "pattern"),
    ("app-tg", "tags['team']", "pattern"),
    # inside the JSON of the ECS container definitions
    ("app-task", "containerDefinitions[0].name", "pattern"),
    ("app-task", "containerDefinitions[0].portMappings[0].name", "pattern"),
    # autonames: pulumi-aws's own maximum (target group, 32), the API's maximum reached through a 255 autoname
    (f"{SERVICE_22}-tg", "name (autonamed)", "autoname"),
    ("internet-facing-application-lb", "name (autonamed)", "autoname"),
    ("prefixed-tg", "namePrefix", "autoname"),
    # collisions: every member of the colliding group is flagged
    ("rule-a", "listenerArn, priority", "collision"),
    ("rule-b", "listenerArn, priority", "collision"),
    ("http", "loadBalancerArn, port", "collision"),
    ("http-again", "loadBalancerArn, port", "collision"),
    ("sc-in", RULE_KEYS, "collision"),
    ("sc-in-again", RULE_KEYS, "collision"),
    *((name, LEGACY_RULE_KEYS, "collision") for name in ("legacy-rule", "legacy-rule-again")),
    # references into the service's task definition (its container definitions' JSON)
    ("app-service", "loadBalancers[0]", "reference"),
    ("app-service", "serviceConnectConfiguration.services[0]", "reference"),
    # a secret is checked too
    ("secret-rule", "description", "pattern"),
    # combinations: reversed TCP/UDP port ranges (inline, rule resources), Fargate task definitions (cfn-lint),
    # an awsvpc host port other than its container port
    ("inline-sg", "egress[0].fromPort, egress[0].toPort", "combination"),
    ("reversed-rule", "fromPort, toPort", "combination"),
    ("reversed-in", "fromPort, toPort", "combination"),
    ("sized-task", "cpu, memory", "combination"),
    ("vcpu-task", "cpu", "combination"),
    ("secret-task", "cpu, memory", "combination"),
    ("bare-task", "cpu", "combination"),
    ("bare-task", "memory", "combination"),
    ("bare-task", "networkMode", "combination"),
    ("bridge-task", "networkMode", "combination"),
    ("bridge-task", "placementConstraints", "combination"),
    ("bridge-task", "containerDefinitions[0].logConfiguration.logDriver", "combination"),
    ("host-port-task", "containerDefinitions[0].portMappings[1].hostPort", "combination"),
}
# Derived from the VPC id: unknown during preview (skipped), known in update mode (checked).
BAD_WHEN_KNOWN = {("computed-rule", "description", "pattern"), ("computed-task", "cpu", "combination")}


@pytest.fixture(scope="module")
def findings():
    """Findings per (side, mode), each run once."""
    cache = {}

    def get(good: bool, mode: str):
        if (good, mode) not in cache:
            project = load_project(PROGRAM, "dev", overlay={"fixture:good": good})
            registrations = run_program(project, "dev", preview=(mode == "preview")).registrations
            cache[good, mode] = check(registrations)
        return cache[good, mode]

    return get


def _keyed(found):
    return {(f.name, f.input, f.check) for f in found}


def _one(found, name, check_):
    [finding] = [f for f in found if f.name == name and f.check == check_]
    return finding


# ---- the data file -------------------------------------------------------------------------------------------------
def test_the_committed_data_is_what_the_generator_makes_from_the_pinned_sources():
    assert generator.render(generator.build()) == generator.DATA_FILE.read_text()


def test_the_generator_refuses_a_quote_the_aws_model_does_not_state(monkeypatch):
    changed = sources.Stated(
        rule={"maxLength": 10},
        summary="made up",
        quote="Constraints: Up to 10 characters in length.",
        doc=sources.Model("ec2", "IpRange", "Description"),
    )
    monkeypatch.setattr(sources, "FIELDS", [sources.Field(sources.SG_INGRESS, "description", changed)])
    with pytest.raises(generator.SourceError, match="no longer says"):
        generator.build()


def test_the_generator_refuses_a_member_the_model_does_not_have(monkeypatch):
    missing = sources.Model("elbv2", "CreateTargetGroup", "NoSuchMember")
    monkeypatch.setattr(sources, "FIELDS", [sources.Field(sources.TARGET_GROUP, "name", missing)])
    with pytest.raises(generator.SourceError, match="NoSuchMember"):
        generator.build()


def test_every_field_names_its_source_and_every_pattern_compiles():
    data = constraints()
    assert data["versions"] == {"botocore": "1.44.8", "cfn-lint": "1.58.0"}
    for field in data["fields"]:
        assert field["source"].startswith(("botocore 1.44.8 ", "cfn-lint 1.58.0 ", 'AWS: "')), field
        if "pattern" in field:
            assert violation(field, "") in (None, "length", "pattern")  # compiles and runs


def _rule(type_: str, input_: str) -> dict:
    [rule] = [f for f in constraints()["fields"] if f["type"] == type_ and f["input"] == input_]
    return rule


@pytest.mark.parametrize(
    ("type_", "input_", "accepted", "rejected", "check_"),
    [
        (sources.SG_INGRESS, "description", "ALB to backend:5000 (tcp)", "webapp -> backend", "pattern"),
        (sources.TARGET_GROUP, "name", "a" * 32, "a" * 33, "length"),
        (sources.TARGET_GROUP, "name", "web-tg", "-web-tg", "pattern"),
        (sources.LB, "name", "internal1-alb", "internal-alb", "pattern"),
        (sources.IAM_ROLE, "name", "task_role+ci@x", "task role", "pattern"),
        (sources.LOG_GROUP, "retentionInDays", 14, 10, "enum"),
        (sources.TARGET_GROUP, "protocol", "http", "SMTP", "enum"),
        (sources.LISTENER_RULE, "priority", 50000, 50001, "range"),
        (sources.LISTENER_RULE, "priority", 1, 0, "range"),
        (sources.LISTENER, "port", 65535, 65536, "range"),
        (sources.SG_INGRESS, "fromPort", -1, -2, "range"),
        (sources.LB, "tags{key}", "cost center", "cost#center", "pattern"),
        (sources.IAM_ROLE, "tags{value}", "équipe", "a" * 257, "length"),
    ],
)
def test_a_rule_accepts_the_allowed_value_and_rejects_the_other(type_, input_, accepted, rejected, check_):
    rule = _rule(type_, input_)
    assert violation(rule, accepted) is None
    assert violation(rule, rejected) == check_


# ---- the fixture program ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["preview", "update"])
def test_the_bad_side_gives_exactly_the_expected_findings(findings, mode):
    expected = BAD | (BAD_WHEN_KNOWN if mode == "update" else set())
    assert _keyed(findings(False, mode)) == expected


@pytest.mark.parametrize("mode", ["preview", "update"])
def test_the_good_side_gives_no_finding(findings, mode):
    assert findings(True, mode) == []


def test_every_constraint_family_has_a_failing_and_a_passing_case():
    assert {check_ for _, _, check_ in BAD} == set(CHECKS)


def test_the_service_connect_rule_description_from_issue_12_is_caught(findings):
    finding = _one(findings(False, "preview"), "sc-in", "pattern")
    assert finding.value == "'Service Connect webapp -> backend:5000'"
    assert finding.constraint == "up to 255 characters of a-z A-Z 0-9 spaces and ._-:/()#,@[]+=&;{}!$*"
    assert "ec2 IpRange.Description documentation" in finding.source
    assert finding.type == sources.SG_INGRESS and finding.urn.endswith("::sc-in")


def test_a_22_character_service_name_breaks_its_target_group_autoname_and_21_does_not(findings):
    finding = _one(findings(False, "preview"), f"{SERVICE_22}-tg", "autoname")
    assert finding.value == repr(f"{SERVICE_22}-tg-" + "?" * 7)
    assert len(f"{SERVICE_22}-tg-") + 7 == 33
    assert finding.constraint == "at most 32 characters"
    assert "aws_lb_target_group" in finding.source
    assert not [f for f in findings(True, "preview") if f.check == "autoname"]  # 21 characters: 32, fits


def test_an_autoname_within_the_providers_maximum_is_still_checked_against_the_api(findings):
    finding = _one(findings(False, "preview"), "internet-facing-application-lb", "autoname")
    assert "up to 32 letters" in finding.constraint
    assert "elbv2 CreateLoadBalancer.Name" in finding.source


def test_a_name_prefix_is_checked_with_the_26_digits_the_provider_appends(findings):
    finding = _one(findings(False, "preview"), "prefixed-tg", "autoname")
    assert finding.value == repr("backend-" + "?" * 26)
    assert "up to 32 letters" in finding.constraint and "PrefixedUniqueId" in finding.source


def test_a_service_must_name_a_port_its_task_definition_maps(findings):
    found = [f for f in findings(False, "preview") if f.check == "reference"]
    assert {f.value for f in found} == {"containerName='web-app', containerPort=8080", "portName='http'"}
    assert all("app-task" in f.message and "ecs " in f.source for f in found)


def test_a_secret_is_checked_but_never_shown(findings):
    finding = _one(findings(False, "update"), "secret-rule", "pattern")
    assert finding.value == "[secret]"
    assert "admin" not in json.dumps(finding.__dict__)


def test_a_priority_collision_names_the_other_rule_and_ignores_other_listeners(findings):
    found = findings(False, "preview")
    rule_a = [f for f in found if f.name == "rule-a" and f.check == "collision"]
    assert len(rule_a) == 1 and "rule-b" in rule_a[0].message
    assert not [f for f in found if f.name == "rule-c"]  # priority 100 on another listener


def test_findings_are_the_same_whatever_the_registration_order(findings):
    project = load_project(PROGRAM, "dev")
    registrations = run_program(project, "dev", preview=True).registrations
    assert check(list(reversed(registrations))) == check(registrations) == findings(False, "preview")


def test_the_checks_judge_the_inputs_decoded_for_the_report_and_change_nothing(findings):
    """Each registration's inputs are decoded once (`input_values`), for the checks and for the report."""
    project = load_project(PROGRAM, "dev", overlay={"fixture:good": True})
    registrations = run_program(project, "dev", preview=True).registrations
    kept = json.dumps([r.input_values for r in registrations])
    assert check(registrations) == findings(True, "preview") == []
    assert json.dumps([r.input_values for r in registrations]) == kept  # the checks change nothing the report shows
    # The decoded inputs are what is judged: a bad name in them is found.
    role = next(r for r in registrations if r.name == "spaced-role")
    role.input_values = {**role.input_values, "name": "has spaces"}
    [finding] = check(registrations)
    assert (finding.name, finding.input, finding.check, finding.value) == (
        "spaced-role",
        "name",
        "pattern",
        "'has spaces'",
    )
