"""A deploy-check finding: an input the AWS API or the provider would reject at `pulumi up`."""

from __future__ import annotations

from dataclasses import dataclass

CHECKS = ("length", "pattern", "enum", "range", "autoname", "collision", "reference", "combination")


@dataclass(frozen=True, order=True)
class DeployFinding:
    urn: str
    input: str  # the input's path, e.g. "ingress[0].description", or "name (autonamed)"
    check: str  # one of CHECKS
    value: str  # the bad value as the program gave it (a secret is shown as [secret])
    constraint: str  # what is allowed
    source: str  # where the constraint comes from
    type: str
    name: str
    message: str  # one line for people: resource, input, value and constraint
