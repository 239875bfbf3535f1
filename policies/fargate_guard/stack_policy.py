"""The factory of every policy of the pack: a stack policy that reads the shared stack index, fills its config with
defaults, and never crashes nor passes silently.

Each policy is a stack policy: it sees every resource of the stack, with its property dependencies, so it can relate
resources during a first preview when no id is known yet.
"""

from __future__ import annotations

from collections.abc import Callable
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

from .findings import Findings
from .stack import StackGraph, shared_graph

Check = Callable[[StackGraph, dict[str, Any], Findings], None]


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
    """A stack policy that reads the shared index, runs `check`, and never passes silently."""
    schema = dict(schema or {})

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        findings = Findings(report)
        try:
            check(shared_graph(args.resources, args.stack_tags), config_with_defaults(args, schema), findings)
        except (UnknownValueError, _NotApplicableError):
            raise  # the SDK's own signals: "can't run during preview" and a verdict
        except Exception as exc:
            # An input shaped in a way this policy doesn't expect must not fail the whole preview of the org's stack.
            args.not_applicable(f"could not read the stack ({type(exc).__name__}: {exc}); please report it")
        findings.finish(args, nothing_to_check)

    policy = StackValidationPolicy(
        name=name,
        description=description,
        enforcement_level=level,
        validate=validate,
        config_schema=PolicyConfigSchema(properties=schema) if schema else None,
    )
    policy.reads_served_stack = True  # see servicer.py: it reads the stack the servicer decoded, not args.resources
    return policy
