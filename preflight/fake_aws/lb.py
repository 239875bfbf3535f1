"""Elastic Load Balancing: load balancer DNS names and ARN suffixes (both the `lb` and `alb` modules)."""

from __future__ import annotations

from typing import Any

from .account import Account, digest


def load_balancer(name: str, _inputs: dict[str, Any], resource_id: str, aws: Account) -> dict[str, Any]:
    return {
        "dnsName": f"{name}-{int(digest(name, length=8), 16) % 10**9}.{aws.region}.elb.amazonaws.com",
        "zoneId": "Z35SXDOTRQ7X7K",
        "arnSuffix": resource_id.split(":loadbalancer/", 1)[-1],
    }


def target_group(_name: str, _inputs: dict[str, Any], resource_id: str, _aws: Account) -> dict[str, Any]:
    return {"arnSuffix": resource_id.rsplit(":", 1)[-1]}


INVOKES: dict = {}
COMPUTED = {
    f"aws:{module}/{kind}:{type_name}": answer
    for module in ("lb", "alb")
    for kind, type_name, answer in (
        ("loadBalancer", "LoadBalancer", load_balancer),
        ("targetGroup", "TargetGroup", target_group),
    )
}
