"""The policy config the pack is configured with: read `--policy-config`, merge it the way the CLI does, validate it.

Per policy: its default level and schema defaults, then the pack's own initial config, then `all` (a level for every
policy), then the policy's own entry (pulumi/pulumi pkg/resource/analyzer/config.go: ReconcilePolicyPackConfig).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import PreflightError
from .option_files import read_json

if TYPE_CHECKING:
    import jsonschema

LEVELS = {"advisory": 0, "mandatory": 1, "disabled": 2, "remediate": 3}
LEVEL_NAMES = {number: name for name, number in LEVELS.items()}


@dataclass(frozen=True)
class PolicyInfo:
    """A policy as the pack describes it in GetAnalyzerInfo."""

    name: str
    description: str
    level: str
    schema: dict[str, Any]  # JSON schema properties of the policy's config
    required: tuple[str, ...]
    initial_level: str | None = None  # from the pack's own `initial_config`
    initial_properties: dict[str, Any] = field(default_factory=dict)
    # False only when the pack says it is a stack policy (POLICY_TYPE_STACK): `Analyze` never runs it.
    judges_resources: bool = True


_EMPTY_FILE = object()


def load_policy_config(path: Path | None) -> dict[str, Any] | None:
    """A `--policy-config` file: a JSON object of policy names (or `all`). An empty file is no config, as in the CLI."""
    if path is None:
        return None
    document = read_json("--policy-config", path, if_empty=_EMPTY_FILE)
    if document is _EMPTY_FILE:
        return None
    if not isinstance(document, dict):
        raise PreflightError(f"--policy-config {path}: must hold a JSON object of policy names")
    return document


def _level(key: str, value: Any) -> str:
    if not isinstance(value, str) or value not in LEVELS:
        raise PreflightError(
            f"--policy-config {key}: {value!r} is not an enforcement level; allowed: {', '.join(LEVELS)}"
        )
    return value


def _split_entry(key: str, entry: Any) -> tuple[str | None, dict[str, Any]]:
    """A config entry is a level, or an object of properties with an optional `enforcementLevel`."""
    if isinstance(entry, str):
        return _level(key, entry), {}
    if isinstance(entry, dict):
        properties = {k: v for k, v in entry.items() if k != "enforcementLevel"}
        level = _level(f"{key}.enforcementLevel", entry["enforcementLevel"]) if "enforcementLevel" in entry else None
        return level, properties
    raise PreflightError(f"--policy-config {key}: {entry!r} must be an enforcement level or an object of properties")


def check_policy_config_shape(user: dict[str, Any]) -> None:
    """What can be checked before the pack has described its policies: every entry's shape and level."""
    for key, entry in user.items():
        _, properties = _split_entry(key, entry)
        if key == "all" and properties:
            raise PreflightError("--policy-config all: only `enforcementLevel` can be set for every policy")


def _schema_error(policy: str, error: jsonschema.ValidationError) -> PreflightError:
    path = ".".join(str(part) for part in error.absolute_path)
    where = f"{policy}.{path}" if path else policy
    return PreflightError(f"--policy-config {where}: {error.message}")


def _validate(name: str, info: PolicyInfo, properties: dict[str, Any], *, defaults_only: bool) -> None:
    """Check a policy's properties against its config schema (JSON Schema draft 7, as the CLI does).

    Properties that are only the schema's own defaults need no validator, just the required check; jsonschema (a
    noticeable import) is loaded only when some config was given.
    """
    if defaults_only:
        missing = [key for key in info.required if key not in properties]
        if missing:
            raise PreflightError(f"--policy-config {name}: {missing[0]!r} is a required property")
        return
    import jsonschema

    schema = {"type": "object", "properties": info.schema, "required": list(info.required)}
    error = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(properties))
    if error is not None:
        raise _schema_error(name, error)


def resolve_policy_config(
    pack: str, policies: dict[str, PolicyInfo], user: dict[str, Any]
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each policy's effective (level, properties), validated against its config schema."""
    check_policy_config_shape(user)
    unknown = sorted(set(user) - set(policies) - {"all"})
    if unknown:
        raise PreflightError(
            f"--policy-config {unknown[0]}: no such policy in pack {pack}; policies: {', '.join(sorted(policies))}"
        )
    all_level, _ = _split_entry("all", user["all"]) if "all" in user else (None, {})
    resolved: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, info in policies.items():
        level = info.initial_level or info.level
        properties = {k: spec["default"] for k, spec in info.schema.items() if "default" in spec}
        properties.update(info.initial_properties)
        level = all_level or level
        if name in user:
            entry_level, entry_properties = _split_entry(name, user[name])
            for key in entry_properties:
                if key not in info.schema:
                    allowed = ", ".join(["enforcementLevel", *sorted(info.schema)])
                    raise PreflightError(f"--policy-config {name}.{key}: unknown property; allowed: {allowed}")
            level = entry_level or level
            properties.update(entry_properties)
        _validate(name, info, properties, defaults_only=name not in user and not info.initial_properties)
        resolved[name] = (level, properties)
    return resolved
