"""Judge recorded registrations against `constraints.json`: inputs AWS or the provider would reject at `pulumi up`.

Works on any program: it reads only resource types and input values. A value that is unknown (preview) or hidden
behind an unknown is skipped, never guessed; a secret is checked but never printed.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import regex
from pulumi.runtime.rpc import UNKNOWN

from ..registration import Registration
from .findings import DeployFinding

_SIG_KEY = "4dabf18193072939515e22adb298388d"  # pulumi.runtime.rpc._special_sig_key
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # pulumi.runtime.rpc._special_secret_sig
_MISSING = object()
_RANDOM_SHOWN = "?"  # how an autoname's random character is shown
_RANDOM_SAMPLE = "0123abc"  # hex digits, as the provider draws them, to test the pattern with


class _Secret:
    """A secret value: checked like any other, shown as [secret]."""

    def __init__(self, value: Any) -> None:
        self.value = value


@cache
def constraints() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath("constraints.json").read_text())


@cache
def _by_type() -> dict[str, list[tuple[dict[str, Any], tuple[str, ...]]]]:
    """Each resource type's field rules, with the steps of each rule's input path."""
    table: dict[str, list[tuple[dict[str, Any], tuple[str, ...]]]] = defaultdict(list)
    for field in constraints()["fields"]:
        table[field["type"]].append((field, _steps(field["input"])))
    return table


@cache
def _compiled(pattern: str) -> regex.Pattern:
    # AWS models use Java regexes, where \w and \d are ASCII; \p{L} classes stay Unicode.
    return regex.compile(pattern, 0 if "\\p{" in pattern else regex.ASCII)


_NAME = regex.compile(r"\w*")
_STEP = regex.compile(r"\[\]|\{key\}|\{value\}|<json>")
_SELECTORS = ("[]", "{key}", "{value}", "<json>")


@cache
def _steps(path: str) -> tuple[str, ...]:
    steps = []
    for part in path.split("."):
        name = _NAME.match(part).group(0)
        if name:
            steps.append(name)
        steps += _STEP.findall(part[len(name) :])
    return tuple(steps)


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(_SIG_KEY) == _SECRET_SIG


def _unwrap(value: Any) -> Any:
    return _Secret(value.get("value")) if _is_secret(value) else value


def _walk(value: Any, steps: tuple[str, ...], where: str) -> list[tuple[str, Any]]:
    """Every (concrete path, value) the path reaches. Stops quietly at unknowns, absent keys and wrong shapes.

    A value reached through a secret is a secret.
    """
    found: list[tuple[str, Any]] = []
    _reach(value, steps, 0, where, False, found)
    return found


def _reach(value: Any, steps: tuple[str, ...], at: int, where: str, secret: bool, found: list) -> None:
    if _is_secret(value):
        value, secret = value.get("value"), True
    if value is None or value == UNKNOWN:
        return
    if at == len(steps):
        found.append((where, _Secret(value) if secret else value))
        return
    step, at = steps[at], at + 1
    if step == "[]":
        if isinstance(value, list):
            for index, item in enumerate(value):
                _reach(item, steps, at, f"{where}[{index}]", secret, found)
    elif step in ("{key}", "{value}"):
        if isinstance(value, dict):
            for key, item in value.items():
                if step == "{key}":
                    _reach(key, steps, at, f"{where} key {key!r}", secret, found)
                else:
                    _reach(item, steps, at, f"{where}[{key!r}]", secret, found)
    elif step == "<json>":
        if isinstance(value, str):
            try:
                parsed = json.loads(value)
            except ValueError:
                return  # not JSON: the provider reports that itself
            _reach(parsed, steps, at, where, secret, found)
    elif isinstance(value, dict) and step in value:
        _reach(value[step], steps, at, f"{where}.{step}" if where else step, secret, found)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return value


def _plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def describe(rule: dict[str, Any]) -> str:
    """What a rule allows, in words (a stated rule carries its own summary)."""
    if "summary" in rule:
        return rule["summary"]
    parts = []
    if "enum" in rule:
        parts.append("one of " + ", ".join(str(v) for v in rule["enum"]))
    if "minLength" in rule or "maxLength" in rule:
        low, high = rule.get("minLength", 0), rule.get("maxLength")
        parts.append(f"{low} to {high} characters" if high is not None else f"at least {low} characters")
    if "pattern" in rule:
        parts.append(f"matching {rule['pattern']}")
    if "minimum" in rule or "maximum" in rule:
        low, high = rule.get("minimum"), rule.get("maximum")
        if low is not None and high is not None:
            parts.append(f"from {low} to {high}")
        else:
            parts.append(f"at least {low}" if low is not None else f"at most {high}")
    return ", ".join(parts)


def violation(rule: dict[str, Any], value: Any) -> str | None:
    """The first check a value fails ('length', 'pattern', 'enum', 'range'), or None if it passes or can't be judged.

    A value of the wrong type is left to the provider's own type check.
    """
    if isinstance(value, _Secret):
        value = value.value
    if "enum" in rule:
        allowed = rule["enum"]
        if isinstance(value, str) and all(isinstance(a, str) for a in allowed):
            # Case-insensitive: the provider folds case for several of these enums, so only a value that matches
            # no member in any case is sure to be rejected.
            if value.lower() not in {a.lower() for a in allowed}:
                return "enum"
        elif _number(value) is not None and all(_number(a) is not None for a in allowed) and value not in allowed:
            return "enum"
    if isinstance(value, str):
        if len(value) < rule.get("minLength", 0) or len(value) > rule.get("maxLength", math.inf):
            return "length"
        if "pattern" in rule and not _compiled(rule["pattern"]).fullmatch(value):
            return "pattern"
    number = _number(value)
    if number is not None and not (rule.get("minimum", -math.inf) <= number <= rule.get("maximum", math.inf)):
        return "range"
    return None


def _shown(value: Any) -> str:
    if isinstance(value, _Secret):
        return "[secret]"
    if isinstance(value, float):
        return _plain_number(value)
    return json.dumps(value) if not isinstance(value, str) else repr(value)


def _finding(reg: Registration, path: str, check: str, value: str, constraint: str, source: str, what: str = ""):
    detail = what or f"{path} = {value}"
    return DeployFinding(
        urn=reg.urn,
        input=path,
        check=check,
        value=value,
        constraint=constraint,
        source=source,
        type=reg.type,
        name=reg.name,
        message=f"{detail}: fails the {check} check; allowed: {constraint}",
    )


def _field_findings(reg: Registration, inputs: dict[str, Any]) -> Iterator[DeployFinding]:
    plain = _SIG_KEY not in inputs  # not a secret as a whole: a path whose first input is absent reaches nothing
    for field, steps in _by_type().get(reg.type, []):
        if plain and steps[0] not in inputs and steps[0] not in _SELECTORS:
            continue
        for path, value in _walk(inputs, steps, ""):
            check = violation(field, value)
            if check:
                yield _finding(reg, path, check, _shown(value), describe(field), field["source"])


def _derived_name_findings(
    reg: Registration, auto: dict[str, Any], path: str, how: str, prefix: str, generated: int, sample: str, source: str
) -> Iterator[DeployFinding]:
    """A name the provider completes from `prefix` with `generated` characters, checked against the name's rules."""
    shown = prefix + _RANDOM_SHOWN * generated
    length = len(prefix) + generated
    what = f"{how}, so the name will be {shown!r} ({len(prefix)} + {generated} generated = {length} characters)"
    if length > auto["maxLength"]:
        yield _finding(reg, path, "autoname", repr(shown), f"at most {auto['maxLength']} characters", source, what)
        return
    for field, _ in _by_type().get(reg.type, []):
        if field["input"] == auto["input"] and violation(field, prefix + sample):
            cited = f"{field['source']}; {source}"
            yield _finding(reg, path, "autoname", repr(shown), describe(field), cited, what)


def _autoname_findings(reg: Registration, inputs: dict[str, Any]) -> Iterator[DeployFinding]:
    """Names the program leaves to the provider: from the resource name, or from a `namePrefix` it gives."""
    prefixed = constraints()["namePrefix"]
    for auto in constraints()["autonames"]:
        if auto["type"] != reg.type or inputs.get(auto["input"]) is not None:
            continue  # a name the program gives is checked as an input
        prefix = _unwrap(inputs.get(prefixed["input"]))
        if prefix is None:
            generated = auto["randomLength"]
            how = f"{auto['input']} is left out and pulumi-aws autonames it from the resource name"
            path = f"{auto['input']} (autonamed)"
            prefix = reg.name + auto["separator"]
            yield from _derived_name_findings(
                reg, auto, path, how, prefix, generated, _RANDOM_SAMPLE[:generated], auto["source"]
            )
        elif isinstance(prefix, str) and prefix != UNKNOWN:
            generated = prefixed["suffixLength"]
            how = f"{prefixed['input']} is {prefix!r} and the provider appends {generated} digits"
            # The whole name must fit the API's limit; pulumi's autoname maximum does not apply to a prefix.
            unbounded = {**auto, "maxLength": math.inf}
            yield from _derived_name_findings(
                reg, unbounded, prefixed["input"], how, prefix, generated, "2" * generated, prefixed["source"]
            )


def _identity(reg: Registration, inputs: dict[str, Any], key: str, entry: dict[str, Any]) -> Any:
    """What makes two resources' `key` equal: the known value, or for a reference the resources it came from."""
    value = _unwrap(inputs.get(key, _MISSING))
    if isinstance(value, _Secret):
        value = value.value
    if value is _MISSING or value is None:
        return ("absent",)
    if value == UNKNOWN or (isinstance(value, list) and UNKNOWN in value):
        dependencies = reg.property_dependencies.get(key) or []
        if key in entry["refs"] and dependencies:
            return ("from", tuple(sorted(dependencies)))
        return _MISSING  # undecidable: never guess
    if isinstance(value, str) and entry["caseInsensitive"]:
        value = value.lower()
    return ("value", json.dumps(value, sort_keys=True))


def _collision_findings(registrations: list[tuple[Registration, dict[str, Any]]]) -> Iterator[DeployFinding]:
    """Every resource of a group whose keys are equal is flagged, naming the others (order-independent)."""
    for entry in constraints()["unique"]:
        groups: dict[tuple, list[tuple[Registration, dict[str, Any]]]] = defaultdict(list)
        for reg, inputs in registrations:
            if reg.type != entry["type"] or any(inputs.get(k) is None for k in entry["onlyWhenSet"]):
                continue
            identity = tuple(_identity(reg, inputs, key, entry) for key in entry["keys"])
            if _MISSING not in identity:
                groups[identity].append((reg, inputs))
        for members in groups.values():
            if len(members) < 2:
                continue
            keys = ", ".join(entry["keys"])
            for reg, inputs in members:
                shown = ", ".join(
                    f"{key}={_shown(_unwrap(inputs[key]))}"
                    for key in entry["keys"]
                    if inputs.get(key) not in (None, UNKNOWN) and key not in entry["refs"]
                )
                others = ", ".join(sorted(other.name for other, _ in members if other is not reg))
                what = f"{keys} ({shown or 'the same references'}) equal those of {others}"
                yield _finding(reg, keys, "collision", shown, entry["summary"], entry["source"], what)


def _containers(task_definition: dict[str, Any]) -> list[dict[str, Any]] | None:
    """A task definition's container definitions, or None when they are not known as JSON."""
    found = [value for _, value in _walk(task_definition, ("containerDefinitions", "<json>"), "")]
    if len(found) != 1 or not isinstance(found[0], list):
        return None
    containers = [c for c in found[0] if isinstance(c, dict)]
    return containers if len(containers) == len(found[0]) else None


def _mapped(containers: list[dict[str, Any]], item: dict[str, Any], match: str) -> bool | None:
    """Whether `item` names a port the containers map; None when the item's own values are not known."""
    mappings = [(c.get("name"), m) for c in containers for m in c.get("portMappings") or [] if isinstance(m, dict)]
    if match == "port-name":
        port_name = item.get("portName")
        if not isinstance(port_name, str) or port_name == UNKNOWN:
            return None
        return any(m.get("name") == port_name for _, m in mappings)
    name, port = item.get("containerName"), _number(item.get("containerPort"))
    if not isinstance(name, str) or name == UNKNOWN or port is None:
        return None
    return any(container == name and _number(m.get("containerPort")) == port for container, m in mappings)


def _reference_findings(registrations: list[tuple[Registration, dict[str, Any]]]) -> Iterator[DeployFinding]:
    """Inputs that must name something inside a resource of the same program, found through the dependencies."""
    by_urn = {reg.urn: (reg, inputs) for reg, inputs in registrations}
    for entry in constraints()["references"]:
        for reg, inputs in registrations:
            targets = [by_urn.get(urn) for urn in reg.property_dependencies.get(entry["via"]) or []]
            targets = [t for t in targets if t is not None and t[0].type == entry["targetType"]]
            if reg.type != entry["type"] or len(targets) != 1:
                continue  # no reference, or one to something outside the program: not decidable
            target, target_inputs = targets[0]
            containers = _containers(target_inputs)
            if containers is None:
                continue
            for path, item in _walk(inputs, _steps(entry["items"]), ""):
                if isinstance(item, dict) and _mapped(containers, item, entry["match"]) is False:
                    keys = ("portName",) if entry["match"] == "port-name" else ("containerName", "containerPort")
                    shown = ", ".join(f"{key}={_shown(item.get(key))}" for key in keys)
                    what = f"{path} ({shown}) names no port mapping of {target.name}"
                    yield _finding(reg, path, "reference", shown, entry["summary"], entry["source"], what)


# ---- rules across inputs -----------------------------------------------------------------------------------------
def _known(value: Any) -> tuple[Any, bool] | None:
    """(value, secret) of a known value; None when it is absent, null or unknown."""
    value = _unwrap(value)
    secret = isinstance(value, _Secret)
    value = value.value if secret else value
    if value is None or value is _MISSING or value == UNKNOWN:
        return None
    return value, secret


def _shown_known(value: Any, secret: bool) -> str:
    return _shown(_Secret(value) if secret else value)


def _whole(value: Any) -> int | None:
    """A whole number given as a number or as digits ("512"), else None."""
    if isinstance(value, str):
        return int(value) if value.isascii() and value.isdigit() else None
    number = _number(value)
    return int(number) if number is not None and float(number).is_integer() else None


def _unit_number(value: Any, unit: str) -> Decimal | None:
    """The number of a value written with a unit, as ECS allows ("1 vCPU", ".25 vcpu", "2 GB", "0.5GB").

    Compared by value, so "0.25 vCPU" names the size cfn-lint spells ".25": only a value no form names is flagged.
    """
    match = regex.fullmatch(r"([0-9]*\.?[0-9]+)\s*" + unit, value, regex.IGNORECASE) if isinstance(value, str) else None
    return Decimal(match.group(1)) if match else None


def _in_steps(numbers: list[Any], unit: str) -> str:
    """The numbers with their unit: "512, 1024, 2048 MiB", or "8192 to 30720 MiB in steps of 1024" for a long run."""
    steps = {Decimal(b) - Decimal(a) for a, b in itertools.pairwise(numbers)}
    if len(numbers) > 4 and len(steps) == 1:
        return f"{numbers[0]} to {numbers[-1]} {unit} in steps of {steps.pop()}"
    return f"{', '.join(str(n) for n in numbers)} {unit}"


def _size_row(rule: dict[str, Any], cpu: Any) -> dict[str, Any] | None:
    """The Fargate size row a CPU value names, in CPU units or in vCPU; None when it names none."""
    units, vcpu = _whole(cpu), _unit_number(cpu, "vcpu")
    for row in rule["size"]["rows"]:
        if units == row["cpu"] or vcpu in map(Decimal, row["vcpu"]):
            return row
    return None


def _memory_fits(row: dict[str, Any], memory: Any) -> bool:
    mebibytes, gigabytes = _whole(memory), _unit_number(memory, "gb")
    return mebibytes in row["memory"] or gigabytes in map(Decimal, row["memoryGb"])


def _fargate_findings(reg: Registration, inputs: dict[str, Any]) -> Iterator[DeployFinding]:
    """A task definition that requires FARGATE: required inputs, allowed values and CPU/memory pairs (cfn-lint)."""
    rule = constraints()["fargate"]
    when = rule["when"]
    if reg.type != rule["type"]:
        return
    compatibilities = [_known(value) for _, value in _walk(inputs, (when["input"], "[]"), "")]
    if not any(known and known[0] == when["contains"] for known in compatibilities):
        return  # not for Fargate, or not known to be
    given = f"when {when['input']} contains {when['contains']}"
    for entry in rule["required"]:
        if inputs.get(entry["input"]) is None:  # absent or null; an unknown is there, to be known later
            what = f"{entry['input']} is left out"
            yield _finding(reg, entry["input"], "combination", "(absent)", f"required {given}", entry["source"], what)
    for entry in rule["enums"]:
        allowed = {a.lower() for a in entry["enum"]}
        for path, value in _walk(inputs, _steps(entry["input"]), ""):
            plain = value.value if isinstance(value, _Secret) else value
            if isinstance(plain, str) and plain.lower() not in allowed:
                constraint = f"one of {', '.join(entry['enum'])} {given}"
                yield _finding(reg, path, "combination", _shown(value), constraint, entry["source"])
    for entry in rule["absent"]:
        found = _known(inputs.get(entry["input"]))
        if found and found[0] != []:  # an empty list sends nothing
            shown = _shown_known(found[0], found[1])
            yield _finding(reg, entry["input"], "combination", shown, f"left out {given}", entry["source"])
    cpu, memory = _known(inputs.get(rule["cpu"]["input"])), _known(inputs.get(rule["size"]["memory"]))
    if cpu is None:
        return
    row = _size_row(rule, cpu[0])
    if row is None:
        sizes = ", ".join(
            f"{units} ({vcpu} vCPU)" for units, vcpu in zip(rule["cpu"]["units"], rule["cpu"]["vcpu"], strict=True)
        )
        constraint = f"one of {sizes} {given}"
        yield _finding(reg, rule["cpu"]["input"], "combination", _shown_known(*cpu), constraint, rule["cpu"]["source"])
    elif memory is not None and not _memory_fits(row, memory[0]):
        keys = f"{rule['size']['cpu']}, {rule['size']['memory']}"
        shown = f"{rule['size']['cpu']}={_shown_known(*cpu)}, {rule['size']['memory']}={_shown_known(*memory)}"
        constraint = (
            f"with cpu {row['cpu']} ({row['vcpu'][0]} vCPU), memory {_in_steps(row['memory'], 'MiB')} "
            f"({_in_steps(row['memoryGb'], 'GB')}) {given}"
        )
        what = f"{keys} ({shown}) is no Fargate task size"
        yield _finding(reg, keys, "combination", shown, constraint, rule["size"]["source"], what)


def _protocol(value: Any) -> str | None:
    if isinstance(value, str):
        return value.lower()
    whole = _whole(value)
    return None if whole is None else str(whole)


def _port_range_findings(reg: Registration, inputs: dict[str, Any]) -> Iterator[DeployFinding]:
    """A TCP or UDP rule whose start port exceeds its end port (EC2's words; other protocols give ports no range)."""
    for entry in constraints()["portRanges"]:
        if entry["type"] != reg.type:
            continue
        items = _walk(inputs, _steps(entry["items"]), "") if entry["items"] else [("", inputs)]
        for path, item in items:
            secret = isinstance(item, _Secret)
            item = item.value if secret else item
            if not isinstance(item, dict):
                continue
            known = [_known(item.get(key)) for key in (entry["protocol"], entry["from"], entry["to"])]
            if None in known or _protocol(known[0][0]) not in entry["protocols"]:
                continue
            (protocol, _), (low, low_secret), (high, high_secret) = known
            if _number(low) is None or _number(high) is None or low <= high:
                continue
            prefix = f"{path}." if path else ""
            keys = f"{prefix}{entry['from']}, {prefix}{entry['to']}"
            shown = (
                f"{entry['from']}={_shown_known(low, secret or low_secret)}, "
                f"{entry['to']}={_shown_known(high, secret or high_secret)}"
            )
            what = f"{keys} ({shown}, {entry['protocol']}={_shown_known(protocol, secret)}) is a reversed port range"
            yield _finding(reg, keys, "combination", shown, entry["summary"], entry["source"], what)


def _host_port_findings(reg: Registration, inputs: dict[str, Any]) -> Iterator[DeployFinding]:
    """In a task known to use the awsvpc or host network mode, a host port that is not its mapping's container port.

    Left alone: an unknown or absent mode (ECS's default is bridge), a mode not spelled as ECS spells it, a mapping
    without a container port (a containerPortRange) and a host port of 0, which ECS's words for these modes neither
    allow nor forbid.
    """
    entry = constraints()["hostPorts"]
    mode = _known(inputs.get(entry["mode"])) if reg.type == entry["type"] else None
    if mode is None or mode[0] not in entry["modes"]:
        return
    for path, mapping in _walk(inputs, _steps(entry["mappings"]), ""):
        secret = isinstance(mapping, _Secret)
        mapping = mapping.value if secret else mapping
        if not isinstance(mapping, dict):
            continue
        host, container = _number(mapping.get(entry["hostPort"])), _number(mapping.get(entry["containerPort"]))
        if host is None or container is None or host in (0, container):
            continue
        shown_host, shown_container = _shown_known(host, secret), _shown_known(container, secret)
        shown_mode = _shown_known(*mode)
        key = f"{path}.{entry['hostPort']}"
        what = f"{key} = {shown_host} with {entry['containerPort']} {shown_container} and {entry['mode']} {shown_mode}"
        constraint = (
            f"left out or {shown_container} (the {entry['containerPort']}) when {entry['mode']} is {shown_mode}"
        )
        yield _finding(reg, key, "combination", shown_host, constraint, entry["source"], what)


def check(registrations: Iterable[Registration]) -> list[DeployFinding]:
    """Every deploy-check finding for the resources a program registered (read resources are not created).

    Each resource's inputs are read as decoded once for the checks and the report (`Registration.input_values`);
    nothing is changed.
    """
    created = [(reg, reg.input_values) for reg in registrations if reg.custom and not reg.read]
    findings: list[DeployFinding] = []
    for reg, inputs in created:
        findings += _field_findings(reg, inputs)
        findings += _autoname_findings(reg, inputs)
        findings += _fargate_findings(reg, inputs)
        findings += _port_range_findings(reg, inputs)
        findings += _host_port_findings(reg, inputs)
    findings += _collision_findings(created)
    findings += _reference_findings(created)
    return sorted(findings)
