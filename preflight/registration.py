"""One resource registration as the engine sees it: what the mock run records and what the analyzer is sent."""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf import struct_pb2

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
