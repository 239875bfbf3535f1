"""The fargate-networking-guard policies. `policies/__main__.py` serves them as a policy pack.

The pack's policy list is derived, never kept by hand: every module of `rules/` defines one `POLICY` (built with
`stack_policy`, which carries its name and its default enforcement level), and `discover()` collects them.
"""

from __future__ import annotations

import importlib
import pkgutil

from pulumi_policy import EnforcementLevel, StackValidationPolicy

from . import rules

PACK_NAME = "fargate-networking-guard"
DEFAULT_LEVEL = EnforcementLevel.ADVISORY  # the pack's level, for a policy that would set none


def module_name(policy_name: str) -> str:
    """The module a policy lives in: its id in snake case."""
    return policy_name.replace("-", "_")


def discover() -> dict[str, StackValidationPolicy]:
    """Module name -> the policy it registers, for every module of `rules/`."""
    found = {}
    for info in sorted(pkgutil.iter_modules(rules.__path__), key=lambda m: m.name):
        found[info.name] = importlib.import_module(f"{rules.__name__}.{info.name}").POLICY
    return found


POLICIES = discover()
MANDATORY = [p for p in POLICIES.values() if p.enforcement_level == EnforcementLevel.MANDATORY]
ADVISORY = [p for p in POLICIES.values() if p.enforcement_level != EnforcementLevel.MANDATORY]
ALL_POLICIES = MANDATORY + ADVISORY
