"""Run a Python Pulumi program in-process under Pulumi's mock runtime and record every registration.

The recording monitor sees each `RegisterResource` request exactly as the engine would: type, name, parent URN,
the input properties (unknown values carry the SDK's unknown sentinel), dependencies and property dependencies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import runpy
import sys
import traceback
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pulumi
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import mocks, settings
from pulumi.runtime import resource as sdk_resource
from pulumi.runtime.config import set_all_config
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.rpc import UNKNOWN
from pulumi.runtime.stack import wait_for_rpcs
from pulumi.runtime.sync_await import _sync_await

from .errors import PreflightError
from .fakes import FakeAws
from .positions import position_of, program_stack_trace
from .project import Project
from .registration import STACK_TYPE, Registration
from .remote import ComponentLibrary, LibraryLoader, RemoteExpander
from .stack_references import STACK_REFERENCE_TYPE, stack_reference_state

T = TypeVar("T")
# A resource reference as the SDK serializes it when the monitor supports them (as Pulumi's mock monitor does):
# {SIG_KEY: RESOURCE_SIG, "urn": ..., "id": ...} (pulumi/pulumi sdk/go/common/resource/properties.go).
SIG_KEY = "4dabf18193072939515e22adb298388d"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_RESOURCE_SIG_BYTES = RESOURCE_SIG.encode()
_UNKNOWN_BYTES = UNKNOWN.encode()
_PROGRAM_LOG = logging.getLogger("preflight.program")
_PROGRAM_LOG.propagate = False


@dataclass
class ProgramRun:
    registrations: list[Registration]
    diagnostics: list[str] = field(default_factory=list)


def _reference_value(reference: struct_pb2.Struct) -> str:
    """What the engine sends an analyzer (or a provider) for a resource reference: it marshals with KeepResources
    off, so a custom resource becomes its id (unknown while the id is) and a component its URN (pulumi/pulumi
    sdk/go/common/resource/plugin/rpc.go, MarshalPropertyValue; pkg/resource/plugin/analyzer_plugin.go)."""
    fields = reference.fields
    if "id" not in fields:
        return fields["urn"].string_value
    resource_id = fields["id"].string_value
    return resource_id or UNKNOWN  # "" or the unknown sentinel: not created yet


def _replace_references(value: struct_pb2.Value) -> None:
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        fields = value.struct_value.fields
        if SIG_KEY in fields and fields[SIG_KEY].string_value == RESOURCE_SIG:
            value.string_value = _reference_value(value.struct_value)
            return
        for item in fields.values():
            _replace_references(item)
    elif kind == "list_value":
        for item in value.list_value.values:
            _replace_references(item)


def without_resource_references(properties: struct_pb2.Struct) -> struct_pb2.Struct:
    """`properties` with every resource reference replaced as the engine does; the same object if it has none."""
    if _RESOURCE_SIG_BYTES not in properties.SerializeToString():
        return properties
    out = struct_pb2.Struct()
    out.CopyFrom(properties)
    for value in out.fields.values():
        _replace_references(value)
    return out


# The SDK's mocks give every worker thread that registers, reads or invokes an event loop of its own and never close
# it. Left to the interpreter's shutdown, such a loop can be finalized after its self-pipe socket, and asyncio then
# prints an "Invalid file descriptor" traceback after preflight's last line. `close_worker_loops` closes them.
_WORKER_LOOPS: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()


def _note_worker_loop() -> None:
    with contextlib.suppress(RuntimeError):
        _WORKER_LOOPS.add(asyncio.get_event_loop())


def close_worker_loops() -> None:
    """Close the event loops the mocks made for their worker threads; call it once no program runs in this process."""
    for loop in list(_WORKER_LOOPS):
        if not loop.is_running() and not loop.is_closed():
            loop.close()


class RecordingMonitor(mocks.MockMonitor):
    """A mock resource monitor that keeps every registration request, in order."""

    def __init__(
        self,
        fake: FakeAws,
        preview: bool,
        diagnostics: list[str],
        stack_outputs: dict[str, dict[str, Any]] | None = None,
        on_record: Callable[[Registration], None] | None = None,
        libraries: Mapping[str, LibraryLoader] | None = None,
    ) -> None:
        super().__init__(fake)
        self.preview = preview
        self.diagnostics = diagnostics
        self.stack_outputs = stack_outputs or {}
        self.on_record = on_record
        self.registrations: list[Registration] = []
        # Remote components a library models (awsx) get their children; others keep the diagnostic below.
        self.remote = RemoteExpander(libraries or {}, fake, fake.region, diagnostics)
        fake.answer_library_invokes(self.remote.invoke)

    def _record(
        self, request, urn: str, *, inputs, outputs, custom: bool, read: bool = False, input_values=None
    ) -> None:
        property_dependencies = getattr(request, "propertyDependencies", {})  # a read request has none
        registration = Registration(
            urn=urn,
            type=request.type,
            name=request.name,
            parent=request.parent,
            custom=custom,
            inputs=inputs,
            outputs=outputs,
            dependencies=list(request.dependencies),
            property_dependencies={k: list(v.urns) for k, v in property_dependencies.items()},
            read=read,
            # A remote component's modelled children were declared by the program line of the component.
            position=self.remote.positions.get(urn) or position_of(request),
        )
        # Decoded as recorded, so none is left for after the program; or the decoding already made of these inputs.
        registration.input_values = json_format.MessageToDict(inputs) if input_values is None else input_values
        self.registrations.append(registration)
        if self.on_record is not None:
            self.on_record(registration)

    def RegisterResource(self, request):
        properties = without_resource_references(request.object)
        outside_model = ""
        if request.remote:
            expanded, outside_model = self.remote.expand(self, request, recorded_inputs=properties)
            if expanded is not None:
                return expanded
        if properties is not request.object:
            # The mocks would rebuild each referenced resource (in a loop that never runs); the engine and its
            # providers see the id or URN instead.
            request = _with_object(request, properties)
        response = super().RegisterResource(request)
        _note_worker_loop()
        if request.remote:
            self.diagnostics.append(
                f"{request.type} {request.name} is a remote component: a plugin preflight cannot run builds its "
                "children, so no policy sees them" + (f" ({outside_model})" if outside_model else "")
            )
        outputs = response.object
        input_values = None
        if self.preview and request.custom:
            # The mock's state dropped the unknown inputs; the engine's planned outputs are the inputs (unknowns
            # kept) plus an unknown for every output AWS computes, such as the id and ARN.
            outputs = struct_pb2.Struct()
            outputs.CopyFrom(request.object)
            input_values = json_format.MessageToDict(request.object)
            outputs.update(self.mocks.preview_outputs(request.type, request.name, input_values))
        elif request.type == STACK_TYPE or self.preview:
            outputs = request.object
        elif _UNKNOWN_BYTES in request.object.SerializeToString():
            # An update with an input still unknown (from a stack reference preflight can't read): the mocks saw it
            # as None and dropped it; the output echoes the input, so it stays unknown.
            outputs = _with_unknown_inputs(response.object, request.object)
        self._record(
            request,
            response.urn,
            inputs=request.object,
            outputs=outputs,
            custom=request.custom,
            input_values=input_values,
        )
        return response

    def Invoke(self, request):
        response = super().Invoke(request)
        _note_worker_loop()
        return response

    def ReadResource(self, request):
        if request.type == STACK_REFERENCE_TYPE:
            response, state = self._read_stack_reference(request)
        else:
            response = super().ReadResource(request)
            _note_worker_loop()
            state = without_resource_references(response.properties)
        self._record(request, response.urn, inputs=state, outputs=state, custom=True, read=True)
        return response

    def _read_stack_reference(self, request) -> tuple[Any, struct_pb2.Struct]:
        """The engine reads another stack's outputs from the backend; offline they come from --stack-outputs, or
        are unknown: the response says so (`unknown`), which the SDK honours in an update too."""
        stack = request.properties.fields["name"].string_value
        state = struct_pb2.Struct()
        state.update(stack_reference_state(stack, self.stack_outputs))
        urn = self.make_urn(request.parent, request.type, request.name)
        if stack in self.stack_outputs:
            return resource_pb2.ReadResourceResponse(urn=urn, properties=state, id=stack), state
        message = (
            f"stack reference {stack}: its outputs are unknown offline; give them with --stack-outputs FILE "
            "(a JSON object of stack name to outputs)"
        )
        if message not in self.diagnostics:
            self.diagnostics.append(message)
        properties = struct_pb2.Struct()
        properties.update({"name": stack})
        return resource_pb2.ReadResourceResponse(urn=urn, properties=properties, id=stack, unknown=True), state


def _with_unknown_inputs(outputs: struct_pb2.Struct, inputs: struct_pb2.Struct) -> struct_pb2.Struct:
    merged = struct_pb2.Struct()
    merged.CopyFrom(outputs)
    for key, value in inputs.fields.items():
        if _UNKNOWN_BYTES in value.SerializeToString():
            merged.fields[key].CopyFrom(value)
    return merged


def _with_object(request: Any, properties: struct_pb2.Struct) -> Any:
    copy = type(request)()
    copy.CopyFrom(request)
    copy.object.CopyFrom(properties)
    return copy


class _CollectingHandler(logging.Handler):
    """Program log lines at warning and above become diagnostics; errors are also kept, since they fail a run."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(level=logging.WARNING)
        self.sink = sink
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(f"program {record.levelname.lower()}: {record.getMessage()}")
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())


class ProgramLoggedError(Exception):
    """The program logged an error: the real CLI fails the preview or update, and so does preflight."""


def _exception_chain(exc: BaseException) -> list[BaseException]:
    """The exception, then what caused it. The SDK re-raises a failed RPC with itself as its cause, so the cause it
    wrapped survives only as `__context__`: both links are followed, each exception once."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        cause = current.__cause__ if current.__cause__ is not current else None
        current = cause or current.__context__
    return chain


def _origin(chain: list[BaseException]) -> BaseException:
    """The error to show: descend while an exception only wraps its cause, repeating its text (as the SDK's "While
    processing resource ... has risen: <cause>" does); an exception with a message of its own stops the descent."""
    origin = chain[0]
    for cause in chain[1:]:
        if str(cause) not in str(origin):
            break
        origin = cause
    return origin


def _program_location(chain: list[BaseException], project_dir: Path) -> str:
    """file:line of the innermost frame that belongs to the program (not to the SDK or preflight), in the first
    exception of the chain that has one (an error in an `apply` callback has it only in the error it caused)."""
    for link in chain:
        location = ""
        for frame in traceback.extract_tb(link.__traceback__):
            path = Path(frame.filename).resolve()
            if _is_program_file(path, project_dir):
                location = f"{path.relative_to(project_dir)}:{frame.lineno}"
        if location:
            return location
    return ""


def _program_failure(exc: BaseException, project: Project) -> PreflightError:
    detail = "".join(traceback.format_exception(exc))
    if isinstance(exc, pulumi.RunError):  # the SDK's "user error": shown without a traceback by the real CLI
        return PreflightError(f"program failed: {' '.join(str(exc).split())}", detail=detail)
    if isinstance(exc, ProgramLoggedError):
        return PreflightError(f"program logged an error: {exc}", detail=detail)
    if isinstance(exc, SystemExit):
        return PreflightError(f"program exited with status {exc.code}", detail=detail)
    chain = _exception_chain(exc)
    origin = _origin(chain)
    where = _program_location([origin, *chain], project.directory)
    suffix = f" (at {where})" if where else ""
    text = " ".join(str(origin).split())  # one line
    return PreflightError(f"program failed: {type(origin).__name__}: {text}{suffix}", detail=detail)


_PREFLIGHT_DIR = Path(__file__).resolve().parent


def _is_program_file(path: Path, project_dir: Path) -> bool:
    """A file of the program itself: under its directory, but not in a virtualenv kept there (e.g. .venv), nor
    preflight's own (a program in preflight's checkout, such as this repo's stack, while a model loads lazily)."""
    return (
        path.is_relative_to(project_dir)
        and "site-packages" not in path.parts
        and not path.is_relative_to(_PREFLIGHT_DIR)
    )


def _unload_program_modules(project_dir: Path, before: set[str]) -> None:
    """Forget modules the program imported from its own tree, so the next run imports them afresh.

    Installed packages (the SDK, providers) stay loaded: a provider module registers its package once per process.
    """
    for name in set(sys.modules) - before:
        module_file = getattr(sys.modules.get(name), "__file__", None)
        if not module_file or "site-packages" in module_file:  # an installed package (most of them): no resolve
            continue
        if _is_program_file(Path(module_file).resolve(), project_dir):
            del sys.modules[name]


@contextlib.contextmanager
def _cheap_source_positions() -> Iterator[None]:
    """Replace the SDK's per-resource stack walk with preflight's one-frame walk (preflight/positions.py).

    The SDK formats the whole stack for every resource, about a tenth of the time a large program takes under
    mocks; the request's sourcePosition only needs the program's frame. Restored afterwards; a no-op if a future
    SDK renames the hook.
    """
    original = getattr(sdk_resource, "_get_stack_trace", None)
    if original is None:
        yield
        return
    sdk_resource._get_stack_trace = program_stack_trace
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = original


def component_libraries() -> dict[str, LibraryLoader]:
    """The remote component libraries preflight models, by package, each loaded when a program first uses it."""

    def awsx() -> ComponentLibrary | None:
        try:
            from .awsx import AwsxLibrary  # the model registers pulumi_aws resources
        except ImportError:  # no pulumi_aws installed: the program can't use awsx either
            return None
        return AwsxLibrary()

    return {"awsx": awsx}


class Recorder:
    """One mocked execution of Pulumi code: fake AWS, a recording monitor and the stack config, then `run`.

    `registrations` and `diagnostics` fill in as the code runs, so they can be read even when it raised.
    """

    def __init__(
        self,
        *,
        project: str,
        stack: str,
        region: str,
        preview: bool,
        config: dict[str, str] | None = None,
        secret_keys: list[str] | None = None,
        stack_outputs: dict[str, dict[str, Any]] | None = None,
        on_record: Callable[[Registration], None] | None = None,
    ) -> None:
        self.diagnostics: list[str] = []
        self.invokes: list[str] = []  # every invoke token the code called, in order
        self.unsimulated: list[str] = []  # the invokes among them that got an empty result, once each
        self.fake = FakeAws(region=region, preview=preview, on_invoke=self._on_invoke)
        self.monitor = RecordingMonitor(
            self.fake,
            preview=preview,
            diagnostics=self.diagnostics,
            stack_outputs=stack_outputs,
            on_record=on_record,
            libraries=component_libraries(),
        )
        self.project, self.stack, self.preview = project, stack, preview
        self.config, self.secret_keys = dict(config or {}), list(secret_keys or [])

    @property
    def registrations(self) -> list[Registration]:
        return self.monitor.registrations

    def _on_invoke(self, token: str, simulated: bool) -> None:
        self.invokes.append(token)
        if not simulated and token not in self.unsimulated:
            self.unsimulated.append(token)
            self.diagnostics.append(f"invoke {token} is not simulated by preflight; the program got an empty result")

    def blame_unsimulated(self, error: PreflightError, exc: BaseException) -> PreflightError:
        """A crash after an unsimulated invoke may be preflight's empty answer, not the program: say which."""
        if not self.unsimulated or isinstance(exc, pulumi.RunError | ProgramLoggedError):
            return error  # the program's own message, deliberately raised or logged
        tokens = ", ".join(self.unsimulated)
        return PreflightError(
            f"{error.message}; the program failed after {tokens}, which preflight does not simulate, "
            "returned an empty result",
            detail=error.detail,
        )

    def run(self, program: Callable[[], T]) -> T:
        """Run `program` under the mocks and wait for every registration. Its exceptions propagate as they are."""
        handler = _CollectingHandler(self.diagnostics)
        _PROGRAM_LOG.addHandler(handler)
        settings.ROOT.set(None)  # a fresh root stack resource for every run in this process
        mocks.set_mocks(
            self.fake,
            project=self.project,
            stack=self.stack,
            preview=self.preview,
            logger=_PROGRAM_LOG,
            monitor=self.monitor,
            organization="organization",
        )
        # The SDK keeps the first failed RPC of a run, and the run's output tasks, to await at the end; a run that
        # failed must not hand them to the next run in this process.
        settings._get_rpc_manager().clear()
        with settings.SETTINGS.lock:
            settings.SETTINGS.outputs.clear()
        set_all_config(self.config, self.secret_keys)
        self.monitor.remote.loop = asyncio.get_event_loop()  # remote expansions register children on the SDK's loop
        try:
            with _cheap_source_positions():
                result = program()
                _sync_await(wait_for_rpcs())
        finally:
            _PROGRAM_LOG.removeHandler(handler)
        if handler.errors:
            raise ProgramLoggedError(handler.errors[0])
        return result


def run_program(
    project: Project,
    stack: str,
    preview: bool,
    stack_outputs: dict[str, dict[str, Any]] | None = None,
    on_record: Callable[[Registration], None] | None = None,
) -> ProgramRun:
    """Run a project's program as `pulumi preview` (or `up`) would, from its `main`, and record it.

    `stack_outputs` gives the outputs of the stacks the program reads with `StackReference`; `on_record` is called
    with each registration as it is recorded (from the SDK's worker threads).
    """
    recorder = Recorder(
        project=project.name,
        stack=stack,
        region=project.region,
        preview=preview,
        config=project.config.values,
        secret_keys=project.config.secret_keys,
        stack_outputs=stack_outputs,
        on_record=on_record,
    )
    entry = project.main / "__main__.py" if project.main.is_dir() else project.main
    saved_path, saved_cwd, saved_modules = list(sys.path), os.getcwd(), set(sys.modules)
    sys.path.insert(0, str(entry.parent))
    os.chdir(entry.parent)
    try:
        recorder.run(lambda: runpy.run_path(str(entry), run_name="__main__"))
    except (Exception, SystemExit) as exc:  # every program failure becomes one clear message
        raise recorder.blame_unsimulated(_program_failure(exc, project), exc) from None
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        _unload_program_modules(project.directory, saved_modules)
    return ProgramRun(registrations=recorder.registrations, diagnostics=recorder.diagnostics)
