"""Provider-wide invokes: region, partition, caller identity, availability zones."""

from __future__ import annotations

from typing import Any

from .account import Account, availability_zones, zone_ids


def get_availability_zones(_args: dict[str, Any], aws: Account) -> dict[str, Any]:
    names = availability_zones(aws.region)
    return {
        "id": aws.region,
        "names": names,
        "zoneIds": zone_ids(aws.region),
        "groupNames": [aws.region] * len(names),
        "state": "available",
        "region": aws.region,
    }


def get_region(_args: dict[str, Any], aws: Account) -> dict[str, Any]:
    return {
        "id": aws.region,
        "name": aws.region,
        "region": aws.region,
        "description": aws.region,
        "endpoint": f"ec2.{aws.region}.amazonaws.com",
    }


def get_partition(_args: dict[str, Any], aws: Account) -> dict[str, Any]:
    return {
        "id": aws.partition,
        "partition": aws.partition,
        "dnsSuffix": "amazonaws.com",
        "reverseDnsPrefix": "com.amazonaws",
    }


def get_caller_identity(_args: dict[str, Any], aws: Account) -> dict[str, Any]:
    return {
        "id": aws.account_id,
        "accountId": aws.account_id,
        "arn": f"arn:{aws.partition}:iam::{aws.account_id}:user/preflight",
        "userId": "AIDAPREFLIGHTFAKEUSER",
    }


INVOKES = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": get_availability_zones,
    "aws:index/getRegion:getRegion": get_region,
    "aws:index/getPartition:getPartition": get_partition,
    "aws:index/getCallerIdentity:getCallerIdentity": get_caller_identity,
}
COMPUTED: dict = {}
