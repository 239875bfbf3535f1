"""What a policy found: its violations, the subjects it checked, and what it could not decide."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import ReportViolation, StackValidationArgs

from .stack import Egress, Res, StackGraph
from .stack.types import ECS_SERVICE
from .stack.values import UNKNOWN, as_bool


class Findings:
    """Collects a policy's violations and the things it could not decide, then passes, fails or says why not."""

    def __init__(self, report: ReportViolation) -> None:
        self._report = report
        self.violations = 0
        self.checked = 0
        self.undecided: list[str] = []

    def check(self) -> None:
        """Count one subject the policy looked at (an ECS service, an endpoint...)."""
        self.checked += 1

    def violation(self, res: Res, message: str) -> None:
        self.violations += 1
        self._report(message, res.urn)

    def undecidable(self, res: Res, reason: str) -> None:
        self.undecided.append(f"{res.name}: {reason}")

    def finish(self, args: StackValidationArgs, nothing_to_check: str) -> None:
        """Pass, or say why the policy is not applicable (a violation was reported already, or nothing is said)."""
        # not_applicable raises, so it can only be the last word, and only when nothing was reported.
        if self.violations:
            return
        if self.undecided:
            args.not_applicable("could not decide: " + "; ".join(sorted(set(self.undecided))))
        if not self.checked:
            args.not_applicable(nothing_to_check)


def isolated_services(graph: StackGraph, findings: Findings) -> Iterator[tuple[Res, list[Egress]]]:
    """ECS services with subnets that have neither a NAT nor an IGW default route, with those subnets."""
    for service in graph.of_type(ECS_SERVICE):
        isolated, why = graph.isolated_subnets(service)
        for reason in why:
            findings.undecidable(service, reason)
        if isolated:
            findings.check()
            yield service, isolated


def no_egress(isolated: list[Egress]) -> str:
    """How a message says that subnets have no route to the internet (naming NAT gateways that reach no IGW)."""
    dead = list(dict.fromkeys(r.describe() for e in isolated for r in e.dead_nat))
    igw = sorted(e.subnet.name for e in isolated if e.unusable_igw)
    if igw:
        dead.append(
            f"{', '.join(igw)} route to an internet gateway, but its tasks get no public IP (assign_public_ip), "
            "without which a Fargate task can't use it"
        )
    if not dead:
        return "with neither a NAT nor an internet gateway route"
    return f"with no route to the internet ({'; '.join(dead)})"


def flag_if_true(findings: Findings, res: Res, value: Any, setting: str, message: str) -> None:
    """A boolean setting that must not be true ("true" included, as the provider reads it): violation when true,
    undecidable when unknown."""
    value = as_bool(value)
    if value is UNKNOWN:
        findings.undecidable(res, f"{setting} is unknown during preview")
    elif value:
        findings.violation(res, message)


def names(resources: list[Res]) -> str:
    return ", ".join(sorted(r.name for r in resources)) or "none"
