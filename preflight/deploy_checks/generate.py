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
import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import regex

from . import sources
from .sources import Model, Schema, Source, Stated

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


def _from_statement(ref: Stated) -> dict[str, Any]:
    where = ref.url
    if ref.doc is not None:
        _, _, documentation = _model_member(ref.doc)
        if _plain(ref.quote) not in _plain(documentation):
            raise SourceError(
                f"botocore {ref.doc.service} {ref.doc.shape}.{ref.doc.member} no longer says {ref.quote!r}"
            )
        version = importlib.metadata.version("botocore")
        documented = f"botocore {version} {ref.doc.service} {ref.doc.shape}.{ref.doc.member} documentation"
        where = f"{documented}; {ref.url}" if ref.url else documented
    return {**ref.rule, "summary": ref.summary, "source": f'AWS: "{ref.quote}" ({where})'}


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
