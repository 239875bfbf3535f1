"""Deploy-check findings in preflight's run and in every output format; resource dependencies in the JSON report.

Uses the probe pack (it has nothing to say about the fixture program), so every failure here is a deploy check's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from preflight import PolicyPackProcess, run
from preflight.report import render

FIXTURES = Path(__file__).parent / "fixtures"
PROBE_PACK = FIXTURES / "packs" / "probe"
PROGRAM = FIXTURES / "programs" / "deploy_checks"
REPO = Path(__file__).parent.parent
SC_DESCRIPTION = "'Service Connect webapp -> backend:5000'"


@pytest.fixture(scope="module")
def report():
    with PolicyPackProcess(PROBE_PACK) as pack:
        return run(PROGRAM, "dev", "preview", pack=pack)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "preflight",
            "--quiet",
            "--program",
            str(PROGRAM),
            "--policy-pack",
            str(PROBE_PACK),
            *args,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_a_deploy_check_finding_fails_the_run_like_a_mandatory_violation(report):
    assert report.mandatory == []
    assert report.deploy_findings and report.exit_code == 1


def test_the_cli_exits_1_on_the_bad_side_and_0_on_the_good_side():
    bad, good = _cli("--format", "json"), _cli("--stack", "good", "--format", "json")
    assert (bad.returncode, good.returncode) == (1, 0), bad.stderr + good.stderr
    assert json.loads(good.stdout)["deployFindings"] == []
    document = json.loads(bad.stdout)
    assert document["exitCode"] == 1
    assert document["counts"]["deployChecks"] == len(document["deployFindings"]) > 0


def test_json_gives_resource_input_value_constraint_and_source(report):
    document = json.loads(render(report, "json"))
    [finding] = [f for f in document["deployFindings"] if f["name"] == "sc-in" and f["check"] == "pattern"]
    assert finding["urn"].endswith("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::sc-in")
    assert (finding["input"], finding["value"]) == ("description", SC_DESCRIPTION)
    assert finding["constraint"] == "up to 255 characters of a-z A-Z 0-9 spaces and ._-:/()#,@[]+=&;{}!$*"
    assert "ec2 IpRange.Description" in finding["source"]


def test_text_lists_each_finding_marks_the_tree_and_counts_them(report):
    text = render(report, "text")
    lines = text.splitlines()
    assert f"Deploy check findings ({len(report.deploy_findings)}): inputs AWS would reject at `pulumi up`" in lines
    [line] = [ln for ln in lines if ln.startswith("  - sc-in (") and "pattern" in ln]
    assert SC_DESCRIPTION in line and "allowed: up to 255 characters" in line
    assert any(
        ln.strip() == "sc-in (aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule)  [deploy]" for ln in lines
    )
    assert lines[-1].startswith("FAIL: ") and f"{len(report.deploy_findings)} deploy-check findings" in lines[-1]


def test_sarif_has_one_error_per_finding_with_its_input_value_and_constraint(report):
    sarif = json.loads(render(report, "sarif"))["runs"][0]
    results = [r for r in sarif["results"] if r["ruleId"].startswith("deploy-check/")]
    assert len(results) == len(report.deploy_findings)
    rules = [rule["id"] for rule in sarif["tool"]["driver"]["rules"]]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] and r["level"] == "error" for r in results)
    [sc_in] = [
        r for r in results if r["ruleId"] == "deploy-check/pattern" and r["properties"]["urn"].endswith("::sc-in")
    ]
    assert (sc_in["properties"]["input"], sc_in["properties"]["value"]) == ("description", SC_DESCRIPTION)
    assert sc_in["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("deploy_checks/__main__.py")
    assert len({r["partialFingerprints"]["preflightFinding/v1"] for r in results}) == len(results)


def test_json_resources_list_the_urns_they_depend_on(report):
    document = json.loads(render(report, "json"))
    urns = {r["name"]: r["urn"] for r in document["resources"]}
    dependencies = {r["name"]: set(r["dependencies"]) for r in document["resources"]}
    assert {urns["http"], urns["app-tg"]} <= dependencies["rule-a"]
    assert {urns["app-lb"], urns["app-tg"]} <= dependencies["http"]
    assert dependencies["main-vpc"] == set()


def test_a_combination_finding_reads_the_same_in_every_format(report):
    [finding] = [f for f in report.deploy_findings if f.name == "sized-task"]
    assert (finding.check, finding.input, finding.value) == ("combination", "cpu, memory", "cpu='256', memory='4096'")
    assert "  - sized-task (aws:ecs/taskDefinition:TaskDefinition) [" in render(report, "text")
    assert "`sized-task`" in render(report, "markdown") and "E3047" in render(report, "markdown")
    sarif = json.loads(render(report, "sarif"))["runs"][0]
    [rule] = [r for r in sarif["tool"]["driver"]["rules"] if r["id"] == "deploy-check/combination"]
    assert "another input" in rule["fullDescription"]["text"]
    [result] = [r for r in sarif["results"] if r["properties"].get("urn") == finding.urn]
    assert (result["ruleId"], result["properties"]["input"]) == ("deploy-check/combination", "cpu, memory")
    document = json.loads(render(report, "json"))
    assert {"name": "sized-task", "check": "combination"}.items() <= next(
        f for f in document["deployFindings"] if f["name"] == "sized-task"
    ).items()
