"""Pass, fail or not applicable, never "can't run": how every policy reads the stack and reaches its verdict."""

from __future__ import annotations

import pytest
from pulumi_policy import EnforcementLevel, StackValidationArgs
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

U = UNKNOWN_STRING_VALUE


def test_plain_reads_unknowns_through_the_proxy_without_raising(guard):
    raw = {"subnets": [U, "subnet-1"], "net": {"assignPublicIp": U}}
    proxied = unknown_checking_proxy(raw)
    assert guard.graph.plain(proxied) == raw
    assert guard.graph.is_unknown(guard.graph.plain(proxied)["net"]["assignPublicIp"])
    assert not guard.graph.is_unknown("subnet-1")


@pytest.mark.parametrize(
    ("from_port", "to_port", "protocol", "expected"),
    [(443, 443, "tcp", (443, 443)), (0, 0, "-1", (0, 65535)), (U, 80, "tcp", None), ("http", 80, "tcp", None)],
)
def test_port_ranges_are_read_without_ever_raising(guard, from_port, to_port, protocol, expected):
    assert guard.graph.port_range(from_port, to_port, protocol) == expected


def test_a_policy_that_cannot_read_its_input_says_so_instead_of_failing_the_preview(guard):
    def crashes(graph, config, verdict):
        raise KeyError("routes")

    policy = guard.common.stack_policy("crashes", "Fix: none.", EnforcementLevel.ADVISORY, crashes, "nothing")
    with pytest.raises(_NotApplicableError) as raised:
        policy.validate(StackValidationArgs([]), lambda message, urn=None: None)
    assert "could not read the stack (KeyError" in raised.value.reason


def test_an_empty_stack_is_not_applicable_with_the_reason(guard):
    with pytest.raises(_NotApplicableError) as raised:
        guard.sensitive_tasks_private.POLICY.validate(StackValidationArgs([]), lambda message, urn=None: None)
    assert raised.value.reason == "no ECS service in this stack is tagged sensitive"


def test_violations_win_over_undecided_subjects(guard):
    reported = []
    verdict = guard.common.Verdict(lambda message, urn=None: reported.append(urn))
    res = guard.graph.Res("urn:a", "aws:ecs/service:Service", "a", {})
    verdict.undecidable(res, "its subnets are unknown")
    verdict.violation(res, "it is public")
    verdict.finish(StackValidationArgs([]), "nothing to check")  # does not raise not_applicable
    assert reported == ["urn:a"]
