"""The GitHub Actions workflows, checked offline: GitHub's JSON schemas (vendored in check-jsonschema), zizmor's
audits, actions pinned by commit SHA, least-privilege permissions, and the commands they run equal to the README's.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
GITHUB = REPO / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ACTIONS = sorted((GITHUB / "actions").glob("*/action.yml"))
BIN = Path(sys.executable).parent
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+\b")


def _load(path: Path) -> dict:
    # YAML 1.1 reads the key `on` as True; GitHub reads it as "on".
    document = yaml.safe_load(path.read_text())
    if True in document:
        document["on"] = document.pop(True)
    return document


def _steps(document: dict):
    for job in document.get("jobs", {}).values():
        yield from job.get("steps", [])
    yield from document.get("runs", {}).get("steps", [])


def test_there_are_workflows_for_pull_requests_main_and_pack_releases():
    triggers = {path.name: _load(path)["on"] for path in WORKFLOWS}
    assert "pull_request" in triggers["pull-request.yml"]
    assert triggers["deploy.yml"] == {"push": {"branches": ["main"]}}
    assert triggers["release-pack.yml"] == {"push": {"tags": ["policies-v*"]}}


@pytest.mark.parametrize(
    ("schema", "files"), [("vendor.github-workflows", WORKFLOWS), ("vendor.github-actions", ACTIONS)]
)
def test_workflows_and_actions_match_githubs_json_schema(schema, files):
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_offline_has_no_findings():
    result = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--persona", "auditor", "--no-progress", str(GITHUB)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_every_remote_action_is_pinned_by_commit_sha_with_its_version_in_a_comment():
    uses = []
    for path in WORKFLOWS + ACTIONS:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            _, found, value = line.partition("uses: ")
            if found and not value.startswith(("$/", "./")):
                uses.append((f"{path.relative_to(REPO)}:{number}", value.strip()))
    assert uses
    assert [(where, value) for where, value in uses if not PINNED.match(value)] == []


def test_permissions_are_empty_at_the_top_and_granted_per_job():
    for path in WORKFLOWS:
        document = _load(path)
        assert document["permissions"] == {}, path.name
        for name, job in document["jobs"].items():
            assert "permissions" in job, f"{path.name}: job {name} has no permissions:"
            assert "write-all" not in str(job["permissions"]), f"{path.name}: job {name}"


def test_pull_request_preview_uses_the_pack_and_oidc_and_skips_forks():
    preview = _load(GITHUB / "workflows" / "pull-request.yml")["jobs"]["preview"]
    assert preview["permissions"]["id-token"] == "write"
    assert "github.event.pull_request.head.repo.full_name == github.repository" in preview["if"]
    pulumi = next(step for step in preview["steps"] if step.get("uses", "").startswith("pulumi/actions@"))
    assert pulumi["with"]["command"] == "preview"
    assert pulumi["with"]["policyPacks"] == "policies"
    assert pulumi["with"]["comment-on-pr"] is True
    login = _load(GITHUB / "actions" / "cloud-login" / "action.yml")
    aws = next(step for step in _steps(login) if "configure-aws-credentials" in step["uses"])
    assert set(aws["with"]) == {"role-to-assume", "aws-region"}  # never access keys


def test_main_deploys_dev_then_prod_behind_an_environment_one_concurrency_group_per_stack():
    jobs = _load(GITHUB / "workflows" / "deploy.yml")["jobs"]
    assert jobs["prod"]["needs"] == "dev"
    assert {name: job["with"] for name, job in jobs.items()} == {
        "dev": {"stack": "dev", "environment": "dev"},
        "prod": {"stack": "prod", "environment": "production"},
    }
    up = _load(GITHUB / "workflows" / "pulumi-up.yml")["jobs"]["up"]
    assert up["environment"] == "${{ inputs.environment }}"
    assert up["concurrency"] == {"group": "pulumi-stack-${{ inputs.stack }}", "cancel-in-progress": False}


def _workflow_commands() -> set[str]:
    steps = [step for path in WORKFLOWS + ACTIONS for step in _steps(_load(path))]
    return {" ".join(step["run"].split()) for step in steps if "run" in step}


def _readme_commands() -> set[str]:
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("### What the workflows run") :]
    block = section[section.index("```sh\n") + len("```sh\n") : section.index("```\n", section.index("```sh\n") + 6)]
    commands, current = set(), ""
    for line in block.splitlines():
        line = line.split("  # ", 1)[0].rstrip()
        if not line or line.startswith("#"):
            continue
        continued = line.endswith("\\")
        part = line.removesuffix("\\").strip()
        current = f"{current} {part}".strip()
        if not continued:
            commands.add(" ".join(current.split()))
            current = ""
    return commands


def test_the_workflows_run_exactly_the_commands_the_readme_lists():
    assert _workflow_commands() == _readme_commands()


def test_the_workflows_run_the_quick_start_set_up_and_test_command():
    readme = (REPO / "README.md").read_text()
    quick_start = readme[readme.index("## Quick start") : readme.index("\n## ", readme.index("## Quick start") + 1)]
    blocks = re.findall(r"```sh\n(.*?)```", quick_start, re.S)
    commands = {" ".join(line.split("  #", 1)[0].split()) for block in blocks for line in block.splitlines()}
    assert {
        "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt",
        ".venv/bin/python -m pytest -q",
    } <= commands & _workflow_commands()


@pytest.mark.parametrize(("config", "exit_code"), [("advisory.json", 0), ("enforced.json", 1)])
def test_policy_group_configs_are_valid_and_advisory_blocks_nothing(policy_pack, config, exit_code):
    from preflight import run

    policy_config = json.loads((REPO / "policy-groups" / config).read_text())
    program = REPO / "tests" / "fixtures" / "programs" / "public_tasks"
    report = run(program, "sensitive", "preview", pack=policy_pack, policy_config=policy_config)
    assert report.exit_code == exit_code
    levels = {(v.policy, v.level) for v in report.violations}
    mandatory = "advisory" if config == "advisory.json" else "mandatory"
    assert levels == {("sensitive-tasks-private", mandatory), ("ecs-service-no-public-ip", "advisory")}
    pii_tag = {"fixture:tag": "pii"}
    pii = run(program, "sensitive", "preview", pack=policy_pack, policy_config=policy_config, config=pii_tag)
    assert ("sensitive-tasks-private", mandatory) in {(v.policy, v.level) for v in pii.violations}


FAKE_GH = '''#!/usr/bin/env python3
"""A stand-in for `gh api` over a JSON file of issue comments: list (with --jq's select by marker), POST, PATCH."""
import json, os, re, shutil, subprocess, sys
state = os.environ["FAKE_GH_STATE"]
comments = json.load(open(state))
args = sys.argv[2:]
method = args[args.index("--method") + 1] if "--method" in args else "GET"
path = next(a for a in args if a.startswith("repos/"))
if method == "GET":
    # gh applies --jq (gojq) to the JSON it got; the real jq runs the same expression where it is installed.
    expression = args[args.index("--jq") + 1]
    if shutil.which("jq"):
        subprocess.run(["jq", "-r", expression], input=json.dumps(comments), text=True, check=True)
    else:
        marker = re.search(r'startswith\\("([^"]+)"\\)', expression).group(1)
        print("\\n".join(str(c["id"]) for c in comments if c["body"].startswith(marker)))
    sys.exit(0)
body = args[args.index("-f") + 1].removeprefix("body=")
if method == "POST":
    assert path.endswith("/issues/7/comments"), path
    comments.append({"id": 100 + len(comments), "body": body})
else:
    comment_id = int(path.rsplit("/", 1)[1])
    next(c for c in comments if c["id"] == comment_id)["body"] = body
json.dump(comments, open(state, "w"))
'''


def test_sticky_comment_is_posted_once_then_edited_in_place(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    state = tmp_path / "comments.json"
    state.write_text(json.dumps([{"id": 1, "body": "LGTM"}]))
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "FAKE_GH_STATE": str(state),
        "GITHUB_REPOSITORY": "acme/infra",
        "PR_NUMBER": "7",
        "GH_TOKEN": "unused",
    }
    script = GITHUB / "scripts" / "sticky-comment.sh"
    for run_number in (1, 2):
        for stack in ("dev", "prod"):
            (tmp_path / f"{stack}.md").write_text(f"## preflight {stack}: run {run_number}\n")
        subprocess.run(["bash", str(script), "dev.md", "prod.md"], cwd=tmp_path, env=env, check=True)
        comments = json.loads(state.read_text())
        assert [c["id"] for c in comments] == [1, 101]
        assert comments[0]["body"] == "LGTM"
        body = comments[1]["body"]
        assert body.startswith("<!-- preflight-report -->\n")
        assert f"## preflight dev: run {run_number}" in body and f"## preflight prod: run {run_number}" in body
        assert "run 1" not in body or run_number == 1
