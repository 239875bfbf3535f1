"""Run a Python Pulumi program in-process under Pulumi's mock runtime and record every registration.

The recording monitor sees each `RegisterResource` request exactly as the engine would: type, name, parent URN,
the input properties (unknown values carry the SDK's unknown sentinel), dependencies and property dependencies.
"""

from __future__ import annotations

import logging
import os
import runpy
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
from google.protobuf import struct_pb2
from pulumi.runtime import mocks, settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import wait_for_rpcs
from pulumi.runtime.sync_await import _sync_await

from .errors import PreflightError
from .fakes import FakeAws
from .project import Project

STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass
class Registration:
    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    inputs: struct_pb2.Struct
    outputs: struct_pb2.Struct
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]


@dataclass
class ProgramRun:
    registrations: list[Registration]
    diagnostics: list[str] = field(default_factory=list)


class RecordingMonitor(mocks.MockMonitor):
    """A mock resource monitor that keeps every registration request, in order."""

    def __init__(self, fake: mocks.Mocks, preview: bool) -> None:
        super().__init__(fake)
        self.preview = preview
        self.registrations: list[Registration] = []

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        # In preview the mock's state is the inputs with unknowns dropped; the request keeps them unknown.
        outputs = request.object if self.preview or request.type == STACK_TYPE else response.object
        self.registrations.append(
            Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=request.custom,
                inputs=request.object,
                outputs=outputs,
                dependencies=list(request.dependencies),
                property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
            )
        )
        return response


class _CollectingHandler(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(level=logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(f"program {record.levelname.lower()}: {record.getMessage()}")


def _program_location(exc: BaseException, project_dir: Path) -> str:
    """file:line of the innermost frame that belongs to the program (not to the SDK or preflight)."""
    location = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(project_dir) and "site-packages" not in path.parts:
            location = f"{path.relative_to(project_dir)}:{frame.lineno}"
    return location


def _program_failure(exc: BaseException, project: Project) -> PreflightError:
    detail = "".join(traceback.format_exception(exc))
    if isinstance(exc, pulumi.RunError):  # the SDK's "user error": shown without a traceback by the real CLI
        return PreflightError(f"program failed: {exc}", detail=detail)
    if isinstance(exc, SystemExit):
        return PreflightError(f"program exited with status {exc.code}", detail=detail)
    where = _program_location(exc, project.directory)
    suffix = f" (at {where})" if where else ""
    return PreflightError(f"program failed: {type(exc).__name__}: {exc}{suffix}", detail=detail)


def _unload_program_modules(project_dir: Path, before: set[str]) -> None:
    """Forget modules the program imported from its own tree, so the next run imports them afresh."""
    for name in set(sys.modules) - before:
        module_file = getattr(sys.modules.get(name), "__file__", None)
        if module_file and Path(module_file).resolve().is_relative_to(project_dir):
            del sys.modules[name]


def run_program(project: Project, stack: str, preview: bool) -> ProgramRun:
    diagnostics: list[str] = []

    def unknown_invoke(token: str) -> None:
        message = f"invoke {token} is not simulated by preflight; the program got an empty result"
        if message not in diagnostics:
            diagnostics.append(message)

    fake = FakeAws(region=project.region, preview=preview, on_unknown_invoke=unknown_invoke)
    monitor = RecordingMonitor(fake, preview=preview)
    logger = logging.getLogger(f"preflight.program.{id(monitor)}")
    logger.propagate = False
    logger.addHandler(_CollectingHandler(diagnostics))

    entry = project.main / "__main__.py" if project.main.is_dir() else project.main
    saved_path, saved_cwd, saved_modules = list(sys.path), os.getcwd(), set(sys.modules)
    settings.ROOT.set(None)  # a fresh root stack resource for every run in this process
    mocks.set_mocks(
        fake,
        project=project.name,
        stack=stack,
        preview=preview,
        logger=logger,
        monitor=monitor,
        organization="organization",
    )
    set_all_config(dict(project.config.values), list(project.config.secret_keys))
    sys.path.insert(0, str(entry.parent))
    os.chdir(entry.parent)
    try:
        runpy.run_path(str(entry), run_name="__main__")
        _sync_await(wait_for_rpcs())
    except (Exception, SystemExit) as exc:  # every program failure becomes one clear message
        raise _program_failure(exc, project) from None
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        _unload_program_modules(project.directory, saved_modules)
    return ProgramRun(registrations=monitor.registrations, diagnostics=diagnostics)
