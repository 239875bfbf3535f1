"""The fake AWS preflight's mocks answer from, as data: one module per AWS service, each with two tables.

- `INVOKES`: invoke token -> answer(args, account), the result of a data source call (`aws.ec2.get_ami(...)`).
- `COMPUTED`: resource type token -> answer(name, inputs, id, account), the outputs AWS computes on create.

Field names are the provider's (camelCase), as in the pulumi_aws SDK's result types. Add a service by adding a
module: it is found by itself; a token may be answered by one module only.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from .account import ACCOUNT_ID, PARTITION, Account, Computed, Invoke, availability_zones, digest
from .schema import fill_computed_strings

_HELPERS = {"account", "schema"}  # shared by the service modules, answer nothing themselves


def _services() -> list[ModuleType]:
    """Every service module of this package, found rather than listed, so a new one can't be left out."""
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name)
        if info.name not in _HELPERS
    ]


def _merged(table: str) -> dict:
    merged: dict = {}
    for service in _services():
        entries = getattr(service, table)
        clash = set(merged) & set(entries)
        if clash:
            raise ValueError(f"{service.__name__}.{table} answers {sorted(clash)} again")
        merged.update(entries)
    return merged


INVOKES: dict[str, Invoke] = _merged("INVOKES")
COMPUTED: dict[str, Computed] = _merged("COMPUTED")

__all__ = [
    "ACCOUNT_ID",
    "COMPUTED",
    "INVOKES",
    "PARTITION",
    "Account",
    "availability_zones",
    "digest",
    "fill_computed_strings",
]
