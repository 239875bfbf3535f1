"""The mutation matrix: a compliant stack, then one flaw at a time, each caught in preview and in update mode.

The baseline (tests/fixtures/programs/baseline) keeps its app subnets private and reaches AWS through VPC endpoints;
frontend sits behind an HTTPS ALB and calls the sensitive backend through Service Connect. Each row names the flaw
(`fixture:flaw`) and the exact findings (policy, resource, level) it must produce, in both modes. The README reports
this table, and tests/test_readme.py keeps the two equal.
"""

from __future__ import annotations

import pytest
from policy_helpers import MODES, cant_run, expected, flagged, judge, not_applicable

M, A = "mandatory", "advisory"
PULL = "private-tasks-image-pull-path"
REACH = "interface-endpoints-reachable"
INGRESS = "task-sg-ingress-from-sgs"

MATRIX: dict[str, set[tuple[str, str, str]]] = {
    "": set(),
    "igw-route": {("sensitive-tasks-private", "backend", M)},
    # app-b's tasks get no public IP, so they can't use the IGW: they pull through endpoints, and the main route
    # table has no S3 Gateway endpoint.
    "main-igw-route": {("sensitive-tasks-private", "backend", M), (PULL, "frontend", M), (PULL, "backend", M)},
    "public-ip": {("sensitive-tasks-private", "backend", M), ("ecs-service-no-public-ip", "backend", A)},
    "cidr-ingress": {(INGRESS, "backend-from-vpc", M)},
    "inline-cidr-ingress": {(INGRESS, "frontend-sg", M)},
    "prefix-list-ingress": {(INGRESS, "backend-from-prefix-list", M)},
    "wide-alb-ingress": {(INGRESS, "frontend-from-alb", M)},
    "stray-sg-ingress": {(INGRESS, "backend-from-alb", M)},
    "inline-stray-sg": {(INGRESS, "backend-sg", M)},
    "s3-interface": {("s3-endpoint-is-gateway", "s3-endpoint", M), (PULL, "frontend", M), (PULL, "backend", M)},
    "no-ecr-dkr": {(PULL, "frontend", M), (PULL, "backend", M)},
    "no-logs-endpoint": {(PULL, "frontend", M), (PULL, "backend", M)},
    "public-image": {("public-images-need-egress", "backend", M)},
    "dockerhub-image": {("public-images-need-egress", "backend", M)},
    "endpoint-sg-no-443": {(REACH, "ecr-api-endpoint", M), (REACH, "ecr-dkr-endpoint", M), (REACH, "logs-endpoint", M)},
    "private-dns-off": {(REACH, "ecr-api-endpoint", M)},
    "alb-ssh-open": {("alb-sg-internet-ports", "alb-ssh", A)},
    "http-forward": {("alb-http-redirects-to-https", "http-listener", A)},
    "alb-defaults": {("alb-hardening", "web-alb", A)},
    "no-flow-log": {("vpc-flow-logs", "main-vpc", A)},
    "open-default-sg": {("default-sg-closed", "main-default-sg", A)},
    "subnet-auto-public-ip": {("subnet-no-auto-public-ip", "public-a", A)},
    "public-ip-string": {("sensitive-tasks-private", "backend", M), ("ecs-service-no-public-ip", "backend", A)},
    "subnet-auto-public-ip-string": {("subnet-no-auto-public-ip", "public-a", A)},
    "narrow-igw-route": {("sensitive-tasks-private", "backend", M)},
    "igw-attachment": {("sensitive-tasks-private", "backend", M)},
    "default-sg-task": {(INGRESS, "backend", M), ("default-sg-closed", "main-vpc", A)},
    "default-sg-resource-task": {(INGRESS, "main-default-sg", M), ("default-sg-closed", "main-default-sg", A)},
    "secondary-cidr": {(REACH, "ecr-api-endpoint", M), (REACH, "ecr-dkr-endpoint", M), (REACH, "logs-endpoint", M)},
    "http-only": {("alb-http-redirects-to-https", "http-listener", A)},
    "dns-hostnames-off": {(REACH, "ecr-api-endpoint", M), (REACH, "ecr-dkr-endpoint", M), (REACH, "logs-endpoint", M)},
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("flaw", list(MATRIX), ids=[f or "compliant" for f in MATRIX])
def test_each_flaw_is_caught_with_exactly_its_findings(policy_pack, flaw, mode):
    report = judge(policy_pack, "baseline", mode, config={"fixture:flaw": flaw} if flaw else None)
    assert flagged(report) == expected(report, MATRIX[flaw])
    assert cant_run(report) == []


def test_every_policy_of_the_pack_is_exercised_by_the_matrix(policy_pack):
    exercised = {policy for findings in MATRIX.values() for policy, _, _ in findings}
    pack_policies = set(policy_pack.policies)
    assert pack_policies - exercised == {"nat-without-s3-gateway-endpoint", "production-single-nat"}


@pytest.mark.parametrize("mode", MODES)
def test_findings_name_the_subnet_route_and_gateway(policy_pack, mode):
    report = judge(policy_pack, "baseline", mode, config={"fixture:flaw": "igw-route"})
    (violation,) = report.violations
    assert "runs in subnets app-a, app-b whose route table private-rt sends 0.0.0.0/0 to internet gateway main-igw" in (
        violation.message
    )
    assert "(route app-default-igw (0.0.0.0/0))" in violation.message


@pytest.mark.parametrize("mode", MODES)
def test_a_route_written_against_the_vpcs_main_route_table_is_followed(policy_pack, mode):
    # app-b has no association, so it uses the main route table, reached only through vpc.main_route_table_id.
    report = judge(policy_pack, "baseline", mode, config={"fixture:flaw": "main-igw-route"})
    (violation,) = [v for v in report.violations if v.policy == "sensitive-tasks-private"]
    assert (
        "runs in subnet app-b whose main route table of VPC main-vpc sends 0.0.0.0/0 to internet gateway main-igw "
        "(route main-default-igw (0.0.0.0/0))"
    ) in violation.message


def test_unknown_container_definitions_are_undecided_for_public_images_never_passed(policy_pack):
    # frontend's container definitions are built from the ECR repository's URL: unknown in a first preview. Its
    # images can't be judged then (a sidecar may be public), so the policy says so; backend's are judged.
    preview = judge(policy_pack, "baseline", "preview")
    assert not_applicable(preview)["public-images-need-egress"] == (
        "could not decide: frontend: the container images of ECS service frontend are unknown during preview"
    )
    assert "public-images-need-egress" not in not_applicable(judge(policy_pack, "baseline", "update"))
