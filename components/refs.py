"""Small typed references that components hand to each other instead of reaching into attributes."""

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi


@dataclass(frozen=True)
class NetworkRef:
    """A VPC as the egress, ingress and service patterns need it. Lists are ordered by AZ."""

    vpc_id: pulumi.Input[str]
    vpc_cidr: pulumi.Input[str]
    public_subnet_ids: tuple[pulumi.Input[str], ...]
    private_subnet_ids: tuple[pulumi.Input[str], ...]
    # One per private subnet, same order; empty when the source does not expose them (awsx).
    private_route_table_ids: tuple[pulumi.Input[str], ...] = ()
    # Resources a consumer must wait for before using the public subnets (IGW and its route).
    internet_ready: tuple[pulumi.Resource, ...] = ()


@dataclass(frozen=True)
class AlbRef:
    """An ALB as a service needs it: its SG (for SG-to-SG rules) and the listener that forwards."""

    security_group_id: pulumi.Input[str]
    listener_arn: pulumi.Input[str]
    dns_name: pulumi.Input[str]


@dataclass(frozen=True)
class AlbRoute:
    """One listener rule for a service: a priority and at most 5 path patterns."""

    priority: int
    path_patterns: tuple[str, ...]


@dataclass(frozen=True)
class ClusterRef:
    cluster_arn: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    # Cloud Map namespace ARN for Service Connect, or None when Service Connect is off.
    namespace_arn: pulumi.Input[str] | None = None


@dataclass(frozen=True)
class ServiceRef:
    """A Fargate service as its Service Connect peers need it."""

    name: str
    security_group_id: pulumi.Input[str]
    port: int
    # The ECS service, so that callers can be created after it.
    service: pulumi.Resource | None = None


@dataclass(frozen=True)
class NatRef:
    """NAT egress: its gateways, in AZ order (one in total with a single NAT)."""

    nat_gateway_ids: tuple[pulumi.Input[str], ...]


@dataclass(frozen=True)
class EndpointsRef:
    """Endpoint egress: the S3 gateway endpoint (None when off) and the interface endpoints by short service name."""

    s3_gateway_endpoint_id: pulumi.Input[str] | None = None
    interface_endpoint_ids: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
