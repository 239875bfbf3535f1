"""`StackGraph`: the one index of a stack that every policy reads, and the cache that builds it once per
AnalyzeStack call."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy.policy import _PolicyAnalyzerServicer

from .ecs import Ecs
from .endpoints import Endpoints
from .security_groups import SecurityGroups
from .snapshot import Snapshot


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


_ANALYZE_STACK = _PolicyAnalyzerServicer.AnalyzeStack.__code__
_lock = threading.Lock()
# One entry: (the AnalyzeStack request being served, or None; the stack's content key, or None; its index).
_last: tuple[Any, str | None, StackGraph] | None = None


def _serving_request() -> Any:
    """The AnalyzeStackRequest that pulumi_policy is serving when it calls this policy, or None.

    pulumi_policy's AnalyzeStack decodes `request.resources` anew for each stack policy it calls, so every policy
    gets new objects with the same content, and nothing it hands a policy tells two calls apart. The request
    itself does: one message per AnalyzeStack, unchanged while its policies run.
    """
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code is _ANALYZE_STACK:
            return frame.f_locals.get("request")
        frame = frame.f_back
    return None


def shared_graph(resources: Iterable[Any], stack_tags: Mapping[str, str] | None = None) -> StackGraph:
    """The index of this stack, built once for all the stack policies of one AnalyzeStack call.

    Under pulumi_policy's server the key is the request being served (kept alive with the index, so no other request
    can take its id), with the stack tags. Called any other way (tests, tools), the key is the stack's whole content
    (see `Snapshot`). Either way the same URNs with other properties get a new index. One entry is kept.
    """
    global _last
    tags = dict(stack_tags or {})
    request = _serving_request()
    with _lock:
        if request is not None:
            if _last is not None and _last[0] is request and _last[2].stack_tags == tags:
                return _last[2]
            graph = StackGraph(resources, tags)
            _last = (request, None, graph)
            return graph
        snap = Snapshot(resources, tags)
        if snap.key is not None and _last is not None and _last[1] == snap.key:
            return _last[2]
        graph = StackGraph(snap=snap)
        _last = (None, snap.key, graph) if snap.key is not None else _last
        return graph
