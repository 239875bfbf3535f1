"""Service Connect peering: every service's task SG admits every other service's task SG on its container port,
by SG reference (never a CIDR), and the client side gets the matching egress rule."""

from dataclasses import dataclass

import pulumi

from components._common import allow_sg_to_sg
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
                allow_sg_to_sg(
                    self,
                    f"{name}-{client.name}-to-{server.name}",
                    client_sg=client.security_group_id,
                    server_sg=server.security_group_id,
                    port=server.port,
                    description=f"Service Connect {client.name} -> {server.name}:{server.port}",
                )
        self.register_outputs({"services": [s.name for s in args.services]})
