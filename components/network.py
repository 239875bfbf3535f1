"""Network baseline: VPC, public and private subnets per AZ, IGW, route tables, locked default SG, flow logs."""

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components._common import assume_role_policy, child, name_tags
from components.refs import NetworkRef
from components.rulebook import check, log_retention_problem


@dataclass(frozen=True)
class NetworkArgs:
    cidr_block: str
    availability_zones: tuple[str, ...]
    # One public and one private subnet CIDR per AZ, same order as availability_zones.
    public_subnet_cidrs: tuple[str, ...]
    private_subnet_cidrs: tuple[str, ...]
    flow_logs: bool = False
    flow_log_retention_days: int = 30
    tags: Mapping[str, str] = field(default_factory=dict)

    def validate(self) -> None:
        vpc = ipaddress.IPv4Network(self.cidr_block)
        count = len(self.availability_zones)
        if count < 1 or len(set(self.availability_zones)) != count:
            raise ValueError(f"availability_zones must be distinct and non-empty: {self.availability_zones}")
        if len(self.public_subnet_cidrs) != count or len(self.private_subnet_cidrs) != count:
            raise ValueError("need exactly one public and one private subnet CIDR per availability zone")
        subnets = [ipaddress.IPv4Network(c) for c in self.public_subnet_cidrs + self.private_subnet_cidrs]
        for i, subnet in enumerate(subnets):
            if not subnet.subnet_of(vpc):
                raise ValueError(f"subnet {subnet} is outside the VPC {vpc}")
            for other in subnets[i + 1 :]:
                if subnet.overlaps(other):
                    raise ValueError(f"subnets {subnet} and {other} overlap")
        check(log_retention_problem(self.flow_log_retention_days, key="flow_log_retention_days"))


class Network(pulumi.ComponentResource):
    """A VPC laid out for Fargate: tasks in private subnets, ALB and NAT in public ones.

    No subnet auto-assigns public IPs (a public task gets one per service), the default SG has no rules, and
    each private subnet has its own route table so that egress patterns can route per AZ."""

    ref: NetworkRef

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        args.validate()  # before registering anything
        super().__init__("fargate:network:Network", name, None, opts)
        tags = args.tags
        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr_block,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=name_tags(tags, f"{name}-vpc"),
            opts=child(self),
        )
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg",
            vpc_id=vpc.id,
            ingress=[],
            egress=[],
            tags=name_tags(tags, f"{name}-default-sg"),
            opts=child(self),
        )
        igw = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=vpc.id, tags=name_tags(tags, f"{name}-igw"), opts=child(self)
        )
        public_rt = aws.ec2.RouteTable(
            f"{name}-public-rt", vpc_id=vpc.id, tags=name_tags(tags, f"{name}-public-rt"), opts=child(self)
        )
        public_route = aws.ec2.Route(
            f"{name}-public-default-route",
            route_table_id=public_rt.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=igw.id,
            opts=child(self),
        )
        public_subnets, private_subnets, private_rts = [], [], []
        for az, public_cidr, private_cidr in zip(
            args.availability_zones, args.public_subnet_cidrs, args.private_subnet_cidrs, strict=True
        ):
            public = self._subnet(name, f"public-{az}", vpc, az, public_cidr, tags, tier="public")
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{az}-rta", subnet_id=public.id, route_table_id=public_rt.id, opts=child(self)
            )
            private = self._subnet(name, f"private-{az}", vpc, az, private_cidr, tags, tier="private")
            private_rt = aws.ec2.RouteTable(
                f"{name}-private-{az}-rt",
                vpc_id=vpc.id,
                tags=name_tags(tags, f"{name}-private-{az}-rt", tier="private"),
                opts=child(self),
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{az}-rta", subnet_id=private.id, route_table_id=private_rt.id, opts=child(self)
            )
            public_subnets.append(public)
            private_subnets.append(private)
            private_rts.append(private_rt)
        if args.flow_logs:
            vpc_flow_logs(self, name, vpc.id, args.flow_log_retention_days, tags)

        self.ref = NetworkRef(
            vpc_id=vpc.id,
            vpc_cidr=args.cidr_block,
            public_subnet_ids=tuple(s.id for s in public_subnets),
            private_subnet_ids=tuple(s.id for s in private_subnets),
            private_route_table_ids=tuple(rt.id for rt in private_rts),
            internet_ready=(igw, public_route),
        )
        self.register_outputs(
            {
                "vpcId": vpc.id,
                "publicSubnetIds": list(self.ref.public_subnet_ids),
                "privateSubnetIds": list(self.ref.private_subnet_ids),
                "privateRouteTableIds": list(self.ref.private_route_table_ids),
            }
        )

    def _subnet(self, name, suffix, vpc, az, cidr, tags, *, tier) -> aws.ec2.Subnet:
        return aws.ec2.Subnet(
            f"{name}-{suffix}",
            vpc_id=vpc.id,
            availability_zone=az,
            cidr_block=cidr,
            map_public_ip_on_launch=False,
            tags=name_tags(tags, f"{name}-{suffix}", tier=tier),
            opts=child(self),
        )


def vpc_flow_logs(parent: pulumi.Resource, name: str, vpc_id: pulumi.Input[str], retention_days: int, tags) -> None:
    """VPC flow logs (all traffic) to a CloudWatch log group with retention, through a least-privilege role."""
    log_group = aws.cloudwatch.LogGroup(
        f"{name}-flow-logs", retention_in_days=retention_days, tags=tags, opts=child(parent)
    )
    role = aws.iam.Role(
        f"{name}-flow-logs-role",
        assume_role_policy=assume_role_policy("vpc-flow-logs.amazonaws.com"),
        tags=tags,
        opts=child(parent),
    )
    policy = aws.iam.RolePolicy(
        f"{name}-flow-logs-policy",
        role=role.id,
        policy=pulumi.Output.json_dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": [
                            "logs:CreateLogStream",
                            "logs:PutLogEvents",
                            "logs:DescribeLogGroups",
                            "logs:DescribeLogStreams",
                        ],
                        "Resource": [log_group.arn, pulumi.Output.concat(log_group.arn, ":*")],
                    }
                ],
            }
        ),
        opts=child(parent),
    )
    aws.ec2.FlowLog(
        f"{name}-flow-log",
        vpc_id=vpc_id,
        traffic_type="ALL",
        log_destination_type="cloud-watch-logs",
        log_destination=log_group.arn,
        iam_role_arn=role.arn,
        tags=name_tags(tags, f"{name}-flow-log"),
        # The role may write to the log group before the flow log starts delivering.
        opts=child(parent, depends_on=[policy]),
    )
