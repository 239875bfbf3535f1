"""The README tells the truth about what the tests check: its mutation matrix is the one the tests run."""

import re
from pathlib import Path

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
