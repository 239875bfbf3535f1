import pulumi
import pulumi_aws as aws

config = pulumi.Config()
region = aws.get_region()
identity = aws.get_caller_identity()
s3 = aws.ec2.get_vpc_endpoint_service(service="s3", service_type="Gateway")
default_vpc = aws.ec2.get_vpc(default=True)
assume = aws.iam.get_policy_document(
    statements=[
        {
            "actions": ["sts:AssumeRole"],
            "principals": [{"type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]}],
        }
    ]
)
aws.iam.Role("task", name=config.require("roleName"), assume_role_policy=assume.json)
aws.ec2.SecurityGroup("in-default-vpc", vpc_id=default_vpc.id)
shared = aws.ec2.Vpc.get("shared", "vpc-0123456789abcdef0")  # read, not managed: in the stack, not a change
aws.ec2.get_ami(most_recent=True, owners=["amazon"])  # not simulated: a diagnostic, not a crash
if config.get_bool("logError"):
    pulumi.log.error("quota check failed: 3 NAT gateways requested, 2 allowed")
pulumi.export("endpoint", s3.service_name)
pulumi.export("account", identity.account_id)
pulumi.export("shared", shared.id)
