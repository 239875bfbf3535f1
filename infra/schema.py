"""The platform schema: the keys of `fargate-networking:platform`, their choices, and the typed spec they are read
into. Where a component takes plain values, the spec holds its Args (or a NetworkRef) directly, so the program hands
them over without copying field by field."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from components import AlbIngressArgs, NetworkArgs, NetworkRef, ServiceClusterArgs

ENVIRONMENTS = ("development", "staging", "production")
NETWORK_SOURCES = ("managed", "existing", "awsx")
EGRESS_MODES = ("public", "nat", "endpoints")
NAT_GATEWAYS = ("single", "perAz")
PLACEMENTS = ("private", "public")
RESERVED_TAGS = ("Name", "environment", "data-classification")
DEFAULT_CIDR = "10.0.0.0/16"
DEFAULT_NAMESPACE = "internal"

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


@dataclass(frozen=True)
class NetworkSpec:
    source: str
    # The layout this program builds (managed, awsx), or the VPC it is given (existing): exactly one is set.
    layout: NetworkArgs | None = None
    existing: NetworkRef | None = None

    @property
    def cidr(self) -> str:
        return self.layout.cidr_block if self.layout else self.existing.vpc_cidr

    @property
    def availability_zones(self) -> tuple[str, ...]:
        return self.layout.availability_zones if self.layout else ()

    @property
    def flow_logs(self) -> bool:
        return bool(self.layout and self.layout.flow_logs)

    @property
    def az_count(self) -> int:
        if self.existing:
            return len(self.existing.private_subnet_ids)
        return len(self.layout.availability_zones)


@dataclass(frozen=True)
class EgressSpec:
    mode: str
    nat_gateways: str | None  # "single" | "perAz" when mode is "nat"
    s3_gateway: bool
    interface_endpoints: tuple[str, ...]  # resolved: ECR and logs included for mode "endpoints"
    endpoint_az_count: int


@dataclass(frozen=True)
class IngressSpec:
    """AlbIngressArgs without the network: the same field names."""

    certificate_arn: str | None
    ssl_policy: str
    deletion_protection: bool
    access_logs_bucket: str | None
    access_logs_prefix: str

    def args(self, network: NetworkRef, tags: Mapping[str, str]) -> AlbIngressArgs:
        return AlbIngressArgs(network=network, tags=tags, **asdict(self))


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

    @property
    def cluster(self) -> ServiceClusterArgs:
        sc = self.service_connect
        return ServiceClusterArgs(
            service_connect_namespace=sc.namespace if sc.enabled else None, tags=self.resource_tags
        )
