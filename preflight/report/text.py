"""The text report, for people: the resource tree under its components, violations by level, a summary line."""

from __future__ import annotations

from collections import defaultdict

from .model import LEVEL_ORDER, MARKS, Report, Resource, Violation


def summary(report: Report) -> str:
    counts = report.counts()
    verdict = "FAIL" if report.exit_code else "PASS"
    seconds = sum(report.timings.values())
    return (
        f"{verdict}: {len(report.resources)} resources, {counts['mandatory']} mandatory, "
        f"{counts['advisory']} advisory, {counts['remediate']} remediate violations, "
        f"{counts['deployChecks']} deploy-check findings, "
        f"{len(report.not_applicable)} not applicable, {len(report.diagnostics)} diagnostics "
        f"({report.mode} mode, {seconds:.1f} s)"
    )


def grouped_by_policy(violations: list[Violation]) -> dict[str, list[Violation]]:
    grouped: dict[str, list[Violation]] = defaultdict(list)
    for violation in violations:
        grouped[violation.policy].append(violation)
    return grouped


def render_text(report: Report) -> str:
    lines = [f"Preflight of stack {report.stack} ({report.mode}) with policy pack {report.pack}", ""]
    lines += _tree_lines(report)
    by_urn = report.by_urn()
    for level in LEVEL_ORDER:
        found = [v for v in report.violations if v.level == level]
        if not found:
            continue
        lines += ["", f"{level.capitalize()} violations ({len(found)})"]
        for policy, items in grouped_by_policy(found).items():
            lines.append(f"  {policy}: {report.policy_descriptions.get(policy, '')}".rstrip())
            for item in items:
                target = by_urn.get(item.urn)
                where = f"{target.name} ({target.type})" if target else "stack"
                position = report.where(item.urn)
                at = f" [{position}]" if position else ""
                message = item.message.replace("\n", "\n      ")
                lines.append(f"    - {where}{at}: {message}")
    if report.deploy_findings:
        lines += ["", f"Deploy check findings ({len(report.deploy_findings)}): inputs AWS would reject at `pulumi up`"]
        for finding in report.deploy_findings:
            position = report.where(finding.urn)
            at = f" [{position}]" if position else ""
            lines.append(f"  - {finding.name} ({finding.type}){at}: {finding.message}")
            lines.append(f"    source: {finding.source}")
    if report.not_applicable:
        lines += ["", f"Not applicable ({len(report.not_applicable)})"]
        lines += [f"  {policy}: {reason}" for policy, reason in sorted(set(report.not_applicable))]
    if report.diagnostics:
        lines += ["", f"Diagnostics ({len(report.diagnostics)})"]
        lines += [f"  {message}" for message in report.diagnostics]
    lines += ["", summary(report)]
    return "\n".join(lines) + "\n"


def _tree_lines(report: Report) -> list[str]:
    children: dict[str, list[Resource]] = defaultdict(list)
    urns = {r.urn for r in report.resources}
    roots = []
    for resource in report.resources:
        if resource.parent and resource.parent in urns:
            children[resource.parent].append(resource)
        else:
            roots.append(resource)
    flagged: dict[str, list[str]] = defaultdict(list)
    for urn, mark in report.marks():
        flagged[urn].append(mark)
    lines = []

    def walk(resource: Resource, depth: int) -> None:
        marks = sorted(set(flagged.get(resource.urn, [])), key=MARKS.index)  # most severe first, as the diagram
        mark = f"  [{', '.join(marks)}]" if marks else ""
        lines.append(f"{'  ' * depth}{resource.name} ({resource.type}){mark}")
        for child in children.get(resource.urn, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return lines
