"""`pulumi.StackReference`: another stack's outputs, which the engine reads from the backend even during a preview.

Offline there is no backend: a reference's outputs are unknown unless `--stack-outputs FILE` gives them (a JSON object
of stack name, as the program passes it, to that stack's outputs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pulumi.runtime.rpc import UNKNOWN

from .errors import PreflightError
from .option_files import read_json

STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"


def load_stack_outputs(path: Path | None) -> dict[str, dict[str, Any]]:
    """Read `--stack-outputs`: {"org/project/stack": {"output": value, ...}, ...}."""
    if path is None:
        return {}
    document = read_json("--stack-outputs", path)
    if not isinstance(document, dict):
        raise PreflightError(f"--stack-outputs {path}: must hold a JSON object of stack names to their outputs")
    for stack, outputs in document.items():
        if not isinstance(outputs, dict):
            raise PreflightError(
                f"--stack-outputs {path}: {stack}: must be an object of output names to values, not {outputs!r}"
            )
    return document


def stack_reference_state(stack: str, known: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The state the engine's builtin provider reads for a StackReference (pulumi/pulumi pkg/resource/deploy/
    builtins.go: `name`, `outputs`, `secretOutputNames`); the outputs are unknown when not supplied."""
    outputs = known.get(stack)
    return {"name": stack, "outputs": UNKNOWN if outputs is None else outputs, "secretOutputNames": []}
