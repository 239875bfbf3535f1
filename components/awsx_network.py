"""Network from `awsx.ec2.Vpc`: the same layout, built by the awsx component (NAT included).

awsx is a remote component: its children are built by the awsx plugin (preflight models them); it exposes no route
tables by tier, so the S3 gateway endpoint and interface-endpoint-only egress are not offered on this source.

`pulumi_awsx` is imported only when an AwsxNetwork is built, so a stack on another network source doesn't load its
20 modules (awsx and parver): 0.03 to 0.06 s on a 2-core machine once pulumi and pulumi_aws are loaded, 0.24 s when it
is the first Pulumi import (`python -X importtime`)."""

from dataclasses import dataclass

import pulumi

from components._common import child
from components.network import NetworkArgs, vpc_flow_logs
from components.refs import NetworkRef

# nat_gateways value -> the name of awsx.ec2.NatGatewayStrategy's member.
NAT_STRATEGIES = {"none": "NONE", "single": "SINGLE", "per_az": "ONE_PER_AZ"}


@dataclass(frozen=True)
class AwsxNetworkArgs:
    layout: NetworkArgs
    # "none" (public egress only), "single" or "per_az".
    nat_gateways: str = "per_az"

    def validate(self) -> None:
        self.layout.validate()
        if self.nat_gateways not in NAT_STRATEGIES:
            raise ValueError(f"nat_gateways {self.nat_gateways!r} not in {sorted(NAT_STRATEGIES)}")


class AwsxNetwork(pulumi.ComponentResource):
    ref: NetworkRef

    def __init__(self, name: str, args: AwsxNetworkArgs, opts: pulumi.ResourceOptions | None = None):
        args.validate()  # before registering anything
        import pulumi_awsx as awsx  # only stacks on the awsx source pay for it

        super().__init__("fargate:network:AwsxNetwork", name, None, opts)
        layout = args.layout
        vpc = awsx.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=layout.cidr_block,
            availability_zone_names=list(layout.availability_zones),
            enable_dns_support=True,
            enable_dns_hostnames=True,
            # Auto with cidrBlocks is awsx's explicit layout; Exact would also demand that the subnets tile the whole
            # VPC CIDR without gaps (awsx/ec2/vpc.ts validateNoGaps), which our layout deliberately does not.
            subnet_strategy=awsx.ec2.SubnetAllocationStrategy.AUTO,
            subnet_specs=[
                awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PUBLIC, cidr_blocks=list(layout.public_subnet_cidrs)),
                awsx.ec2.SubnetSpecArgs(
                    type=awsx.ec2.SubnetType.PRIVATE, cidr_blocks=list(layout.private_subnet_cidrs)
                ),
            ],
            nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(
                strategy=getattr(awsx.ec2.NatGatewayStrategy, NAT_STRATEGIES[args.nat_gateways])
            ),
            tags=dict(layout.tags),
            opts=child(self),
        )
        if layout.flow_logs:
            vpc_flow_logs(self, name, vpc.vpc_id, layout.flow_log_retention_days, layout.tags)
        count = len(layout.availability_zones)
        self.ref = NetworkRef(
            vpc_id=vpc.vpc_id,
            vpc_cidr=layout.cidr_block,
            public_subnet_ids=tuple(vpc.public_subnet_ids.apply(lambda ids, i=i: ids[i]) for i in range(count)),
            private_subnet_ids=tuple(vpc.private_subnet_ids.apply(lambda ids, i=i: ids[i]) for i in range(count)),
            internet_ready=(vpc,),
        )
        self.register_outputs({"vpcId": vpc.vpc_id})
