"""`--policy-config` changes enforcement levels and the knobs of each policy's config schema."""

from __future__ import annotations

import pytest
from policy_helpers import MODES, PROGRAMS, expected, flagged, judge

from preflight import run

M, A = "mandatory", "advisory"


@pytest.mark.parametrize("mode", MODES)
def test_policy_config_raises_an_advisory_policy_to_mandatory(policy_pack, mode):
    report = judge(policy_pack, "public_tasks", mode, policy_config={"ecs-service-no-public-ip": "mandatory"})
    assert flagged(report) == expected(report, {("ecs-service-no-public-ip", "web", M)})
    assert report.exit_code == 1


@pytest.mark.parametrize("mode", MODES)
def test_policy_config_can_lower_a_mandatory_policy_to_advisory(policy_pack, mode):
    config = {"fixture:flaw": "cidr-ingress"}
    report = judge(policy_pack, "baseline", mode, config=config, policy_config={"task-sg-ingress-from-sgs": A})
    assert flagged(report) == expected(report, {("task-sg-ingress-from-sgs", "backend-from-vpc", A)})
    assert report.exit_code == 0


@pytest.mark.parametrize("mode", MODES)
def test_policy_config_can_disable_a_policy(policy_pack, mode):
    config = {"fixture:flaw": "public-ip"}
    policy_config = {"sensitive-tasks-private": "disabled"}
    report = judge(policy_pack, "baseline", mode, config=config, policy_config=policy_config)
    assert flagged(report) == expected(report, {("ecs-service-no-public-ip", "backend", A)})


@pytest.mark.parametrize("mode", MODES)
def test_sensitive_tag_values_come_from_policy_config(policy_pack, mode):
    config = {"fixture:tag": "pii"}
    default = judge(policy_pack, "public_tasks", mode, config=config)
    pii = {"sensitive-tasks-private": {"sensitiveTagValues": ["sensitive", "pii"]}}
    configured = judge(policy_pack, "public_tasks", mode, config=config, policy_config=pii)
    assert flagged(default) == expected(default, {("ecs-service-no-public-ip", "web", A)})
    assert flagged(configured) == expected(
        configured, {("sensitive-tasks-private", "web", M), ("ecs-service-no-public-ip", "web", A)}
    )
    assert any("tagged data-classification=pii" in v.message for v in configured.violations)


@pytest.mark.parametrize("mode", MODES)
def test_sensitive_tag_key_comes_from_policy_config(policy_pack, mode):
    # baseline's backend is tagged data-classification=sensitive; under another key it is not sensitive.
    policy_config = {"sensitive-tasks-private": {"sensitiveTagKey": "classification"}}
    report = judge(policy_pack, "baseline", mode, config={"fixture:flaw": "public-ip"}, policy_config=policy_config)
    assert flagged(report) == expected(report, {("ecs-service-no-public-ip", "backend", A)})


@pytest.mark.parametrize("mode", MODES)
def test_production_can_be_declared_in_policy_config(policy_pack, mode):
    policy_config = {"production-single-nat": {"production": True}}
    report = judge(policy_pack, "nat_egress", mode, config={"fixture:nats": 1}, policy_config=policy_config)
    assert flagged(report) == expected(report, {("production-single-nat", "nat-a", A)})


@pytest.mark.parametrize("mode", MODES)
def test_alb_internet_ports_are_configurable(policy_pack, mode):
    config = {"fixture:flaw": "alb-ssh-open"}
    policy_config = {"alb-sg-internet-ports": {"allowedPorts": [22, 80, 443]}}
    assert flagged(judge(policy_pack, "baseline", mode, config=config, policy_config=policy_config)) == set()


def test_every_policy_advertises_its_level_and_schema_defaults(policy_pack):
    levels = {name: info.level for name, info in policy_pack.policies.items()}
    assert sorted(n for n, lv in levels.items() if lv == M) == sorted(
        [
            "interface-endpoints-reachable",
            "private-tasks-image-pull-path",
            "public-images-need-egress",
            "s3-endpoint-is-gateway",
            "sensitive-tasks-private",
            "task-sg-ingress-from-sgs",
        ]
    )
    assert all(lv in (M, A) for lv in levels.values())
    schema = policy_pack.policies["sensitive-tasks-private"].schema
    assert schema["sensitiveTagValues"]["default"] == ["sensitive"]
    assert schema["sensitiveTagKey"]["default"] == "data-classification"


@pytest.mark.parametrize("mode", MODES)
def test_production_can_come_from_a_stack_tag(policy_pack, mode):
    """The Pulumi service hands the pack the stack's tags; preflight sends them with --stack-tag / stack_tags."""
    program = PROGRAMS / "nat_egress"
    tagged = run(
        program, "dev", mode, pack=policy_pack, config={"fixture:nats": 1}, stack_tags={"environment": "production"}
    )
    assert flagged(tagged) == expected(tagged, {("production-single-nat", "nat-a", A)})
    untagged = run(
        program, "dev", mode, pack=policy_pack, config={"fixture:nats": 1}, stack_tags={"environment": "staging"}
    )
    assert flagged(untagged) == set()
