"""Source positions: every resource carries the program line that declared it, into text, JSON and SARIF.

The fixture marks its declaration lines with `# marker: NAME` comments; the tests find the lines from the markers, so
a shifted line is a failure of preflight, not of a hard-coded number.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from preflight import PolicyPackProcess, run
from preflight.report import render_text, to_json, to_sarif

FIXTURES = Path(__file__).parent / "fixtures"
PROBE_PACK = FIXTURES / "packs" / "probe"
POSITIONS = FIXTURES / "programs" / "positions"
RELATIVE = "tests/fixtures/programs/positions"


@pytest.fixture(scope="module")
def probe():
    with PolicyPackProcess(PROBE_PACK) as pack:
        yield pack


def _marker(path: Path, name: str) -> int:
    (line,) = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text.endswith(f"# marker: {name}")]
    return line


@pytest.fixture(scope="module", params=["preview", "update"])
def report(request, probe):
    return run(POSITIONS, "dev", request.param, pack=probe)


def test_each_resource_records_the_program_line_that_declared_it(report):
    main, web = POSITIONS / "__main__.py", POSITIONS / "web.py"
    positions = {r.name: r.position for r in report.resources}
    assert positions["main"] == f"{RELATIVE}/__main__.py:{_marker(main, 'vpc')}"
    assert positions["app"] == f"{RELATIVE}/__main__.py:{_marker(main, 'subnet')}"
    assert positions["direct"] == f"{RELATIVE}/__main__.py:{_marker(main, 'direct-service')}"
    # A component is where the program declared it (not its own super().__init__); its children are in its file.
    assert positions["web"] == f"{RELATIVE}/__main__.py:{_marker(main, 'component')}"
    assert positions["web-cluster"] == f"{RELATIVE}/web.py:{_marker(web, 'component-cluster')}"
    assert positions["web-service"] == f"{RELATIVE}/web.py:{_marker(web, 'component-service')}"
    # The SDK builds the stack resource itself: no program line.
    assert positions["positions-dev"] == ""


def test_sarif_points_code_scanning_at_the_declaring_line_and_the_component(report):
    web = POSITIONS / "web.py"
    results = {r["properties"]["urn"].rpartition("::")[2]: r for r in to_sarif(report)["runs"][0]["results"]}
    assert set(results) == {"direct", "web-service"}
    child = results["web-service"]
    physical = child["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == f"{RELATIVE}/web.py"
    assert physical["region"]["startLine"] == _marker(web, "component-service")
    (component,) = child["relatedLocations"]
    assert component["physicalLocation"]["artifactLocation"]["uri"] == f"{RELATIVE}/__main__.py"
    assert component["physicalLocation"]["region"]["startLine"] == _marker(POSITIONS / "__main__.py", "component")
    assert "relatedLocations" not in results["direct"]


def test_text_and_json_carry_the_position(report):
    web = POSITIONS / "web.py"
    line = _marker(web, "component-service")
    text = render_text(report)
    assert f"web-service (aws:ecs/service:Service) [{RELATIVE}/web.py:{line}, in web at {RELATIVE}/__main__.py:" in text
    rows = {r["name"]: r for r in to_json(report)["resources"]}
    assert rows["web-service"]["position"] == f"{RELATIVE}/web.py:{line}"


def test_fingerprints_stay_when_lines_move(report, probe, tmp_path):
    moved = tmp_path / "positions"
    shutil.copytree(POSITIONS, moved)
    for name in ("__main__.py", "web.py"):
        source = moved / name
        source.write_text("# moved down\n\n\n" + source.read_text())
    shifted = run(moved, "dev", report.mode, pack=probe)

    def by_name(sarif):
        return {r["properties"]["urn"].rpartition("::")[2]: r for r in sarif["runs"][0]["results"]}

    before, after = by_name(to_sarif(report)), by_name(to_sarif(shifted))
    for name in ("direct", "web-service"):
        assert after[name]["partialFingerprints"] == before[name]["partialFingerprints"]
        line = before[name]["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert after[name]["locations"][0]["physicalLocation"]["region"]["startLine"] == line + 3
