"""A resource's properties decoded from the engine's `Struct` in one pass, equal to what pulumi_policy gives a policy.

pulumi_policy 1.21 (`policy.py`) decodes properties as `deserialize_properties(json_format.MessageToDict(struct))`:
protobuf's generic JSON printer (a method lookup, a descriptor lookup and a type switch for every value), then a
second walk that resolves the engine's signature objects (secrets, assets, archives). For a 2,041-resource stack the
two take about 60 ms, on the path a user waits on after the program ends.

`properties` reads the `Struct` directly and gives the same values, in the same key order:
- protobuf 5.29's `MessageToDict` (json_format `_ValueMessageToJsonObject`) gives a `number_value` as the float it
  holds (80 stays 80.0), `null_value` or an unset value as None, strings, bools, lists and dicts as they are;
- a top-level property is never read as a signature object (`deserialize_properties` does not check the top level),
  a nested object with the signature key is;
- whatever is not plain JSON goes to the library itself, so its answer (or its error) is the library's by
  construction: a signature object (a secret, an asset, an archive, or a signature the library rejects, such as a
  resource reference) is decoded by `deserialize_properties`' own code, and a NaN or infinite number is printed by
  `MessageToDict`, which raises its ValueError.

tests/test_policy_decode.py holds `properties` equal to the library's decoding, type for type and in order, on every
resource of our stacks and fixtures and on values built to reach each branch above.
"""

from __future__ import annotations

import math
from typing import Any

from google.protobuf import json_format
from pulumi_policy.deserialize import SPECIAL_SIG_KEY, _deserialize_property


def properties(struct: Any) -> dict[str, Any]:
    """`deserialize_properties(json_format.MessageToDict(struct))`, read in one pass."""
    fields = struct.fields
    return {key: _value(fields[key]) for key in fields}  # by key, in the map's order, as MessageToDict reads it


def _value(value: Any) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "struct_value":
        fields = value.struct_value.fields
        if SPECIAL_SIG_KEY in fields:
            return _deserialize_property(json_format.MessageToDict(value.struct_value))
        return {key: _value(fields[key]) for key in fields}
    if kind == "number_value":
        number = value.number_value
        if not math.isfinite(number):
            return json_format.MessageToDict(value)  # raises, as the library does on this value
        return number
    if kind == "bool_value":
        return value.bool_value
    if kind == "list_value":
        return [_value(v) for v in value.list_value.values]
    return None  # null_value, or no kind set
