"""ALB ingress: an internet-facing ALB in the public subnets, its SG, and its listeners.

Services attach themselves (target group, listener rule, SG-to-SG rules) through the AlbRef; the ALB SG has no
egress until they do, so it only ever reaches task SGs on their container ports."""

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components._common import child, name_tags
from components.refs import AlbRef, NetworkRef
from components.rulebook import (
    DEFAULT_SSL_POLICY,
    bucket_name_problem,
    certificate_arn_problem,
    check,
    ssl_policy_problem,
)

_NOT_FOUND = aws.lb.ListenerDefaultActionArgs(
    type="fixed-response",
    fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
        content_type="text/plain", message_body="Not Found", status_code="404"
    ),
)


@dataclass(frozen=True)
class AlbIngressArgs:
    network: NetworkRef
    # With a certificate: HTTPS listener plus an HTTP listener that redirects to it. Without: HTTP only.
    certificate_arn: str | None = None
    ssl_policy: str = DEFAULT_SSL_POLICY
    deletion_protection: bool = False
    access_logs_bucket: str | None = None
    access_logs_prefix: str = "alb"
    tags: Mapping[str, str] = field(default_factory=dict)

    def validate(self) -> None:
        if len(self.network.public_subnet_ids) < 2:
            raise ValueError("an ALB needs public subnets in at least 2 AZs")
        if self.certificate_arn is not None:
            check(certificate_arn_problem(self.certificate_arn))
        check(ssl_policy_problem(self.ssl_policy))
        if self.access_logs_bucket is not None:
            check(bucket_name_problem(self.access_logs_bucket))


class AlbIngress(pulumi.ComponentResource):
    ref: AlbRef

    def __init__(self, name: str, args: AlbIngressArgs, opts: pulumi.ResourceOptions | None = None):
        args.validate()  # before registering anything
        super().__init__("fargate:ingress:AlbIngress", name, None, opts)
        tags = args.tags
        sg = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.network.vpc_id,
            description="ALB: HTTP(S) from the internet; egress only to task SGs",
            tags=name_tags(tags, f"{name}-sg"),
            opts=child(self),
        )
        ports = [80, 443] if args.certificate_arn else [80]
        for port in ports:
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-sg-{port}-from-internet",
                security_group_id=sg.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4="0.0.0.0/0",
                description=f"tcp {port} from the internet",
                tags=name_tags(tags, f"{name}-sg-{port}-from-internet"),
                opts=child(self),
            )
        access_logs = None
        if args.access_logs_bucket:
            access_logs = aws.lb.LoadBalancerAccessLogsArgs(
                bucket=args.access_logs_bucket, prefix=args.access_logs_prefix, enabled=True
            )
        alb = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            security_groups=[sg.id],
            subnets=list(args.network.public_subnet_ids),
            drop_invalid_header_fields=True,
            enable_deletion_protection=args.deletion_protection,
            access_logs=access_logs,
            tags=name_tags(tags, f"{name}-alb"),
            opts=child(self, depends_on=list(args.network.internet_ready)),
        )
        if args.certificate_arn:
            listener = aws.lb.Listener(
                f"{name}-https",
                load_balancer_arn=alb.arn,
                port=443,
                protocol="HTTPS",
                ssl_policy=args.ssl_policy,
                certificate_arn=args.certificate_arn,
                default_actions=[_NOT_FOUND],
                tags=tags,
                opts=child(self),
            )
            aws.lb.Listener(
                f"{name}-http-redirect",
                load_balancer_arn=alb.arn,
                port=80,
                protocol="HTTP",
                default_actions=[
                    aws.lb.ListenerDefaultActionArgs(
                        type="redirect",
                        redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                            protocol="HTTPS", port="443", status_code="HTTP_301"
                        ),
                    )
                ],
                tags=tags,
                opts=child(self),
            )
        else:
            listener = aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=alb.arn,
                port=80,
                protocol="HTTP",
                default_actions=[_NOT_FOUND],
                tags=tags,
                opts=child(self),
            )
        self.ref = AlbRef(security_group_id=sg.id, listener_arn=listener.arn, dns_name=alb.dns_name)
        self.register_outputs({"dnsName": alb.dns_name, "securityGroupId": sg.id, "listenerArn": listener.arn})
