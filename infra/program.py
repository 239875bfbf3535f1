"""The stack program: config -> one validated spec -> components -> exports. No AWS detail lives here."""

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components import (
    AlbIngress,
    AwsxNetwork,
    AwsxNetworkArgs,
    EndpointEgress,
    EndpointEgressArgs,
    FargateService,
    FargateServiceArgs,
    NatEgress,
    NatEgressArgs,
    Network,
    NetworkRef,
    ServiceCluster,
    ServicePeering,
    ServicePeeringArgs,
    ServiceRef,
)
from infra.layout import listener_routes
from infra.spec import CONFIG_NAMESPACE, PlatformSpec, ServiceSpec, SpecError, parse_platform

AWSX_NAT = {None: "none", "single": "single", "perAz": "per_az"}


def main() -> None:
    """Run the program: validate the whole config first, then register resources and export outputs."""
    spec = load_spec()
    for key, value in build(spec).items():
        pulumi.export(key, value)


def load_spec() -> PlatformSpec:
    """Read `fargate-networking:platform` (and `aws:region`) into a PlatformSpec, or raise SpecError. The reads it
    needs (zones, an existing VPC's attributes) happen here too, before any resource is registered."""
    try:
        raw = pulumi.Config(CONFIG_NAMESPACE).get_object("platform")
    except Exception as error:  # the CLI hands us a string that is not JSON
        raise SpecError("", "<unparsable>", f"is not a structured config object ({error})") from None
    region = pulumi.Config("aws").get("region") or aws.get_region().region
    spec = parse_platform(raw, region=region, available_zones=lambda: _available_zones())
    check_existing_vpc(spec)
    return spec


def _available_zones() -> Sequence[str]:
    return aws.get_availability_zones(state="available").names or ()


def check_existing_vpc(spec: PlatformSpec) -> None:
    """An existing VPC must have DNS support and DNS hostnames on: interface endpoints' private DNS and Service
    Connect resolve names through the VPC resolver. One read (ec2:DescribeVpcAttribute behind aws.ec2.get_vpc),
    before any resource is registered."""
    existing = spec.network.existing
    if existing is None:
        return
    vpc = aws.ec2.get_vpc(id=existing.vpc_id)
    for attribute, on in (
        ("enableDnsSupport", vpc.enable_dns_support),
        ("enableDnsHostnames", vpc.enable_dns_hostnames),
    ):
        if not on:
            raise SpecError(
                ".network.existing.vpcId",
                existing.vpc_id,
                f"has {attribute} off",
                "a VPC with enableDnsSupport and enableDnsHostnames on (aws ec2 modify-vpc-attribute)",
            )


def build(spec: PlatformSpec) -> dict[str, object]:
    """Register the components the spec selects; return the stack outputs."""
    tags = spec.resource_tags
    network = _network(spec)
    outputs: dict[str, object] = {
        "environment": spec.environment,
        "egressMode": spec.egress.mode,
        "vpcId": network.vpc_id,
        "publicSubnetIds": list(network.public_subnet_ids),
        "privateSubnetIds": list(network.private_subnet_ids),
    }
    if spec.egress.mode == "nat" and spec.network.source != "awsx":
        nat = NatEgress("egress", NatEgressArgs(network=network, per_az=spec.egress.nat_gateways == "perAz", tags=tags))
        outputs["natGatewayIds"] = list(nat.ref.nat_gateway_ids)
    if spec.egress.s3_gateway or spec.egress.interface_endpoints:
        endpoints = EndpointEgress(
            "endpoints",
            EndpointEgressArgs(
                network=network,
                region=spec.region,
                interface_services=spec.egress.interface_endpoints,
                endpoint_subnet_count=spec.egress.endpoint_az_count,
                s3_gateway=spec.egress.s3_gateway,
                tags=tags,
            ),
        )
        outputs["interfaceEndpoints"] = list(spec.egress.interface_endpoints)
        outputs["s3GatewayEndpointId"] = endpoints.ref.s3_gateway_endpoint_id
    sc = spec.service_connect
    cluster = ServiceCluster("platform", spec.cluster)
    alb = None
    if any(service.exposed for service in spec.services):
        alb = AlbIngress("ingress", spec.ingress.args(network, tags))
        scheme = "https" if spec.ingress.certificate_arn else "http"
        outputs["albDnsName"] = alb.ref.dns_name
        outputs["url"] = pulumi.Output.concat(f"{scheme}://", alb.ref.dns_name)
    routes = listener_routes([(s.name, s.path_patterns, s.default) for s in spec.services])
    refs: dict[str, ServiceRef] = {}
    for service in servers_first(spec.services):
        refs[service.name] = FargateService(
            service.name,
            FargateServiceArgs(
                service_name=service.name,
                cluster=cluster.ref,
                network=network,
                region=spec.region,
                image=service.image,
                port=service.port,
                cpu=service.cpu,
                memory=service.memory,
                desired_count=service.desired_count,
                sensitive=service.sensitive,
                public_placement=service.placement == "public",
                health_check_path=service.health_check_path,
                alb=alb.ref if alb and service.name in routes else None,
                routes=routes.get(service.name, ()),
                service_connect=sc.enabled,
                calls=tuple(refs[callee] for callee in service.calls),
                wait_for_steady_state=service.wait_for_steady_state,
                log_retention_days=spec.log_retention_days,
                tags=tags,
            ),
        ).ref
    edges = tuple((refs[service.name], refs[callee]) for service in spec.services for callee in service.calls)
    if edges:
        ServicePeering("service-connect", ServicePeeringArgs(edges=edges, tags=tags))
    if sc.enabled:
        outputs["serviceConnectNamespace"] = sc.namespace
    outputs["clusterName"] = cluster.ref.cluster_name
    outputs["serviceNames"] = [service.name for service in spec.services]
    return outputs


def servers_first(services: Sequence[ServiceSpec]) -> list[ServiceSpec]:
    """The services in config order, except that each comes after the services it calls (the spec has no cycles)."""
    by_name = {service.name: service for service in services}
    ordered: dict[str, ServiceSpec] = {}

    def visit(service: ServiceSpec) -> None:
        if service.name not in ordered:
            for callee in service.calls:
                visit(by_name[callee])
            ordered[service.name] = service

    for service in services:
        visit(service)
    return list(ordered.values())


def _network(spec: PlatformSpec) -> NetworkRef:
    net = spec.network
    if net.existing:
        return net.existing
    if net.source == "awsx":
        nat = spec.egress.nat_gateways if spec.egress.mode == "nat" else None
        return AwsxNetwork("network", AwsxNetworkArgs(layout=net.layout, nat_gateways=AWSX_NAT[nat])).ref
    return Network("network", net.layout).ref
