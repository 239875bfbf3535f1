"""Decisions that need no Pulumi: CIDR layout, endpoint lists, listener rule priorities."""

import ipaddress
from collections.abc import Sequence

from components.refs import AlbRoute
from components.rulebook import FARGATE_INTERFACE_ENDPOINTS, MAX_CONDITION_VALUES_PER_RULE, MAX_RULE_PRIORITY

# The VPC is cut into 16 equal slots: private subnet of AZ i -> slot i, public subnet of AZ i -> slot 8 + i.
# Adding an AZ never moves an existing subnet.
SUBNET_SLOT_BITS = 4
PUBLIC_SLOT_OFFSET = 8
MAX_AZS = 6
MIN_AZS = 2
VPC_PREFIX_RANGE = (16, 24)  # /24 still leaves /28 subnets, the smallest AWS allows

# Listener rules: service i (config order) gets priorities 100*(i+1), 100*(i+1)+1, ... one per 5 path patterns;
# the default service also gets a catch-all "/*" rule at the lowest priority.
RULE_PRIORITY_STEP = 100
MAX_RULES_PER_SERVICE = 10
MAX_PATH_PATTERNS_PER_SERVICE = MAX_RULES_PER_SERVICE * MAX_CONDITION_VALUES_PER_RULE
CATCH_ALL_PATTERN = "/*"
DEFAULT_RULE_PRIORITY = MAX_RULE_PRIORITY
MAX_RULES_PER_LISTENER = 100


def subnet_layout(vpc_cidr: str, az_count: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(public CIDRs, private CIDRs), one per AZ, non-overlapping, inside vpc_cidr."""
    if not 1 <= az_count <= MAX_AZS:
        raise ValueError(f"az_count {az_count} not in 1..{MAX_AZS}")
    slots = list(ipaddress.IPv4Network(vpc_cidr).subnets(prefixlen_diff=SUBNET_SLOT_BITS))
    public = tuple(str(slots[PUBLIC_SLOT_OFFSET + i]) for i in range(az_count))
    private = tuple(str(slots[i]) for i in range(az_count))
    return public, private


def interface_endpoints(egress_mode: str, extras: Sequence[str]) -> tuple[str, ...]:
    """Interface endpoint services a pattern needs: ECR and logs for endpoint egress, plus the extras, deduplicated."""
    base = FARGATE_INTERFACE_ENDPOINTS if egress_mode == "endpoints" else ()
    return tuple(dict.fromkeys((*base, *extras)))


def listener_routes(services: Sequence[tuple[str, Sequence[str], bool]]) -> dict[str, tuple[AlbRoute, ...]]:
    """Listener rules per service from (name, path patterns, is default), in config order.

    Deterministic: a service's priorities depend only on its position, so editing one service's paths never
    renumbers another's rules. Services with no paths and no default flag get no rules (not behind the ALB)."""
    routes: dict[str, tuple[AlbRoute, ...]] = {}
    for index, (name, patterns, is_default) in enumerate(services):
        chunks = [
            tuple(patterns[i : i + MAX_CONDITION_VALUES_PER_RULE])
            for i in range(0, len(patterns), MAX_CONDITION_VALUES_PER_RULE)
        ]
        if len(chunks) > MAX_RULES_PER_SERVICE:
            raise ValueError(f"{name}: more than {MAX_PATH_PATTERNS_PER_SERVICE} path patterns")
        base = RULE_PRIORITY_STEP * (index + 1)
        service_routes = [AlbRoute(priority=base + j, path_patterns=chunk) for j, chunk in enumerate(chunks)]
        if is_default:
            service_routes.append(AlbRoute(priority=DEFAULT_RULE_PRIORITY, path_patterns=(CATCH_ALL_PATTERN,)))
        if service_routes:
            routes[name] = tuple(service_routes)
    return routes
