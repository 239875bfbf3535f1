"""`--format markdown` (a PR comment / $GITHUB_STEP_SUMMARY), `--diagram` and `--compare BASE.json`."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from policy_helpers import PROGRAMS, REPO, judge

from preflight.report import Options, render

PUBLIC_TASKS = PROGRAMS / "public_tasks"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "preflight", "--quiet", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_dev_stack_markdown_leads_with_the_verdict_and_holds_diagram_and_cost(tmp_path):
    diagram = tmp_path / "dev.mmd"
    result = _cli("--format", "markdown", "--diagram", str(diagram))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "## ✅ Preflight PASS: stack `dev` (preview)"
    assert re.match(r"\*\*0\*\* mandatory · \*\*\d+\*\* advisory · \*\*0\*\* remediate · \d+ resources", lines[2])
    assert re.search(r"est\. \*\*\$\d+\.\d\d/month\*\*$", lines[2])
    # The Mermaid block in the comment is the file --diagram wrote.
    block = result.stdout.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block == diagram.read_text() and block.startswith("flowchart TB")
    assert "| **Total** | | **$69.59** |" in lines
    assert any(line.startswith("Break-even (GB/month to CloudWatch Logs and other AWS services)") for line in lines)
    # Findings under their policy, each with the declaring line and the component around it.
    assert "⚠️ **vpc-flow-logs** (advisory, 1): A VPC has no flow log" in result.stdout
    assert re.search(
        r"^- `network-vpc` \(aws:ec2/vpc:Vpc\) at `components/network\.py:\d+` "
        r"\(in `network` at `infra/program\.py:\d+`\)",
        result.stdout,
        re.M,
    )


def test_a_failing_stack_says_fail_and_points_at_the_program_line(policy_pack):
    report = judge(policy_pack, "public_tasks", "preview", stack="sensitive")
    text = render(report, "markdown")
    assert text.startswith("## ❌ Preflight FAIL: stack `sensitive` (preview)")
    line = next(
        n for n, t in enumerate((PUBLIC_TASKS / "__main__.py").read_text().splitlines(), 1) if "aws.ecs.Service(" in t
    )
    assert f"- `web` (aws:ecs/service:Service) at `tests/fixtures/programs/public_tasks/__main__.py:{line}`:" in text
    assert "🛑 **sensitive-tasks-private** (mandatory, 2)" in text  # public IP and IGW route


def test_compare_lists_changed_resources_new_and_fixed_violations_and_cost_delta(policy_pack):
    base_report = judge(policy_pack, "public_tasks", "preview")
    base = json.loads(render(base_report, "json"))
    head = judge(policy_pack, "public_tasks", "preview", config={"fixture:tag": "sensitive"})  # the PR's change
    document = json.loads(render(head, "json", Options(base=base)))
    comparison = document["comparison"]
    # Only the service's tag changed; nothing added or removed.
    assert [u.rpartition("::")[2] for u in comparison["changed"]] == ["web"]
    assert comparison["added"] == comparison["removed"] == []
    assert {v["policy"] for v in comparison["newViolations"]} == {"sensitive-tasks-private"}
    assert comparison["fixedViolations"] == []
    assert comparison["costBefore"] == comparison["costAfter"] == document["cost"]["total"]
    text = render(head, "markdown", Options(base=base))
    assert "| Violations | 2 new, 0 fixed |" in text
    assert "| Resources | 0 added, 0 removed, 1 changed |" in text
    # And the other way round: the violation is fixed.
    back = json.loads(render(base_report, "json", Options(base=json.loads(render(head, "json")))))
    assert {v["policy"] for v in back["comparison"]["fixedViolations"]} == {"sensitive-tasks-private"}


def test_json_carries_topology_and_cost(policy_pack):
    document = json.loads(render(judge(policy_pack, str(REPO), "preview"), "json"))
    assert document["cost"]["total"] == 69.59 and document["cost"]["region"] == "us-east-1"
    assert [v["name"] for v in document["topology"]["vpcs"]] == ["network-vpc"]
    assert {s["name"] for s in document["topology"]["services"]} == {"webapp-service", "backend-service"}


def test_compare_with_a_file_that_is_not_a_report_exits_2_before_running(tmp_path):
    base = tmp_path / "base.json"
    base.write_text(json.dumps({"resources": []}))
    result = _cli("--compare", str(base))
    assert result.returncode == 2
    assert result.stderr.startswith(f"preflight: error: --compare {base}: schemaVersion None; allowed: 2")


def test_deploy_check_findings_fail_the_comment_and_point_at_their_lines(policy_pack):
    report = judge(policy_pack, "deploy_checks", "preview")
    text = render(report, "markdown")
    assert text.startswith("## ❌ Preflight FAIL")
    header = f"### 🛑 Deploy check findings ({len(report.deploy_findings)}): inputs AWS would reject at `pulumi up`"
    assert header in text.splitlines()
    assert f"**{len(report.deploy_findings)}** deploy-check findings" in text
    source = (PROGRAMS / "deploy_checks" / "__main__.py").read_text().splitlines()
    line = next(n for n, t in enumerate(source, 1) if '"app-logs"' in t)
    assert re.search(rf"^- `app-logs` \(aws:cloudwatch/logGroup:LogGroup\) at `[^`]+__main__\.py:{line}`: ", text, re.M)
