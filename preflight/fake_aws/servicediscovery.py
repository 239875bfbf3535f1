"""Cloud Map: the hosted zone behind a private DNS namespace (an HTTP namespace has none)."""

from __future__ import annotations

from typing import Any

from .account import Account, digest


def namespace(name: str, _inputs: dict[str, Any], _id: str, _aws: Account) -> dict[str, Any]:
    return {"hostedZone": f"Z{digest(name, length=13).upper()}"}


INVOKES: dict = {}
COMPUTED = {
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": namespace,
}
