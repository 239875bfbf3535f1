"""Regenerate `constraints.json` from the pinned data sources: `python -m preflight.deploy_checks.generate`.

Reads botocore's service models and cfn-lint's bundled CloudFormation schemas (both pinned in requirements.txt),
resolves every entry of `sources.py` against them, checks that every quoted AWS sentence is still in the model's
documentation, and writes one compact JSON file. The deploy checks read only that file at run time.
`--check` compares instead of writing (exit 1 when the committed file is stale).
"""

from __future__ import annotations

import argparse
import gzip
import html
import importlib.metadata
import importlib.util
import itertools
import json
import re
import sys
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import regex

from . import sources
from .sources import Extension, Model, Quote, Schema, Source, Stated

DATA_FILE = Path(__file__).with_name("constraints.json")
PROGRAM = "python -m preflight.deploy_checks.generate"
_RULE_KEYS = ("minLength", "maxLength", "pattern", "enum", "minimum", "maximum")


class SourceError(Exception):
    """An entry of sources.py does not resolve against the pinned data (renamed member, changed text...)."""


def _package_dir(name: str) -> Path:
    """Where an installed package lives, without importing it (cfn-lint's import pulls in its whole linter)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SourceError(f"{name} is not installed; `pip install -r requirements.txt` pins it")
    return Path(next(iter(spec.submodule_search_locations)))


def _read_json(path: Path) -> Any:
    if path.exists():
        return json.loads(path.read_text())
    return json.loads(gzip.decompress(path.with_name(path.name + ".gz").read_bytes()))


@cache
def _service_model(service: str) -> dict[str, Any]:
    """The newest API version of a service in botocore's data directory."""
    folder = _package_dir("botocore") / "data" / service
    versions = sorted(p.name for p in folder.iterdir() if p.is_dir())
    if not versions:
        raise SourceError(f"botocore has no model for {service}")
    return _read_json(folder / versions[-1] / "service-2.json")


@cache
def _cfn_schema(resource: str) -> dict[str, Any]:
    schemas = _package_dir("cfnlint") / "data" / "schemas"
    index = json.loads((schemas / "providers" / "us-east-1.json").read_text())
    if resource not in index:
        raise SourceError(f"cfn-lint has no schema for {resource}")
    return json.loads((schemas / "resources" / f"{index[resource]}.json").read_text())


def _steps(path: str) -> list[str]:
    """'Tags[].Key' -> ['Tags', '[]', 'Key']; 'tags{key}' -> ['tags', '{key}']."""
    steps = []
    for part in path.split(".") if path else []:
        match = re.fullmatch(r"(\w*)((?:\[\]|\{key\}|\{value\})*)", part)
        if not match:
            raise SourceError(f"bad member path {path!r}")
        if match.group(1):
            steps.append(match.group(1))
        steps += re.findall(r"\[\]|\{key\}|\{value\}", match.group(2))
    return steps


def _model_member(ref: Model) -> tuple[str, dict[str, Any], str]:
    """(shape name, shape, documentation) of a model member; an empty member is the shape itself."""
    model = _service_model(ref.service)
    shapes, operations = model["shapes"], model["operations"]
    name = operations[ref.shape]["input"]["shape"] if ref.shape in operations else ref.shape
    if name not in shapes:
        raise SourceError(f"botocore {ref.service}: no operation or shape {ref.shape}")
    shape, documentation = shapes[name], shapes[name].get("documentation", "")
    for step in _steps(ref.member):
        if step == "[]":
            target = shape.get("member")
        elif step in ("{key}", "{value}"):
            target = shape.get(step.strip("{}"))
        else:
            target = shape.get("members", {}).get(step)
            documentation = (target or {}).get("documentation", "")
        if target is None:
            raise SourceError(f"botocore {ref.service} {ref.shape}: no member {ref.member}")
        name = target["shape"]
        shape = shapes[name]
        documentation = documentation or shape.get("documentation", "")
    return name, shape, documentation


def _plain(text: str) -> str:
    """Documentation as words: no markup, single spaces, no space left before punctuation by a removed tag."""
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
    return re.sub(r" ([.,;:)])", r"\1", words)


def _from_model(ref: Model) -> dict[str, Any]:
    name, shape, _ = _model_member(ref)
    rule: dict[str, Any] = {}
    if "enum" in shape:
        rule["enum"] = list(shape["enum"])
    if shape.get("type") == "string":
        rule.update({"minLength": shape.get("min"), "maxLength": shape.get("max"), "pattern": shape.get("pattern")})
    elif shape.get("type") in ("integer", "long"):
        rule.update({"minimum": shape.get("min"), "maximum": shape.get("max")})
    version = importlib.metadata.version("botocore")
    rule["source"] = f"botocore {version} {ref.service} {ref.shape}.{ref.member} (shape {name})"
    return rule


def _from_schema(ref: Schema) -> dict[str, Any]:
    schema = _cfn_schema(ref.resource)
    node: dict[str, Any] = {"properties": schema["properties"]}
    for step in _steps(ref.prop):
        node = node.get("items", {}) if step == "[]" else node.get("properties", {}).get(step, {})
        while "$ref" in node:
            node = schema["definitions"][node["$ref"].rsplit("/", 1)[-1]]
        if not node:
            raise SourceError(f"cfn-lint {ref.resource}: no property {ref.prop}")
    rule = {key: node.get(key) for key in _RULE_KEYS}
    version = importlib.metadata.version("cfn-lint")
    rule["source"] = f"cfn-lint {version} CloudFormation schema {ref.resource}.{ref.prop}"
    return rule


def _cited(ref: Stated | Quote) -> str:
    """`AWS: "<quote>" (<where>)`, after checking that the named model documentation still says it."""
    where = ref.url
    if ref.doc is not None:
        _, _, documentation = _model_member(ref.doc)
        if _plain(ref.quote) not in _plain(documentation):
            raise SourceError(
                f"botocore {ref.doc.service} {ref.doc.shape}.{ref.doc.member} no longer says {ref.quote!r}"
            )
        version = importlib.metadata.version("botocore")
        member = f"{ref.doc.shape}.{ref.doc.member}" if ref.doc.member else ref.doc.shape
        documented = f"botocore {version} {ref.doc.service} {member} documentation"
        where = f"{documented}; {ref.url}" if ref.url else documented
    return f'AWS: "{ref.quote}" ({where})'


def _from_statement(ref: Stated) -> dict[str, Any]:
    return {**ref.rule, "summary": ref.summary, "source": _cited(ref)}


def resolve(source: Source) -> dict[str, Any]:
    """The constraint a source states, without empty keys, with a `source` line saying where it comes from."""
    if isinstance(source, Model):
        rule = _from_model(source)
    elif isinstance(source, Schema):
        rule = _from_schema(source)
    else:
        rule = _from_statement(source)
    rule = {key: value for key, value in rule.items() if value is not None}
    if "pattern" in rule:
        try:
            regex.compile(rule["pattern"])
        except regex.error as exc:
            raise SourceError(f"pattern {rule['pattern']!r} from {rule['source']} does not compile: {exc}") from None
    if not set(rule) & set(_RULE_KEYS):
        raise SourceError(f"{rule['source']} states no constraint")
    return rule


def _unique(entry: sources.Unique) -> dict[str, Any]:
    statement = Stated(rule={}, summary=entry.summary, quote=entry.quote, doc=entry.doc, url=entry.url)
    return {
        "type": entry.type,
        "keys": list(entry.keys),
        "refs": list(entry.refs),
        "onlyWhenSet": list(entry.only_when_set),
        "caseInsensitive": entry.case_insensitive,
        "summary": entry.summary,
        "source": _from_statement(statement)["source"],
    }


def _reference(entry: sources.Reference) -> dict[str, Any]:
    statement = Stated(rule={}, summary=entry.summary, quote=entry.quote, doc=entry.doc)
    return {
        "type": entry.type,
        "items": entry.items,
        "via": entry.via,
        "targetType": entry.target_type,
        "match": entry.match,
        "summary": entry.summary,
        "source": _from_statement(statement)["source"],
    }


# ---- cfn-lint extension schemas: the Fargate rules ----------------------------------------------------------------
# The two schemas are read with their shape checked key by key: a schema that says more than this reads must fail
# regeneration, not be half-read.
_GIVEN_AS_NUMBER = {"pattern": "^\\d+$", "type": ["integer", "string"]}  # the `if` of a value with a unit form


@cache
def _extension(ext: Extension) -> dict[str, Any]:
    path = _package_dir("cfnlint") / "data" / "schemas" / "extensions" / ext.path
    if not path.exists():
        raise SourceError(f"cfn-lint has no extension schema {ext.path} (rule {ext.rule})")
    return json.loads(path.read_text())


def _shape_error(ext: Extension, where: str, what: str) -> SourceError:
    return SourceError(f"cfn-lint {ext.rule} ({ext.path}) at {where}: {what}; the schema's shape changed")


def _exactly(ext: Extension, node: Any, keys: set[str], where: str) -> dict[str, Any]:
    """`node` as a dict with exactly these keys."""
    if not isinstance(node, dict) or set(node) != keys:
        found = sorted(node) if isinstance(node, dict) else type(node).__name__
        raise _shape_error(ext, where, f"expected the keys {sorted(keys)}, found {found}")
    return node


def _only(ext: Extension, node: Any, where: str) -> tuple[str, Any]:
    """The one (property, schema) of a `properties` object."""
    if not isinstance(node, dict) or len(node) != 1:
        raise _shape_error(
            ext, where, f"expected one property, found {sorted(node) if isinstance(node, dict) else node}"
        )
    return next(iter(node.items()))


def _strings(ext: Extension, node: Any, where: str) -> list[str]:
    if not isinstance(node, list) or not node or not all(isinstance(item, str) for item in node):
        raise _shape_error(ext, where, f"expected a list of strings, found {node!r}")
    return node


def _input_name(entry: sources.Fargate, name: str) -> str:
    if name not in entry.inputs:
        raise SourceError(f"cfn-lint names the property {name}, which sources.FARGATE.inputs does not map")
    return entry.inputs[name]


def _fargate_when(entry: sources.Fargate, ext: Extension, condition: Any, given: tuple[str, ...]) -> dict[str, str]:
    """The schema's `if`: an array property contains one value (and, for the size table, `given` are given)."""
    node = _exactly(ext, condition, {"properties", "required"}, "if")
    arrays = [name for name in node["properties"] if name not in given]
    if len(arrays) != 1 or sorted(node["required"]) != sorted([*arrays, *given]):
        raise _shape_error(ext, "if", f"expected one array property and {list(given)}, all required")
    where = f"if/properties/{arrays[0]}"
    prop = _exactly(ext, node["properties"][arrays[0]], {"contains", "type"}, where)
    contains = _exactly(ext, prop["contains"], {"enum", "type"}, f"{where}/contains")
    values = _strings(ext, contains["enum"], f"{where}/contains/enum")
    if prop["type"] != "array" or len(values) != 1:
        raise _shape_error(ext, where, "expected an array containing one value")
    for name in given:
        if node["properties"][name] != {"type": ["string", "integer"]}:
            raise _shape_error(ext, f"if/properties/{name}", "expected a string or an integer")
    return {"input": _input_name(entry, arrays[0]), "contains": values[0]}


def _literals(ext: Extension, pattern: Any, unit: str, where: str) -> list[str]:
    """The numbers a unit pattern such as `^(4|5|1[0-6])\\s*(?i)GB$` spells out: ["4", "5", "10", ..., "16"].

    Only digits, dots (escaped or not: cfn-lint leaves some unescaped, meaning a literal dot) and digit ranges are
    read; anything else is a changed shape.
    """
    match = re.fullmatch(r"\^(?:\((.+)\)|([^()|]+))\\s\*\(\?i\)" + re.escape(unit) + r"\$", str(pattern))
    if not match:
        raise _shape_error(ext, where, f"expected a pattern of numbers and {unit}, found {pattern!r}")
    numbers = []
    for alternative in (match.group(1) or match.group(2)).split("|"):
        tokens = re.findall(r"\\\.|\.|\d|\[\d-\d\]", alternative)
        if "".join(tokens) != alternative:
            raise _shape_error(ext, where, f"cannot spell out {alternative!r} of {pattern!r}")
        choices = [
            [str(d) for d in range(int(t[1]), int(t[3]) + 1)] if t.startswith("[") else ["." if "." in t else t]
            for t in tokens
        ]
        numbers += ["".join(parts) for parts in itertools.product(*choices)]
    return numbers


def _unit_form(ext: Extension, node: Any, unit: str, where: str) -> tuple[dict[str, Any], list[str]]:
    """A value given as a number (`then`) or as a string with a unit (`else`): (the `then`, the unit's numbers)."""
    node = _exactly(ext, node, {"if", "then", "else"}, where)
    if node["if"] != _GIVEN_AS_NUMBER:
        raise _shape_error(ext, f"{where}/if", f"expected {_GIVEN_AS_NUMBER}")
    pattern = _exactly(ext, node["else"], {"pattern"}, f"{where}/else")["pattern"]
    return node["then"], _literals(ext, pattern, unit, f"{where}/else/pattern")


def _scaled(number: str) -> Decimal:
    """A vCPU or GB number in CPU units or MiB (1 vCPU = 1024 units, 1 GB = 1024 MiB)."""
    return Decimal(number) * 1024


def _cpu(ext: Extension, node: Any, where: str) -> tuple[list[int], list[str]]:
    """(CPU units, vCPU numbers), checked to name the same sizes."""
    then, vcpu = _unit_form(ext, node, "vCpu", where)
    units = _strings(ext, _exactly(ext, then, {"enum"}, f"{where}/then")["enum"], f"{where}/then/enum")
    if not all(u.isdigit() for u in units) or sorted(map(Decimal, units)) != sorted(map(_scaled, vcpu)):
        raise _shape_error(ext, where, f"the CPU units {units} and the vCPU forms {vcpu} disagree")
    return [int(u) for u in units], vcpu


def _memory(ext: Extension, node: Any, where: str) -> tuple[list[int], list[str]]:
    """(MiB values, GB numbers), from an enum or a stepped range, checked to name the same sizes."""
    then, gigabytes = _unit_form(ext, node, "GB", where)
    if isinstance(then, dict) and set(then) == {"enum"}:
        mebibytes = then["enum"]
    else:
        step = _exactly(ext, then, {"minimum", "maximum", "multipleOf"}, f"{where}/then")
        low, high, every = step["minimum"], step["maximum"], step["multipleOf"]
        mebibytes = list(range(-(-low // every) * every, high + 1, every))
    if not all(isinstance(m, int) for m in mebibytes) or sorted(mebibytes) != sorted(map(_scaled, gigabytes)):
        raise _shape_error(ext, where, f"the MiB values {mebibytes} and the GB forms {gigabytes} disagree")
    return mebibytes, gigabytes


def _nested_enum(entry: sources.Fargate, ext: Extension, item: dict[str, Any], where: str) -> tuple[str, list[str]]:
    """An enum on a property nested in objects and lists, applied when the property is given: the log driver."""
    path, node = [], item
    while isinstance(node, dict) and set(node) in ({"properties"}, {"items"}):
        if "items" in node:
            path[-1] += "[]"
            node = node["items"]
            continue
        name, node = _only(ext, node["properties"], where)
        where += f"/{name}"
        path.append(_input_name(entry, name))
    node = _exactly(ext, node, {"if", "then"}, where)
    name, prop = _only(ext, _exactly(ext, node["then"], {"properties"}, f"{where}/then")["properties"], where)
    if node["if"] != {"properties": {name: {"type": "string"}}, "required": [name]}:
        raise _shape_error(ext, f"{where}/if", f"expected {name} given as a string")
    enum = _strings(ext, _exactly(ext, prop, {"enum"}, f"{where}/then/{name}")["enum"], f"{where}/then/{name}/enum")
    return ".".join([*path, _input_name(entry, name)]), enum


def _fargate(entry: sources.Fargate) -> dict[str, Any]:
    """The Fargate rules of cfn-lint's E3048 (properties) and E3047 (CPU and memory pairs) as plain data."""
    version = importlib.metadata.version("cfn-lint")
    quoted: set[str] = set()

    def source(ext: Extension, rule: str) -> str:
        if rule not in entry.why:
            raise SourceError(f"sources.FARGATE.why has no AWS quote for {rule!r}")
        quoted.add(rule)
        return f"cfn-lint {version} {ext.rule} (schemas/extensions/{ext.path}); {_cited(entry.why[rule])}"

    ext = entry.properties
    schema = _exactly(ext, _extension(ext), {"if", "then"}, "the top")
    when = _fargate_when(entry, ext, schema["if"], ())
    required, enums, absent, cpu = [], [], [], None
    for index, item in enumerate(_exactly(ext, schema["then"], {"allOf"}, "then")["allOf"]):
        where = f"then/allOf/{index}"
        keys = set(item) if isinstance(item, dict) else set()
        if keys == {"properties"}:  # an enum on a nested property (the log driver)
            path, enum = _nested_enum(entry, ext, item, where)
            enums.append({"input": path, "enum": enum, "source": source(ext, path.rsplit(".", 1)[-1])})
        elif keys == {"if", "required", "then"}:  # a property required, and one of an enum when it is a string
            required += _strings(ext, item["required"], f"{where}/required")
            then = _exactly(ext, item["then"], {"properties", "required"}, f"{where}/then")
            name, prop = _only(ext, then["properties"], f"{where}/then/properties")
            enum = _strings(ext, _exactly(ext, prop, {"enum", "type"}, f"{where}/then/{name}")["enum"], where)
            enums.append({"input": _input_name(entry, name), "enum": enum, "source": source(ext, entry.inputs[name])})
        elif keys == {"if", "not", "required", "then"}:  # properties required, properties forbidden, the CPU values
            required += _strings(ext, item["required"], f"{where}/required")
            forbidden = _exactly(ext, item["not"], {"required"}, f"{where}/not")["required"]
            for name in _strings(ext, forbidden, f"{where}/not/required"):
                absent.append({"input": _input_name(entry, name), "source": source(ext, entry.inputs[name])})
            name, prop = _only(ext, _exactly(ext, item["then"], {"properties"}, f"{where}/then")["properties"], where)
            units, vcpu = _cpu(ext, prop, f"{where}/then/properties/{name}")
            cpu = {"input": _input_name(entry, name), "units": units, "vcpu": vcpu, "source": source(ext, "cpu")}
        else:
            raise _shape_error(ext, where, f"an item with the keys {sorted(keys)} is not one this generator reads")
    if cpu is None:
        raise _shape_error(ext, "then/allOf", "no item gives the CPU values")
    required_inputs = [
        {"input": _input_name(entry, name), "source": source(ext, f"required.{_input_name(entry, name)}")}
        for name in dict.fromkeys(required)
    ]

    ext = entry.cpu_memory
    schema = _exactly(ext, _extension(ext), {"if", "then"}, "the top")
    if _fargate_when(entry, ext, schema["if"], ("Cpu", "Memory")) != when:
        raise _shape_error(ext, "if", f"its condition is not the one of {entry.properties.path}")
    rows = []
    for index, item in enumerate(_exactly(ext, schema["then"], {"anyOf"}, "then")["anyOf"]):
        where = f"then/anyOf/{index}"
        pair = _exactly(ext, item, {"properties"}, where)["properties"]
        pair = _exactly(ext, pair, {"Cpu", "Memory"}, f"{where}/properties")
        [units], vcpu = _cpu(ext, pair["Cpu"], f"{where}/properties/Cpu")
        mebibytes, gigabytes = _memory(ext, pair["Memory"], f"{where}/properties/Memory")
        rows.append({"cpu": units, "vcpu": vcpu, "memory": mebibytes, "memoryGb": gigabytes})
    if sorted(row["cpu"] for row in rows) != sorted(cpu["units"]):
        raise _shape_error(ext, "then/anyOf", f"its CPU values differ from those of {entry.properties.path}")
    size = {
        "cpu": _input_name(entry, "Cpu"),
        "memory": _input_name(entry, "Memory"),
        "rows": rows,
        "source": source(ext, "size"),
    }
    if set(entry.why) - quoted:
        raise SourceError(
            f"sources.FARGATE.why quotes {sorted(set(entry.why) - quoted)}, which no cfn-lint rule states"
        )
    return {
        "type": entry.type,
        "when": when,
        "required": required_inputs,
        "enums": enums,
        "absent": absent,
        "cpu": cpu,
        "size": size,
    }


def _port_range(entry: sources.PortRange) -> dict[str, Any]:
    return {
        "type": entry.type,
        "items": entry.items,
        "protocol": entry.protocol,
        "protocols": list(entry.protocols),
        "from": entry.from_port,
        "to": entry.to_port,
        "summary": entry.summary,
        "source": "; ".join(_cited(quote) for quote in entry.quotes),
    }


def _host_ports(entry: sources.HostPorts) -> dict[str, Any]:
    """The rule's data, after checking that its modes are network modes the ECS model names."""
    _, shape, _ = _model_member(Model("ecs", "RegisterTaskDefinition", entry.mode))
    unknown = sorted(set(entry.modes) - set(shape.get("enum", ())))
    if unknown:
        raise SourceError(f"botocore ecs RegisterTaskDefinition.{entry.mode} has no mode {unknown}")
    return {
        "type": entry.type,
        "mode": entry.mode,
        "modes": list(entry.modes),
        "mappings": entry.mappings,
        "hostPort": entry.host_port,
        "containerPort": entry.container_port,
        "summary": entry.summary,
        "source": "; ".join(_cited(quote) for quote in entry.quotes),
    }


def build() -> dict[str, Any]:
    """The whole data file, from sources.py and the installed data packages."""
    return {
        "generatedBy": "python -m preflight.deploy_checks.generate (from preflight/deploy_checks/sources.py)",
        "versions": {name: importlib.metadata.version(name) for name in ("botocore", "cfn-lint")},
        "fields": [{"type": f.type, "input": f.input, **resolve(f.source)} for f in sources.FIELDS],
        "autonames": [
            {
                "type": a.type,
                "input": a.input,
                "maxLength": a.max_length,
                "separator": a.separator,
                "randomLength": a.random_length,
                "source": a.source,
            }
            for a in sources.AUTONAMES
        ],
        "namePrefix": {
            "input": sources.NAME_PREFIX_INPUT,
            "suffixLength": sources.NAME_PREFIX_SUFFIX_LENGTH,
            "source": sources.NAME_PREFIX_SOURCE,
        },
        "unique": [_unique(entry) for entry in sources.UNIQUE],
        "references": [_reference(entry) for entry in sources.REFERENCES],
        "fargate": _fargate(sources.FARGATE),
        "portRanges": [_port_range(entry) for entry in sources.PORT_RANGES],
        "hostPorts": _host_ports(sources.HOST_PORTS),
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m preflight.deploy_checks.generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing")
    args = parser.parse_args(argv)
    try:
        text = render(build())
    except SourceError as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if DATA_FILE.read_text() != text:
            print(
                f"generate: {DATA_FILE.name} is stale; run python -m preflight.deploy_checks.generate", file=sys.stderr
            )
            return 1
        return 0
    DATA_FILE.write_text(text)
    print(f"wrote {DATA_FILE} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
