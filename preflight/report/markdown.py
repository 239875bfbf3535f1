"""Markdown for a pull request comment or $GITHUB_STEP_SUMMARY: verdict first, then what a reviewer acts on."""

from __future__ import annotations

from .compare import Comparison
from .cost import CostReport, cents
from .mermaid import Diagram
from .model import LEVEL_ORDER, Report
from .text import grouped_by_policy

_ICON = {"mandatory": "🛑", "remediate": "🛠️", "advisory": "⚠️"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _inline(text: str) -> str:
    return " ".join(text.split()).replace("<", "&lt;")


def _money(dollars: float) -> str:
    return f"${cents(dollars):,.2f}"


def _verdict(report: Report, cost: CostReport | None) -> list[str]:
    counts = report.counts()
    passed = not report.exit_code
    verdict = "✅ Preflight PASS" if passed else "❌ Preflight FAIL"
    head = f"## {verdict}: stack `{report.stack}` ({report.mode})"
    facts = [
        f"**{counts['mandatory']}** mandatory",
        f"**{counts['advisory']}** advisory",
        f"**{counts['remediate']}** remediate",
        *([f"**{counts['deployChecks']}** deploy-check findings"] if counts.get("deployChecks") else []),
        f"{counts['resources']} resources",
        f"policy pack `{report.pack_name}` {report.pack_version}",
    ]
    if cost is not None:
        facts.append(f"est. **{_money(cost.current.total)}/month**")
    return [head, "", " · ".join(facts)]


def _deploy_findings(report: Report) -> list[str]:
    if not report.deploy_findings:
        return []
    lines = [
        "",
        f"### 🛑 Deploy check findings ({len(report.deploy_findings)}): inputs AWS would reject at `pulumi up`",
    ]
    for finding in report.deploy_findings:
        resource = report.by_urn().get(finding.urn)
        at = f" at `{resource.position}`" if resource and resource.position else ""
        lines.append(f"- `{finding.name}` ({finding.type}){at}: {_inline(finding.message)} (source: {finding.source})")
    return lines


def _violations(report: Report) -> list[str]:
    if not report.violations:
        return ["", "No violations."]
    lines = ["", "### Violations"]
    by_urn = report.by_urn()
    for level in LEVEL_ORDER:
        found = [v for v in report.violations if v.level == level]
        for policy, items in grouped_by_policy(found).items():
            description = report.policy_descriptions.get(policy, "")
            lines += ["", f"{_ICON[level]} **{policy}** ({level}, {len(items)}): {_inline(description)}".rstrip(": ")]
            for item in items:
                resource = by_urn.get(item.urn)
                where = f"`{resource.name}` ({resource.type})" if resource else "stack"
                at = f" at `{resource.position}`" if resource and resource.position else ""
                enclosing = [f"`{p.name}` at `{p.position}`" for p in report.enclosing(item.urn)]
                inside = f" (in {', '.join(enclosing)})" if enclosing else ""
                lines.append(f"- {where}{at}{inside}: {_inline(item.message)}")
    return lines


def _comparison(report: Report, comparison: Comparison) -> list[str]:
    names = {r.urn: f"`{r.name}` ({r.type})" for r in report.resources}

    def name(urn: str) -> str:
        return names.get(urn) or f"`{urn.rpartition('::')[2]}` ({urn.split('::')[2].rpartition('$')[2]})"

    lines = ["", "### Against the base branch", "", "| | |", "|---|---|"]
    lines.append(
        f"| Resources | {len(comparison.added)} added, {len(comparison.removed)} removed, "
        f"{len(comparison.changed)} changed |"
    )
    lines.append(f"| Violations | {len(comparison.new_violations)} new, {len(comparison.fixed_violations)} fixed |")
    if comparison.cost_before is not None and comparison.cost_after is not None:
        delta = comparison.cost_after - comparison.cost_before
        lines.append(
            f"| Cost | {_money(comparison.cost_before)} → {_money(comparison.cost_after)} "
            f"({'+' if delta >= 0 else '-'}{_money(abs(delta))}/month) |"
        )
    for title, items in (
        ("New violations", [f"{v['level']} **{v['policy']}** on {name(v['urn'])}" for v in comparison.new_violations]),
        (
            "Fixed violations",
            [f"{v['level']} **{v['policy']}** on {name(v['urn'])}" for v in comparison.fixed_violations],
        ),
    ):
        if items:
            lines += ["", f"{title}:", *[f"- {item}" for item in items]]
    changes = [
        *(f"- added {name(u)}" for u in comparison.added),
        *(f"- removed {name(u)}" for u in comparison.removed),
        *(f"- changed {name(u)}" for u in comparison.changed),
    ]
    if changes:
        lines += ["", f"<details><summary>{len(changes)} resource changes</summary>", "", *changes, "", "</details>"]
    return lines


def _diagram(diagram: Diagram) -> list[str]:
    lines = ["", "### Network", "", "```mermaid", diagram.source.rstrip("\n"), "```"]
    if diagram.notes:
        lines += ["", "Summarised for readability: " + "; ".join(diagram.notes) + "."]
    return lines


def _cost(cost: CostReport) -> list[str]:
    traffic = cost.traffic
    lines = [
        "",
        f"### Monthly cost estimate ({cost.region}, prices of {cost.prices_date})",
        "",
        f"Traffic assumed per month: {traffic.ecrS3:g} GB ECR/S3, {traffic.logs:g} GB CloudWatch Logs, "
        f"{traffic.awsOther:g} GB other AWS services, {traffic.internet:g} GB internet; "
        f"{traffic.albLcu:g} LCU per ALB.",
        "",
        "| Item | Quantity | $/month |",
        "|---|---|---:|",
    ]
    lines += [f"| {line.item} | {line.quantity} | {_money(line.dollars)} |" for line in cost.current.lines]
    lines += [f"| **Total** | | **{_money(cost.current.total)}** |"]
    lines += ["", "Same services and traffic, other egress designs:", "", "| Design | Egress $/month | Total $/month |"]
    lines += ["|---|---:|---:|", f"| this stack | {_money(cost.current.egress)} | {_money(cost.current.total)} |"]
    for alternative in cost.alternatives:
        if alternative.possible:
            name = _cell(alternative.name + (f" ({alternative.note})" if alternative.note else ""))
            lines.append(f"| {name} | {_money(alternative.egress)} | {_money(alternative.total)} |")
        else:
            lines.append(f"| {_cell(alternative.name)} | n/a: {_cell(alternative.note)} | |")
    points = "; ".join(f"vs {p['nat']}: {p['verdict']}" for p in cost.break_even)
    lines += ["", f"Break-even (GB/month to CloudWatch Logs and other AWS services), interface endpoints {points}."]
    lines += [f"Note: {note}." for note in cost.notes]
    return lines


def render_markdown(
    report: Report,
    *,
    diagram: Diagram | None = None,
    cost: CostReport | None = None,
    comparison: Comparison | None = None,
) -> str:
    lines = _verdict(report, cost)
    lines += _deploy_findings(report)
    lines += _violations(report)
    if comparison is not None:
        lines += _comparison(report, comparison)
    if diagram is not None:
        lines += _diagram(diagram)
    if cost is not None:
        lines += _cost(cost)
    details = [
        f"- not applicable: **{policy}**: {_inline(reason)}" for policy, reason in sorted(set(report.not_applicable))
    ]
    details += [f"- diagnostic: {_inline(message)}" for message in report.diagnostics]
    if details:
        lines += ["", f"<details><summary>{len(details)} not applicable and diagnostics</summary>", "", *details]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
