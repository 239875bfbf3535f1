"""awsx.lb.ApplicationLoadBalancer and awsx.lb.NetworkLoadBalancer at pulumi-awsx 3.11.0.

Behaviour carried over from awsx/lb/applicationLoadBalancer.ts and networkLoadBalancer.ts (rewritten, not copied):
- subnets: `subnetIds` as given (the VPC is the first subnet's), else the default VPC's public subnets.
- ALB only: without `securityGroups` or `defaultSecurityGroup.skip`/`securityGroupId`, a SecurityGroup named like
  the component that admits everything from 0.0.0.0/0 and ::/0 (protocol -1, ports 0) and sends tcp 0-65535 anywhere.
- an aws.lb.LoadBalancer named like the component (`loadBalancerType` application, or network with HTTP/2 off and
  idle timeout 0), the remaining arguments passed through;
- a default TargetGroup named like the component: ALB target type ip, HTTP on `defaultTargetGroupPort` (80), or the
  listener's port/protocol; NLB TCP on `defaultTargetGroupPort` (80); `defaultTargetGroup` arguments override;
- listeners `<name>-<i>` forwarding to the default target group: HTTP 80 (ALB, port 443 means HTTPS) or TCP 80 (NLB),
  overridden by `listener` / `listeners`.
All children are parented to the component.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi_aws as aws

from ..remote import UNKNOWN, Child, RemoteComponent, Unmodelled
from .ec2 import default_vpc, only_modelled

_PASS_THROUGH = {
    "accessLogs",
    "connectionLogs",
    "dropInvalidHeaderFields",
    "enableDeletionProtection",
    "enableHttp2",
    "enableCrossZoneLoadBalancing",
    "idleTimeout",
    "internal",
    "ipAddressType",
    "name",
    "namePrefix",
    "securityGroups",
    "tags",
    "desyncMitigationMode",
    "preserveHostHeader",
    "xffHeaderProcessingMode",
    "region",
}
_OWN = {"subnetIds", "defaultTargetGroup", "defaultTargetGroupPort", "defaultSecurityGroup", "listener", "listeners"}
_LISTENER_KEYS = {"port", "protocol", "certificateArn", "sslPolicy", "defaultActions", "alpnPolicy", "tags"}
_TARGET_GROUP_KEYS = {
    "port",
    "protocol",
    "targetType",
    "healthCheck",
    "name",
    "namePrefix",
    "tags",
    "deregistrationDelay",
}
# The SG awsx makes for an ALB or a FargateService left without one: open to the internet both ways.
OPEN_INGRESS = {"fromPort": 0, "toPort": 0, "protocol": "-1", "cidrBlocks": ["0.0.0.0/0"], "ipv6CidrBlocks": ["::/0"]}
OPEN_EGRESS = {
    "fromPort": 0,
    "toPort": 65535,
    "protocol": "tcp",
    "cidrBlocks": ["0.0.0.0/0"],
    "ipv6CidrBlocks": ["::/0"],
}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _vpc_and_subnets(component: RemoteComponent) -> tuple[Any, Any, str]:
    """(vpcId input, subnets, vpcId output) as awsx decides them: from subnetIds, else the default VPC's public ones."""
    if not component.given("subnetIds"):
        found = default_vpc(component._fake)
        return found["vpcId"], found["publicSubnetIds"], found["vpcId"]
    subnets = component.at("subnetIds")
    ids = component.value("subnetIds")
    first = ids[0] if isinstance(ids, list) and ids else None
    if not isinstance(first, str) or first == UNKNOWN:
        return subnets.apply(lambda _: UNKNOWN), subnets, UNKNOWN  # as awsx's getSubnet of an unknown id
    vpc_id = next(
        (r.state.get("vpcId") for r in component._monitor.resources.values() if r.state.get("id") == first), None
    )
    if vpc_id is None:
        vpc_id = component.invoke("aws:ec2/getSubnet:getSubnet", {"id": first}).get("vpcId")
    return subnets.apply(lambda _: vpc_id), subnets, vpc_id or UNKNOWN


def _listener_protocol(listener: dict[str, Any] | None, default_port: Any) -> dict[str, Any]:
    if listener:
        port, protocol = listener.get("port"), listener.get("protocol")
        if port and protocol:
            return {"port": port, "protocol": protocol}
        if port:
            return {"port": port, "protocol": "HTTPS" if port == 443 else "HTTP"}
        if protocol:
            return {"protocol": protocol, "port": 443 if protocol == "HTTPS" else 80}
    return {"port": default_port or 80, "protocol": "HTTP"}


def _expand(component: RemoteComponent, application: bool) -> dict[str, Any]:
    name = component.name
    only_modelled(component, _PASS_THROUGH | _OWN)
    if component.given("listener") and component.given("listeners"):
        raise Unmodelled("Only one of [listener] and [listeners] can be specified")
    if component.given("defaultTargetGroup") and component.given("defaultTargetGroupPort"):
        raise Unmodelled("Only one of `defaultTargetGroup` or `defaultTargetGroupPort` can be provided.")
    listener = component.known("listener")
    listeners = component.known("listeners")
    for index, spec in enumerate([listener] if listener else listeners or []):
        only_modelled(component, _LISTENER_KEYS, f"listener[{index}].", spec)
    target_group_args = component.known("defaultTargetGroup", default={})
    only_modelled(component, _TARGET_GROUP_KEYS, "defaultTargetGroup.", target_group_args)
    default_sg = component.known("defaultSecurityGroup", default={})
    only_modelled(component, {"skip", "securityGroupId"}, "defaultSecurityGroup.", default_sg)

    vpc_id, subnets, vpc_id_output = _vpc_and_subnets(component)
    lb_args: dict[str, Any] = {snake(key): component.at(key) for key in _PASS_THROUGH}
    lb_args["subnets"] = subnets
    security_group: Child | None = None
    if application and not component.given("securityGroups") and not default_sg.get("skip"):
        if default_sg.get("securityGroupId"):
            lb_args["security_groups"] = [component.at("defaultSecurityGroup", "securityGroupId")]
        else:
            security_group = component.add(
                aws.ec2.SecurityGroup, name, {"vpc_id": vpc_id, "ingress": [OPEN_INGRESS], "egress": [OPEN_EGRESS]}
            )
            lb_args["security_groups"] = [security_group.resource.id]
    if application:
        lb_args["load_balancer_type"] = "application"
    else:
        lb_args |= {"load_balancer_type": "network", "enable_http2": False, "idle_timeout": 0}
    balancer = component.add(aws.lb.LoadBalancer, name, lb_args)

    port = component.known("defaultTargetGroupPort")
    if application:
        first = listener or ((listeners or [None])[0] if listeners and len(listeners) != 1 else None)
        protocol = {} if listeners and len(listeners) == 1 else _listener_protocol(first, port)
        group_args = {"vpc_id": vpc_id, "target_type": "ip", **protocol}
    else:
        protocol = {"protocol": "TCP", "port": 80}
        group_args = {"vpc_id": vpc_id, "protocol": "TCP", "port": port or 80}
    group_args |= {snake(key): component.at("defaultTargetGroup", key) for key in target_group_args}
    target_group = component.add(aws.lb.TargetGroup, name, group_args)

    actions = [{"type": "forward", "targetGroupArn": target_group.resource.arn}]
    specs = [listener] if listener else (listeners or [None])
    made = []
    for index, spec in enumerate(specs):
        if spec is None:
            own: dict[str, Any] = {}
        elif listener:
            own = {snake(key): component.at("listener", key) for key in spec}
        else:
            own = {snake(key): component.at("listeners", index, key) for key in spec}
        base = _listener_protocol(spec, None) if (application and listeners) else protocol
        made.append(
            component.add(
                aws.lb.Listener,
                f"{name}-{index}",
                {"default_actions": actions, **base, **own, "load_balancer_arn": balancer.resource.arn},
            )
        )
    outputs: dict[str, Any] = {
        "loadBalancer": balancer,
        "defaultTargetGroup": target_group,
        "listeners": made,
        "vpcId": vpc_id_output,
    }
    if security_group is not None:
        outputs["defaultSecurityGroup"] = security_group
    return outputs


def expand_application_load_balancer(component: RemoteComponent) -> dict[str, Any]:
    return _expand(component, application=True)


def expand_network_load_balancer(component: RemoteComponent) -> dict[str, Any]:
    return _expand(component, application=False)
