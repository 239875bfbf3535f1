"""NAT egress: an EIP and a NAT gateway in a public subnet, one in total or one per AZ, and each private route
table's default route to its AZ's NAT (or the single one)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components._common import child, name_tags
from components.refs import NatRef, NetworkRef


@dataclass(frozen=True)
class NatEgressArgs:
    network: NetworkRef
    # One NAT per AZ survives an AZ outage; a single NAT is cheaper and routes every AZ through one AZ.
    per_az: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)

    def validate(self) -> None:
        route_tables = len(self.network.private_route_table_ids)
        if route_tables == 0:
            raise ValueError("NAT egress needs the network's private route tables")
        public = len(self.network.public_subnet_ids)
        if public == 0 or (self.per_az and public < route_tables):
            raise ValueError(f"NAT egress needs a public subnet per NAT: {public} for {route_tables} AZs")


class NatEgress(pulumi.ComponentResource):
    ref: NatRef

    def __init__(self, name: str, args: NatEgressArgs, opts: pulumi.ResourceOptions | None = None):
        args.validate()  # before registering anything
        super().__init__("fargate:egress:NatEgress", name, None, opts)
        network = args.network
        nat_count = len(network.private_route_table_ids) if args.per_az else 1
        nats = []
        for i in range(nat_count):
            eip = aws.ec2.Eip(
                f"{name}-eip-{i + 1}", domain="vpc", tags=name_tags(args.tags, f"{name}-eip-{i + 1}"), opts=child(self)
            )
            nats.append(
                aws.ec2.NatGateway(
                    f"{name}-nat-{i + 1}",
                    allocation_id=eip.id,
                    subnet_id=network.public_subnet_ids[i],
                    connectivity_type="public",
                    tags=name_tags(args.tags, f"{name}-nat-{i + 1}"),
                    opts=child(self, depends_on=list(network.internet_ready)),
                )
            )
        for i, route_table_id in enumerate(network.private_route_table_ids):
            aws.ec2.Route(
                f"{name}-default-route-{i + 1}",
                route_table_id=route_table_id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nats[i if args.per_az else 0].id,
                opts=child(self),
            )
        self.ref = NatRef(nat_gateway_ids=tuple(nat.id for nat in nats))
        self.register_outputs({"natGatewayIds": list(self.ref.nat_gateway_ids)})
