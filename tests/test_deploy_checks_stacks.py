"""Both example stacks, as `python -m preflight --stack dev|prod` runs them, give no deploy-check finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from preflight import run

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("mode", ["preview", "update"])
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_example_stack_gives_no_deploy_check_finding(policy_pack, stack, mode):
    report = run(REPO, stack, mode, pack=policy_pack)
    assert [f.message for f in report.deploy_findings] == []
    assert report.exit_code == 0
