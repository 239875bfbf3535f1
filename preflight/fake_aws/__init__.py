"""The fake AWS preflight's mocks answer from, as data: one module per AWS service, each with two tables.

- `INVOKES`: invoke token -> answer(args, account), the result of a data source call (`aws.ec2.get_ami(...)`).
- `COMPUTED`: resource type token -> answer(name, inputs, id, account), the outputs AWS computes on create.

Field names are the provider's (camelCase), as in the pulumi_aws SDK's result types. Add a service by adding a
module and listing it below; a token may be answered by one module only.
"""

from __future__ import annotations

from . import (
    acm,
    apigateway,
    appsync,
    cloudfront,
    ec2,
    ecr,
    ecs,
    eks,
    iam,
    index,
    lambda_,
    lb,
    rds,
    route53,
    s3,
    servicediscovery,
    ssm,
)
from .account import ACCOUNT_ID, PARTITION, Account, Computed, Invoke, availability_zones, digest
from .schema import fill_computed_strings

_SERVICES = (
    index,
    acm,
    apigateway,
    appsync,
    cloudfront,
    ec2,
    ecr,
    ecs,
    eks,
    iam,
    lambda_,
    lb,
    rds,
    route53,
    s3,
    servicediscovery,
    ssm,
)


def _merged(table: str) -> dict:
    merged: dict = {}
    for service in _SERVICES:
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
