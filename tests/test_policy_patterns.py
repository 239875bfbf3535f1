"""Compliant and non-compliant stacks beyond the baseline: NAT egress, public tasks, and networks owned elsewhere.

Each test runs a plain pulumi_aws program through preflight in preview and in update mode and asserts the exact
set of (policy, resource, level) flagged.
"""

from __future__ import annotations

import pytest
from policy_helpers import MODES, cant_run, expected, flagged, judge, not_applicable

M, A = "mandatory", "advisory"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("form", ["name", "cluster"])
def test_service_connect_peers_match_whether_the_namespace_is_an_arn_a_name_or_the_cluster_default(
    policy_pack, form, mode
):
    # frontend names the namespace by ARN; backend by name, or both take the cluster's default namespace.
    report = judge(policy_pack, "baseline", mode, config={"fixture:namespace": form})
    assert flagged(report) == set()
    stray = judge(policy_pack, "baseline", mode, config={"fixture:namespace": form, "fixture:flaw": "stray-sg-ingress"})
    assert flagged(stray) == expected(stray, {("task-sg-ingress-from-sgs", "backend-from-alb", M)})


@pytest.mark.parametrize("mode", MODES)
def test_nat_egress_with_one_nat_per_az_and_an_s3_gateway_is_clean(policy_pack, mode):
    report = judge(policy_pack, "nat_egress", mode)
    assert flagged(report) == set()
    assert cant_run(report) == []
    # Docker Hub images are fine behind a NAT, so the endpoint-only policies have nothing to judge.
    assert "public-images-need-egress" in not_applicable(report)


@pytest.mark.parametrize("mode", MODES)
def test_sensitive_worker_with_an_inline_igw_route_is_caught_before_ids_exist(policy_pack, mode):
    report = judge(policy_pack, "nat_egress", mode, config={"fixture:flaw": "igw-inline"})
    assert flagged(report) == expected(report, {("sensitive-tasks-private", "worker", M)})
    (violation,) = report.violations
    assert "subnet app-a whose route table app-a-rt sends 0.0.0.0/0 to internet gateway nat-igw" in violation.message


@pytest.mark.parametrize("mode", MODES)
def test_egress_through_a_transit_gateway_is_undecidable_not_flagged(policy_pack, mode):
    report = judge(policy_pack, "nat_egress", mode, config={"fixture:flaw": "tgw-egress"})
    assert flagged(report) == set()
    reason = not_applicable(report)["public-images-need-egress"]
    assert "subnet app-b's route table app-b-rt sends 0.0.0.0/0 to transit gateway egress-tgw" in reason


@pytest.mark.parametrize("mode", MODES)
def test_nat_without_s3_gateway_endpoint_is_advised_on_every_nat(policy_pack, mode):
    report = judge(policy_pack, "nat_egress", mode, config={"fixture:flaw": "no-s3-endpoint"})
    assert flagged(report) == expected(
        report, {("nat-without-s3-gateway-endpoint", "nat-a", A), ("nat-without-s3-gateway-endpoint", "nat-b", A)}
    )


@pytest.mark.parametrize("mode", MODES)
def test_single_nat_is_advised_only_when_the_vpc_or_the_stack_is_production(policy_pack, mode):
    prod_single = judge(policy_pack, "nat_egress", mode, config={"fixture:environment": "prod", "fixture:nats": 1})
    prod_two = judge(policy_pack, "nat_egress", mode, config={"fixture:environment": "prod"})
    dev_single = judge(policy_pack, "nat_egress", mode, config={"fixture:nats": 1})
    prod_stack = judge(policy_pack, "nat_egress", mode, stack="prod")  # a single NAT, no tag: the stack's name says it
    assert flagged(prod_single) == expected(prod_single, {("production-single-nat", "nat-a", A)})
    assert flagged(prod_stack) == expected(prod_stack, {("production-single-nat", "nat-a", A)})
    assert flagged(prod_two) == set()
    assert flagged(dev_single) == set()


@pytest.mark.parametrize("mode", MODES)
def test_public_tasks_with_public_data_get_only_the_public_ip_advice(policy_pack, mode):
    report = judge(policy_pack, "public_tasks", mode)
    assert flagged(report) == expected(report, {("ecs-service-no-public-ip", "web", A)})
    assert cant_run(report) == []


@pytest.mark.parametrize("mode", MODES)
def test_sensitive_task_routed_through_the_main_route_table_to_an_igw_is_denied(policy_pack, mode):
    report = judge(policy_pack, "public_tasks", mode, config={"fixture:tag": "sensitive"})
    assert flagged(report) == expected(
        report, {("sensitive-tasks-private", "web", M), ("ecs-service-no-public-ip", "web", A)}
    )
    messages = " ".join(v.message for v in report.violations if v.policy == "sensitive-tasks-private")
    assert "assign_public_ip=true" in messages
    assert "subnets web-a, web-b whose route table web-public-rt sends ::/0 to internet gateway web-igw" in messages


@pytest.mark.parametrize("mode", MODES)
def test_network_outside_the_stack_is_not_applicable_with_the_reason(policy_pack, mode):
    report = judge(policy_pack, "external_refs", mode)
    assert flagged(report) == set()
    reasons = not_applicable(report)
    assert "subnet-0aaa1111bbbb2222c" in reasons["sensitive-tasks-private"]
    assert "sg-0aaa1111bbbb2222c" in reasons["task-sg-ingress-from-sgs"]
    assert reasons["vpc-flow-logs"] == "no VPC in this stack"
