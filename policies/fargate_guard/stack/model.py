"""The resource model of the index: `Res` (a resource as plain data with links), `Refs`, and `Index`, the generic
lookups every concern builds on (by URN, by id/ARN, by type, reverse links, resolving inputs to resources).

In a first `pulumi preview` every id and ARN is unknown, so a policy that joins `subnet.vpcId == vpc.id` decides
nothing. The engine still tells us, for each top-level input, which resources its value came from
(`property_dependencies`). `Index` joins through those first and falls back to comparing ids and ARNs when they are
known (update mode, or references to resources outside the stack).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .snapshot import Snapshot
from .types import IMPLICIT_MAIN_RT, VPC, normalize_type
from .values import as_list, is_unknown, strings_in


@dataclass(eq=False)
class Res:
    """A resource of the stack, its inputs as plain data and its links as other `Res`."""

    urn: str
    type: str
    name: str
    props: dict
    deps: dict[str, list[Res]] = field(default_factory=dict)
    parent: Res | None = None

    def get(self, key: str, default: Any = None) -> Any:
        return self.props.get(key, default)

    def dep_types(self, key: str, *types: str) -> list[Res]:
        return [d for d in self.deps.get(key, []) if d.type in types]

    def tags(self) -> dict:
        """The known tags (`tags`, and the provider's `tagsAll` when known); unknown ones are left out."""
        out = {}
        for key in ("tagsAll", "tags"):
            tags = self.props.get(key)
            if isinstance(tags, dict):
                out.update({k: v for k, v in tags.items() if not is_unknown(v)})
        return out

    def tag(self, key: str) -> tuple[Any, bool]:
        """(the known value of tag `key` or None, whether it may still be set by a value unknown during preview).

        `tags` is what the program sets; `tagsAll` (tags plus the provider's default tags) is read when known.
        """
        value, unknown = None, False
        for prop in ("tags", "tagsAll"):
            tags = self.props.get(prop)
            if isinstance(tags, dict) and tags.get(key) is not None:
                if is_unknown(tags[key]):
                    unknown |= prop == "tags"
                elif value is None:
                    value = tags[key]
            elif prop == "tags" and is_unknown(tags):
                unknown = True
        return value, unknown and value is None

    @property
    def label(self) -> str:
        """How a message names a route table (the implicit main route table is no resource of the stack)."""
        return self.name if self.type == IMPLICIT_MAIN_RT else f"route table {self.name}"

    def __repr__(self) -> str:
        return f"Res({self.type}::{self.name})"


@dataclass
class Refs:
    """Resources a property points at, plus how many of its values could not be resolved (unknown or external)."""

    resources: list[Res]
    unresolved: list[str]


def unique(items: Iterable[Res]) -> list[Res]:
    """The resources in order, each once."""
    seen: set[str] = set()
    out = []
    for r in items:
        if r.urn not in seen:
            seen.add(r.urn)
            out.append(r)
    return out


class Index:
    """A stack indexed once (by URN, by id/ARN, by type, and reverse links), in time linear in its size."""

    def __init__(self, snap: Snapshot) -> None:
        self.stack_tags = snap.stack_tags
        self.all: list[Res] = []
        self.by_urn: dict[str, Res] = {}
        self.by_id: dict[str, Res] = {}
        self.by_type: dict[str, list[Res]] = defaultdict(list)
        rows = snap.rows
        for row in rows:
            res = Res(row.urn, normalize_type(row.type), row.name, row.props)
            self.all.append(res)
            self.by_urn[res.urn] = res
            self.by_type[res.type].append(res)
            for key in ("id", "arn"):
                value = res.props.get(key)
                if isinstance(value, str) and value and not is_unknown(value):
                    self.by_id[value] = res
        by_urn = self.by_urn
        for row, res in zip(rows, self.all, strict=True):
            res.parent = by_urn.get(row.parent or "")
            # Most inputs depend on nothing: their empty list is kept without a comprehension.
            res.deps = {k: [by_urn[u] for u in urns if u in by_urn] if urns else [] for k, urns in row.deps.items()}
        # A VPC's implicit resources (its main route table, its default SG): node type -> (the node of a VPC, the
        # nodes by the VPC's known ids of them). See `implicit_per_vpc`.
        self._implicit: dict[str, tuple[Callable[[Res], Res], dict[str, Res]]] = {}
        self._reverse: dict[tuple[str, str], list[Res]] = defaultdict(list)
        self._linked: set[tuple[int, str, int]] = set()
        for res in self.all:
            for key, targets in res.deps.items():
                for target in targets:
                    self.link(target, key, res)
            for key, value in res.props.items():
                if type(value) is str:  # most inputs are one string: no walk
                    if value in self.by_id:
                        self.link(self.by_id[value], key, res)
                    continue
                for v in strings_in(value):
                    if v in self.by_id:
                        self.link(self.by_id[v], key, res)

    def link(self, target: Res, key: str, source: Res) -> None:
        """Record that `source`'s top-level input `key` points at `target` (once)."""
        mark = (id(target), key, id(source))
        if mark not in self._linked:
            self._linked.add(mark)
            self._reverse[(target.urn, key)].append(source)

    def of_type(self, *types: str) -> list[Res]:
        return [r for t in types for r in self.by_type.get(t, [])]

    def referrers(self, target: Res, key: str, *types: str) -> list[Res]:
        """Resources of `types` whose top-level input `key` points at `target` (by dependency or by id)."""
        return [r for r in self._reverse.get((target.urn, key), []) if r.type in types]

    def implicit_per_vpc(self, node_type: str, node_of: Callable[[Res], Res], id_keys: tuple[str, ...]) -> None:
        """Index a resource AWS creates with every VPC (of type `node_type`, one node per VPC from `node_of`).

        A known id under one of the VPC's `id_keys` that is no resource of the stack names that node, and an unknown
        value that came from a VPC (`vpc.main_route_table_id`, `vpc.default_security_group_id`) may stand for it.
        """
        by_id: dict[str, Res] = {}
        for vpc in self.of_type(VPC):
            node = node_of(vpc)
            for key in id_keys:
                value = vpc.get(key)
                if isinstance(value, str) and value and not is_unknown(value) and value not in self.by_id:
                    by_id[value] = node
        self._implicit[node_type] = (node_of, by_id)

    def resolve_extra(self, value: str, types: tuple[str, ...]) -> Res | None:
        """A known id that is no resource of the stack but still names a VPC's implicit node."""
        for node_type, (_, by_id) in self._implicit.items():
            if node_type in types and value in by_id:
                return by_id[value]
        return None

    def extra_candidates(self, res: Res, key: str, types: tuple[str, ...]) -> list[Res]:
        """Nodes an unknown value of `key` may stand for besides the key's dependencies: the implicit nodes of the
        VPCs the value came from."""
        vpcs = res.dep_types(key, VPC)
        return unique(
            node_of(vpc) for node_type, (node_of, _) in self._implicit.items() if node_type in types for vpc in vpcs
        )

    def refs(self, res: Res, key: str, values: Any, *types: str) -> Refs:
        """Resolve `values` (ids/ARNs, possibly unknown), found under top-level input `key`, to resources of `types`.

        Known values resolve by id/ARN. Unknown values resolve through the key's property dependencies of the right
        type not matched yet (all of them: the engine only tells which resources the key's value came from).
        """
        values = [v for v in as_list(values) if v is not None]
        found: list[Res] = []
        unresolved: list[str] = []
        unknown = 0
        for v in values:
            if is_unknown(v):
                unknown += 1
            elif isinstance(v, str) and v in self.by_id and self.by_id[v].type in types:
                found.append(self.by_id[v])
            elif isinstance(v, str) and (extra := self.resolve_extra(v, types)) is not None:
                found.append(extra)
            else:
                unresolved.append(str(v))
        if unknown:
            # An unknown value came from one of the key's dependencies; with as many candidates as unknowns (or a
            # whole list unknown) they are exactly those resources.
            candidates = [d for d in res.dep_types(key, *types) if d not in found]
            if len(candidates) < unknown:
                candidates += [t for t in self.extra_candidates(res, key, types) if t not in found + candidates]
            found.extend(candidates)
            if len(candidates) < unknown and not (len(values) == 1 and candidates):
                unresolved.extend(["<unknown>"] * (unknown - len(candidates)))
        return Refs(unique(found), unresolved)

    def ref(self, res: Res, key: str, *types: str) -> Res | None:
        """The single resource a scalar top-level input points at, or None."""
        refs = self.refs(res, key, res.get(key), *types)
        if refs.resources:
            return refs.resources[0]
        deps = res.dep_types(key, *types)
        return deps[0] if len(deps) == 1 else None
