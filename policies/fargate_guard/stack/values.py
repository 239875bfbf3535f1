"""Reading the engine's plain values: unknowns, lists, ports, CIDRs. No resource model, no Pulumi engine state.

Everything the index reads is plain data: `plain()` unwraps pulumi_policy's unknown-checking proxies once, so reading
an unknown never raises `UnknownValueError` (which would turn a policy into "can't run during preview").
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    _DictProxy,
    _ListProxy,
)

# The engine's sentinels for values that can't be known during preview, one per type.
UNKNOWNS = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)


def is_unknown(value: Any) -> bool:
    """True when the engine sent the value as "unknown during preview"."""
    return isinstance(value, str) and value in UNKNOWNS


def plain(value: Any) -> Any:
    """Unwrap pulumi_policy's proxies into plain dicts and lists, leaving unknown sentinels in place.

    The common shapes take exact-type fast paths (ABC isinstance checks cost more than the copying).
    """
    kind = type(value)
    if kind is _DictProxy or kind is _ListProxy:
        value = value["__target"]
        kind = type(value)
    if kind is dict:
        return {k: plain(v) for k, v in value.items()}
    if kind is list:
        return [plain(v) for v in value]
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [plain(v) for v in value]
    return value


def unproxied(value: Any) -> Any:
    """`json.dumps(..., default=unproxied)`: a proxy's plain target; anything else is no JSON value."""
    if type(value) is _DictProxy or type(value) is _ListProxy:
        return value["__target"]
    raise TypeError(f"{type(value).__name__} is not JSON")


def known(value: Any) -> Any:
    """The value, or None when it is unknown."""
    return None if is_unknown(value) else value


# What the provider accepts for a boolean input (the bridge parses strings as Go's strconv.ParseBool does).
_TRUE_STRINGS = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE_STRINGS = frozenset({"0", "f", "F", "FALSE", "false", "False"})


class Unknown:
    """A boolean the engine sent as unknown during preview (see `as_bool`)."""

    def __bool__(self) -> bool:
        raise TypeError("an unknown boolean has no truth value: compare with `is UNKNOWN`")


UNKNOWN = Unknown()


def as_bool(value: Any, default: bool = False) -> bool | Unknown:
    """A boolean input read the way the provider reads it: True/False, the strings "true"/"false" (and the other
    spellings Go's ParseBool takes), `default` when unset, or UNKNOWN during preview.

    Any other value is a program the provider would reject: ValueError, which the policy reports as not-applicable.
    """
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, str) and value in _TRUE_STRINGS:
        return True
    if isinstance(value, str) and value in _FALSE_STRINGS:
        return False
    raise ValueError(f"{value!r} is not a boolean")


def as_list(value: Any) -> list:
    """A list input as a list: None -> [], an unknown array -> [the sentinel]."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside an input, however deeply nested (ids and ARNs referenced from objects and lists)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)


def port_range(from_port: Any, to_port: Any, protocol: Any) -> tuple[int, int] | None:
    """The inclusive port range a rule admits, or None when unknown. Protocol -1/all admits every port."""
    if str(protocol).lower() in ("-1", "all"):
        return (0, 65535)
    if is_unknown(from_port) or is_unknown(to_port) or is_unknown(protocol):
        return None
    lo = as_port(from_port) if from_port is not None else 0
    hi = as_port(to_port) if to_port is not None else 65535
    return None if lo is None or hi is None else (lo, hi)


def as_port(value: Any) -> int | None:
    """A port number from a JSON number or numeric string; None for anything else (unknowns included)."""
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def span(ports: tuple[int, int] | None) -> str:
    if ports is None:
        return "unknown ports"
    lo, hi = ports
    return f"port {lo}" if lo == hi else f"ports {lo}-{hi}"


def ports_within(ports: tuple[int, int], allowed: set[int]) -> bool:
    """Whether every port of an inclusive range is in `allowed`."""
    lo, hi = ports
    return hi - lo < len(allowed) and all(p in allowed for p in range(lo, hi + 1))


def cidr_covers(outer: str, inner: str) -> bool:
    try:
        return ipaddress.ip_network(inner, strict=False).subnet_of(ipaddress.ip_network(outer, strict=False))
    except (ValueError, TypeError):
        return False
