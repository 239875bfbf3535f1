"""The one rulebook: pure (no Pulumi import), and the config spec and the components reject a value with the same
Problem, rendered at each edge (a config key path there, an argument name here)."""

import ast

import pytest
from mock_harness import REPO, last_run, run_function
from spec_cases import REGION, ZONES, with_changes

from components import (
    AlbIngress,
    AlbIngressArgs,
    EndpointEgress,
    EndpointEgressArgs,
    NetworkRef,
    ServiceCluster,
    ServiceClusterArgs,
)
from components.rulebook import (
    ArgsError,
    bucket_name_problem,
    certificate_arn_problem,
    endpoint_service_problem,
    namespace_problem,
    task_family,
)
from infra.spec import SpecError, parse_platform

NETWORK = NetworkRef("vpc-1", "10.0.0.0/16", ("a", "b"), ("c", "d"), ("r1", "r2"))


def test_the_rulebook_imports_no_pulumi():
    tree = ast.parse((REPO / "components" / "rulebook.py").read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"re", "dataclasses", "typing"}, imported


CASES = [
    (
        "namespace",
        {"serviceConnect.namespace": "Bad Namespace"},
        ".serviceConnect.namespace",
        lambda: ServiceCluster("c", ServiceClusterArgs(service_connect_namespace="Bad Namespace")),
        namespace_problem("Bad Namespace"),
    ),
    (
        "certificate",
        {"ingress.certificateArn": "arn:aws:iam::1:cert"},
        ".ingress.certificateArn",
        lambda: AlbIngress("a", AlbIngressArgs(network=NETWORK, certificate_arn="arn:aws:iam::1:cert")),
        certificate_arn_problem("arn:aws:iam::1:cert"),
    ),
    (
        "bucket",
        {"ingress.accessLogsBucket": "Bad_Bucket"},
        ".ingress.accessLogsBucket",
        lambda: AlbIngress("a", AlbIngressArgs(network=NETWORK, access_logs_bucket="Bad_Bucket")),
        bucket_name_problem("Bad_Bucket"),
    ),
    (
        "endpoint-service",
        {"egress.interfaceEndpoints": ["Secrets Manager"]},
        ".egress.interfaceEndpoints[0]",
        lambda: EndpointEgress(
            "e", EndpointEgressArgs(network=NETWORK, region=REGION, interface_services=("Secrets Manager",))
        ),
        endpoint_service_problem("Secrets Manager"),
    ),
]


@pytest.mark.parametrize(("changes", "path", "component", "problem"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_spec_and_component_reject_a_value_with_the_same_problem(changes, path, component, problem):
    assert problem is not None
    with pytest.raises(SpecError) as spec_error:
        parse_platform(with_changes(**changes), region=REGION, available_zones=lambda: ZONES)
    assert str(spec_error.value) == str(SpecError.of(path, problem))
    with pytest.raises(ArgsError) as args_error:
        run_function(component)
    assert args_error.value.problem.issue == problem.issue
    assert args_error.value.problem.allowed == problem.allowed
    assert last_run().registrations == []


@pytest.mark.parametrize(
    ("parts", "family"),
    [
        (("fargate-networking", "dev", "webapp"), "fargate-networking-dev-webapp"),
        (("fargate-networking", "feature.x", "api"), "fargate-networking-feature_x-api"),
        (("my.project", "team/a b", "api"), "my_project-team_a_b-api"),
    ],
)
def test_task_family_keeps_only_what_a_family_holds(parts, family):
    assert task_family(*parts) == family
