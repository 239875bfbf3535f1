import pulumi_aws as aws

aws.ec2.Vpc("main", cidr_block="10.0.0.0/16")
raise ValueError("subnet count must be positive")
