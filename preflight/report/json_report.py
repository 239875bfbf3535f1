"""The JSON report, for scripts and for `--compare` on the next run."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields
from typing import Any

from .model import Report, Resource

SCHEMA_VERSION = 2


def to_json(report: Report, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report as one JSON object. `extra` adds sections (cost, topology, comparison) computed by the caller."""
    document: dict[str, Any] = {
        "schemaVersion": SCHEMA_VERSION,
        "stack": report.stack,
        "mode": report.mode,
        "region": report.region,
        "pack": {"name": report.pack_name, "version": report.pack_version},
        "exitCode": report.exit_code,
        "counts": report.counts(),
        "timings": {key: round(value, 3) for key, value in report.timings.items()},
        "resources": [_resource(r, report.inputs.get(r.urn)) for r in report.resources],
        "violations": [asdict(v) for v in report.violations],
        "deployFindings": [asdict(f) for f in report.deploy_findings],
        "notApplicable": [{"policy": p, "reason": r} for p, r in report.not_applicable],
        "diagnostics": list(report.diagnostics),
    }
    document.update(extra or {})
    return document


_RESOURCE_FIELDS = tuple(f.name for f in fields(Resource))


def _resource(resource: Resource, inputs: dict[str, Any] | None) -> dict[str, Any]:
    """A resource's fields (what `asdict` gives for its flat fields, without its deep copy) and its inputs' hash."""
    return {**{name: getattr(resource, name) for name in _RESOURCE_FIELDS}, "inputsHash": inputs_hash(inputs)}


def inputs_hash(inputs: dict[str, Any] | None) -> str:
    """A short digest of a resource's recorded inputs: `--compare` calls a resource changed when it differs."""
    if inputs is None:
        return ""
    canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
