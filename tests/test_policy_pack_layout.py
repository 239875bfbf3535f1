"""The pack ships on its own: a manifest, pinned requirements, a __main__ holding only the call that serves the pack,
one module per policy, and no import of this repo's components, infra or preflight."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import yaml
from pulumi_policy import EnforcementLevel

PACK = Path(__file__).resolve().parent.parent / "policies"
PACKAGE = PACK / "fargate_guard"
RULES = PACKAGE / "rules"


def _policy_modules() -> list[Path]:
    return sorted(p for p in RULES.glob("*.py") if p.name != "__init__.py")


def test_main_holds_only_imports_and_the_call_that_serves_the_pack():
    tree = ast.parse((PACK / "__main__.py").read_text())
    body = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    assert all(isinstance(n, ast.Import | ast.ImportFrom) for n in body[:-1])
    call = body[-1]
    assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call)
    assert call.value.func.id == "serve"  # PolicyPack's own serving, with the servicer that decodes a stack once


def test_each_policy_module_defines_one_named_described_and_configurable_policy(monkeypatch):
    monkeypatch.syspath_prepend(str(PACK))
    package = importlib.import_module("fargate_guard")
    policies = []
    for path in _policy_modules():
        policy = importlib.import_module(f"fargate_guard.rules.{path.stem}").POLICY
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", policy.name), policy.name
        assert "Fix:" in policy.description, policy.name
        assert policy.enforcement_level in (EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY)
        schema = policy.config_schema.properties if policy.config_schema else {}
        assert all("default" in spec and spec.get("description") for spec in schema.values()), policy.name
        policies.append(policy)
    assert len({p.name for p in policies}) == len(policies) == 15
    assert {p.name for p in package.ALL_POLICIES} == {p.name for p in policies}


def test_every_policy_module_is_registered_under_the_file_name_of_its_policy_id(guard):
    modules = {path.stem for path in _policy_modules()}
    registered = {guard.module_name(p.name): p for p in guard.ALL_POLICIES}
    assert set(registered) == modules  # each file named after its policy id, each module in the pack
    assert len(guard.ALL_POLICIES) == len(modules)  # and registered once
    for stem in modules:
        assert registered[stem] is importlib.import_module(f"fargate_guard.rules.{stem}").POLICY


def test_the_packs_levels_are_the_ones_its_modules_declare(guard):
    mandatory = {p.name for p in guard.ALL_POLICIES if p.enforcement_level == EnforcementLevel.MANDATORY}
    assert {p.name for p in guard.MANDATORY} == mandatory
    assert {p.name for p in guard.ADVISORY} == {p.name for p in guard.ALL_POLICIES} - mandatory
    assert "sensitive-tasks-private" in mandatory and "vpc-flow-logs" not in mandatory


def test_no_pack_file_is_longer_than_about_400_lines():
    long = {str(p.relative_to(PACK)): n for p in PACK.rglob("*.py") if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}


def test_pack_imports_nothing_from_this_repo():
    for path in PACK.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            modules = []
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            for module in modules:
                assert module.split(".")[0] not in {"components", "infra", "preflight"}, f"{path}: {module}"


def test_manifest_and_requirements_let_pulumi_run_the_pack_on_its_own():
    manifest = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    assert manifest["runtime"]["options"]["virtualenv"] == "venv"
    pins = dict(line.split("==") for line in (PACK / "requirements.txt").read_text().splitlines() if "==" in line)
    assert pins["pulumi-policy"] == "1.21.0"
    assert pins["pulumi"] == "3.272.0"
