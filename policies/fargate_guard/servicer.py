"""The pack's analyzer: pulumi_policy's own gRPC servicer, except that AnalyzeStack decodes the stack once.

pulumi_policy 1.21 (`policy.py`, `_PolicyAnalyzerServicer.AnalyzeStack`) turns every resource of the request into a
`PolicyResource` once for each stack policy: `MessageToDict`, `deserialize_properties`, an unknown-checking proxy,
then parents and dependencies linked by URN. Every policy of this pack is a stack policy, so a 2,041-resource stack
was decoded 15 times, about 2 s of the pack's 2.2 s in AnalyzeStack. The policies only read the stack index, whose
rows are plain data (URNs and unwrapped properties), so one decoding straight to those rows serves them all.

`StackOnceServicer.AnalyzeStack` decodes the request's resources once into the index's rows (`decode.properties`,
equal to the library's decoding) and runs the library's own AnalyzeStack on the request without its resources while
`stack.serving` hands the rows to the policies. Levels, config, violations, not-applicable verdicts and the "can't
run during preview" diagnostics all stay the library's. A stack the fast path can't decode (a property the library
rejects) goes to the library's AnalyzeStack whole, so its answer, or its error, is the library's. `serve` starts the
pack with this servicer, as `PolicyPack` does; the tests hold its answers equal to the library servicer's.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import Any

from pulumi_policy import PolicyPack, StackValidationPolicy
from pulumi_policy import policy as sdk_policy

from .decode import properties
from .stack import serving
from .stack.snapshot import Row

_LibraryServicer = sdk_policy._PolicyAnalyzerServicer


class StackOnceServicer(_LibraryServicer):
    """The library's analyzer servicer, with the stack decoded once per AnalyzeStack call instead of per policy.

    Only when every stack policy of the pack reads the served stack (built by `stack_policy`): a stack policy written
    straight with pulumi_policy reads `args.resources`, so with one of those the library's own AnalyzeStack runs.
    """

    def __init__(self, name: str, version: str, policies: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(name, version, policies, *args, **kwargs)
        self.decodes_once = all(
            getattr(policy, "reads_served_stack", False)
            for policy in policies
            if isinstance(policy, StackValidationPolicy)
        )

    def AnalyzeStack(self, request: Any, context: Any) -> Any:
        if not self.decodes_once:
            return super().AnalyzeStack(request, context)
        with _collector_paused():
            try:
                rows = self.decode_stack(request)
            except Exception:
                # A value the library itself rejects (a NaN, a resource reference...): its own path answers, or
                # fails, as it would (and not at all when every stack policy is disabled: then it decodes nothing).
                return super().AnalyzeStack(request, context)
            with serving(rows):
                return super().AnalyzeStack(_without_resources(request), context)

    @staticmethod
    def decode_stack(request: Any) -> list[Row]:
        """The request's resources as the index's rows: what `Snapshot` reads from the resources the library builds
        for a stack policy (a parent or a dependency outside the stack is dropped, as the library drops it)."""
        urns = {r.urn for r in request.resources}
        return [
            Row(
                r.urn,
                r.type,
                r.name,
                r.parent if r.parent in urns else None,
                _links(r.propertyDependencies, urns),
                properties(r.properties),
            )
            for r in request.resources
        ]


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for one AnalyzeStack call. Decoding and indexing a stack allocate tens of
    thousands of dicts and lists, which set off a full collection that walks every object of the process: 15 to 20 ms
    of a 2,041-resource call. What the call leaves behind is collected by the first collection after it (about 5 ms).
    Left off if something else turned it off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _links(property_dependencies: Any, urns: set[str]) -> dict[str, list[str]]:
    """Each input's dependencies within the stack (most inputs have none). Read by key: a protobuf map's items() is
    a pure-Python view, several times slower."""
    links = {}
    for key in property_dependencies:
        deps = property_dependencies[key].urns
        links[key] = [urn for urn in deps if urn in urns] if deps else []
    return links


def _without_resources(request: Any) -> Any:
    """The request with no resources (copied only when it carries anything else, which this protocol doesn't yet)."""
    rest = type(request)()
    if any(field.name != "resources" for field, _ in request.ListFields()):
        rest.CopyFrom(request)
        rest.ClearField("resources")
    return rest


def serve(**pack: Any) -> None:
    """Serve a policy pack as `PolicyPack(**pack)` does (it checks its arguments, prints its port and blocks), with
    `StackOnceServicer` in place of the library's servicer. `PolicyPack` builds its servicer by that module-level
    name; a test checks that it still does."""
    sdk_policy._PolicyAnalyzerServicer = StackOnceServicer
    try:
        PolicyPack(**pack)
    finally:
        sdk_policy._PolicyAnalyzerServicer = _LibraryServicer
