"""Plain tests for the AWS limits the components and the spec share."""

import pytest

from components.rulebook import FARGATE_SIZES, fargate_size_problem, path_pattern_problem


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [(256, 512), (256, 2048), (512, 4096), (1024, 8192), (4096, 30720), (8192, 61440), (16384, 122880)],
)
def test_valid_fargate_sizes_are_accepted(cpu, memory):
    assert fargate_size_problem(cpu, memory) is None


@pytest.mark.parametrize(("cpu", "memory"), [(256, 4096), (512, 512), (1024, 9216), (8192, 18432), (16384, 16384)])
def test_invalid_memory_for_a_cpu_is_rejected_with_the_allowed_values(cpu, memory):
    problem = fargate_size_problem(cpu, memory)
    assert (problem.key, problem.value) == ("memory", memory)
    assert problem.issue == f"is not a valid Fargate memory value for cpu {cpu}"
    assert problem.allowed.split(", ") == [str(m) for m in FARGATE_SIZES[cpu]]


def test_invalid_cpu_is_rejected_with_the_cpu_values():
    assert fargate_size_problem(300, 512).message() == (
        "cpu: 300 is not a valid Fargate CPU value; allowed: 256, 512, 1024, 2048, 4096, 8192, 16384"
    )


@pytest.mark.parametrize("pattern", ["/api/*", "/*", "/a-b_c.d$e~f'g\"h@i:j+k&l?m*", "x" * 128])
def test_path_patterns_aws_accepts(pattern):
    assert path_pattern_problem(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [("", "is empty"), ("/" + "a" * 128, "129 characters"), ("/api/{id}", "'{' '}'"), ("/a b", "' '"), ("/ü", "'ü'")],
)
def test_path_patterns_aws_rejects(pattern, fragment):
    problem = path_pattern_problem(pattern)
    assert problem.value == pattern
    assert fragment in problem.issue


def test_the_rulebooks_fargate_sizes_are_the_deploy_checks_rows_that_aws_documents():
    # Two homes, checked as one truth: the rulebook (our config fails fast, AWS's table up to 16 vCPU) and the deploy
    # checks (any program, cfn-lint's table, which also lists 32 vCPU). They must agree on every row AWS documents.
    import json

    from preflight.deploy_checks.check import constraints

    rows = {row["cpu"]: tuple(row["memory"]) for row in constraints()["fargate"]["size"]["rows"]}
    assert {cpu: rows[cpu] for cpu in FARGATE_SIZES} == FARGATE_SIZES
    assert set(rows) - set(FARGATE_SIZES) == {32768}
    assert json.dumps(sorted(FARGATE_SIZES)) == "[256, 512, 1024, 2048, 4096, 8192, 16384]"
