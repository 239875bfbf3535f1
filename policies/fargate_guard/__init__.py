"""The fargate-networking-guard policies, one module each. `policies/__main__.py` serves them as a policy pack."""

from . import (
    alb_hardening,
    alb_http_redirect,
    alb_sg_internet_ports,
    default_sg_closed,
    ecs_service_public_ip,
    image_pull_path,
    interface_endpoints_reachable,
    nat_without_s3_endpoint,
    production_single_nat,
    public_images_egress,
    s3_gateway_endpoint,
    sensitive_tasks_private,
    subnet_no_auto_public_ip,
    task_sg_ingress,
    vpc_flow_logs,
)

PACK_NAME = "fargate-networking-guard"

MANDATORY = [
    sensitive_tasks_private.POLICY,
    task_sg_ingress.POLICY,
    s3_gateway_endpoint.POLICY,
    image_pull_path.POLICY,
    public_images_egress.POLICY,
    interface_endpoints_reachable.POLICY,
]
ADVISORY = [
    alb_sg_internet_ports.POLICY,
    alb_http_redirect.POLICY,
    alb_hardening.POLICY,
    ecs_service_public_ip.POLICY,
    nat_without_s3_endpoint.POLICY,
    production_single_nat.POLICY,
    vpc_flow_logs.POLICY,
    default_sg_closed.POLICY,
    subnet_no_auto_public_ip.POLICY,
]
ALL_POLICIES = MANDATORY + ADVISORY
