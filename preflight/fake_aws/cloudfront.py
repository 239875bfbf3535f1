"""CloudFront: a distribution's domain name and the hosted zone every distribution answers in."""

from __future__ import annotations

from typing import Any

from .account import Account, digest

_HOSTED_ZONE = "Z2FDTNDATAQYW2"  # CloudFront's alias target zone (AWS documentation, Route 53 alias targets)


def distribution(name: str, _inputs: dict[str, Any], _id: str, _aws: Account) -> dict[str, Any]:
    return {"domainName": f"d{digest(name, length=13)}.cloudfront.net", "hostedZoneId": _HOSTED_ZONE}


INVOKES: dict = {}
COMPUTED = {"aws:cloudfront/distribution:Distribution": distribution}
