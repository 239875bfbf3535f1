import pulumi
import pulumi_aws as aws

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
aws.iam.Role("task", assume_role_policy=assume.json)
aws.ec2.SecurityGroup("in-default-vpc", vpc_id=default_vpc.id)
aws.ec2.get_ami(most_recent=True, owners=["amazon"])  # not simulated: a diagnostic, not a crash
pulumi.export("endpoint", s3.service_name)
pulumi.export("account", identity.account_id)
