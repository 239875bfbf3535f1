"""Where a resource was declared: the program line that constructed it, found cheaply at registration time.

The SDK's own `_get_stack_trace` formats the whole stack (`traceback.extract_stack`, reading source lines) for every
resource. preflight needs only one frame: the first one outside the Pulumi SDK, installed packages and the standard
library. A user class's own `__init__` (a ComponentResource subclass, or a subclass of a provider resource) is skipped,
so a component's position is the line that declared the component, and its children's positions are the lines inside
the component that declared them.
"""

from __future__ import annotations

import os
import site
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pulumi
from pulumi.runtime.proto import source_pb2

# The standard library (where `os` lives; its compiled modules are under it), the installed packages (what sysconfig
# calls purelib and platlib: `site` has them without importing sysconfig), the SDK and preflight.
_PRECOMPUTED = sorted(
    {str(Path(p).resolve()) for p in (os.path.dirname(os.__file__), *site.getsitepackages())}
    | {str(Path(pulumi.__file__).resolve().parent), str(Path(__file__).resolve().parent)}
)
_LIBRARY_MARKERS = ("site-packages", "dist-packages")
_is_library_cache: dict[str, bool] = {}


def _is_library(filename: str) -> bool:
    """Installed code, the standard library, the Pulumi SDK or preflight itself: not the program."""
    known = _is_library_cache.get(filename)
    if known is None:
        if filename.startswith("<"):  # <frozen runpy>, <string>
            known = True
        else:
            path = str(Path(filename).resolve())
            known = any(marker in path for marker in _LIBRARY_MARKERS) or any(
                path == root or path.startswith(root + "/") for root in _PRECOMPUTED
            )
        _is_library_cache[filename] = known
    return known


def program_frame(depth: int = 1) -> tuple[str, int] | None:
    """(absolute file, line) of the program line constructing the resource being registered, or None.

    Walks up from the caller: the resource under construction is the `self` of the innermost `__init__` frame; frames
    in library code and frames of that resource's own constructors (user subclasses) are skipped.
    """
    frame = sys._getframe(depth + 1)
    resource = None
    while frame is not None:
        code = frame.f_code
        if _is_library(code.co_filename):
            if resource is None and code.co_name == "__init__" and code.co_varnames[:1] == ("self",):
                candidate = frame.f_locals.get("self")
                if isinstance(candidate, pulumi.Resource):
                    resource = candidate
        elif resource is None or code.co_varnames[:1] != ("self",) or frame.f_locals.get("self") is not resource:
            return str(Path(code.co_filename).resolve()), frame.f_lineno
        frame = frame.f_back
    return None


def program_stack_trace() -> source_pb2.StackTrace:
    """A drop-in for the SDK's `_get_stack_trace`: one frame, the program's, which the SDK sends as sourcePosition."""
    found = program_frame(depth=1)
    if found is None:
        return source_pb2.StackTrace()
    path, line = found
    position = source_pb2.SourcePosition(uri=Path(path).as_uri(), line=line)
    return source_pb2.StackTrace(frames=[source_pb2.StackFrame(pc=position)])


def position_of(request) -> tuple[str, int] | None:
    """(absolute file, line) from a RegisterResource / ReadResource request's sourcePosition, if it carries one."""
    if not request.HasField("sourcePosition") or not request.sourcePosition.uri.startswith("file://"):
        return None
    path = unquote(urlparse(request.sourcePosition.uri).path)
    if _is_library(path):  # e.g. the stack resource, which the SDK itself constructs
        return None
    return path, request.sourcePosition.line
