"""preflight installed as another team would install it: `pip install` of this repository into a fresh venv outside
the repo, holding only their program's dependencies, then the `preflight` command on their program.

The venv is made without --system-site-packages, so a dependency missing from `[project]` fails the run. It needs
the package index pip is configured with (pulumi and pulumi_aws come from it), as `.ci/run` does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACK_NAME = "fargate-networking-guard"
# What `git clone` would not bring: venvs, caches, build output.
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "__pycache__", "*.pyc", ".*_cache", "build", "*.egg-info", "out", "node_modules"
)


def _pins(path: Path) -> dict[str, str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return {name.lower().replace("_", "-"): version for name, _, version in (ln.partition("==") for ln in lines if ln)}


def _pip(venv: Path, *args: str) -> None:
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q", *args],
        check=True,
        env=_clean_env(),
    )


def _clean_env() -> dict[str, str]:
    """The caller's environment without what would leak this repo's venv or sources into the child."""
    return {key: value for key, value in os.environ.items() if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}}


def _venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, env=_clean_env())
    return path


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """A team's venv (their program's pulumi_aws, then preflight from a copy of this repo) and their program."""
    root = tmp_path_factory.mktemp("team")
    assert REPO not in root.parents
    source = root / "clone"
    shutil.copytree(REPO, source, ignore=NOT_IN_A_CLONE, symlinks=True)
    venv = _venv(root / "venv")
    _pip(venv, f"pulumi_aws=={_pins(REPO / 'requirements.txt')['pulumi-aws']}")
    _pip(venv, str(source))
    program = root / "their-program"
    shutil.copytree(REPO / "tests" / "fixtures" / "programs" / "public_tasks", program, ignore=NOT_IN_A_CLONE)
    return venv, program, root


def _preflight(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(venv / "bin" / "preflight"), *args], cwd=cwd, env=_clean_env(), capture_output=True, text=True
    )


def _findings(result: subprocess.CompletedProcess) -> set[tuple[str, str, str]]:
    report = json.loads(result.stdout)
    return {(v["policy"], v["level"], v["urn"].rsplit("::", 1)[-1]) for v in report["violations"]}


PUBLIC_SENSITIVE_TASKS = {
    ("sensitive-tasks-private", "mandatory", "web"),
    ("ecs-service-no-public-ip", "advisory", "web"),
}


def test_project_dependencies_are_the_pins_of_requirements_txt():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = _pins_of(project["dependencies"])
    assert declared == {name: _pins(REPO / "requirements.txt").get(name) for name in declared}
    assert project["scripts"]["preflight"] == "preflight.cli:entry"


def _pins_of(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for requirement in requirements:
        name, sep, version = requirement.partition("==")
        assert sep, f"pyproject.toml: {requirement!r} is not pinned with =="
        pins[name.lower().replace("_", "-")] = version
    return pins


def test_installed_preflight_is_the_package_in_the_venv_and_its_dependencies_are_consistent(team):
    venv, program, _ = team
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import preflight; print(preflight.__file__)"],
        cwd=program,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(venv), where
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "check"], check=True, env=_clean_env())


def test_installed_preflight_without_a_pack_says_which_option_to_give(team):
    venv, program, _ = team
    result = _preflight(venv, program, "--stack", "sensitive")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [f"preflight: error: {_no_pack_message()}"]


def _no_pack_message() -> str:
    from preflight.runner import NO_POLICY_PACK

    return NO_POLICY_PACK


def test_installed_preflight_runs_a_pack_directory_on_its_own_interpreter(team):
    """A pack checked out from git, with no venv: it runs on the venv's python, which has pulumi-policy."""
    venv, program, root = team
    pack = root / "checkout" / "policies"
    shutil.copytree(REPO / "policies", pack, ignore=NOT_IN_A_CLONE)
    result = _preflight(venv, program, "--stack", "sensitive", "--policy-pack", str(pack), "--format", "json", "-q")
    assert result.returncode == 1, result.stderr
    assert _findings(result) == PUBLIC_SENSITIVE_TASKS
    compliant = _preflight(venv, program, "--policy-pack", str(pack), "--format", "json", "-q")
    assert compliant.returncode == 0, compliant.stderr
    assert {level for _, level, _ in _findings(compliant)} <= {"advisory"}


def test_installed_preflight_runs_a_published_pack_with_its_own_venv(team):
    """Where `pulumi` installs an enforced pack (pkg/backend/httpstate/policypack.go: the pack's files, and a venv
    made from its requirements.txt), ~/.pulumi/policies/<org>/pulumi-analyzer-<name>-v<version>."""
    venv, program, root = team
    version = _pack_version()
    published = root / "home" / ".pulumi" / "policies" / "acme" / f"pulumi-analyzer-{PACK_NAME}-v{version}"
    shutil.copytree(REPO / "policies", published, ignore=NOT_IN_A_CLONE)
    _pip(_venv(published / "venv"), "-r", str(published / "requirements.txt"))
    result = _preflight(venv, program, "--stack", "sensitive", "--policy-pack", str(published), "--format", "json")
    assert result.returncode == 1, result.stderr
    assert _findings(result) == PUBLIC_SENSITIVE_TASKS


def _pack_version() -> str:
    for line in (REPO / "policies" / "PulumiPolicy.yaml").read_text().splitlines():
        if line.startswith("version:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError("policies/PulumiPolicy.yaml has no version")
