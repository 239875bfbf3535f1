"""Service Connect peering, least privilege: for each declared caller -> callee edge, the callee's task SG admits
the caller's task SG on the callee's container port, by SG reference (never a CIDR), and the caller's task SG gets
the matching egress rule. Services with no edge between them get no rule, so the rule count grows with the edges,
not with the square of the services."""

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from components._common import allow_sg_to_sg
from components.refs import ServiceRef


@dataclass(frozen=True)
class ServicePeeringArgs:
    # (caller, callee) pairs: the caller reaches the callee through Service Connect on the callee's port.
    edges: tuple[tuple[ServiceRef, ServiceRef], ...]
    tags: Mapping[str, str] = field(default_factory=dict)

    def validate(self) -> None:
        if not self.edges:
            raise ValueError("peering needs at least 1 caller -> callee edge")
        seen: set[tuple[str, str]] = set()
        for caller, callee in self.edges:
            edge = (caller.name, callee.name)
            if caller.name == callee.name:
                raise ValueError(f"a service cannot peer with itself: {caller.name} -> {callee.name}")
            if edge in seen:
                raise ValueError(f"edge listed twice: {caller.name} -> {callee.name}")
            seen.add(edge)


class ServicePeering(pulumi.ComponentResource):
    def __init__(self, name: str, args: ServicePeeringArgs, opts: pulumi.ResourceOptions | None = None):
        args.validate()  # before registering anything
        super().__init__("fargate:ecs:ServicePeering", name, None, opts)
        for caller, callee in args.edges:
            allow_sg_to_sg(
                self,
                f"{name}-{caller.name}-to-{callee.name}",
                client_sg=caller.security_group_id,
                server_sg=callee.security_group_id,
                port=callee.port,
                description=f"Service Connect {caller.name} to {callee.name}:{callee.port}",
                tags=args.tags,
            )
        self.register_outputs({"edges": [f"{caller.name}->{callee.name}" for caller, callee in args.edges]})
