"""What every policy of the pack shares: config with defaults, the pass/fail/not-applicable verdict, the factory.

Each policy is a stack policy: it sees every resource of the stack, with its property dependencies, so it can relate
resources during a first preview when no id is known yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UnknownValueError

from .graph import ECS_SERVICE, Egress, Res, StackGraph, is_unknown

SENSITIVITY_SCHEMA = {
    "sensitiveTagKey": {
        "type": "string",
        "default": "data-classification",
        "description": "Tag key that classifies an ECS service or task definition.",
    },
    "sensitiveTagValues": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["sensitive"],
        "description": "Values of the tag that make a service sensitive.",
    },
}


class Verdict:
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
        # not_applicable raises, so it can only be the last word, and only when nothing was reported.
        if self.violations:
            return
        if self.undecided:
            args.not_applicable("could not decide: " + "; ".join(sorted(set(self.undecided))))
        if not self.checked:
            args.not_applicable(nothing_to_check)


Check = Callable[[StackGraph, dict[str, Any], Verdict], None]


def config_with_defaults(args: StackValidationArgs, schema: dict[str, dict]) -> dict[str, Any]:
    config = {key: spec.get("default") for key, spec in schema.items()}
    config.update({k: v for k, v in dict(args.get_config() or {}).items() if k in schema})
    return config


def stack_policy(
    name: str,
    description: str,
    level: EnforcementLevel,
    check: Check,
    nothing_to_check: str,
    schema: dict[str, dict] | None = None,
) -> StackValidationPolicy:
    """A stack policy that indexes the stack once, runs `check`, and never passes silently."""
    schema = dict(schema or {})

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        verdict = Verdict(report)
        try:
            check(StackGraph(args.resources, args.stack_tags), config_with_defaults(args, schema), verdict)
        except (UnknownValueError, _NotApplicableError):
            raise  # the SDK's own signals: "can't run during preview" and a verdict
        except Exception as exc:
            # An input shaped in a way this policy doesn't expect must not fail the whole preview of the org's stack.
            args.not_applicable(f"could not read the stack ({type(exc).__name__}: {exc}); please report it")
        verdict.finish(args, nothing_to_check)

    return StackValidationPolicy(
        name=name,
        description=description,
        enforcement_level=level,
        validate=validate,
        config_schema=PolicyConfigSchema(properties=schema) if schema else None,
    )


def isolated_services(graph: StackGraph, verdict: Verdict) -> Iterator[tuple[Res, list[Egress]]]:
    """ECS services with subnets that have neither a NAT nor an IGW default route, with those subnets."""
    for service in graph.of_type(ECS_SERVICE):
        isolated, why = graph.isolated_subnets(service)
        for reason in why:
            verdict.undecidable(service, reason)
        if isolated:
            verdict.check()
            yield service, isolated


def flag_if_true(verdict: Verdict, res: Res, value: Any, setting: str, message: str) -> None:
    """A boolean setting that must not be true: violation when true, undecidable when unknown."""
    if is_unknown(value):
        verdict.undecidable(res, f"{setting} is unknown during preview")
    elif value is True:
        verdict.violation(res, message)


def names(resources: list[Res]) -> str:
    return ", ".join(sorted(r.name for r in resources)) or "none"
