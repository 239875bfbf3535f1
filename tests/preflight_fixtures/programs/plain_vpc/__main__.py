import pulumi
import pulumi_aws as aws

config = pulumi.Config()
settings = config.require_object("settings")
password = config.require_secret("dbPassword")
zones = aws.get_availability_zones(state="available")

vpc = aws.ec2.Vpc("main", cidr_block=settings["cidr"], tags=settings["tags"])
subnet = aws.ec2.Subnet("app-a", vpc_id=vpc.id, cidr_block="10.20.1.0/24", availability_zone=zones.names[0])
sg = aws.ec2.SecurityGroup("app", vpc_id=vpc.id)
cluster = aws.ecs.Cluster("cluster")
aws.ecs.Service(
    "web",
    cluster=cluster.arn,
    launch_type="FARGATE",
    network_configuration={
        "subnets": [subnet.id],
        "security_groups": [sg.id],
        "assign_public_ip": config.require_bool("publicIp"),
    },
)
pulumi.export("zones", zones.names)
pulumi.export("password", password)
