"""Service Connect peering: every service's task SG admits every other service's task SG on its container port,
by SG reference (never a CIDR), and the client side gets the matching egress rule."""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components._common import child
from components.refs import ServiceRef


@dataclass(frozen=True)
class ServicePeeringArgs:
    services: tuple[ServiceRef, ...]

    def validate(self) -> None:
        names = [s.name for s in self.services]
        if len(self.services) < 2 or len(set(names)) != len(names):
            raise ValueError(f"peering needs at least 2 distinct services: {names}")


class ServicePeering(pulumi.ComponentResource):
    def __init__(self, name: str, args: ServicePeeringArgs, opts: pulumi.ResourceOptions | None = None):
        args.validate()  # before registering anything
        super().__init__("fargate:ecs:ServicePeering", name, None, opts)
        for client in args.services:
            for server in args.services:
                if client is server:
                    continue
                pair = f"{name}-{client.name}-to-{server.name}"
                rule = {
                    "ip_protocol": "tcp",
                    "from_port": server.port,
                    "to_port": server.port,
                    "description": f"Service Connect {client.name} -> {server.name}:{server.port}",
                }
                aws.vpc.SecurityGroupIngressRule(
                    f"{pair}-in",
                    security_group_id=server.security_group_id,
                    referenced_security_group_id=client.security_group_id,
                    opts=child(self),
                    **rule,
                )
                aws.vpc.SecurityGroupEgressRule(
                    f"{pair}-out",
                    security_group_id=client.security_group_id,
                    referenced_security_group_id=server.security_group_id,
                    opts=child(self),
                    **rule,
                )
        self.register_outputs({"services": [s.name for s in args.services]})
