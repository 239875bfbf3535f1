"""Pulumi.yaml and stack files are read with libyaml when PyYAML has it, and give exactly what the pure loader gives:
the same values, and for a broken file the same one-line error (libyaml's own words differ)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from preflight import project
from preflight.errors import PreflightError

REPO = Path(__file__).resolve().parent.parent
STACK_FILES = sorted(REPO.glob("Pulumi*.yaml")) + sorted((REPO / "tests" / "fixtures").rglob("Pulumi*.yaml"))

# (document, the pure loader's words): libyaml words these differently, and reads the last two (a tab it takes as a
# space) where the pure loader refuses them.
BROKEN = [
    (
        "config:\n  a: [1, 2\n  b: 3\n",
        "line 3, column 4: expected ',' or ']', but got ':' (while parsing a flow sequence at line 2)",
    ),
    ("config:\n  a: b: c\n", "line 2, column 7: mapping values are not allowed here"),
    (
        "config:\n  a: 1\n b: 2\n",
        "line 3, column 2: expected <block end>, but found '<block mapping start>' "
        "(while parsing a block mapping at line 1)",
    ),
    (
        "- a\nb: 1\n",
        "line 2, column 1: expected <block end>, but found '?' (while parsing a block collection at line 1)",
    ),
    ("config:\n  a: *nope\n", "line 2, column 6: found undefined alias 'nope'"),
    (
        "config: {a: 1\n",
        "line 2, column 1: expected ',' or '}', but got '<stream end>' (while parsing a flow mapping at line 1)",
    ),
    ("config:\n\t- x\n", "line 2, column 1: found character '\\t' that cannot start any token"),
    (
        "config:\n  aws:region: eu-west-1 \t# a comment\n",
        "line 2, column 25: found character '\\t' that cannot start any token",
    ),
    ("config:\n  note: a\tb\n", "line 2, column 10: found character '\\t' that cannot start any token"),
]
# Documents whose values must be the pure loader's: YAML 1.1 scalars, anchors and merges, quoting and block scalars,
# and byte-order marks (libyaml reads one inside a document differently).
READABLE = [
    "config:\n  a: yes\n  b: off\n  c: 0o17\n  d: 017\n  e: 0x1f\n  f: 1e3\n  g: .inf\n  h: ~\n  i: 2001-12-14\n",
    "base: &b {x: 1, y: [a, b]}\nconfig:\n  <<: *b\n  z: !!str 12\n  w: !!binary aGk=\n",
    "config:\n  a\ufeffb: 1\n",
    "config:\n\ufeff  aws:region: us-east-1\n",
    "\ufeffconfig:\n  a: 1\n",
    "config:\n  s: 'it''s'\n  d: \"tab\\there \\u00e9\"\n  folded: >-\n    one\n    two\n  literal: |\n    x\n",
]


def _pure(text: str):
    return yaml.load(text, Loader=yaml.SafeLoader)


def test_the_files_are_read_with_libyaml_which_the_pinned_pyyaml_wheel_carries():
    assert yaml.__with_libyaml__  # PyYAML 6.0.4's wheels carry it; without it every file is read the slow way
    assert project._FAST_LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", STACK_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_stack_file_here_reads_as_the_pure_loader_reads_it(path):
    text = path.read_text()
    assert project._parse_yaml(text) == _pure(text)
    assert yaml.load(text, Loader=project._FAST_LOADER) == _pure(text)  # and libyaml itself read it


@pytest.mark.parametrize("text", READABLE)
def test_a_document_reads_as_the_pure_loader_reads_it(text):
    value = project._parse_yaml(text)
    assert value == _pure(text) and repr(value) == repr(_pure(text))


@pytest.mark.parametrize(("text", "words"), BROKEN)
def test_a_broken_file_gives_the_pure_loaders_words_and_position(tmp_path, text, words):
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(text)
    with pytest.raises(PreflightError) as caught:
        project._read_yaml(path, "stack file")
    assert caught.value.message == f"stack file {path} is not valid YAML: {words}"


def test_a_document_libyaml_refuses_is_read_by_the_pure_loader(monkeypatch):
    class Refusing(yaml.SafeLoader):
        def get_single_data(self):
            raise yaml.YAMLError("libyaml refused it")

    monkeypatch.setattr(project, "_FAST_LOADER", Refusing)
    assert project._parse_yaml("config:\n  a: 1\n") == {"config": {"a": 1}}
