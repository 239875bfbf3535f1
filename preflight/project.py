"""Read a Pulumi project (`Pulumi.yaml`) and one stack's config (`Pulumi.<stack>.yaml`) the way the CLI does."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import PreflightError
from .regions import resolve_region

SECRET_PLACEHOLDER = "[secret]"


@dataclass(frozen=True)
class StackConfig:
    values: dict[str, str]  # fully qualified key -> value as the SDK expects it (strings, JSON for objects)
    secret_keys: list[str]
    raw: dict[str, Any] = field(default_factory=dict)  # fully qualified key -> decoded YAML value


@dataclass(frozen=True)
class Project:
    directory: Path
    name: str
    main: Path  # a file or a directory holding __main__.py
    stack_file: Path
    config: StackConfig
    region: str  # from aws:region, else AWS_REGION / AWS_DEFAULT_REGION, as the AWS provider reads it


# libyaml's parser (PyYAML's CSafeLoader) builds the same values as the pure-Python SafeLoader (the constructor is the
# same), about five times faster on a large stack file; PyYAML without libyaml has only the pure one.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_yaml(text: str) -> Any:
    """A YAML document as `yaml.safe_load` reads it, raising its errors.

    libyaml reads a tab or a byte-order mark inside a document differently, so a text with either is the pure loader's.
    It words its errors differently (and refuses a few documents the pure loader reads), so a document it refuses is
    read again by the pure loader: the error, or the value, is then the pure loader's.
    """
    if "\t" in text or "\ufeff" in text:
        return yaml.load(text, Loader=yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return yaml.load(text, Loader=yaml.SafeLoader)


def _read_yaml(path: Path, what: str) -> Any:
    try:
        return _parse_yaml(path.read_text()) or {}
    except FileNotFoundError:
        raise PreflightError(f"{what} not found: {path}") from None
    except yaml.YAMLError as exc:
        raise PreflightError(f"{what} {path} is not valid YAML: {_yaml_problem(exc)}") from None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One line: where (line and column, 1-based) and what the parser found."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    started = f" ({context} at line {context_mark.line + 1})" if context and context_mark is not None else ""
    return f"{where}{problem}{started}"


def _strip_secrets(value: Any) -> tuple[Any, bool]:
    """Replace every `secure:` value with a placeholder; report whether any was found."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER, True
        found = False
        out = {}
        for key, item in value.items():
            out[key], inner = _strip_secrets(item)
            found = found or inner
        return out, found
    if isinstance(value, list):
        pairs = [_strip_secrets(item) for item in value]
        return [item for item, _ in pairs], any(secret for _, secret in pairs)
    return value, False


def _as_config_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def load_config(raw_config: dict[str, Any], project_name: str, overlay: dict[str, Any] | None = None) -> StackConfig:
    values: dict[str, str] = {}
    raw: dict[str, Any] = {}
    secret_keys: list[str] = []
    merged = {**raw_config, **(overlay or {})}
    for key, value in merged.items():
        full_key = key if ":" in key else f"{project_name}:{key}"
        plain, secret = _strip_secrets(value)
        raw[full_key] = plain
        values[full_key] = _as_config_string(plain)
        if secret:
            secret_keys.append(full_key)
    return StackConfig(values=values, secret_keys=secret_keys, raw=raw)


_DECLARATION_KEYS = {"type", "default", "value", "description", "secret", "items"}


def _project_config(declared: Any, path: Path) -> dict[str, Any]:
    """Project-level config from Pulumi.yaml: plain values, `{value: ...}`, and the `default` of declared keys.

    The stack file's values override these, as in the CLI.
    """
    if not isinstance(declared, dict):
        raise PreflightError(f"{path}: `config` must be a mapping of keys to values or declarations")
    values = {}
    for key, entry in declared.items():
        if isinstance(entry, dict) and entry and set(entry) <= _DECLARATION_KEYS:
            if "value" in entry:
                values[key] = entry["value"]
            elif "default" in entry:
                values[key] = entry["default"]
        else:
            values[key] = entry
    return values


def load_project(program: Path, stack: str, overlay: dict[str, Any] | None = None) -> Project:
    directory = program.resolve()
    if not directory.is_dir():
        raise PreflightError(f"--program {program}: not a directory")
    manifest = _read_yaml(directory / "Pulumi.yaml", "Pulumi.yaml")
    if not isinstance(manifest, dict) or not manifest.get("name"):
        raise PreflightError(f"{directory / 'Pulumi.yaml'}: needs a `name`")
    runtime = manifest.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise PreflightError(
            f"{directory / 'Pulumi.yaml'}: runtime is {runtime_name!r}; preflight runs only runtime 'python'"
        )
    main = directory / str(manifest.get("main") or ".")
    entry = main / "__main__.py" if main.is_dir() else main
    if not entry.is_file():
        raise PreflightError(f"{directory / 'Pulumi.yaml'}: main {manifest.get('main', '.')!r} has no {entry.name}")

    stack_file = directory / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        known = ", ".join(sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in directory.glob("Pulumi.*.yaml")))
        raise PreflightError(
            f"--stack {stack}: no stack file {stack_file.name} in {directory}; stacks here: {known or 'none'}"
        )
    stack_doc = _read_yaml(stack_file, "stack file")
    raw_config = stack_doc.get("config") or {} if isinstance(stack_doc, dict) else None
    if not isinstance(raw_config, dict):
        raise PreflightError(f"{stack_file}: `config` must be a mapping of keys to values")
    project_config = _project_config(manifest.get("config") or {}, directory / "Pulumi.yaml")
    config = load_config({**project_config, **raw_config}, str(manifest["name"]), overlay)
    region = resolve_region(config.raw, where=stack_file.name)
    return Project(
        directory=directory,
        name=str(manifest["name"]),
        main=main,
        stack_file=stack_file,
        config=config,
        region=region,
    )
