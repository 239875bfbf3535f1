"""Remote components seen through: a component library's model registers the children its plugin would register.

A remote component (`remote=True`, such as `awsx.ec2.Vpc`) is built by a provider plugin that preflight cannot run.
A `ComponentLibrary` models one such library: given the component's registration it registers, through the same
SDK and recording monitor, the real resources the plugin would register (types, names, parents, inputs,
dependencies, property dependencies) and returns the component's outputs computed from them. The generic runtime
knows only this interface; `preflight/awsx/` is one library.

How it fits the mock runtime: the SDK sends `RegisterResource` from an executor thread and waits for the answer,
while its asyncio loop stays free. The expansion runs on that loop (children are ordinary resource constructors,
parented to a stand-in carrying the component's URN), and the answer carries the outputs and their property
dependencies. An output never waits for a child's registration: a child's URN follows from its parent, type and
name, and its id and computed values from the fake provider (unknown in preview), so nothing can deadlock.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import pulumi
from google.protobuf import json_format
from pulumi.resource import DependencyProviderResource, DependencyResource
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockCallArgs
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from .positions import position_of

UNKNOWN = rpc.UNKNOWN
_SIG = rpc._special_sig_key
_SECRET = rpc._special_secret_sig
_RESOURCE = rpc._special_resource_sig


class Unmodelled(Exception):
    """The component, or one option it was given, is outside the library's model; the message names the option."""


@dataclass(frozen=True)
class Ref:
    """A resource reference passed as a component input (e.g. a target group): its URN and id ("" or the unknown
    sentinel when it is unknown, as in a first preview)."""

    urn: str
    id: str

    @property
    def known(self) -> bool:
        return bool(self.id) and self.id != UNKNOWN

    @property
    def type(self) -> str:
        return self.urn.split("::")[2].split("$")[-1]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _read(value: Any) -> tuple[Any, bool, bool, set[str]]:
    """A wire value as (plain value, known, secret, referenced URNs); unknowns stay the sentinel, refs become Ref."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET:
            inner, known, _, urns = _read(value.get("value"))
            return inner, known, True, urns
        if sig == _RESOURCE:
            ref = Ref(str(value.get("urn", "")), str(value.get("id", "")))
            # A reference is a known value (awsx's `pulumi.all` never unwraps a Resource), even while its id is not:
            # reading the id is what is unknown (`Ref.known`).
            return ref, True, False, {ref.urn}
        out, known, secret, urns = {}, True, False, set()
        for key, item in value.items():
            out[key], k, s, u = _read(item)
            known, secret, urns = known and k, secret or s, urns | u
        return out, known, secret, urns
    if isinstance(value, list):
        items = [_read(item) for item in value]
        urns = set().union(*(u for *_, u in items)) if items else set()
        return [v for v, *_ in items], all(k for _, k, _, _ in items), any(s for _, _, s, _ in items), urns
    return value, value != UNKNOWN, False, set()


def _wire(value: Any) -> Any:
    """A plain value with Refs replaced by ids, for an Output's value."""
    if isinstance(value, Ref):
        return value.id or UNKNOWN
    if isinstance(value, dict):
        return {key: _wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_wire(item) for item in value]
    return value


def _output(value: Any, known: bool, secret: bool, urns: set[str]) -> pulumi.Output:
    loop = asyncio.get_event_loop()

    def done(result: Any) -> asyncio.Future:
        future = loop.create_future()
        future.set_result(result)
        return future

    resources = {DependencyResource(urn) for urn in sorted(urns)}
    return pulumi.Output(resources, done(value if known else None), done(known), done(secret))


class _Parent(DependencyResource):
    """Stands in for the remote component as its children's parent: its URN, protect flag and providers."""

    def __init__(self, urn: str, protect: bool, providers: Mapping[str, str]) -> None:
        super().__init__(urn)
        self._protect = protect
        self._providers = {pkg: DependencyProviderResource(ref) for pkg, ref in providers.items()}
        self._aliases = []


@dataclass
class Child:
    """A child registered by an expansion: its resource, planned URN and the state the fake provider will give it."""

    resource: pulumi.Resource
    type: str
    name: str
    urn: str
    state: dict[str, Any]  # id and computed outputs in update mode; empty in preview

    def out(self, key: str = "id") -> ChildValue:
        return ChildValue(self, key)


@dataclass(frozen=True)
class ChildValue:
    """One output of a child, as a component output: its planned value, depending on the child's URN."""

    child: Child
    key: str


@dataclass
class RemoteComponent:
    """One remote registration being expanded: what the program passed, and the means to register children."""

    type: str
    name: str
    urn: str
    preview: bool
    region: str
    raw_inputs: dict[str, Any]
    property_dependencies: dict[str, list[str]]
    _fake: Any
    _monitor: Any
    _parent: _Parent | None = None
    children: list[Child] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    # ---- inputs --------------------------------------------------------------------------------------------------
    def _lookup(self, path: tuple[str | int, ...]) -> tuple[Any, bool, bool, set[str]]:
        value: Any = self.raw_inputs
        for key in path:
            if isinstance(key, int):
                value = value[key] if isinstance(value, list) and key < len(value) else None
            else:
                value = value.get(key) if isinstance(value, dict) else None
        plain, known, secret, urns = _read(value)
        return plain, known, secret, urns | set(self.property_dependencies.get(str(path[0]), []))

    def value(self, *path: str | int, default: Any = None) -> Any:
        """The plain value at `path` (Refs for resource references, UNKNOWN where unknown), or `default`."""
        plain = self._lookup(path)[0]
        return default if plain is None else plain

    def known(self, *path: str | int, default: Any = None) -> Any:
        """The value at `path`, which the model needs to decide the layout: an unknown one is outside the model."""
        plain, known, *_ = self._lookup(path)
        if not known:
            raise Unmodelled(f"{'.'.join(map(str, path))} is unknown while the program runs")
        return default if plain is None else plain

    def known_shape(self, *path: str | int) -> dict[str, Any]:
        """The object at `path` (empty when not given), whose keys the model reads to tell which options were given;
        its values may be unknown. An object unknown as a whole is outside the model."""
        plain = self.value(*path, default={})
        if not isinstance(plain, dict):
            raise Unmodelled(f"{'.'.join(map(str, path))} is unknown while the program runs")
        return plain

    def is_known(self, *path: str | int) -> bool:
        """Whether the value at `path` is known throughout, nested values included."""
        return self._lookup(path)[1]

    def urns(self, *path: str | int) -> set[str]:
        """The resources the value at `path` came from (references in it, and the input's property dependencies)."""
        return self._lookup(path)[3]

    def given(self, *path: str | int) -> bool:
        return self._lookup(path)[0] is not None

    def at(self, *path: str | int) -> pulumi.Output | None:
        """The input at `path` as an Output carrying the component input's dependencies; None when not given."""
        plain, known, secret, urns = self._lookup(path)
        if plain is None:
            return None
        return _output(_wire(plain), known, secret, urns)

    def ref_output(self, ref: Ref, key: str = "id") -> pulumi.Output:
        """A referenced resource's id (or an output the fake provider computes) as an Output depending on it."""
        if key == "id":
            return _output(ref.id, ref.known, False, {ref.urn})
        state = self._monitor.resources.get(ref.urn)
        value = state.state.get(key) if state is not None else None
        return _output(value, value is not None and not self.preview, False, {ref.urn})

    def output(self, value: Any, urns: set[str]) -> pulumi.Output:
        """A value the model computed, known, depending on the resources `urns`."""
        return _output(value, True, False, urns)

    def unknown(self, urns: set[str]) -> pulumi.Output:
        """A value the component computes from inputs unknown while the program runs: unknown, depending on `urns`."""
        return _output(None, False, False, urns)

    def planned(self, child: Child, key: str) -> Any:
        """A value the provider plans before creating the child, known in preview too (an auto-name)."""
        return self._fake.computed(child.type, child.name, {}, "")[key]

    # ---- children ------------------------------------------------------------------------------------------------
    def add(
        self,
        cls: Callable[..., pulumi.Resource],
        name: str,
        props: Mapping[str, Any],
        *,
        parent: Child | None = None,
        depends_on: tuple[Child, ...] = (),
        type_: str | None = None,
    ) -> Child:
        """Register `cls(name, **props)` as the plugin would, parented to `parent` (else the component)."""
        assert self._parent is not None
        opts = pulumi.ResourceOptions(
            parent=parent.resource if parent else self._parent,
            depends_on=[c.resource for c in depends_on] or None,
        )
        kwargs = {key: value for key, value in props.items() if value is not None}
        resource = cls(name, opts=opts, **kwargs)
        token = type_ or resource._type
        urn = self._monitor.make_urn(parent.urn if parent else self.urn, token, name)
        child = Child(resource, token, name, urn, self._planned_state(token, name, kwargs))
        self.children.append(child)
        return child

    def _planned_state(self, token: str, name: str, props: Mapping[str, Any]) -> dict[str, Any]:
        plain = {_camel(k): v for k, v in props.items() if _is_plain(v)}
        if self.preview:
            return plain
        resource_id = self._fake.fake_id(token, name)
        return {**plain, "id": resource_id, **self._fake.computed(token, name, plain, resource_id)}

    def invoke(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        """What the plugin's own invoke would get from the fake provider."""
        return self._fake.call(MockCallArgs(token, args, ""))

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.type} {self.name}: {message}")


def _is_plain(value: Any) -> bool:
    if isinstance(value, pulumi.Output | pulumi.Resource):
        return False
    if isinstance(value, dict):
        return all(_is_plain(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_is_plain(v) for v in value)
    return True


class ComponentLibrary(Protocol):
    """A model of one remote component library (its plugin's behaviour at one version)."""

    package: str  # the type tokens' package, e.g. "awsx"

    def version_note(self) -> str | None:
        """A diagnostic when the installed SDK of the library is not the modelled version, else None."""

    def invokes(self) -> Mapping[str, Callable[[Any, dict[str, Any]], dict[str, Any]]]:
        """The library's own invokes (token -> answer from the fake provider and the arguments)."""

    def expand(self, component: RemoteComponent) -> Mapping[str, Any]:
        """Register the children and return the component's outputs (ChildValue, Child, plain values).

        Raise Unmodelled(option) when the component or an option it was given is outside the model.
        """


def _collect(value: Any, preview: bool, urns: set[str]) -> Any:
    """A component output as a wire value: children become resource references, child values planned values."""
    if isinstance(value, Child):
        urns.add(value.urn)
        return {_SIG: _RESOURCE, "urn": value.urn, "id": value.state.get("id", "")}
    if isinstance(value, Ref):
        urns.add(value.urn)
        return value.id or UNKNOWN
    if isinstance(value, ChildValue):
        urns.add(value.child.urn)
        return UNKNOWN if preview else value.child.state.get(value.key, UNKNOWN)
    if isinstance(value, dict):
        return {key: _collect(item, preview, urns) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_collect(item, preview, urns) for item in value]
    return value


def _without_refs(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get(_SIG) == _RESOURCE:
            return value.get("id") or value["urn"]
        return {key: _without_refs(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_refs(item) for item in value]
    return value


LibraryLoader = Callable[[], "ComponentLibrary | None"]


class RemoteExpander:
    """Held by the recording monitor: finds the library for a remote registration and runs its expansion.

    Libraries come as loaders by package, and each is loaded when a program first registers one of its components
    or calls one of its invokes: a program that uses no awsx doesn't import preflight's model of it.
    """

    def __init__(self, libraries: Mapping[str, LibraryLoader], fake: Any, region: str, diagnostics: list[str]) -> None:
        self._loaders = dict(libraries)
        self._loaded: dict[str, ComponentLibrary | None] = {}
        self._lock = threading.Lock()
        self.fake, self.region, self.diagnostics = fake, region, diagnostics
        self.loop: asyncio.AbstractEventLoop | None = None  # the SDK's loop, set when a program starts
        self.positions: dict[str, Any] = {}  # child URN -> the program position of the component that made it
        self._noted: set[str] = set()

    def library(self, token: str) -> ComponentLibrary | None:
        """The library of a type or invoke token's package (`awsx:ec2:Vpc` -> awsx), loaded on first use."""
        package = token.split(":")[0]
        if package not in self._loaders:
            return None
        with self._lock:
            if package not in self._loaded:
                self._loaded[package] = self._loaders[package]()
            return self._loaded[package]

    def invoke(self, token: str) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
        """The answer to a library's own invoke (such as awsx:ec2:getDefaultVpc), or None."""
        library = self.library(token)
        answer = library.invokes().get(token) if library is not None else None
        if answer is None:
            return None
        return lambda args: answer(self.fake, args)

    def expand(
        self, monitor: Any, request: Any, recorded_inputs: Any = None
    ) -> tuple[resource_pb2.RegisterResourceResponse | None, str]:
        """(response, "") when a library modelled the registration, else (None, why it is outside any model).

        The model reads `request` as sent (resource references included); `recorded_inputs` is what the recording
        keeps as the component's inputs (the engine's view), the request's own by default.
        """
        library = self.library(request.type)
        if library is None or self.loop is None:
            return None, ""
        note = library.version_note()
        if note and note not in self._noted:
            self._noted.add(note)
            self.diagnostics.append(note)
        urn = monitor.make_urn(request.parent, request.type, request.name)
        component = RemoteComponent(
            type=request.type,
            name=request.name,
            urn=urn,
            preview=monitor.preview,
            region=self.region,
            raw_inputs=json_format.MessageToDict(request.object),
            property_dependencies={key: list(deps.urns) for key, deps in request.propertyDependencies.items()},
            _fake=self.fake,
            _monitor=monitor,
        )
        outcome: dict[str, Any] = {}
        finished = threading.Event()
        position = self.positions.get(urn) or position_of(request)  # a nested component passes its own on

        def build() -> None:
            try:
                component._parent = _Parent(urn, request.protect, dict(request.providers))
                outcome["outputs"] = library.expand(component)
                # The children's registrations run on this loop once `build` returns, and may be recorded before
                # this method goes on: their positions must be known by then.
                if position is not None:
                    self.positions.update((child.urn, position) for child in component.children)
            except BaseException as exc:
                outcome["error"] = exc
            finally:
                finished.set()

        self.loop.call_soon_threadsafe(build)
        finished.wait()
        error = outcome.get("error")
        if isinstance(error, Unmodelled):
            if component.children:  # a model decides before it registers anything; never leave half a component
                raise RuntimeError(f"{request.type} {request.name}: children registered before {error}")
            return None, str(error)
        if error is not None:
            raise error
        self.diagnostics.extend(component.warnings)
        # Children that outputs refer to are readable (`getResource`) as soon as the program sees the reference.
        for child in component.children:
            monitor.resources[child.urn] = monitor.ResourceRegistration(
                child.urn, child.state.get("id", ""), child.state
            )
        outputs, dependencies = {}, {}
        for key, value in outcome["outputs"].items():
            urns: set[str] = set()
            outputs[key] = _collect(value, monitor.preview, urns)
            if urns:
                dependencies[key] = resource_pb2.RegisterResourceResponse.PropertyDependencies(urns=sorted(urns))
        _ensure_event_loop()
        state = _sync_await(rpc.serialize_properties(outputs, {}))
        monitor.resources[urn] = monitor.ResourceRegistration(urn, "", outputs)
        # The engine hands a policy pack resource references as their ids (URNs when the id is unknown).
        recorded = _sync_await(rpc.serialize_properties(_without_refs(outputs), {}))
        inputs = request.object if recorded_inputs is None else recorded_inputs
        monitor._record(request, urn, inputs=inputs, outputs=recorded, custom=False)
        return resource_pb2.RegisterResourceResponse(urn=urn, object=state, propertyDependencies=dependencies), ""
