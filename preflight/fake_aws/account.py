"""The fake AWS account every answer is made in: its region, ids and ARNs, all deterministic."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ACCOUNT_ID = "123456789012"
PARTITION = "aws"

# How many availability zones each region has (as of 2026); other regions get three.
_AZ_COUNT = {
    "us-east-1": 6,
    "us-west-2": 4,
    "ap-northeast-1": 3,
    "ap-northeast-2": 4,
    "eu-west-1": 3,
    "us-west-1": 2,
}
_AZ_ID_PREFIX = {"us-east-1": "use1", "us-east-2": "use2", "us-west-1": "usw1", "us-west-2": "usw2"}


def digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


def availability_zones(region: str) -> list[str]:
    return [f"{region}{letter}" for letter in "abcdef"[: _AZ_COUNT.get(region, 3)]]


def zone_ids(region: str) -> list[str]:
    prefix = _AZ_ID_PREFIX.get(region, region.replace("-", "")[:4])
    return [f"{prefix}-az{i + 1}" for i in range(len(availability_zones(region)))]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@dataclass(frozen=True)
class Account:
    region: str
    account_id: str = ACCOUNT_ID
    partition: str = PARTITION

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional else ""
        account = self.account_id if service not in ("s3", "execute-api-global") else ""
        return f"arn:{self.partition}:{service}:{region}:{account}:{resource}"

    def default_vpc_id(self) -> str:
        return f"vpc-0{digest('default-vpc', length=16)}"

    def default_subnet_ids(self) -> list[str]:
        return [f"subnet-0{digest('default-subnet', az, length=16)}" for az in availability_zones(self.region)]


# An invoke answer: the invoke's arguments (camelCase, as the provider gets them) -> its result (camelCase).
Invoke = Callable[[dict[str, Any], Account], dict[str, Any]]
# The outputs AWS computes for a created resource: (logical name, inputs, provider id, account) -> outputs.
Computed = Callable[[str, dict[str, Any], str, Account], dict[str, Any]]
