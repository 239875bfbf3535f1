"""`--compare BASE.json`: this run against the base branch's JSON report (resources, violations, cost)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PreflightError
from ..option_files import read_json
from .json_report import SCHEMA_VERSION, inputs_hash
from .model import Report


@dataclass
class Comparison:
    added: list[str] = field(default_factory=list)  # URNs
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # same URN, different inputs
    new_violations: list[dict[str, str]] = field(default_factory=list)
    fixed_violations: list[dict[str, str]] = field(default_factory=list)
    cost_before: float | None = None
    cost_after: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "newViolations": self.new_violations,
            "fixedViolations": self.fixed_violations,
            "costBefore": self.cost_before,
            "costAfter": self.cost_after,
        }


def load_base(path: Path) -> dict[str, Any]:
    """The base report, checked enough to compare against: one clear line otherwise."""
    document = read_json("--compare", path)
    if not isinstance(document, dict) or not isinstance(document.get("resources"), list):
        raise PreflightError(f"--compare {path}: not a preflight JSON report (`--format json`); no `resources` list")
    version = document.get("schemaVersion")
    if version != SCHEMA_VERSION:
        raise PreflightError(
            f"--compare {path}: schemaVersion {version!r}; allowed: {SCHEMA_VERSION} "
            "(run the base branch with this preflight)"
        )
    return document


def _key(violation: dict[str, str]) -> tuple[str, str]:
    return violation.get("policy", ""), violation.get("urn", "")


def compare(report: Report, base: dict[str, Any], cost_after: float | None = None) -> Comparison:
    before = {r["urn"]: r.get("inputsHash", "") for r in base["resources"] if isinstance(r, dict) and "urn" in r}
    after = {r.urn: inputs_hash(report.inputs.get(r.urn)) for r in report.resources}
    now = [{"policy": v.policy, "level": v.level, "urn": v.urn, "message": v.message} for v in report.violations]
    then = [v for v in base.get("violations") or [] if isinstance(v, dict)]
    then_keys, now_keys = {_key(v) for v in then}, {_key(v) for v in now}
    cost = base.get("cost") if isinstance(base.get("cost"), dict) else {}
    return Comparison(
        added=sorted(set(after) - set(before)),
        removed=sorted(set(before) - set(after)),
        changed=sorted(u for u in set(after) & set(before) if before[u] and after[u] and before[u] != after[u]),
        new_violations=[v for v in now if _key(v) not in then_keys],
        fixed_violations=[v for v in then if _key(v) not in now_keys],
        cost_before=cost.get("total") if isinstance(cost.get("total"), int | float) else None,
        cost_after=cost_after,
    )
