"""One resource registration as the engine sees it: what the mock run records and what the analyzer is sent."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format, struct_pb2

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
    read: bool = False  # read with `Resource.get`: in the stack, but not analyzed as a change
    position: tuple[str, int] | None = None  # (absolute file, line) of the program line that declared it

    @functools.cached_property
    def input_values(self) -> dict[str, Any]:
        """The inputs as plain values (`json_format.MessageToDict`), decoded once for the deploy checks and the
        report. The recording monitor decodes them as it records (in preview it hands over the decoding it made for
        the planned outputs), so none is left for after the program, where the pack's AnalyzeStack runs beside it."""
        return json_format.MessageToDict(self.inputs)
