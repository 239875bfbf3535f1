"""Helpers shared by the components (tags, IAM trust policies)."""

import json
from collections.abc import Mapping

import pulumi


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
