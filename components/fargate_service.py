"""A Fargate service: task definition, roles, log group, task SG, and (behind the ALB) its target group,
listener rules and the SG-to-SG rules between the ALB and the task."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components._common import allow_sg_to_sg, assume_role_policy, child, name_tags
from components.refs import AlbRef, AlbRoute, ClusterRef, NetworkRef, ServiceRef
from components.rulebook import (
    MAX_CONDITION_VALUES_PER_RULE,
    MAX_RULE_PRIORITY,
    MIN_RULE_PRIORITY,
    Problem,
    check,
    fargate_size_problem,
    health_check_path_problem,
    log_group_name_problem,
    log_retention_problem,
    path_pattern_problem,
    port_problem,
    service_name_problem,
    task_family,
    task_family_problem,
)

EXECUTION_ROLE_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
DATA_CLASSIFICATION_TAG = "data-classification"


@dataclass(frozen=True)
class FargateServiceArgs:
    service_name: str
    cluster: ClusterRef
    network: NetworkRef
    region: str
    image: str
    port: int
    cpu: int = 256
    memory: int = 512
    desired_count: int = 1
    # Sensitive services are tagged data-classification=sensitive and may never run in public subnets.
    sensitive: bool = True
    # Public placement: public subnets with a public IP, no NAT needed. Only for non-sensitive services.
    public_placement: bool = False
    health_check_path: str = "/"
    alb: AlbRef | None = None
    routes: tuple[AlbRoute, ...] = ()
    service_connect: bool = False
    # The Service Connect servers this service calls: its ECS service is created after theirs, because only tasks
    # started after a server's Service Connect endpoint exists can resolve it.
    calls: tuple[ServiceRef, ...] = ()
    # `pulumi up` waits until the service reaches a steady state (fails when tasks never start).
    wait_for_steady_state: bool = True
    log_retention_days: int = 30
    health_check_grace_period_seconds: int = 60
    # The task definition family. None: <project>-<stack>-<component name>, made valid for any stack name.
    family: str | None = None
    # The service's CloudWatch log group. None: /ecs/<project>-<stack>/<component name>, unique per stack and known
    # before anything is created, so the container definitions are known at preview.
    log_group_name: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def validate(self) -> None:
        check(service_name_problem(self.service_name))
        check(port_problem(self.port))
        check(fargate_size_problem(self.cpu, self.memory))
        if self.sensitive and self.public_placement:
            raise ValueError(f"sensitive service {self.service_name!r} cannot be placed in public subnets")
        if (self.alb is None) != (not self.routes):
            raise ValueError("a service behind the ALB needs at least one listener route, and routes need an ALB")
        for route in self.routes:
            if not MIN_RULE_PRIORITY <= route.priority <= MAX_RULE_PRIORITY:
                raise ValueError(f"listener rule priority {route.priority} out of range")
            if not 1 <= len(route.path_patterns) <= MAX_CONDITION_VALUES_PER_RULE:
                raise ValueError(f"a listener rule takes 1..5 path patterns: {route.path_patterns}")
            for pattern in route.path_patterns:
                check(path_pattern_problem(pattern))
        if self.service_connect and self.cluster.namespace_arn is None:
            raise ValueError("Service Connect needs a cluster with a namespace")
        if self.calls and not self.service_connect:
            raise ValueError(f"{self.service_name} calls {[c.name for c in self.calls]} but Service Connect is off")
        for callee in self.calls:
            if callee.name == self.service_name or callee.service is None:
                check(Problem("calls", callee.name, "is not another service's ref", "refs of other FargateServices"))
        check(log_retention_problem(self.log_retention_days))
        check(health_check_path_problem(self.health_check_path))
        if self.log_group_name is not None:
            check(log_group_name_problem(self.log_group_name))
        if self.family is not None:
            check(task_family_problem(self.family))

    @property
    def classification(self) -> str:
        return "sensitive" if self.sensitive else "internal"


def default_log_group_name(component_name: str) -> str:
    """/ecs/<project>-<stack>/<component name>: component names are unique per stack, so is this."""
    return f"/ecs/{pulumi.get_project()}-{pulumi.get_stack()}/{component_name}"


def default_family(component_name: str) -> str:
    """<project>-<stack>-<component name>, unique per account like the log group, valid for any stack name."""
    return task_family(pulumi.get_project(), pulumi.get_stack(), component_name)


class FargateService(pulumi.ComponentResource):
    ref: ServiceRef

    def __init__(self, name: str, args: FargateServiceArgs, opts: pulumi.ResourceOptions | None = None):
        args.validate()  # before registering anything
        check(service_name_problem(name, key="name"))  # child names derive from it: "<name>-tg" must fit
        super().__init__("fargate:ecs:FargateService", name, None, opts)
        tags = args.tags
        classified = {**tags, DATA_CLASSIFICATION_TAG: args.classification}
        log_group_name = args.log_group_name or default_log_group_name(name)
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=log_group_name,
            retention_in_days=args.log_retention_days,
            tags=tags,
            opts=child(self),
        )
        execution_role = self._role(f"{name}-execution-role", f"ECS task execution role for {args.service_name}", tags)
        execution_policy = aws.iam.RolePolicyAttachment(
            f"{name}-execution-policy",
            role=execution_role.name,
            policy_arn=EXECUTION_ROLE_POLICY_ARN,
            opts=child(self),
        )
        task_role = self._role(
            f"{name}-task-role", f"Task role for {args.service_name}; grant it only what the app needs", tags
        )
        task_definition = aws.ecs.TaskDefinition(
            f"{name}-task",
            family=args.family or default_family(name),
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            cpu=str(args.cpu),
            memory=str(args.memory),
            execution_role_arn=execution_role.arn,
            task_role_arn=task_role.arn,
            # Plain JSON from known values only: the policy pack can read images and log drivers at preview.
            container_definitions=json.dumps([self._container(args, log_group_name)]),
            tags=classified,
            # The log group exists, and the execution role may pull the image and write logs, before a task starts.
            opts=child(self, depends_on=[log_group, execution_policy]),
        )
        sg = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.network.vpc_id,
            description=f"{args.service_name} tasks: only the ALB and Service Connect peers, by SG",
            tags=name_tags(tags, f"{name}-sg"),
            opts=child(self),
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-sg-https-out",
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4="0.0.0.0/0",
            description="HTTPS out: ECR, CloudWatch Logs, AWS APIs",
            tags=name_tags(tags, f"{name}-sg-https-out"),
            opts=child(self),
        )
        load_balancers, rules = self._attach_to_alb(name, args, sg) if args.alb else ([], [])
        service = aws.ecs.Service(
            f"{name}-service",
            name=args.service_name,
            cluster=args.cluster.cluster_arn,
            task_definition=task_definition.arn,
            desired_count=args.desired_count,
            launch_type="FARGATE",
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=list(
                    args.network.public_subnet_ids if args.public_placement else args.network.private_subnet_ids
                ),
                security_groups=[sg.id],
                assign_public_ip=args.public_placement,
            ),
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            health_check_grace_period_seconds=args.health_check_grace_period_seconds if args.alb else None,
            load_balancers=load_balancers or None,
            service_connect_configuration=self._service_connect(args),
            enable_execute_command=False,
            propagate_tags="SERVICE",
            wait_for_steady_state=args.wait_for_steady_state,
            tags=classified,
            # Listener rules forward before tasks register; Service Connect servers exist before their callers.
            opts=child(self, depends_on=[*rules, *(callee.service for callee in args.calls)]),
        )
        self.ref = ServiceRef(name=args.service_name, security_group_id=sg.id, port=args.port, service=service)
        self.register_outputs(
            {"serviceName": service.name, "securityGroupId": sg.id, "taskDefinitionArn": task_definition.arn}
        )

    def _role(self, role_name: str, description: str, tags: Mapping[str, str]) -> aws.iam.Role:
        """A role ECS tasks can assume, with no policies of its own."""
        return aws.iam.Role(
            role_name,
            assume_role_policy=assume_role_policy("ecs-tasks.amazonaws.com"),
            description=description,
            tags=tags,
            opts=child(self),
        )

    @staticmethod
    def _container(args: FargateServiceArgs, log_group_name: str) -> dict:
        return {
            "name": args.service_name,
            "image": args.image,
            "essential": True,
            "portMappings": [
                {"name": args.service_name, "containerPort": args.port, "protocol": "tcp", "appProtocol": "http"}
            ],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": log_group_name,
                    "awslogs-region": args.region,
                    "awslogs-stream-prefix": args.service_name,
                },
            },
        }

    @staticmethod
    def _service_connect(args: FargateServiceArgs):
        if not args.service_connect:
            return None
        return aws.ecs.ServiceServiceConnectConfigurationArgs(
            enabled=True,
            namespace=args.cluster.namespace_arn,
            services=[
                aws.ecs.ServiceServiceConnectConfigurationServiceArgs(
                    port_name=args.service_name,
                    discovery_name=args.service_name,
                    client_alias=[
                        aws.ecs.ServiceServiceConnectConfigurationServiceClientAliasArgs(
                            port=args.port, dns_name=args.service_name
                        )
                    ],
                )
            ],
        )

    def _attach_to_alb(self, name: str, args: FargateServiceArgs, sg: aws.ec2.SecurityGroup):
        alb = args.alb
        allow_sg_to_sg(
            self,
            f"{name}-alb",
            client_sg=alb.security_group_id,
            server_sg=sg.id,
            port=args.port,
            description=f"ALB to {args.service_name}:{args.port}",
            tags=args.tags,
        )
        target_group = aws.lb.TargetGroup(
            f"{name}-tg",
            vpc_id=args.network.vpc_id,
            port=args.port,
            protocol="HTTP",
            target_type="ip",
            deregistration_delay=30,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                path=args.health_check_path, protocol="HTTP", matcher="200-399"
            ),
            tags=args.tags,
            opts=child(self),
        )
        rules = [
            aws.lb.ListenerRule(
                f"{name}-rule-{route.priority}",
                listener_arn=alb.listener_arn,
                priority=route.priority,
                actions=[aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=target_group.arn)],
                conditions=[
                    aws.lb.ListenerRuleConditionArgs(
                        path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(values=list(route.path_patterns))
                    )
                ],
                tags=args.tags,
                opts=child(self),
            )
            for route in args.routes
        ]
        load_balancers = [
            aws.ecs.ServiceLoadBalancerArgs(
                target_group_arn=target_group.arn, container_name=args.service_name, container_port=args.port
            )
        ]
        return load_balancers, rules
