"""Helpers shared by the components (tags, IAM trust policies)."""

import json
from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.rulebook import check, ec2_description_problem


def name_tags(tags: Mapping[str, str], name: str, **extra: str) -> dict[str, str]:
    """The caller's tags plus a Name tag (and any extra tags) for one resource."""
    return {**tags, "Name": name, **extra}


def assume_role_policy(service: str) -> str:
    """A trust policy letting one AWS service principal assume a role."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"},
            ],
        }
    )


def child(parent: pulumi.Resource, *, depends_on=None) -> pulumi.ResourceOptions:
    """Options for a component's child resource."""
    return pulumi.ResourceOptions(parent=parent, depends_on=depends_on)


def allow_sg_to_sg(
    parent: pulumi.Resource,
    name: str,
    *,
    client_sg: pulumi.Input[str],
    server_sg: pulumi.Input[str],
    port: int,
    description: str,
    tags: Mapping[str, str],
) -> None:
    """tcp `port` from one SG to another, by SG reference on both sides: `{name}-in` on the server's SG and
    `{name}-out` on the client's SG."""
    check(ec2_description_problem(description))
    rule = {"ip_protocol": "tcp", "from_port": port, "to_port": port, "description": description}
    aws.vpc.SecurityGroupIngressRule(
        f"{name}-in",
        security_group_id=server_sg,
        referenced_security_group_id=client_sg,
        tags=name_tags(tags, f"{name}-in"),
        opts=child(parent),
        **rule,
    )
    aws.vpc.SecurityGroupEgressRule(
        f"{name}-out",
        security_group_id=client_sg,
        referenced_security_group_id=server_sg,
        tags=name_tags(tags, f"{name}-out"),
        opts=child(parent),
        **rule,
    )
