"""The fargate-networking-guard policy pack. Constructing PolicyPack serves it over gRPC and blocks: import
`fargate_guard` (not this module) to use the policies elsewhere."""

from fargate_guard import ALL_POLICIES, PACK_NAME
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(name=PACK_NAME, enforcement_level=EnforcementLevel.ADVISORY, policies=ALL_POLICIES)
