"""The preflight report (model.py) and one renderer per format: text, JSON, SARIF, Markdown."""

from __future__ import annotations

import json
from typing import Any

from .json_report import to_json
from .model import LEVEL_ORDER, Report, Resource, Violation, split_position
from .sarif import to_sarif
from .text import render_text, summary

FORMATS = ("text", "json", "sarif")

__all__ = [
    "FORMATS",
    "LEVEL_ORDER",
    "Report",
    "Resource",
    "Violation",
    "render",
    "render_text",
    "split_position",
    "summary",
    "to_json",
    "to_sarif",
]


def render(report: Report, fmt: str, extra: dict[str, Any] | None = None) -> str:
    """The report in `fmt`; `extra` holds JSON sections computed by the caller."""
    if fmt == "json":
        return json.dumps(to_json(report, extra), indent=2) + "\n"
    if fmt == "sarif":
        return json.dumps(to_sarif(report), indent=2) + "\n"
    return render_text(report)
