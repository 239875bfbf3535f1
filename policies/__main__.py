"""The fargate-networking-guard policy pack. `serve` serves it over gRPC and blocks, as constructing PolicyPack does:
import `fargate_guard` (not this module) to use the policies elsewhere."""

from fargate_guard import ALL_POLICIES, DEFAULT_LEVEL, PACK_NAME
from fargate_guard.servicer import serve

serve(name=PACK_NAME, enforcement_level=DEFAULT_LEVEL, policies=ALL_POLICIES)
