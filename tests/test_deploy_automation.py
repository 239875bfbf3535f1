"""Real deploys through the Automation API: `pulumi preview --policy-pack` and `pulumi up` / `destroy` on AWS.

They need the Pulumi CLI, the AWS provider plugin and AWS credentials, none of which this machine can have, so they
are skipped here with the reason. They are written for real: on a machine with all three (and
PREFLIGHT_DEPLOY_TESTS=1, since they create billable resources) they preview with the policy pack and then deploy and
destroy a throwaway copy of the dev stack.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent


def _missing_prerequisite() -> str | None:
    if shutil.which("pulumi") is None:
        return "needs the Pulumi CLI on PATH (it cannot be installed on this offline machine)"
    if not (os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE")):
        return "needs AWS credentials (AWS_ACCESS_KEY_ID or AWS_PROFILE)"
    if os.environ.get("PREFLIGHT_DEPLOY_TESTS") != "1":
        return "creates billable AWS resources; set PREFLIGHT_DEPLOY_TESTS=1 to run it"
    return None


pytestmark = pytest.mark.skipif(_missing_prerequisite() is not None, reason=str(_missing_prerequisite()))


@pytest.fixture
def dev_copy_stack():
    from pulumi import automation as auto

    name = f"ci-{uuid.uuid4().hex[:8]}"
    stack = auto.create_or_select_stack(stack_name=name, work_dir=str(REPO))
    dev_config = (REPO / "Pulumi.dev.yaml").read_text()
    (REPO / f"Pulumi.{name}.yaml").write_text(dev_config)
    try:
        yield stack
    finally:
        stack.destroy(on_output=print)
        stack.workspace.remove_stack(name)
        (REPO / f"Pulumi.{name}.yaml").unlink(missing_ok=True)


def test_real_preview_with_policy_pack_has_no_mandatory_violation(dev_copy_stack):
    result = dev_copy_stack.preview(policy_packs=[str(REPO / "policies")], on_output=print)
    assert result.change_summary.get("create", 0) > 0


def test_real_up_creates_the_dev_pattern_and_exports_the_alb_dns_name(dev_copy_stack):
    result = dev_copy_stack.up(policy_packs=[str(REPO / "policies")], on_output=print)
    assert result.summary.result == "succeeded"
    assert result.outputs["albDnsName"].value.endswith(".elb.amazonaws.com")
