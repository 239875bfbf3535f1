"""The preflight report and its three renderings: text for people, JSON for scripts, SARIF for code scanning."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

LEVEL_ORDER = ("mandatory", "remediate", "advisory")
_SARIF_LEVEL = {"mandatory": "error", "remediate": "error", "advisory": "warning"}


@dataclass(frozen=True, order=True)
class Resource:
    urn: str
    type: str
    name: str
    parent: str


@dataclass(frozen=True, order=True)
class Violation:
    policy: str
    level: str  # mandatory | advisory | remediate
    urn: str  # empty for a stack-wide finding
    message: str


def _fingerprint(violation: Violation) -> str:
    return hashlib.sha256(f"{violation.policy}\0{violation.urn}".encode()).hexdigest()


@dataclass
class Report:
    program: str
    stack: str
    mode: str
    pack: str
    resources: list[Resource]
    violations: list[Violation]
    not_applicable: list[tuple[str, str]]
    diagnostics: list[str]
    policy_descriptions: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    source_file: str = "Pulumi.yaml"  # the file SARIF results point at, relative to the repository

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.level == "mandatory"]

    @property
    def exit_code(self) -> int:
        return 1 if self.mandatory else 0

    # ---- JSON ------------------------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "resources": [asdict(r) for r in self.resources],
            "violations": [asdict(v) for v in self.violations],
            "notApplicable": [{"policy": p, "reason": r} for p, r in self.not_applicable],
            "diagnostics": list(self.diagnostics),
        }

    # ---- text ------------------------------------------------------------------------------------------------
    def render_text(self) -> str:
        lines = [f"Preflight of stack {self.stack} ({self.mode}) with policy pack {self.pack}", ""]
        lines += self._tree_lines()
        by_name = {r.urn: r for r in self.resources}
        for level in LEVEL_ORDER:
            found = [v for v in self.violations if v.level == level]
            if not found:
                continue
            lines += ["", f"{level.capitalize()} violations ({len(found)})"]
            grouped: dict[str, list[Violation]] = defaultdict(list)
            for violation in found:
                grouped[violation.policy].append(violation)
            for policy, items in grouped.items():
                lines.append(f"  {policy}: {self.policy_descriptions.get(policy, '')}".rstrip())
                for item in items:
                    target = by_name.get(item.urn)
                    where = f"{target.name} ({target.type})" if target else "stack"
                    message = item.message.replace("\n", "\n      ")
                    lines.append(f"    - {where}: {message}")
        if self.not_applicable:
            lines += ["", f"Not applicable ({len(self.not_applicable)})"]
            lines += [f"  {policy}: {reason}" for policy, reason in sorted(set(self.not_applicable))]
        if self.diagnostics:
            lines += ["", f"Diagnostics ({len(self.diagnostics)})"]
            lines += [f"  {message}" for message in self.diagnostics]
        lines += ["", self.summary()]
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        counts = {level: sum(v.level == level for v in self.violations) for level in LEVEL_ORDER}
        verdict = "FAIL" if self.exit_code else "PASS"
        seconds = sum(self.timings.values())
        return (
            f"{verdict}: {len(self.resources)} resources, {counts['mandatory']} mandatory, "
            f"{counts['advisory']} advisory, {counts['remediate']} remediate violations, "
            f"{len(self.not_applicable)} not applicable, {len(self.diagnostics)} diagnostics "
            f"({self.mode} mode, {seconds:.1f} s)"
        )

    def _tree_lines(self) -> list[str]:
        children: dict[str, list[Resource]] = defaultdict(list)
        urns = {r.urn for r in self.resources}
        roots = []
        for resource in self.resources:
            if resource.parent and resource.parent in urns:
                children[resource.parent].append(resource)
            else:
                roots.append(resource)
        flagged: dict[str, list[str]] = defaultdict(list)
        for violation in self.violations:
            flagged[violation.urn].append(violation.level)
        lines = []

        def walk(resource: Resource, depth: int) -> None:
            marks = sorted(set(flagged.get(resource.urn, [])), key=LEVEL_ORDER.index)
            mark = f"  [{', '.join(marks)}]" if marks else ""
            lines.append(f"{'  ' * depth}{resource.name} ({resource.type}){mark}")
            for child in children.get(resource.urn, []):
                walk(child, depth + 1)

        for root in roots:
            walk(root, 0)
        return lines

    # ---- SARIF -----------------------------------------------------------------------------------------------
    def to_sarif(self) -> dict[str, Any]:
        names = {r.urn: r.name for r in self.resources}
        policies = sorted({v.policy for v in self.violations} | set(self.policy_descriptions))
        rules = [
            {
                "id": policy,
                "name": policy,
                "shortDescription": {"text": self.policy_descriptions.get(policy, policy)},
                "fullDescription": {"text": self.policy_descriptions.get(policy, policy)},
            }
            for policy in policies
        ]
        results = []
        for violation in self.violations:
            location: dict[str, Any] = {
                "physicalLocation": {
                    "artifactLocation": {"uri": self.source_file},
                    "region": {"startLine": 1},
                }
            }
            if violation.urn:
                location["logicalLocations"] = [
                    {
                        "name": names.get(violation.urn, violation.urn),
                        "fullyQualifiedName": violation.urn,
                        "kind": "resource",
                    }
                ]
            results.append(
                {
                    "ruleId": violation.policy,
                    "ruleIndex": policies.index(violation.policy),
                    "level": _SARIF_LEVEL.get(violation.level, "note"),
                    "message": {"text": violation.message},
                    "locations": [location],
                    # Every result points at the stack file: the fingerprint keeps one alert per resource.
                    "partialFingerprints": {
                        "preflightFinding/v1": hashlib.sha256(
                            f"{violation.policy}\0{violation.urn}".encode()
                        ).hexdigest()
                    },
                    "properties": {"enforcementLevel": violation.level, "urn": violation.urn},
                }
            )
        return {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "preflight",
                            "informationUri": "https://www.pulumi.com/docs/iac/crossguard/",
                            "rules": rules,
                        }
                    },
                    "automationDetails": {"id": f"preflight/{self.stack}/{self.mode}"},
                    "results": results,
                }
            ],
        }

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return json.dumps(self.to_json(), indent=2) + "\n"
        if fmt == "sarif":
            return json.dumps(self.to_sarif(), indent=2) + "\n"
        return self.render_text()
