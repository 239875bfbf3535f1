"""A stack's resources as plain rows, and a key that is equal only when two stacks hold the same content.

pulumi_policy builds the resource list anew for every stack policy of an AnalyzeStack call (new objects each time,
same content), so the list's identity can't tell whether two calls judge the same stack. The key is the whole stack
as JSON (URNs, types, names, parents, property dependencies and every property): encoding is done in C and is cheap
next to building the index, and the same URNs coming back with other properties give another key.

The pack's servicer decodes the engine's request straight to rows (`Snapshot.of_rows`): it builds one index per call
and needs no key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .values import plain, unproxied


@dataclass(frozen=True)
class Row:
    """One resource as plain data: its properties unwrapped, its links as URNs."""

    urn: str
    type: str
    name: str
    parent: str | None
    deps: dict[str, list[str]]
    props: dict


class Snapshot:
    """A stack's resources and tags, its content key, and its rows (decoded only when an index is built)."""

    def __init__(self, resources: Iterable[Any], stack_tags: Mapping[str, str] | None = None) -> None:
        self.stack_tags = dict(stack_tags or {})
        self._raw = [
            [
                r.urn,
                r.resource_type,
                r.name,
                getattr(r.parent, "urn", None),
                {k: [d.urn for d in v] for k, v in (r.property_dependencies or {}).items()},
                r.props,
            ]
            for r in resources
        ]
        try:
            self.key: str | None = json.dumps([self.stack_tags, self._raw], default=unproxied)
        except (TypeError, ValueError):
            self.key = None  # a property is no JSON value (an asset...): such a stack is never shared

    @classmethod
    def of_rows(cls, rows: list[Row], stack_tags: Mapping[str, str] | None = None) -> Snapshot:
        """A stack decoded to rows already (by the pack's servicer, for one AnalyzeStack call): no key."""
        snap = cls((), stack_tags)
        snap.key = None
        snap._rows = rows
        return snap

    _rows: list[Row] | None = None

    @property
    def rows(self) -> list[Row]:
        if self._rows is not None:
            return self._rows
        if self.key is None:
            return [Row(u, t, n, p, d, plain(props)) for u, t, n, p, d, props in self._raw]
        _, decoded = json.loads(self.key)  # plain copies of every property, made in C
        return [Row(*row) for row in decoded]
