"""A generic reader for one structured stack config object: typed getters on a section at a key path, each
raising SpecError with one line naming the key path, the bad value and what is allowed. It knows no schema.

SpecError is a pulumi.RunError, so `pulumi preview` / `pulumi up` print the line without a traceback."""

import json
from collections.abc import Sequence
from typing import Any

import pulumi

from components.rulebook import Problem

CONFIG_NAMESPACE = "fargate-networking"
CONFIG_KEY = f"{CONFIG_NAMESPACE}:platform"
MISSING = object()  # "no value to show": a key that is required, unknown, or a whole list


class SpecError(pulumi.RunError):
    """A stack config mistake: one line naming the key path, the bad value and what is allowed."""

    def __init__(self, path: str, value: Any, problem: str, allowed: str | None = None):
        self.path = f"{CONFIG_KEY}{path}"
        shown = "" if value is MISSING else f"{show(value)} "
        message = f"{self.path}: {shown}{problem}"
        if allowed:
            message += f"; allowed: {allowed}"
        super().__init__(message)

    @classmethod
    def of(cls, path: str, problem: Problem) -> "SpecError":
        """The error for a rulebook problem found at a config key path."""
        return cls(path, problem.value, problem.issue, problem.allowed)


def raise_if(path: str, problem: Problem | None) -> None:
    """Raise the SpecError for a rulebook problem at `path`; do nothing for None."""
    if problem is not None:
        raise SpecError.of(path, problem)


def show(value: Any) -> str:
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def type_name(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


class Section:
    """A config object at a key path, with typed getters that raise SpecError."""

    def __init__(self, raw: Any, path: str, keys: Sequence[str]):
        if not isinstance(raw, dict):
            raise SpecError(path, raw, f"is {type_name(raw)}, not an object", f"an object with keys {', '.join(keys)}")
        for key in raw:
            if key not in keys:
                raise SpecError(f"{path}.{key}", MISSING, "is an unknown key", ", ".join(keys))
        self.raw, self.path = raw, path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}"

    def has(self, key: str) -> bool:
        return key in self.raw and self.raw[key] is not None

    def typed(self, key: str, default: Any, kind: type, kind_name: str) -> Any:
        if not self.has(key):
            if default is MISSING:
                raise SpecError(self.at(key), MISSING, "is required", kind_name)
            return default
        value = self.raw[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise SpecError(self.at(key), value, f"is {type_name(value)}", kind_name)
        return value

    def string(self, key: str, default: Any = MISSING, choices: Sequence[str] | None = None) -> Any:
        value = self.typed(key, default, str, " | ".join(choices) if choices else "a string")
        if choices and value is not None and value not in choices:
            raise SpecError(self.at(key), value, "is not a known value", ", ".join(choices))
        return value

    def integer(self, key: str, default: Any, low: int, high: int) -> int:
        value = self.typed(key, default, int, f"an integer {low}..{high}")
        if not low <= value <= high:
            raise SpecError(self.at(key), value, "is out of range", f"{low}..{high}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        return self.typed(key, default, bool, "true | false")

    def strings(self, key: str, default: Any = ()) -> tuple[str, ...]:
        values = self.typed(key, default if default is MISSING else list(default), list, "a list of strings")
        for i, value in enumerate(values):
            if not isinstance(value, str) or not value:
                raise SpecError(f"{self.at(key)}[{i}]", value, f"is {type_name(value)}", "a non-empty string")
        return tuple(values)

    def section(self, key: str, keys: Sequence[str]) -> "Section":
        return Section(self.typed(key, {}, dict, "an object"), self.at(key), keys)

    def forbid(self, keys: Sequence[str], reason: str, allowed: str) -> None:
        for key in keys:
            if self.has(key):
                raise SpecError(self.at(key), self.raw[key], reason, allowed)

    def unique(self, key: str, values: Sequence[Any], what: str = "each value once") -> None:
        """No value of the list at `key` repeats an earlier one."""
        for i, value in enumerate(values):
            if value in values[:i]:
                raise SpecError(f"{self.at(key)}[{i}]", value, "is listed twice", what)
