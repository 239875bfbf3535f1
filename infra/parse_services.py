"""Reading `services`, `ingress` and `serviceConnect` of the platform config. Rules come from the rulebook and
infra.layout; every mistake is one SpecError."""

import re
from collections.abc import Mapping, Sequence

from components.rulebook import (
    DEFAULT_SSL_POLICY,
    FARGATE_SIZES,
    MODERN_SSL_POLICIES,
    bucket_name_problem,
    certificate_arn_problem,
    fargate_cpu_problem,
    fargate_size_problem,
    health_check_path_problem,
    namespace_problem,
    path_pattern_problem,
    service_name_problem,
)
from infra.config_reader import MISSING, Section, SpecError, raise_if
from infra.layout import CATCH_ALL_PATTERN, MAX_PATH_PATTERNS_PER_SERVICE, MAX_RULES_PER_LISTENER, listener_routes
from infra.schema import (
    DEFAULT_NAMESPACE,
    PLACEMENTS,
    SERVICE_KEYS,
    EgressSpec,
    IngressSpec,
    ServiceConnectSpec,
    ServiceSpec,
)


def parse_ingress(section: Section) -> IngressSpec:
    certificate = section.string("certificateArn", None)
    if certificate is not None:
        raise_if(section.at("certificateArn"), certificate_arn_problem(certificate))
    else:
        section.forbid(
            ("sslPolicy",), "has no effect without ingress.certificateArn", "remove it or set certificateArn"
        )
    bucket = section.string("accessLogsBucket", None)
    if bucket is not None:
        raise_if(section.at("accessLogsBucket"), bucket_name_problem(bucket))
    else:
        section.forbid(
            ("accessLogsPrefix",), "has no effect without ingress.accessLogsBucket", "remove it or set accessLogsBucket"
        )
    return IngressSpec(
        certificate_arn=certificate,
        ssl_policy=section.string("sslPolicy", DEFAULT_SSL_POLICY, MODERN_SSL_POLICIES),
        deletion_protection=section.boolean("deletionProtection", False),
        access_logs_bucket=bucket,
        access_logs_prefix=section.string("accessLogsPrefix", "alb"),
    )


def parse_service_connect(section: Section) -> ServiceConnectSpec:
    namespace = section.string("namespace", DEFAULT_NAMESPACE)
    raise_if(section.at("namespace"), namespace_problem(namespace))
    return ServiceConnectSpec(enabled=section.boolean("enabled", False), namespace=namespace)


def parse_services(
    top: Section, egress: EgressSpec, region: str, service_connect: ServiceConnectSpec
) -> tuple[ServiceSpec, ...]:
    raw = top.typed("services", MISSING, list, "a list of services")
    if not raw:
        raise SpecError(top.at("services"), raw, "is empty", "a list of 1 or more services")
    services = tuple(
        _service(Section(item, f"{top.at('services')}[{i}]", SERVICE_KEYS), egress, region)
        for i, item in enumerate(raw)
    )
    _check_unique(top, services)
    routes = listener_routes([(s.name, s.path_patterns, s.default) for s in services])
    rule_count = sum(len(r) for r in routes.values())
    if rule_count > MAX_RULES_PER_LISTENER:
        raise SpecError(
            top.at("services"),
            MISSING,
            f"need {rule_count} listener rules (5 path patterns per rule)",
            f"at most {MAX_RULES_PER_LISTENER}",
        )
    _check_calls(top, services, service_connect)
    return services


def _check_unique(top: Section, services: tuple[ServiceSpec, ...]) -> None:
    """Names, ports and path patterns are unique across services, and at most one is the default."""
    seen: dict[tuple[str, object], str] = {}
    for i, service in enumerate(services):
        path = f"{top.at('services')}[{i}]"
        for key, value in [("name", service.name), ("port", service.port)] + [
            (f"pathPatterns[{j}]", p) for j, p in enumerate(service.path_patterns)
        ]:
            kind = key.split("[")[0]
            if (kind, value) in seen:
                raise SpecError(
                    f"{path}.{key}",
                    value,
                    f"is already used by {seen[(kind, value)]}",
                    f"a {kind} unique across services",
                )
            seen[(kind, value)] = f"services[{i}]"
        if service.default and ("default", True) in seen:
            raise SpecError(
                f"{path}.default",
                True,
                f"but {seen[('default', True)]} is already the default service",
                "exactly one default service",
            )
        if service.default:
            seen[("default", True)] = f"services[{i}]"


def _check_calls(top: Section, services: tuple[ServiceSpec, ...], service_connect: ServiceConnectSpec) -> None:
    """Every `calls` entry names another service of this stack, only with Service Connect on, and with no cycle (each
    server's ECS service is created before its callers')."""
    names = [s.name for s in services]
    for i, service in enumerate(services):
        path = f"{top.at('services')}[{i}].calls"
        if service.calls and not service_connect.enabled:
            raise SpecError(
                path,
                list(service.calls),
                "needs Service Connect, but serviceConnect.enabled is false",
                "[] (or set serviceConnect.enabled: true)",
            )
        for j, callee in enumerate(service.calls):
            if callee not in names:
                raise SpecError(f"{path}[{j}]", callee, "is not a service of this stack", ", ".join(names))
    calls = {s.name: s.calls for s in services}
    for i, service in enumerate(services):
        for j, callee in enumerate(service.calls):
            if cycle := _call_path(calls, callee, service.name):
                raise SpecError(
                    f"{top.at('services')}[{i}].calls[{j}]",
                    callee,
                    f"closes the call cycle {' -> '.join([service.name, *cycle])}",
                    "calls without cycles: each Service Connect server is started before its callers",
                )


def _call_path(calls: Mapping[str, Sequence[str]], start: str, goal: str) -> list[str] | None:
    """The services from `start` to `goal` following `calls`, or None when `goal` can't be reached."""
    stack, seen = [[start]], set()
    while stack:
        path = stack.pop()
        if path[-1] == goal:
            return path
        if path[-1] not in seen:
            seen.add(path[-1])
            stack.extend([*path, callee] for callee in calls.get(path[-1], ()))
    return None


def _service(section: Section, egress: EgressSpec, region: str) -> ServiceSpec:
    name = section.string("name")
    raise_if(section.at("name"), service_name_problem(name))
    image = section.string("image")
    if not image or any(c.isspace() for c in image):
        raise SpecError(section.at("image"), image, "is not an image reference", "registry/repository:tag")
    sensitive = section.boolean("sensitive", True)
    placement = _placement(section, egress, sensitive)
    private_ecr = rf"^\d{{12}}\.dkr\.ecr\.{re.escape(region)}\.amazonaws\.com/"
    if placement == "private" and egress.mode == "endpoints" and not re.match(private_ecr, image):
        raise SpecError(
            section.at("image"),
            image,
            "cannot be pulled through VPC endpoints",
            f"a private ECR image in {region} (<account>.dkr.ecr.{region}.amazonaws.com/<repo>:<tag>)",
        )
    cpu = section.typed("cpu", 256, int, "an integer")
    raise_if(section.at("cpu"), fargate_cpu_problem(cpu))
    memory = section.typed("memory", FARGATE_SIZES[cpu][0], int, "an integer")
    raise_if(section.at("memory"), fargate_size_problem(cpu, memory))
    patterns = _path_patterns(section)
    calls = section.strings("calls")
    for i, callee in enumerate(calls):
        if callee == name:
            raise SpecError(
                f"{section.at('calls')}[{i}]",
                callee,
                "is the service itself",
                "the names of the other services it calls",
            )
    section.unique("calls", calls, "each service once")
    health = section.string("healthCheckPath", "/")
    raise_if(section.at("healthCheckPath"), health_check_path_problem(health))
    return ServiceSpec(
        name=name,
        image=image,
        port=section.integer("port", MISSING, 1, 65535),
        path_patterns=patterns,
        default=section.boolean("default", False),
        cpu=cpu,
        memory=memory,
        desired_count=section.integer("desiredCount", 1, 0, 100),
        sensitive=sensitive,
        health_check_path=health,
        placement=placement,
        calls=calls,
        wait_for_steady_state=section.boolean("waitForSteadyState", True),
    )


def _placement(section: Section, egress: EgressSpec, sensitive: bool) -> str:
    if sensitive and egress.mode == "public" and not section.has("placement"):
        raise SpecError(
            section.at("sensitive"),
            True,
            'needs private subnets, which have no egress path with egress.mode "public"',
            "false (public placement), or egress.mode nat | endpoints",
        )
    placement = section.string("placement", "public" if egress.mode == "public" else "private", PLACEMENTS)
    if placement == "public" and sensitive:
        raise SpecError(
            section.at("placement"),
            placement,
            "puts a sensitive service in public subnets",
            "private (or set sensitive: false)",
        )
    if placement == "private" and egress.mode == "public":
        raise SpecError(
            section.at("placement"),
            placement,
            'has no egress path with egress.mode "public"',
            "public for non-sensitive services, or egress.mode nat | endpoints",
        )
    return placement


def _path_patterns(section: Section) -> tuple[str, ...]:
    patterns = section.strings("pathPatterns")
    if len(patterns) > MAX_PATH_PATTERNS_PER_SERVICE:
        raise SpecError(
            section.at("pathPatterns"),
            len(patterns),
            "path patterns are too many",
            f"at most {MAX_PATH_PATTERNS_PER_SERVICE}",
        )
    for i, pattern in enumerate(patterns):
        path = f"{section.at('pathPatterns')}[{i}]"
        raise_if(path, path_pattern_problem(pattern))
        if pattern == CATCH_ALL_PATTERN:
            raise SpecError(
                path,
                pattern,
                "is the default service's catch-all rule",
                "default: true on one service, or a narrower pattern",
            )
    section.unique("pathPatterns", patterns, "each pattern once")
    return patterns
