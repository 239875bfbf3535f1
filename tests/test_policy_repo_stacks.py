"""This repo's own stacks pass the pack, and the preflight CLI gives the verdicts a PR check relies on.

Each run is a `python -m preflight` subprocess: the CLI is what CI calls, and a fresh process per stack keeps the
repo's program (which registers the aws package) from being imported twice in one interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from policy_helpers import MODES, PROGRAMS, REPO


def _preflight(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "preflight", "--quiet", "--format", "json", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_repo_stack_has_no_mandatory_violation_and_no_undecided_preview(stack, mode):
    result = _preflight("--program", str(REPO), "--stack", stack, "--mode", mode)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert [v for v in report["violations"] if v["level"] == "mandatory"] == []
    assert [d for d in report["diagnostics"] if "can't run policy" in d] == []


@pytest.mark.parametrize("mode", MODES)
def test_cli_exits_1_and_lists_the_violations_of_a_non_compliant_stack(mode):
    program = PROGRAMS / "public_tasks"
    result = _preflight("--program", str(program), "--stack", "sensitive", "--mode", mode)
    assert result.returncode == 1, result.stderr[-3000:]
    report = json.loads(result.stdout)
    found = {(v["policy"], v["urn"].split("::")[-1], v["level"]) for v in report["violations"]}
    assert found == {("sensitive-tasks-private", "web", "mandatory"), ("ecs-service-no-public-ip", "web", "advisory")}


def test_cli_reads_a_policy_config_file_like_pulumi_preview(tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"sensitive-tasks-private": "advisory"}))
    program = PROGRAMS / "public_tasks"
    result = _preflight("--program", str(program), "--stack", "sensitive", "--policy-config", str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    levels = {v["policy"]: v["level"] for v in json.loads(result.stdout)["violations"]}
    assert levels["sensitive-tasks-private"] == "advisory"
