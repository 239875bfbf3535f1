"""Files handed to preflight's options (`--policy-config`, `--stack-outputs`, `--traffic`, `--prices`, `--compare`).

Each is JSON; a file that can't be read or parsed is one line naming the option and the file (exit code 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import PreflightError

_NO_DEFAULT = object()


def read_json(option: str, path: Path, *, if_empty: Any = _NO_DEFAULT) -> Any:
    """The JSON document in `path`; `if_empty` (when given) for a file holding only white space."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise PreflightError(f"{option} {path}: cannot read it ({exc.strerror})") from None
    if if_empty is not _NO_DEFAULT and not text.strip():
        return if_empty
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PreflightError(f"{option} {path}: not valid JSON ({exc})") from None
