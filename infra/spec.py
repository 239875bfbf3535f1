"""The stack's one config object, `fargate-networking:platform`, read into one validated, typed spec.

Every mistake raises SpecError with one line naming the key path, the bad value and what is allowed. It runs before
any resource is registered, and SpecError is a pulumi.RunError, so the CLI prints the line without a traceback."""

import ipaddress
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from components.alb import BUCKET_NAME_RE, CERTIFICATE_ARN_RE, DEFAULT_SSL_POLICY, MODERN_SSL_POLICIES
from components.cluster import NAMESPACE_RE
from components.rulebook import FARGATE_SIZES, LOG_RETENTION_DAYS, path_pattern_problem, service_name_problem
from infra.layout import (
    CATCH_ALL_PATTERN,
    MAX_AZS,
    MAX_PATH_PATTERNS_PER_SERVICE,
    MAX_RULES_PER_LISTENER,
    MIN_AZS,
    VPC_PREFIX_RANGE,
    interface_endpoints,
    listener_routes,
    subnet_layout,
)

CONFIG_NAMESPACE = "fargate-networking"
CONFIG_KEY = f"{CONFIG_NAMESPACE}:platform"

ENVIRONMENTS = ("development", "staging", "production")
NETWORK_SOURCES = ("managed", "existing", "awsx")
EGRESS_MODES = ("public", "nat", "endpoints")
NAT_GATEWAYS = ("single", "perAz")
PLACEMENTS = ("private", "public")
RESERVED_TAGS = ("Name", "environment", "data-classification")
_ENDPOINT_SERVICE_RE = re.compile(r"^[a-z0-9]+([.-][a-z0-9]+)*$")
_AWS_ID_RE = {
    "vpc": re.compile(r"^vpc-[0-9a-f]{8,17}$"),
    "subnet": re.compile(r"^subnet-[0-9a-f]{8,17}$"),
    "rtb": re.compile(r"^rtb-[0-9a-f]{8,17}$"),
}
_MISSING = object()


class SpecError(pulumi.RunError):
    """A stack config mistake: one line naming the key path, the bad value and what is allowed."""

    def __init__(self, path: str, value: Any, problem: str, allowed: str | None = None):
        self.path = f"{CONFIG_KEY}{path}"
        shown = "" if value is _MISSING else f"{_show(value)} "
        message = f"{self.path}: {shown}{problem}"
        if allowed:
            message += f"; allowed: {allowed}"
        super().__init__(message)


def _show(value: Any) -> str:
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _type_name(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


class _Section:
    """A config object at a key path, with typed getters that raise SpecError."""

    def __init__(self, raw: Any, path: str, keys: Sequence[str]):
        if not isinstance(raw, dict):
            raise SpecError(path, raw, f"is {_type_name(raw)}, not an object", f"an object with keys {', '.join(keys)}")
        for key in raw:
            if key not in keys:
                raise SpecError(f"{path}.{key}", _MISSING, "is an unknown key", ", ".join(keys))
        self.raw, self.path = raw, path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}"

    def has(self, key: str) -> bool:
        return key in self.raw and self.raw[key] is not None

    def typed(self, key: str, default: Any, kind: type, kind_name: str) -> Any:
        if not self.has(key):
            if default is _MISSING:
                raise SpecError(self.at(key), _MISSING, "is required", kind_name)
            return default
        value = self.raw[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise SpecError(self.at(key), value, f"is {_type_name(value)}", kind_name)
        return value

    def string(self, key: str, default: Any = _MISSING, choices: Sequence[str] | None = None) -> Any:
        value = self.typed(key, default, str, " | ".join(choices) if choices else "a string")
        if choices and value is not None and value not in choices:
            raise SpecError(self.at(key), value, "is not a known value", ", ".join(choices))
        return value

    def integer(self, key: str, default: Any, low: int, high: int) -> int:
        value = self.typed(key, default, int, f"an integer {low}..{high}")
        if not low <= value <= high:
            raise SpecError(self.at(key), value, "is out of range", f"{low}..{high}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        return self.typed(key, default, bool, "true | false")

    def strings(self, key: str, default: Any = ()) -> tuple[str, ...]:
        values = self.typed(key, default if default is _MISSING else list(default), list, "a list of strings")
        for i, value in enumerate(values):
            if not isinstance(value, str) or not value:
                raise SpecError(f"{self.at(key)}[{i}]", value, f"is {_type_name(value)}", "a non-empty string")
        return tuple(values)

    def section(self, key: str, keys: Sequence[str]) -> "_Section":
        return _Section(self.typed(key, {}, dict, "an object"), self.at(key), keys)

    def forbid(self, keys: Sequence[str], reason: str, allowed: str) -> None:
        for key in keys:
            if self.has(key):
                raise SpecError(self.at(key), self.raw[key], reason, allowed)


@dataclass(frozen=True)
class ExistingVpcSpec:
    vpc_id: str
    vpc_cidr: str
    public_subnet_ids: tuple[str, ...]
    private_subnet_ids: tuple[str, ...]
    private_route_table_ids: tuple[str, ...]


@dataclass(frozen=True)
class NetworkSpec:
    source: str
    cidr: str
    availability_zones: tuple[str, ...]
    public_subnet_cidrs: tuple[str, ...]
    private_subnet_cidrs: tuple[str, ...]
    flow_logs: bool
    existing: ExistingVpcSpec | None = None

    @property
    def az_count(self) -> int:
        if self.existing:
            return len(self.existing.private_subnet_ids)
        return len(self.availability_zones)


@dataclass(frozen=True)
class EgressSpec:
    mode: str
    nat_gateways: str | None  # "single" | "perAz" when mode is "nat"
    s3_gateway: bool
    interface_endpoints: tuple[str, ...]  # resolved: ECR and logs included for mode "endpoints"
    endpoint_az_count: int


@dataclass(frozen=True)
class IngressSpec:
    certificate_arn: str | None
    ssl_policy: str
    deletion_protection: bool
    access_logs_bucket: str | None
    access_logs_prefix: str


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    image: str
    port: int
    path_patterns: tuple[str, ...]
    default: bool
    cpu: int
    memory: int
    desired_count: int
    sensitive: bool
    health_check_path: str
    placement: str
    # Services this one calls through Service Connect; only these edges get SG-to-SG peering rules.
    calls: tuple[str, ...] = ()
    wait_for_steady_state: bool = True

    @property
    def exposed(self) -> bool:
        """Behind the ALB: it is the default service or has path patterns."""
        return self.default or bool(self.path_patterns)


@dataclass(frozen=True)
class ServiceConnectSpec:
    enabled: bool
    namespace: str


@dataclass(frozen=True)
class PlatformSpec:
    region: str
    environment: str
    network: NetworkSpec
    egress: EgressSpec
    ingress: IngressSpec
    services: tuple[ServiceSpec, ...]
    service_connect: ServiceConnectSpec
    log_retention_days: int
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def resource_tags(self) -> dict[str, str]:
        return {**self.tags, "environment": self.environment}


TOP_KEYS = ("environment", "network", "egress", "ingress", "services", "serviceConnect", "logRetentionDays", "tags")
NETWORK_KEYS = (
    "source",
    "cidr",
    "azCount",
    "availabilityZones",
    "publicSubnetCidrs",
    "privateSubnetCidrs",
    "flowLogs",
    "existing",
)
LAYOUT_KEYS = ("cidr", "azCount", "availabilityZones", "publicSubnetCidrs", "privateSubnetCidrs")
EXISTING_KEYS = ("vpcId", "vpcCidr", "publicSubnetIds", "privateSubnetIds", "privateRouteTableIds")
EGRESS_KEYS = ("mode", "natGateways", "s3Gateway", "interfaceEndpoints", "endpointAzCount")
INGRESS_KEYS = ("certificateArn", "sslPolicy", "deletionProtection", "accessLogsBucket", "accessLogsPrefix")
SERVICE_KEYS = (
    "name",
    "image",
    "port",
    "pathPatterns",
    "default",
    "cpu",
    "memory",
    "desiredCount",
    "sensitive",
    "healthCheckPath",
    "placement",
    "calls",
    "waitForSteadyState",
)
SERVICE_CONNECT_KEYS = ("enabled", "namespace")
DEFAULT_CIDR = "10.0.0.0/16"
DEFAULT_NAMESPACE = "internal"


def parse_platform(
    raw: Any, *, region: str, available_zones: Callable[[], Sequence[str]] | None = None
) -> PlatformSpec:
    """Validate the raw config object. `available_zones` is called only when AZ names are not in the config."""
    if raw is None:
        raise SpecError(
            "",
            _MISSING,
            "is not set",
            f"an object with keys {', '.join(TOP_KEYS)} (see the README's Configuration section)",
        )
    top = _Section(raw, "", TOP_KEYS)
    network = _network(top.section("network", NETWORK_KEYS), region, available_zones)
    egress = _egress(top.section("egress", EGRESS_KEYS), network)
    service_connect = _service_connect(top.section("serviceConnect", SERVICE_CONNECT_KEYS))
    services = _services(top, egress, region, service_connect)
    return PlatformSpec(
        region=region,
        environment=top.string("environment", "development", ENVIRONMENTS),
        network=network,
        egress=egress,
        ingress=_ingress(top.section("ingress", INGRESS_KEYS)),
        services=services,
        service_connect=service_connect,
        log_retention_days=_log_retention(top),
        tags=_tags(top),
    )


def _network(section: _Section, region: str, available_zones) -> NetworkSpec:
    source = section.string("source", "managed", NETWORK_SOURCES)
    flow_logs = section.boolean("flowLogs", False)
    if source == "existing":
        section.forbid(LAYOUT_KEYS, 'is not used with network.source "existing"', "network.existing.* instead")
        if flow_logs:
            raise SpecError(section.at("flowLogs"), True, 'is not supported with network.source "existing"', "false")
        existing = _existing(section)
        return NetworkSpec(source, existing.vpc_cidr, (), (), (), False, existing)
    section.forbid(("existing",), f'is only used with network.source "existing", not "{source}"', "remove it")
    cidr = _vpc_cidr(section.at("cidr"), section.string("cidr", DEFAULT_CIDR))
    zones = _zones(section, region, available_zones)
    public, private = subnet_layout(cidr, len(zones))
    public = _subnet_cidrs(section, "publicSubnetCidrs", cidr, len(zones), public)
    private = _subnet_cidrs(section, "privateSubnetCidrs", cidr, len(zones), private)
    _check_overlaps(section, cidr, public, private)
    return NetworkSpec(source, cidr, zones, public, private, flow_logs)


def _vpc_cidr(path: str, value: str) -> str:
    low, high = VPC_PREFIX_RANGE
    allowed = f"an IPv4 network such as 10.0.0.0/16 with a prefix /{low} to /{high}"
    try:
        network = ipaddress.IPv4Network(value)
    except ValueError as error:
        raise SpecError(path, value, f"is not a valid CIDR ({error})", allowed) from None
    if not low <= network.prefixlen <= high:
        raise SpecError(path, value, f"has prefix /{network.prefixlen}", allowed)
    return str(network)


def _zones(section: _Section, region: str, available_zones) -> tuple[str, ...]:
    if section.has("availabilityZones"):
        zones = section.strings("availabilityZones")
        path = section.at("availabilityZones")
        if not MIN_AZS <= len(zones) <= MAX_AZS:
            raise SpecError(path, list(zones), f"lists {len(zones)} zones", f"{MIN_AZS} to {MAX_AZS} zones")
        for i, zone in enumerate(zones):
            if not re.fullmatch(rf"{re.escape(region)}[a-z]", zone):
                raise SpecError(f"{path}[{i}]", zone, f"is not a zone of region {region}", f"{region}a, {region}b, ...")
        if len(set(zones)) != len(zones):
            raise SpecError(path, list(zones), "repeats a zone", "distinct zone names")
        if section.has("azCount") and section.integer("azCount", None, MIN_AZS, MAX_AZS) != len(zones):
            raise SpecError(
                section.at("azCount"),
                section.raw["azCount"],
                f"disagrees with the {len(zones)} availabilityZones",
                f"{len(zones)} or leave azCount out",
            )
        return zones
    count = section.integer("azCount", 2, MIN_AZS, MAX_AZS)
    zones = tuple(sorted(available_zones() or ())) if available_zones else ()
    if count > len(zones):
        listed = ", ".join(zones) if zones else "none"
        raise SpecError(
            section.at("azCount"),
            count,
            f"is more than the {len(zones)} available zones in {region} ({listed})",
            f"{MIN_AZS}..{len(zones)}" if len(zones) >= MIN_AZS else "a region with at least 2 zones",
        )
    return zones[:count]


def _subnet_cidrs(section: _Section, key: str, vpc: str, count: int, computed: tuple[str, ...]) -> tuple[str, ...]:
    if not section.has(key):
        return computed
    values = section.strings(key)
    if len(values) != count:
        raise SpecError(section.at(key), list(values), f"has {len(values)} CIDRs for {count} zones", f"{count} CIDRs")
    result = []
    for i, value in enumerate(values):
        path = f"{section.at(key)}[{i}]"
        allowed = f"a subnet of {vpc} with a prefix up to /28"
        try:
            subnet = ipaddress.IPv4Network(value)
        except ValueError as error:
            raise SpecError(path, value, f"is not a valid CIDR ({error})", allowed) from None
        if not subnet.subnet_of(ipaddress.IPv4Network(vpc)) or subnet.prefixlen > 28:
            raise SpecError(path, value, f"is not inside the VPC CIDR {vpc}", allowed)
        result.append(str(subnet))
    return tuple(result)


def _check_overlaps(section: _Section, vpc: str, public: tuple[str, ...], private: tuple[str, ...]) -> None:
    named = [(f"publicSubnetCidrs[{i}]", c) for i, c in enumerate(public)]
    named += [(f"privateSubnetCidrs[{i}]", c) for i, c in enumerate(private)]
    for i, (name, cidr) in enumerate(named):
        for other_name, other in named[:i]:
            if ipaddress.IPv4Network(cidr).overlaps(ipaddress.IPv4Network(other)):
                raise SpecError(
                    section.at(name),
                    cidr,
                    f"overlaps network.{other_name} ({other})",
                    f"non-overlapping subnets inside {vpc}",
                )


def _existing(section: _Section) -> ExistingVpcSpec:
    existing = section.section("existing", EXISTING_KEYS)
    if not section.has("existing"):
        raise SpecError(existing.path, _MISSING, 'is required with network.source "existing"', ", ".join(EXISTING_KEYS))
    vpc_id = _aws_id(existing, "vpcId", "vpc")
    cidr = _vpc_cidr(existing.at("vpcCidr"), existing.string("vpcCidr"))
    public = tuple(_aws_ids(existing, "publicSubnetIds", "subnet"))
    private = tuple(_aws_ids(existing, "privateSubnetIds", "subnet"))
    tables = tuple(_aws_ids(existing, "privateRouteTableIds", "rtb"))
    if not MIN_AZS <= len(private) <= MAX_AZS:
        raise SpecError(
            existing.at("privateSubnetIds"), list(private), "needs one subnet per AZ", f"{MIN_AZS} to {MAX_AZS} ids"
        )
    for key, ids in (("publicSubnetIds", public), ("privateRouteTableIds", tables)):
        if len(ids) != len(private):
            raise SpecError(
                existing.at(key),
                list(ids),
                f"has {len(ids)} ids for {len(private)} private subnets",
                f"{len(private)} ids, same AZ order",
            )
    return ExistingVpcSpec(vpc_id, cidr, public, private, tables)


def _aws_id(section: _Section, key: str, prefix: str) -> str:
    value = section.string(key)
    if not _AWS_ID_RE[prefix].match(value):
        raise SpecError(section.at(key), value, f"is not a {prefix} id", f"{prefix}-<8 or 17 hex digits>")
    return value


def _aws_ids(section: _Section, key: str, prefix: str) -> list[str]:
    values = section.strings(key, _MISSING)
    for i, value in enumerate(values):
        if not _AWS_ID_RE[prefix].match(value):
            raise SpecError(f"{section.at(key)}[{i}]", value, f"is not a {prefix} id", f"{prefix}-<8 or 17 hex digits>")
    return list(values)


def _egress(section: _Section, network: NetworkSpec) -> EgressSpec:
    mode = section.string("mode", "nat", EGRESS_MODES)
    awsx = network.source == "awsx"
    if mode != "nat":
        section.forbid(("natGateways",), f'is only used with egress.mode "nat", not "{mode}"', "remove it")
    if awsx and mode == "endpoints":
        raise SpecError(
            section.at("mode"),
            mode,
            'is not offered with network.source "awsx" (awsx exposes no route tables by tier)',
            "public, nat",
        )
    nat = section.string("natGateways", "perAz", NAT_GATEWAYS) if mode == "nat" else None
    s3_gateway = section.boolean("s3Gateway", not awsx)
    if awsx and s3_gateway:
        raise SpecError(section.at("s3Gateway"), True, 'is not offered with network.source "awsx"', "false")
    extras = section.strings("interfaceEndpoints")
    for i, service in enumerate(extras):
        path = f"{section.at('interfaceEndpoints')}[{i}]"
        if service == "s3":
            raise SpecError(path, service, "is served by the free S3 gateway endpoint", "egress.s3Gateway: true")
        if not _ENDPOINT_SERVICE_RE.match(service):
            raise SpecError(
                path, service, "is not an endpoint service name", "names such as secretsmanager, ssm, kms, sts"
            )
        if service in extras[:i]:
            raise SpecError(path, service, "is listed twice", "each service once")
    endpoints = interface_endpoints(mode, extras)
    if section.has("endpointAzCount") and not endpoints:
        raise SpecError(
            section.at("endpointAzCount"),
            section.raw["endpointAzCount"],
            "is set but no interface endpoints are created",
            "remove it",
        )
    count = section.integer("endpointAzCount", network.az_count, 1, network.az_count)
    return EgressSpec(mode, nat, s3_gateway, endpoints, count)


def _ingress(section: _Section) -> IngressSpec:
    certificate = section.string("certificateArn", None)
    if certificate is not None and not CERTIFICATE_ARN_RE.match(certificate):
        raise SpecError(
            section.at("certificateArn"),
            certificate,
            "is not an ACM certificate ARN",
            "arn:aws:acm:<region>:<account>:certificate/<id>",
        )
    if certificate is None:
        section.forbid(
            ("sslPolicy",), "has no effect without ingress.certificateArn", "remove it or set certificateArn"
        )
    bucket = section.string("accessLogsBucket", None)
    if bucket is not None and not BUCKET_NAME_RE.match(bucket):
        raise SpecError(section.at("accessLogsBucket"), bucket, "is not an S3 bucket name", "3-63 chars of a-z 0-9 . -")
    if bucket is None:
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


def _services(
    top: _Section, egress: EgressSpec, region: str, service_connect: ServiceConnectSpec
) -> tuple[ServiceSpec, ...]:
    raw = top.typed("services", _MISSING, list, "a list of services")
    if not raw:
        raise SpecError(top.at("services"), raw, "is empty", "a list of 1 or more services")
    services = tuple(
        _service(_Section(item, f"{top.at('services')}[{i}]", SERVICE_KEYS), egress, region)
        for i, item in enumerate(raw)
    )
    seen: dict[str, tuple[str, int]] = {}
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
    routes = listener_routes([(s.name, s.path_patterns, s.default) for s in services])
    rule_count = sum(len(r) for r in routes.values())
    if rule_count > MAX_RULES_PER_LISTENER:
        raise SpecError(
            top.at("services"),
            _MISSING,
            f"need {rule_count} listener rules (5 path patterns per rule)",
            f"at most {MAX_RULES_PER_LISTENER}",
        )
    _check_calls(top, services, service_connect)
    return services


def _check_calls(top: _Section, services: tuple[ServiceSpec, ...], service_connect: ServiceConnectSpec) -> None:
    """Every `calls` entry names another service of this stack, and only with Service Connect on."""
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


def _service(section: _Section, egress: EgressSpec, region: str) -> ServiceSpec:
    name = section.string("name")
    if problem := service_name_problem(name):
        raise SpecError(section.at("name"), name, problem.issue, problem.allowed)
    image = section.string("image")
    if not image or any(c.isspace() for c in image):
        raise SpecError(section.at("image"), image, "is not an image reference", "registry/repository:tag")
    sensitive = section.boolean("sensitive", True)
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
    private_ecr = rf"^\d{{12}}\.dkr\.ecr\.{re.escape(region)}\.amazonaws\.com/"
    if placement == "private" and egress.mode == "endpoints" and not re.match(private_ecr, image):
        raise SpecError(
            section.at("image"),
            image,
            "cannot be pulled through VPC endpoints",
            f"a private ECR image in {region} (<account>.dkr.ecr.{region}.amazonaws.com/<repo>:<tag>)",
        )
    cpu = section.typed("cpu", 256, int, "an integer")
    if cpu not in FARGATE_SIZES:
        raise SpecError(section.at("cpu"), cpu, "is not a valid Fargate CPU value", ", ".join(map(str, FARGATE_SIZES)))
    memory = section.typed("memory", FARGATE_SIZES[cpu][0], int, "an integer")
    if memory not in FARGATE_SIZES[cpu]:
        raise SpecError(
            section.at("memory"),
            memory,
            f"is not a valid Fargate memory value for cpu {cpu}",
            ", ".join(map(str, FARGATE_SIZES[cpu])),
        )
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
        if problem := path_pattern_problem(pattern):
            raise SpecError(path, pattern, problem.issue, problem.allowed)
        if pattern == CATCH_ALL_PATTERN:
            raise SpecError(
                path,
                pattern,
                "is the default service's catch-all rule",
                "default: true on one service, or a narrower pattern",
            )
        if pattern in patterns[:i]:
            raise SpecError(path, pattern, "is listed twice", "each pattern once")
    calls = section.strings("calls")
    for i, callee in enumerate(calls):
        path = f"{section.at('calls')}[{i}]"
        if callee == name:
            raise SpecError(path, callee, "is the service itself", "the names of the other services it calls")
        if callee in calls[:i]:
            raise SpecError(path, callee, "is listed twice", "each service once")
    health = section.string("healthCheckPath", "/")
    if not health.startswith("/") or len(health) > 1024:
        raise SpecError(
            section.at("healthCheckPath"), health, "is not a URL path", "a path starting with /, at most 1024 chars"
        )
    return ServiceSpec(
        name=name,
        image=image,
        port=section.integer("port", _MISSING, 1, 65535),
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


def _service_connect(section: _Section) -> ServiceConnectSpec:
    namespace = section.string("namespace", DEFAULT_NAMESPACE)
    if not NAMESPACE_RE.match(namespace):
        raise SpecError(
            section.at("namespace"), namespace, "is not a valid namespace name", "1-64 chars of a-z 0-9 . -"
        )
    return ServiceConnectSpec(enabled=section.boolean("enabled", False), namespace=namespace)


def _log_retention(top: _Section) -> int:
    days = top.typed("logRetentionDays", 30, int, "an integer")
    if days not in LOG_RETENTION_DAYS:
        raise SpecError(
            top.at("logRetentionDays"),
            days,
            "is not a CloudWatch Logs retention value",
            ", ".join(map(str, LOG_RETENTION_DAYS)),
        )
    return days


def _tags(top: _Section) -> dict[str, str]:
    tags = top.typed("tags", {}, dict, "an object of string to string")
    for key, value in tags.items():
        if key in RESERVED_TAGS:
            raise SpecError(
                f"{top.at('tags')}.{key}", value, "is set by the program", f"any key but {', '.join(RESERVED_TAGS)}"
            )
        if not isinstance(value, str):
            raise SpecError(f"{top.at('tags')}.{key}", value, f"is {_type_name(value)}", "a string")
    return dict(tags)
