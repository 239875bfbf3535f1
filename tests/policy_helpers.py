"""Run the fixture programs through preflight and the real policy pack, and read the verdicts as sets.

A verdict is compared as the exact set of (policy, URN, level) flagged, so a test fails on a missing finding, an
extra one, the wrong resource or the wrong level.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from preflight import PolicyPackProcess, Report, run

REPO = Path(__file__).resolve().parent.parent
PACK_DIR = REPO / "policies"
PROGRAMS = Path(__file__).resolve().parent / "fixtures" / "programs"
MODES = ("preview", "update")

_reports: dict[str, Report] = {}


def judge(
    pack: PolicyPackProcess,
    program: str,
    mode: str,
    config: dict[str, Any] | None = None,
    policy_config: dict[str, Any] | None = None,
    stack: str = "dev",
) -> Report:
    """The preflight report of a fixture program (cached: several tests read the same run)."""
    key = json.dumps([program, stack, mode, config, policy_config], sort_keys=True)
    if key not in _reports:
        directory = PROGRAMS / program if not Path(program).is_absolute() else Path(program)
        _reports[key] = run(
            program=directory, stack=stack, mode=mode, pack=pack, config=config, policy_config=policy_config
        )
    return _reports[key]


def flagged(report: Report) -> set[tuple[str, str, str]]:
    return {(v.policy, v.urn, v.level) for v in report.violations}


def expected(report: Report, findings: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """(policy, resource name, level) -> (policy, URN, level), failing if the name is not exactly one resource."""
    urns: dict[str, list[str]] = {}
    for resource in report.resources:
        urns.setdefault(resource.name, []).append(resource.urn)
    out = set()
    for policy, name, level in findings:
        assert len(urns.get(name, [])) == 1, f"fixture has {len(urns.get(name, []))} resources named {name}"
        out.add((policy, urns[name][0], level))
    return out


def cant_run(report: Report) -> list[str]:
    """Diagnostics saying a policy couldn't run during preview: the failure this pack exists to avoid."""
    return [d for d in report.diagnostics if "can't run policy" in d]


def not_applicable(report: Report) -> dict[str, str]:
    return dict(report.not_applicable)
