"""The fargate-networking-guard policy pack. Constructing PolicyPack serves it over gRPC and blocks: import
`fargate_guard` (not this module) to use the policies elsewhere."""

from fargate_guard import ALL_POLICIES, DEFAULT_LEVEL, PACK_NAME
from pulumi_policy import PolicyPack

PolicyPack(name=PACK_NAME, enforcement_level=DEFAULT_LEVEL, policies=ALL_POLICIES)
