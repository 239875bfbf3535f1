"""A model of pulumi-awsx's remote components, so preflight sees the pulumi_aws resources awsx would register.

Modelled at pulumi-awsx 3.11.0 (its source: awsx/ec2, awsx/ecs, awsx/lb): `ec2.Vpc`, `ec2.DefaultVpc`,
`ec2.getDefaultVpc`, `ecs.FargateService`, `ecs.FargateTaskDefinition`, `lb.ApplicationLoadBalancer` and
`lb.NetworkLoadBalancer`. Any other component, or an option outside the model, keeps preflight's remote-component
diagnostic, naming the option.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import metadata
from typing import Any

from ..remote import RemoteComponent, Unmodelled
from . import ec2, ecs, lb

MODELLED_VERSION = "3.11.0"

_COMPONENTS: dict[str, Callable[[RemoteComponent], Mapping[str, Any]]] = {
    "awsx:ec2:Vpc": ec2.expand_vpc,
    "awsx:ec2:DefaultVpc": ec2.expand_default_vpc,
    "awsx:ecs:FargateService": ecs.expand_fargate_service,
    "awsx:ecs:FargateTaskDefinition": ecs.expand_fargate_task_definition,
    "awsx:lb:ApplicationLoadBalancer": lb.expand_application_load_balancer,
    "awsx:lb:NetworkLoadBalancer": lb.expand_network_load_balancer,
}
MODELLED_COMPONENTS = tuple(sorted(_COMPONENTS))


def installed_version() -> str | None:
    try:
        return metadata.version("pulumi_awsx")
    except metadata.PackageNotFoundError:
        return None


class AwsxLibrary:
    """The awsx component library, as preflight models it."""

    package = "awsx"

    def __init__(self, installed: str | None = None) -> None:
        self.installed = installed if installed is not None else installed_version()

    def version_note(self) -> str | None:
        if self.installed in (None, MODELLED_VERSION):
            return None
        return (
            f"pulumi_awsx {self.installed} is installed but preflight models awsx {MODELLED_VERSION}: the children "
            "it registers for awsx components follow awsx 3.11.0"
        )

    def invokes(self) -> Mapping[str, Callable[[Any, dict[str, Any]], dict[str, Any]]]:
        return {"awsx:ec2:getDefaultVpc": ec2.default_vpc}

    def expand(self, component: RemoteComponent) -> Mapping[str, Any]:
        expand = _COMPONENTS.get(component.type)
        if expand is None:
            raise Unmodelled(f"preflight does not model {component.type}")
        return expand(component)
