"""ECS cluster with Container Insights, and the Cloud Map namespace Service Connect uses."""

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components._common import child
from components.refs import ClusterRef
from components.rulebook import check, namespace_problem


@dataclass(frozen=True)
class ServiceClusterArgs:
    # Cloud Map HTTP namespace for Service Connect; None turns Service Connect off.
    service_connect_namespace: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def validate(self) -> None:
        if self.service_connect_namespace is not None:
            check(namespace_problem(self.service_connect_namespace))


class ServiceCluster(pulumi.ComponentResource):
    ref: ClusterRef

    def __init__(self, name: str, args: ServiceClusterArgs, opts: pulumi.ResourceOptions | None = None):
        args.validate()  # before registering anything
        super().__init__("fargate:ecs:ServiceCluster", name, None, opts)
        namespace = None
        if args.service_connect_namespace:
            namespace = aws.servicediscovery.HttpNamespace(
                f"{name}-namespace",
                name=args.service_connect_namespace,
                description="Service Connect namespace",
                tags=args.tags,
                opts=child(self),
            )
        cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
            service_connect_defaults=(
                aws.ecs.ClusterServiceConnectDefaultsArgs(namespace=namespace.arn) if namespace else None
            ),
            tags=args.tags,
            opts=child(self),
        )
        self.ref = ClusterRef(
            cluster_arn=cluster.arn, cluster_name=cluster.name, namespace_arn=namespace.arn if namespace else None
        )
        self.register_outputs({"clusterName": cluster.name, "namespaceArn": namespace.arn if namespace else None})
