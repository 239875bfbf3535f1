"""The preflight report (model.py) and one renderer per format: text, JSON, SARIF, Markdown.

Topology (topology.py, drawn by mermaid.py) and cost (cost.py, priced from aws_prices.json) are report sections built
from the recorded resources; `--compare` (compare.py) sets this run against the base branch's JSON report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compare import Comparison, compare, load_base
from .cost import CostReport, Traffic, estimate_cost, load_prices, load_traffic
from .json_report import to_json
from .markdown import render_markdown
from .mermaid import Diagram, render_mermaid
from .model import LEVEL_ORDER, Report, Resource, Violation, split_position
from .sarif import to_sarif
from .text import render_text, summary
from .topology import Topology, build_topology

FORMATS = ("text", "json", "sarif", "markdown")

__all__ = [
    "FORMATS",
    "LEVEL_ORDER",
    "Options",
    "Report",
    "Resource",
    "Sections",
    "Violation",
    "load_base",
    "load_traffic",
    "render",
    "render_text",
    "sections",
    "split_position",
    "summary",
    "to_json",
    "to_sarif",
]


@dataclass
class Options:
    """What the sections need beyond the report: traffic assumptions, a price override, the base report."""

    traffic: Traffic = field(default_factory=Traffic)
    prices: Path | None = None
    base: dict[str, Any] | None = None


@dataclass
class Sections:
    topology: Topology
    diagram: Diagram
    cost: CostReport
    comparison: Comparison | None


def sections(report: Report, options: Options | None = None) -> Sections:
    options = options or Options()
    topology = build_topology(report)
    prices, date, note = load_prices(report.region, options.prices)
    cost = estimate_cost(topology, prices, date, options.traffic)
    if note:
        cost.notes.append(note)
    comparison = compare(report, options.base, cost.current.total) if options.base is not None else None
    return Sections(topology, render_mermaid(topology), cost, comparison)


def render(report: Report, fmt: str, options: Options | None = None, built: Sections | None = None) -> str:
    """The report in `fmt`. JSON and Markdown carry the topology, cost and (with a base) comparison sections."""
    if fmt == "sarif":
        return json.dumps(to_sarif(report), indent=2) + "\n"
    if fmt == "text":
        return render_text(report)
    built = built or sections(report, options)
    if fmt == "markdown":
        return render_markdown(report, diagram=built.diagram, cost=built.cost, comparison=built.comparison)
    extra: dict[str, Any] = {"topology": built.topology.to_json(), "cost": built.cost.to_json()}
    if built.comparison is not None:
        extra["comparison"] = built.comparison.to_json()
    return json.dumps(to_json(report, extra), indent=2) + "\n"
