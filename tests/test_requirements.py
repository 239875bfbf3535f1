"""Pinned versions: every requirement is pinned, and the published pack pins what the repo tests it with."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep and version, f"{path.name}: {line!r} is not pinned with =="
        pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def test_every_requirement_is_pinned_and_the_pack_pins_what_the_tests_run():
    repo, pack = _pins(REPO / "requirements.txt"), _pins(REPO / "policies" / "requirements.txt")
    assert {"pulumi", "pulumi-aws", "pulumi-awsx", "pulumi-policy", "pytest", "ruff"} <= set(repo)
    assert {name: repo.get(name) for name in pack} == pack
