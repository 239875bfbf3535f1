"""Endpoint egress: an S3 gateway endpoint on every private route table, and interface endpoints (ECR, logs and
extras) in the private subnets with private DNS, behind one SG that admits tcp 443 from the VPC CIDR."""

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components._common import child, name_tags
from components.refs import EndpointsRef, NetworkRef
from components.rulebook import FARGATE_INTERFACE_ENDPOINTS, Problem, check, endpoint_service_problem


@dataclass(frozen=True)
class EndpointEgressArgs:
    network: NetworkRef
    region: str
    # Interface endpoint services, short names such as "ecr.api" (-> com.amazonaws.<region>.ecr.api).
    interface_services: tuple[str, ...] = FARGATE_INTERFACE_ENDPOINTS
    # How many private subnets (AZs) get an interface endpoint ENI; None means all of them.
    endpoint_subnet_count: int | None = None
    s3_gateway: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)

    def validate(self) -> None:
        if not self.region:
            raise ValueError("region is required to name endpoint services")
        if not self.s3_gateway and not self.interface_services:
            raise ValueError("nothing to create: no S3 gateway and no interface endpoints")
        if self.s3_gateway and not self.network.private_route_table_ids:
            raise ValueError("the S3 gateway endpoint needs the network's private route tables")
        for i, service in enumerate(self.interface_services):
            check(endpoint_service_problem(service))
            if service in self.interface_services[:i]:
                check(Problem("interface_services", service, "is listed twice", "each service once"))
        available = len(self.network.private_subnet_ids)
        if self.interface_services and not 1 <= self.subnet_count <= available:
            check(Problem("endpoint_subnet_count", self.endpoint_subnet_count, "is out of range", f"1..{available}"))

    @property
    def subnet_count(self) -> int:
        if self.endpoint_subnet_count is None:
            return len(self.network.private_subnet_ids)
        return self.endpoint_subnet_count


class EndpointEgress(pulumi.ComponentResource):
    ref: EndpointsRef

    def __init__(self, name: str, args: EndpointEgressArgs, opts: pulumi.ResourceOptions | None = None):
        args.validate()  # before registering anything
        super().__init__("fargate:egress:EndpointEgress", name, None, opts)
        network = args.network
        s3_gateway_endpoint_id = None
        if args.s3_gateway:
            s3 = aws.ec2.VpcEndpoint(
                f"{name}-s3",
                vpc_id=network.vpc_id,
                service_name=f"com.amazonaws.{args.region}.s3",
                vpc_endpoint_type="Gateway",
                route_table_ids=list(network.private_route_table_ids),
                tags=name_tags(args.tags, f"{name}-s3"),
                opts=child(self),
            )
            s3_gateway_endpoint_id = s3.id
        interface_endpoint_ids: dict[str, pulumi.Output[str]] = {}
        if args.interface_services:
            sg = aws.ec2.SecurityGroup(
                f"{name}-sg",
                vpc_id=network.vpc_id,
                description="Interface endpoints: HTTPS from inside the VPC",
                tags=name_tags(args.tags, f"{name}-sg"),
                opts=child(self),
            )
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-sg-https-from-vpc",
                security_group_id=sg.id,
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                cidr_ipv4=network.vpc_cidr,
                description="HTTPS from the VPC",
                tags=name_tags(args.tags, f"{name}-sg-https-from-vpc"),
                opts=child(self),
            )
            subnet_ids = list(network.private_subnet_ids[: args.subnet_count])
            for service in args.interface_services:
                endpoint = aws.ec2.VpcEndpoint(
                    f"{name}-{service.replace('.', '-')}",
                    vpc_id=network.vpc_id,
                    service_name=f"com.amazonaws.{args.region}.{service}",
                    vpc_endpoint_type="Interface",
                    private_dns_enabled=True,
                    subnet_ids=subnet_ids,
                    security_group_ids=[sg.id],
                    tags=name_tags(args.tags, f"{name}-{service}"),
                    opts=child(self),
                )
                interface_endpoint_ids[service] = endpoint.id
        self.ref = EndpointsRef(s3_gateway_endpoint_id, interface_endpoint_ids)
        self.register_outputs(
            {"s3GatewayEndpointId": s3_gateway_endpoint_id, "interfaceEndpointIds": interface_endpoint_ids}
        )
