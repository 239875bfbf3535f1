"""awsx.ecs.FargateService and awsx.ecs.FargateTaskDefinition at pulumi-awsx 3.11.0.

Behaviour carried over from awsx/ecs/fargateService.ts, fargateTaskDefinition.ts, containers.ts,
fargateMemoryAndCpu.ts, awsx/role.ts and awsx/cloudwatch/logGroup.ts (rewritten, not copied):
- FargateService: with `taskDefinitionArgs`, a FargateTaskDefinition component named like the service (parent: the
  service); an aws.ecs.Service named like the component: desiredCount 1, launch type FARGATE, waitForSteadyState
  true, the load balancers of the task definition's port mappings unless `loadBalancers` is given, and without
  `networkConfiguration` the default: the default VPC, its private subnets (its public ones with
  `assignPublicIp`), and a new SecurityGroup `<name>-sg` admitting everything from 0.0.0.0/0 and ::/0
  (protocol -1) and sending tcp 0-65535 anywhere.
- FargateTaskDefinition: a LogGroup named like the component; roles `<name>-task` and `<name>-execution` assumable
  by ecs-tasks.amazonaws.com, the execution role with AmazonECSTaskExecutionRolePolicy attached as
  `<name>-execution-<sha1(arn)[:8]>`; containers sorted by name, each with an awslogs log configuration (stream
  prefix: the container name) unless it has its own; port mappings keep name, containerPortRange, appProtocol and
  protocol, with containerPort = containerPort ?? hostPort ?? the target group's port and hostPort = hostPort ??
  that port ?? containerPort; cpu/memory, when not given, the cheapest Fargate size holding the containers' sums;
  family `<name>-<sha1(stack + definitions)[:8]>`; requiresCompatibilities FARGATE, networkMode awsvpc.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from ..remote import UNKNOWN, Child, Ref, RemoteComponent, Unmodelled
from .ec2 import default_vpc, only_modelled
from .layout import LayoutError
from .lb import OPEN_EGRESS, OPEN_INGRESS, snake

_EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
_ASSUME_ROLE = {
    "Version": "2012-10-17",
    "Statement": [
        {"Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Effect": "Allow", "Sid": ""}
    ],
}
_SERVICE_PASS_THROUGH = {
    "desiredCount",
    "name",
    "tags",
    "propagateTags",
    "enableEcsManagedTags",
    "enableExecuteCommand",
    "healthCheckGracePeriodSeconds",
    "platformVersion",
    "deploymentMaximumPercent",
    "deploymentMinimumHealthyPercent",
    "deploymentCircuitBreaker",
    "serviceConnectConfiguration",
    "serviceRegistries",
    "forceNewDeployment",
    "region",
}
_SERVICE_OWN = {
    "cluster",
    "taskDefinition",
    "taskDefinitionArgs",
    "networkConfiguration",
    "assignPublicIp",
    "loadBalancers",
    "continueBeforeSteadyState",
}
_TASK_PASS_THROUGH = {"cpu", "memory", "family", "tags", "volumes", "ephemeralStorage", "runtimePlatform", "region"}
_TASK_OWN = {"container", "containers", "logGroup", "taskRole", "executionRole"}
_MAPPING_KEPT = ("name", "containerPortRange", "appProtocol")

# Fargate sizes (vCPU, GB) by price, from fargateMemoryAndCpu.ts (its cost weights: 0.04048/vCPU, 0.004445/GB).
_SIZES = sorted(
    [(0.25, m) for m in (0.5, 1, 2)]
    + [(0.5, m) for m in range(1, 5)]
    + [(1, m) for m in range(2, 9)]
    + [(2, m) for m in range(4, 17)]
    + [(4, m) for m in range(8, 31)]
    + [(8, m) for m in range(16, 61)]
    + [(16, m) for m in range(32, 121)]
    + [(32, m) for m in (60, 120, 244)],
    key=lambda size: 0.04048 * size[0] + 0.004445 * size[1],
)


def _js_number(value: float) -> str:
    """A number as JavaScript prints it in a template string: 40, 0.25."""
    return str(int(value)) if float(value).is_integer() else str(value)


def fargate_size(containers: list[dict[str, Any]]) -> tuple[str, str]:
    """(cpu, memory) awsx picks when the task definition gives neither: the cheapest size holding the sums.

    awsx computes it for every task definition and refuses sums beyond its largest size, with its own message.
    """
    memory = sum(c.get("memoryReservation") or c.get("memory") or 0 for c in containers) / 1024
    cpu = sum(c.get("cpu") or 0 for c in containers) / 1024
    most_cpu, most_memory = max(v for v, _ in _SIZES), max(g for _, g in _SIZES)
    if cpu > most_cpu or memory > most_memory:
        raise LayoutError(
            f"Requested resources exceed the maximum allowed for Fargate. Requested: {_js_number(cpu)} vCPU and "
            f"{_js_number(memory)}GB. Max: {most_cpu} vCPU and {most_memory}GB."
        )
    for vcpu, gb in _SIZES:
        if vcpu >= cpu and gb >= memory:
            return str(int(vcpu * 1024)), str(int(gb * 1024))
    raise LayoutError(
        f"Could not find fargate config that could satisfy: {_js_number(cpu)} vCPU and {_js_number(memory)}GB."
    )


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:8]


@dataclass
class _TaskPlan:
    """What the model decides of a FargateTaskDefinition before it registers anything (an option outside the model
    or an awsx refusal must never leave half a component): the options given, the roles, and the containers.

    awsx (fargateTaskDefinition.ts, containers.ts) computes the container definitions, the default cpu/memory and
    family by `apply` over every value of the containers (unknown when one is, such as an image another component
    builds, in preview), and the service's load balancers from the containers' port mappings and target groups only
    (the containers map of a single `container` is known once its name is).
    """

    path: tuple[str, ...]
    roles: dict[str, dict[str, Any]]
    log_skip: bool
    containers: dict[str, dict[str, Any]] | None  # the containers map as awsx sees it, None when it is unknown
    paths: dict[str, tuple[str, ...]]  # each container's input path
    values_known: bool  # every value of the containers is known
    sizes: tuple[str, str] | None  # the cheapest Fargate size holding the containers, when their values are known
    containers_urns: set[str]


def _task_path(component: RemoteComponent) -> tuple[str, ...]:
    return ("taskDefinitionArgs",) if component.type == "awsx:ecs:FargateService" else ()


def _task_plan(component: RemoteComponent) -> _TaskPlan:
    path = _task_path(component)
    given = component.known_shape(*path) if path else component.raw_inputs
    only_modelled(component, _TASK_PASS_THROUGH | _TASK_OWN, ".".join(path) + "." if path else "", given)
    log_spec = component.known(*path, "logGroup", default={})
    only_modelled(component, {"skip"}, "logGroup.", log_spec)
    roles = {}
    for key in ("taskRole", "executionRole"):
        roles[key] = component.known_shape(*path, key)  # a roleArn may be unknown: awsx passes it on
        only_modelled(component, {"skip", "roleArn"}, f"{key}.", roles[key])
        component.known(*path, key, "skip")
    single, many = component.given(*path, "container"), component.given(*path, "containers")
    if single == many:
        raise Unmodelled("Exactly one of [container] or [containers] must be provided")
    key = "container" if single else "containers"
    value = component.value(*path, key)
    values_known = component.is_known(*path, key)
    containers, paths = None, {}
    if single and isinstance(value, dict) and value.get("name", "") != UNKNOWN:
        containers = {value.get("name") or "container": value}
        paths = {name: (*path, key) for name in containers}
    elif many and values_known:
        containers = dict(value)
        paths = {name: (*path, key, name) for name in containers}
    for container in (containers or {}).values():
        mappings = container.get("portMappings")
        for mapping in mappings if isinstance(mappings, list) else []:
            if isinstance(mapping, dict):
                _mapping(component, mapping)  # refuses, before any child, what the model can't write
    sizes = fargate_size(list(containers.values())) if containers is not None and values_known else None
    return _TaskPlan(
        path, roles, bool(log_spec.get("skip")), containers, paths, values_known, sizes, component.urns(*path, key)
    )


def _role(component: RemoteComponent, plan: _TaskPlan, name: str, key: str, policies: list[str], parent: Any) -> Any:
    spec = plan.roles[key]
    if spec.get("skip"):
        return None
    if spec.get("roleArn"):
        return component.at(*plan.path, key, "roleArn")
    role = component.add(aws.iam.Role, name, {"assume_role_policy": json.dumps(_ASSUME_ROLE)}, parent=parent)
    for arn in policies:
        component.add(
            aws.iam.RolePolicyAttachment,
            f"{name}-{_sha1(arn)}",
            {"role": role.resource.name, "policy_arn": arn},
            parent=parent,
        )
    return role.resource.arn


def _mapping(component: RemoteComponent, mapping: dict[str, Any]) -> tuple[dict[str, Any], Ref | None, Any]:
    """A port mapping as awsx writes it, the target group it names, and that group's port."""
    group = mapping.get("targetGroup")
    group_port = None
    if isinstance(group, Ref):
        state = component._monitor.resources.get(group.urn)
        group_port = state.state.get("port") if state is not None else None
    elif group is not None:
        raise Unmodelled("portMappings[].targetGroup that is not a resource reference is not modelled")
    out = {key: mapping[key] for key in _MAPPING_KEPT if mapping.get(key) is not None}
    container_port = mapping.get("containerPort") or mapping.get("hostPort") or group_port
    host_port = mapping.get("hostPort") or group_port or mapping.get("containerPort")
    if container_port is not None:
        out["containerPort"] = container_port
    if host_port is not None:
        out["hostPort"] = host_port
    if mapping.get("protocol") is not None:
        out["protocol"] = mapping["protocol"]
    return out, group if isinstance(group, Ref) else None, group_port


def _definitions(
    component: RemoteComponent, containers: dict[str, dict[str, Any]], log_group: Child | None
) -> list[dict[str, Any]]:
    """The container definitions awsx writes, sorted by name."""
    definitions = []
    for container_name in sorted(containers):
        container = _as_javascript_reads(containers[container_name])
        definition = {**container, "name": container_name}
        if "portMappings" in container:
            definition["portMappings"] = [_mapping(component, m)[0] for m in container["portMappings"]]
        if definition.get("logConfiguration") is None and log_group is not None:
            definition["logConfiguration"] = {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": component.planned(log_group, "name"),
                    "awslogs-region": component.region,
                    "awslogs-stream-prefix": container_name,
                },
            }
        definitions.append(definition)
    return definitions


def _load_balancers(component: RemoteComponent, plan: _TaskPlan) -> tuple[list[dict[str, Any]] | None, set[str]]:
    """awsx's `computeLoadBalancers`: (container name, the target group's port, its ARN) for each port mapping with a
    target group, or None when it is unknown: the containers map or a port mapping is, or a target group's ARN is
    (a group created by this program, in preview). With the resources it depends on."""
    urns = set(plan.containers_urns)
    if plan.containers is None:
        return None, urns
    found = []
    for name, container in plan.containers.items():
        if not component.is_known(*plan.paths[name], "portMappings"):
            return None, urns
        mappings = container.get("portMappings") or []
        for mapping in mappings:
            _, group, port = _mapping(component, mapping)
            if group is None:
                continue
            urns.add(group.urn)
            if not group.known:
                return None, urns
            if port is not None:
                found.append({"containerName": name, "containerPort": port, "targetGroupArn": group})
    return found, urns


def _as_javascript_reads(value: Any) -> Any:
    """A program's object as awsx's JavaScript gets it: the engine's Struct becomes an object with its keys in sorted
    order (google-protobuf's Map iterates its keys sorted), which `JSON.stringify` keeps."""
    if isinstance(value, dict):
        return {key: _as_javascript_reads(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_as_javascript_reads(item) for item in value]
    return value


def _as_javascript_writes(value: Any) -> Any:
    """Numbers as awsx's `JSON.stringify` writes them: the program's numbers arrive as doubles (protobuf's Struct),
    and JavaScript writes an integral one without a fraction (256, not 256.0), which the family hash depends on."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _as_javascript_writes(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_javascript_writes(item) for item in value]
    return value


def _task_definition(
    component: RemoteComponent, plan: _TaskPlan, name: str, parent: Child | None
) -> tuple[Child, pulumi.Output | list[dict[str, Any]]]:
    """Register a FargateTaskDefinition's children under `parent` (its component): (task definition, its load
    balancers: a list, or an unknown Output)."""
    log_group = None if plan.log_skip else component.add(aws.cloudwatch.LogGroup, name, {}, parent=parent)
    task_role = _role(component, plan, f"{name}-task", "taskRole", [], parent)
    execution_role = _role(component, plan, f"{name}-execution", "executionRole", [_EXECUTION_POLICY], parent)
    args: dict[str, Any] = {snake(key): component.at(*plan.path, key) for key in _TASK_PASS_THROUGH}
    deps = {log_group.urn} if log_group is not None else set()
    if plan.containers is not None and plan.sizes is not None:
        definitions = _definitions(component, plan.containers, log_group)
        text = json.dumps(_as_javascript_writes(definitions), separators=(",", ":"), ensure_ascii=False)
        cpu, memory = component.output(plan.sizes[0], set()), component.output(plan.sizes[1], set())
        family = component.output(f"{name}-{_sha1(pulumi.get_stack() + text)}", set())
        container_definitions = component.output(text, deps)
    else:
        cpu = memory = family = container_definitions = component.unknown(deps | plan.containers_urns)
    args |= {
        "cpu": args["cpu"] or cpu,
        "memory": args["memory"] or memory,
        "requires_compatibilities": ["FARGATE"],
        "network_mode": "awsvpc",
        "task_role_arn": task_role,
        "execution_role_arn": execution_role,
        "family": args["family"] or family,
        "container_definitions": container_definitions,
    }
    task = component.add(aws.ecs.TaskDefinition, name, args, parent=parent)
    balancers, urns = _load_balancers(component, plan)
    if balancers is None:
        return task, component.unknown(urns)
    return task, [{**b, "targetGroupArn": component.ref_output(b["targetGroupArn"])} for b in balancers]


def expand_fargate_task_definition(component: RemoteComponent) -> dict[str, Any]:
    task, balancers = _task_definition(component, _task_plan(component), component.name, None)
    return {"taskDefinition": task, "loadBalancers": balancers}


def expand_fargate_service(component: RemoteComponent) -> dict[str, Any]:
    name = component.name
    only_modelled(component, _SERVICE_PASS_THROUGH | _SERVICE_OWN)
    if component.given("taskDefinition") == component.given("taskDefinitionArgs"):
        raise Unmodelled("exactly one of taskDefinition or taskDefinitionArgs must be provided")
    if component.given("networkConfiguration") and component.given("assignPublicIp"):
        raise Unmodelled("Only one of `networkConfiguration` or `assignPublicIp` can be provided.")
    plan = _task_plan(component) if component.given("taskDefinitionArgs") else None
    network = _network_plan(component)  # decided, like the task definition, before anything is registered
    task: Child | None = None
    balancers: pulumi.Output | list[dict[str, Any]] = []
    if plan is not None:
        holder = component.add(
            lambda n, opts: pulumi.ComponentResource("awsx:ecs:FargateTaskDefinition", n, None, opts),
            name,
            {},
            type_="awsx:ecs:FargateTaskDefinition",
        )
        task, balancers = _task_definition(component, plan, name, holder)
        task_definition = task.resource.arn
    else:
        task_definition = component.at("taskDefinition")
    load_balancers = component.at("loadBalancers") if component.given("loadBalancers") else (balancers or None)
    args: dict[str, Any] = {snake(key): component.at(key) for key in _SERVICE_PASS_THROUGH}
    cluster = component.value("cluster")
    args |= {
        "desired_count": args["desired_count"] if args["desired_count"] is not None else 1,
        "cluster": component.ref_output(cluster, "arn") if isinstance(cluster, Ref) else component.at("cluster"),
        "launch_type": "FARGATE",
        "wait_for_steady_state": _wait_for_steady_state(component),
        "task_definition": task_definition,
        "load_balancers": load_balancers,
        "network_configuration": _network(component, name, network),
    }
    service = component.add(aws.ecs.Service, name, args)
    outputs: dict[str, Any] = {"service": service}
    if task is not None:
        outputs["taskDefinition"] = task
    return outputs


def _wait_for_steady_state(component: RemoteComponent) -> Any:
    """awsx waits unless `continueBeforeSteadyState` is true; unknown while that input is."""
    if not component.is_known("continueBeforeSteadyState"):
        return component.unknown(component.urns("continueBeforeSteadyState"))
    return not component.value("continueBeforeSteadyState", default=False)


def _network_plan(component: RemoteComponent) -> tuple[dict[str, Any] | None, bool]:
    """(the networkConfiguration given, or None; assignPublicIp), checked before anything is registered."""
    if component.given("networkConfiguration"):
        given = component.value("networkConfiguration")
        only_modelled(component, {"subnets", "securityGroups", "assignPublicIp"}, "networkConfiguration.", given)
        return given, False
    return None, bool(component.known("assignPublicIp", default=False))


def _network(component: RemoteComponent, name: str, plan: tuple[dict[str, Any] | None, bool]) -> dict[str, Any]:
    given, public = plan
    if given is not None:
        return {key: component.at("networkConfiguration", key) for key in given}
    found = default_vpc(component._fake)
    subnets = found["publicSubnetIds"] if public else found["privateSubnetIds"]
    if not public and not subnets:
        raise LayoutError(
            "The default VPC does not have any private subnets. Set `assignPublicIp` to `true`, provide "
            "`networkConfiguration`, or add private subnets to the default VPC."
        )
    group = component.add(
        aws.ec2.SecurityGroup,
        f"{name}-sg",
        {"vpc_id": found["vpcId"], "ingress": [OPEN_INGRESS], "egress": [OPEN_EGRESS]},
    )
    return {"subnets": subnets, "assignPublicIp": public, "securityGroups": [group.resource.id]}
