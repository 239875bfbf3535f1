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
    # worker gets no public IP, so in app-a it can't use the IGW either: it can't pull its Docker Hub image there.
    findings = {
        ("sensitive-tasks-private", "worker", M),
        ("public-images-need-egress", "worker", M),
        ("private-tasks-image-pull-path", "worker", M),
    }
    assert flagged(report) == expected(report, findings)
    messages = {v.policy: v.message for v in report.violations}
    assert (
        "subnet app-a whose route table app-a-rt sends 0.0.0.0/0 to internet gateway nat-igw"
        in (messages["sensitive-tasks-private"])
    )
    assert "app-a route to an internet gateway, but its tasks get no public IP" in messages["public-images-need-egress"]


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


# ---- main_table: subnets on the VPC's implicit main route table (vpc.main_route_table_id) ----------------------
WORKER = "mt-worker"


@pytest.mark.parametrize("mode", MODES)
def test_endpoints_and_associations_on_the_implicit_main_route_table_are_followed(policy_pack, mode):
    # mt-a has no association, mt-b is associated with vpc.main_route_table_id; the S3 Gateway endpoint is on it.
    report = judge(policy_pack, "main_table", mode)
    assert flagged(report) == set()
    assert cant_run(report) == []
    reasons = not_applicable(report)
    for policy in ("sensitive-tasks-private", "private-tasks-image-pull-path", "public-images-need-egress"):
        assert policy not in reasons, reasons[policy]  # decided (and passed), not skipped


@pytest.mark.parametrize("mode", MODES)
def test_igw_route_on_the_implicit_main_route_table_is_denied(policy_pack, mode):
    report = judge(policy_pack, "main_table", mode, config={"fixture:flaw": "igw-route"})
    assert flagged(report) == expected(report, {("sensitive-tasks-private", WORKER, M)})
    (violation,) = report.violations
    assert (
        "runs in subnets mt-a, mt-b whose main route table of VPC mt-vpc sends 0.0.0.0/0 to internet gateway mt-igw "
        "(route mt-main-default (0.0.0.0/0))"
    ) in violation.message
    # The subnets route to the IGW, but mt-worker's tasks get no public IP, so they can't use it: they pull through
    # the endpoints, which are all there.
    assert "private-tasks-image-pull-path" not in not_applicable(report)


@pytest.mark.parametrize("mode", MODES)
def test_s3_gateway_endpoint_missing_from_the_implicit_main_route_table_is_denied(policy_pack, mode):
    report = judge(policy_pack, "main_table", mode, config={"fixture:flaw": "s3-elsewhere"})
    assert flagged(report) == expected(report, {("private-tasks-image-pull-path", WORKER, M)})
    (violation,) = report.violations
    assert "lacks an S3 Gateway endpoint on the main route table of VPC mt-vpc (subnets mt-a, mt-b)" in (
        violation.message
    )


@pytest.mark.parametrize("mode", MODES)
def test_a_private_nat_is_no_internet_egress_but_an_indirect_path(policy_pack, mode):
    # 0.0.0.0/0 goes to a private NAT and the image is on Docker Hub: not flagged (the NAT may lead to central
    # egress), never passed either: both image policies say why they can't decide.
    report = judge(policy_pack, "main_table", mode, config={"fixture:flaw": "private-nat"})
    assert flagged(report) == set()
    reasons = not_applicable(report)
    why = (
        "subnet mt-a's main route table of VPC mt-vpc sends 0.0.0.0/0 to private NAT gateway mt-private-nat "
        "(route mt-main-nat (0.0.0.0/0)); whether that reaches the internet is decided elsewhere"
    )
    assert why in reasons["public-images-need-egress"]
    assert why in reasons["private-tasks-image-pull-path"]
    assert reasons["nat-without-s3-gateway-endpoint"] == "no public NAT gateway in this stack"


@pytest.mark.parametrize("mode", MODES)
def test_a_public_sidecar_behind_unknown_container_definitions_is_never_passed(policy_pack, mode):
    # The definitions come from the ECR repository's URL (unknown in preview) and add a public.ecr.aws sidecar.
    report = judge(policy_pack, "main_table", mode, config={"fixture:flaw": "public-sidecar"})
    if mode == "preview":
        assert flagged(report) == set()
        assert not_applicable(report)["public-images-need-egress"] == (
            "could not decide: mt-worker: the container images of ECS service mt-worker are unknown during preview"
        )
    else:
        assert flagged(report) == expected(report, {("public-images-need-egress", WORKER, M)})
        assert "container otel uses public.ecr.aws/aws-observability/aws-otel-collector" in report.violations[0].message


@pytest.mark.parametrize("mode", MODES)
def test_a_table_with_any_route_to_the_igw_is_public_even_when_which_route_cant_be_told(policy_pack, mode):
    # mt-b's table: inline 0.0.0.0/0 to a VPN gateway, 10.9.0.0/16 to the IGW. A route to an internet gateway, for
    # any destination, makes a subnet public (AWS's definition). In preview both gateway ids are unknown, but the
    # table depends on the IGW, whose id can only have gone into one of its routes: public in both modes.
    report = judge(policy_pack, "main_table", mode, config={"fixture:flaw": "vpn-inline"})
    assert flagged(report) == expected(report, {("sensitive-tasks-private", "mt-worker", "mandatory")})
    (violation,) = report.violations
    assert "internet gateway mt-igw" in violation.message


@pytest.mark.parametrize("mode", MODES)
def test_a_sensitive_tag_unknown_during_preview_is_undecided_never_not_sensitive(policy_pack, mode):
    # The service's tags come from an output; the task definition is untagged.
    report = judge(policy_pack, "main_table", mode, config={"fixture:flaw": "igw-route", "fixture:tag": "unknown"})
    if mode == "preview":
        assert flagged(report) == set()
        assert not_applicable(report)["sensitive-tasks-private"] == (
            "could not decide: mt-worker: the data-classification tag of ECS service mt-worker is unknown during "
            "preview, so whether it is sensitive can't be told"
        )
    else:
        assert flagged(report) == expected(report, {("sensitive-tasks-private", WORKER, M)})
    clean = judge(policy_pack, "main_table", mode, config={"fixture:tag": "unknown"})
    assert flagged(clean) == set()
    assert ("sensitive-tasks-private" in not_applicable(clean)) == (mode == "preview")


@pytest.mark.parametrize("mode", MODES)
def test_an_unknown_service_tag_does_not_hide_a_known_sensitive_task_definition(policy_pack, mode):
    config = {"fixture:flaw": "igw-route", "fixture:tag": "unknown+td"}
    report = judge(policy_pack, "main_table", mode, config=config)
    assert flagged(report) == expected(report, {("sensitive-tasks-private", WORKER, M)})


def test_a_service_connect_rule_is_undecided_not_passed_while_the_servers_container_port_is_unknown(policy_pack):
    """backend's container port comes from outputs: its client alias port is a guess, and a guess never passes."""
    preview = judge(policy_pack, "baseline", "preview", config={"fixture:backend": "outputs"})
    assert flagged(preview) == set()
    reason = not_applicable(preview)["task-sg-ingress-from-sgs"]
    assert "backend-from-frontend" in reason and "container port is unknown during preview" in reason
    update = judge(policy_pack, "baseline", "update", config={"fixture:backend": "outputs"})
    assert flagged(update) == set()
    assert "task-sg-ingress-from-sgs" not in not_applicable(update)
