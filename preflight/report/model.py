"""The preflight report: what was recorded and judged. Renderers (text, JSON, SARIF, Markdown) live beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..deploy_checks.findings import DeployFinding

LEVEL_ORDER = ("mandatory", "remediate", "advisory")
# What a resource is marked with in the diagram, most severe first: a deploy-check finding (AWS would reject the input
# at `pulumi up`), then the pack's levels.
MARKS = ("deploy", *LEVEL_ORDER)


@dataclass(frozen=True, order=True)
class Resource:
    urn: str
    type: str
    name: str
    parent: str
    position: str = ""  # "file:line" of the program line that declared it, relative to the repository; "" unknown
    dependencies: tuple[str, ...] = ()  # URNs it depends on (depends_on and every input's source), as the engine got


@dataclass(frozen=True, order=True)
class Violation:
    policy: str
    level: str  # mandatory | advisory | remediate
    urn: str  # empty for a stack-wide finding
    message: str


def split_position(position: str) -> tuple[str, int] | None:
    """("file", line) from "file:line", or None when the position is unknown."""
    path, sep, line = position.rpartition(":")
    return (path, int(line)) if sep and path and line.isdigit() else None


@dataclass
class Report:
    program: str
    stack: str
    mode: str
    pack: str  # name@version
    resources: list[Resource]
    violations: list[Violation]
    not_applicable: list[tuple[str, str]]
    diagnostics: list[str]
    policy_descriptions: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    source_file: str = "Pulumi.yaml"  # the stack file, relative to the repository: where stack-wide findings point
    # Recorded inputs by URN (plain JSON values; unknowns as the SDK's sentinel) and, per input, the URNs it came
    # from (property dependencies): topology, cost and --compare read them, in preview and update alike.
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    links: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    region: str = "us-east-1"
    # Inputs AWS or the provider would reject at `pulumi up` (preflight/deploy_checks): each fails the run.
    deploy_findings: list[DeployFinding] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.level == "mandatory"]

    def marks(self) -> list[tuple[str, str]]:
        """(URN, mark) for every finding on a resource: its violations' levels, and "deploy" for a deploy check."""
        return [(v.urn, v.level) for v in self.violations] + [(f.urn, "deploy") for f in self.deploy_findings]

    @property
    def exit_code(self) -> int:
        return 1 if self.mandatory or self.deploy_findings else 0

    @property
    def pack_name(self) -> str:
        return self.pack.rpartition("@")[0] or self.pack

    @property
    def pack_version(self) -> str:
        return self.pack.rpartition("@")[2] if "@" in self.pack else ""

    def counts(self) -> dict[str, int]:
        counts = {level: sum(v.level == level for v in self.violations) for level in LEVEL_ORDER}
        counts.update(
            resources=len(self.resources),
            notApplicable=len(self.not_applicable),
            diagnostics=len(self.diagnostics),
            deployChecks=len(self.deploy_findings),
        )
        return counts

    def by_urn(self) -> dict[str, Resource]:
        return {r.urn: r for r in self.resources}

    def enclosing(self, urn: str) -> list[Resource]:
        """The components around a resource that have a position, innermost first."""
        resources = self.by_urn()
        found = []
        resource = resources.get(urn)
        parent = resources.get(resource.parent) if resource else None
        while parent is not None and parent.position:
            found.append(parent)
            parent = resources.get(parent.parent)
        return found

    def where(self, urn: str) -> str:
        """A resource's position, followed by its enclosing components' ("in network at infra/program.py:165")."""
        resource = self.by_urn().get(urn)
        if resource is None:
            return ""
        parts = [resource.position] if resource.position else []
        parts += [f"in {parent.name} at {parent.position}" for parent in self.enclosing(urn)]
        return ", ".join(parts)
