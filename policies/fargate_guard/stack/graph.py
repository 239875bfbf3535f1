"""`StackGraph`: the one index of a stack that every policy reads, and the cache that builds it once per
AnalyzeStack call."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .ecs import Ecs
from .endpoints import Endpoints
from .security_groups import SecurityGroups
from .snapshot import Row, Snapshot


class StackGraph(Ecs, Endpoints, SecurityGroups):
    """A stack's resources indexed once, with routing, security groups, ECS and endpoint lookups."""

    def __init__(
        self,
        resources: Iterable[Any] = (),
        stack_tags: Mapping[str, str] | None = None,
        *,
        snap: Snapshot | None = None,
    ) -> None:
        super().__init__(snap if snap is not None else Snapshot(resources, stack_tags))


_lock = threading.Lock()
# One entry: (the stack's content key, its index), for calls from outside the pack's servicer.
_last: tuple[str, StackGraph] | None = None
_served = threading.local()


@contextlib.contextmanager
def serving(rows: list[Row]) -> Iterator[None]:
    """While the pack's servicer runs the stack policies of one AnalyzeStack call (on this thread): the stack they
    all judge, decoded once by the servicer into rows, and its indexes by stack tags."""
    _served.stack = (rows, {})
    try:
        yield
    finally:
        _served.stack = None


def shared_graph(resources: Iterable[Any], stack_tags: Mapping[str, str] | None = None) -> StackGraph:
    """The index of this stack, built once for all the stack policies of one AnalyzeStack call.

    Under the pack's servicer (`serving`), the stack is the one it decoded for the call, and the policies' own
    `resources` are empty. Called any other way (pulumi_policy's own servicer, tests, tools), the key is the stack's
    whole content (see `Snapshot`), so the same URNs with other properties get a new index; one entry is kept.
    """
    global _last
    tags = dict(stack_tags or {})
    served = getattr(_served, "stack", None)
    if served is not None:
        rows, graphs = served
        key = tuple(sorted(tags.items()))
        if key not in graphs:
            graphs[key] = StackGraph(snap=Snapshot.of_rows(rows, tags))
        return graphs[key]
    snap = Snapshot(resources, tags)
    with _lock:
        if snap.key is not None and _last is not None and _last[0] == snap.key:
            return _last[1]
        graph = StackGraph(snap=snap)
        if snap.key is not None:
            _last = (snap.key, graph)
        return graph
