"""Policies that let preflight's tests see what a pack receives."""

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ResourceValidationPolicy,
    StackValidationPolicy,
)


def _no_public_ip(args, report_violation):
    if args.resource_type != "aws:ecs/service:Service":
        return
    config = args.get_config()
    network = args.props.get("networkConfiguration") or {}
    if network.get("assignPublicIp"):
        report_violation(f"service {args.name} gets a public IP (tag={config['tag']})")


def _vpc_ids_known(args, report_violation):
    """Reads every subnet's vpcId: unknown during a first preview, so the pack must say it can't run."""
    for resource in args.resources:
        if resource.resource_type == "aws:ec2/subnet:Subnet" and not resource.props["vpcId"].startswith("vpc-"):
            report_violation(f"subnet {resource.name} has vpcId {resource.props['vpcId']}", resource.urn)


def _vpc_arns(args, report_violation):
    """Reads a computed output (the ARN): unknown in a first preview, known once the VPC exists or is read."""
    for resource in args.resources:
        if resource.resource_type == "aws:ec2/vpc:Vpc" and not resource.props["arn"].startswith("arn:aws:ec2:"):
            report_violation(f"vpc {resource.name} has arn {resource.props['arn']}", resource.urn)


def _has_subnet(args, report_violation):
    if not any(r.resource_type == "aws:ec2/subnet:Subnet" for r in args.resources):
        args.not_applicable("the stack has no subnet")


def _stack_tags(args, report_violation):
    if args.stack_tags:
        report_violation(f"stack tags: {dict(sorted(args.stack_tags.items()))}")


POLICIES = [
    ResourceValidationPolicy(
        name="probe-no-public-ip",
        description="ECS services must not get a public IP.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_no_public_ip,
        config_schema=PolicyConfigSchema(
            properties={
                "tag": {"type": "string", "default": "sensitive"},
                "names": {"type": "array", "items": {"type": "string"}, "default": []},
            }
        ),
    ),
    StackValidationPolicy(
        name="probe-vpc-ids-known",
        description="Subnet vpcId values look like VPC ids.",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_vpc_ids_known,
    ),
    StackValidationPolicy(
        name="probe-vpc-arns",
        description="VPC ARNs look like EC2 ARNs.",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_vpc_arns,
    ),
    StackValidationPolicy(
        name="probe-has-subnet",
        description="The stack has a subnet.",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_has_subnet,
    ),
    StackValidationPolicy(
        name="probe-stack-tags",
        description="Echoes the stack tags the pack was configured with.",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_stack_tags,
    ),
]
