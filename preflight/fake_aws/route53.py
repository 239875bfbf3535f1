"""Route 53: a hosted zone found by name, and the computed outputs of zones and records."""

from __future__ import annotations

from typing import Any

from .account import Account, digest


def _zone_id(name: str) -> str:
    return f"Z{digest(name.rstrip('.'), length=20).upper()}"


def _name_servers(name: str) -> list[str]:
    n = int(digest(name, length=3), 16)
    return [f"ns-{n % 2048}.awsdns-{n % 64:02d}.{tld}" for tld in ("com", "net", "org", "co.uk")]


def get_zone(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    name = str(args.get("name") or "example.com").rstrip(".")
    zone_id = args.get("zoneId") or _zone_id(name)
    servers = _name_servers(name)
    return {
        "id": zone_id,
        "zoneId": zone_id,
        "name": name,
        "arn": f"arn:{aws.partition}:route53:::hostedzone/{zone_id}",
        "callerReference": digest(name, length=12),
        "comment": "",
        "enableAcceleratedRecovery": False,
        "linkedServiceDescription": "",
        "linkedServicePrincipal": "",
        "nameServers": servers,
        "primaryNameServer": servers[0],
        "privateZone": bool(args.get("privateZone", False)),
        "resourceRecordSetCount": 2,
        "tags": {},
        "vpcId": args.get("vpcId") or "",
    }


def zone(name: str, inputs: dict[str, Any], _id: str, _aws: Account) -> dict[str, Any]:
    zone_name = str(inputs.get("name") or name)
    return {"zoneId": _zone_id(zone_name), "nameServers": _name_servers(zone_name)}


def record(_name: str, inputs: dict[str, Any], _id: str, _aws: Account) -> dict[str, Any]:
    return {"fqdn": str(inputs.get("name", "")).rstrip(".")}


INVOKES = {"aws:route53/getZone:getZone": get_zone}
COMPUTED = {"aws:route53/zone:Zone": zone, "aws:route53/record:Record": record}
