"""The README tells the truth: its mutation matrix is the one the tests run, and its diagrams and cost tables are what
preflight makes of our stacks."""

import re
from pathlib import Path

import pytest
from test_policy_mutation_matrix import MATRIX

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def _readme_matrix() -> dict[str, set[tuple[str, str, str]]]:
    section = README[README.index("### Mutation matrix") : README.index("### Enforcing the pack")]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not (cells[0].startswith("`") or cells[0] == "(none)"):
            continue
        flaw = cells[0].strip("`") if cells[0] != "(none)" else ""
        findings = set(re.findall(r"`([a-z0-9-]+)` on `([A-Za-z0-9-]+)` \((mandatory|advisory)\)", cells[2]))
        assert cells[3:] == ["✅", "✅"], f"row {flaw or '(none)'} must be caught in preview and in update"
        rows[flaw] = findings
    return rows


def test_readme_mutation_matrix_is_the_tested_matrix():
    assert _readme_matrix() == MATRIX


# ---- the pull-request report's pictures and costs in the README are what preflight draws for our stacks ----------
REPO = Path(__file__).resolve().parent.parent
REGENERATE = (
    "regenerate with `.venv/bin/python -m preflight --stack {stack} --format markdown "
    "--diagram docs/diagram-{stack}.mmd` and paste the diagram and cost tables into the README"
)


def _report_markdown(stack: str, policy_pack) -> tuple[str, str]:
    """(diagram source, Markdown report) of a stack, as the PR job makes them."""
    from preflight import run
    from preflight.report import Options, render, sections

    report = run(REPO, stack, "preview", pack=policy_pack)
    built = sections(report, Options())
    return built.diagram.source, render(report, "markdown", Options(), built)


def _blocks(markdown: str) -> list[str]:
    """The cost tables and the break-even line of a Markdown report, each as one block of text."""
    blocks, current = [], []
    for line in markdown.splitlines():
        if line.startswith("|"):
            current.append(line)
            continue
        if current:
            blocks.append("\n".join(current))
            current = []
        if line.startswith("Break-even"):
            blocks.append(line)
    return [b for b in blocks if b.startswith(("| Item ", "| Design ", "Break-even"))]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_readme_diagram_and_cost_tables_are_what_preflight_makes_of_the_stack(stack, policy_pack):
    diagram, markdown = _report_markdown(stack, policy_pack)
    hint = REGENERATE.format(stack=stack)
    assert (REPO / "docs" / f"diagram-{stack}.mmd").read_text() == diagram, hint
    assert f"<summary>Mermaid source ({stack})</summary>\n\n```mermaid\n{diagram}```" in README, hint
    start = README.index(f"{stack.capitalize()} stack (default traffic):")
    end = README.index("Prod stack (default traffic):" if stack == "dev" else "Reading them:", start)
    section = README[start:end]
    blocks = _blocks(markdown)
    assert [b[:8] for b in blocks] == ["| Item |", "| Design", "Break-ev"]
    for block in blocks:
        assert block in section, f"{hint}: README lacks\n{block}"
