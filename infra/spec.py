"""The stack's one config object, `fargate-networking:platform`, read into one validated, typed spec.

Every mistake raises SpecError with one line naming the key path, the bad value and what is allowed. It runs before
any resource is registered, and SpecError is a pulumi.RunError, so the CLI prints the line without a traceback.
The generic reader is infra.config_reader, the schema infra.schema, and the sections are read by infra.parse_network
and infra.parse_services; this module puts them together."""

from collections.abc import Callable, Sequence
from typing import Any

from components.rulebook import log_retention_problem
from infra.config_reader import CONFIG_KEY, CONFIG_NAMESPACE, MISSING, Section, SpecError, raise_if, type_name
from infra.parse_network import parse_egress, parse_network
from infra.parse_services import parse_ingress, parse_service_connect, parse_services
from infra.schema import (
    EGRESS_KEYS,
    ENVIRONMENTS,
    EXISTING_KEYS,
    INGRESS_KEYS,
    NETWORK_KEYS,
    RESERVED_TAGS,
    SERVICE_CONNECT_KEYS,
    SERVICE_KEYS,
    TOP_KEYS,
    EgressSpec,
    IngressSpec,
    NetworkSpec,
    PlatformSpec,
    ServiceConnectSpec,
    ServiceSpec,
)

__all__ = [
    "CONFIG_KEY",
    "CONFIG_NAMESPACE",
    "EGRESS_KEYS",
    "EXISTING_KEYS",
    "INGRESS_KEYS",
    "NETWORK_KEYS",
    "SERVICE_CONNECT_KEYS",
    "SERVICE_KEYS",
    "TOP_KEYS",
    "EgressSpec",
    "IngressSpec",
    "NetworkSpec",
    "PlatformSpec",
    "ServiceConnectSpec",
    "ServiceSpec",
    "SpecError",
    "parse_platform",
]


def parse_platform(
    raw: Any, *, region: str, available_zones: Callable[[], Sequence[str]] | None = None
) -> PlatformSpec:
    """Validate the raw config object. `available_zones` is called only when AZ names are not in the config."""
    if raw is None:
        raise SpecError(
            "",
            MISSING,
            "is not set",
            f"an object with keys {', '.join(TOP_KEYS)} (see the README's Configuration section)",
        )
    top = Section(raw, "", TOP_KEYS)
    environment = top.string("environment", "development", ENVIRONMENTS)
    tags = _tags(top)
    log_retention_days = _log_retention(top)
    network = parse_network(
        top.section("network", NETWORK_KEYS),
        region,
        available_zones,
        log_retention_days=log_retention_days,
        tags={**tags, "environment": environment},
    )
    egress = parse_egress(top.section("egress", EGRESS_KEYS), network)
    service_connect = parse_service_connect(top.section("serviceConnect", SERVICE_CONNECT_KEYS))
    services = parse_services(top, egress, region, service_connect)
    return PlatformSpec(
        region=region,
        environment=environment,
        network=network,
        egress=egress,
        ingress=parse_ingress(top.section("ingress", INGRESS_KEYS)),
        services=services,
        service_connect=service_connect,
        log_retention_days=log_retention_days,
        tags=tags,
    )


def _log_retention(top: Section) -> int:
    days = top.typed("logRetentionDays", 30, int, "an integer")
    raise_if(top.at("logRetentionDays"), log_retention_problem(days))
    return days


def _tags(top: Section) -> dict[str, str]:
    tags = top.typed("tags", {}, dict, "an object of string to string")
    for key, value in tags.items():
        if key in RESERVED_TAGS:
            raise SpecError(
                f"{top.at('tags')}.{key}", value, "is set by the program", f"any key but {', '.join(RESERVED_TAGS)}"
            )
        if not isinstance(value, str):
            raise SpecError(f"{top.at('tags')}.{key}", value, f"is {type_name(value)}", "a string")
    return dict(tags)
