"""Real deploys through the Automation API: `pulumi preview --policy-pack`, `pulumi up`, checks of the deployed
network through boto3, then `pulumi destroy`, on a throwaway copy of the dev stack.

They need the Pulumi CLI logged in to a backend, and AWS credentials; this project's machines have neither, so they
are skipped here with the reason. They create billable resources, so they also need PREFLIGHT_DEPLOY_TESTS=1. The
dev stack's images are placeholders: point PREFLIGHT_DEPLOY_CONFIG at a copy of Pulumi.dev.yaml whose images are in
your ECR (the endpoints pattern pulls only from ECR), or `up` waits for tasks that never start.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
PACK = str(REPO / "policies")
CONFIG = Path(os.environ.get("PREFLIGHT_DEPLOY_CONFIG", REPO / "Pulumi.dev.yaml"))
# Keys, a profile (SSO too), GitHub's OIDC web identity, or a container's role.
AWS_CREDENTIALS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)


def _missing_prerequisite() -> str | None:
    if shutil.which("pulumi") is None:
        return "needs the Pulumi CLI on PATH (it cannot be installed on this offline machine)"
    if not any(os.environ.get(name) for name in AWS_CREDENTIALS):
        return f"needs AWS credentials (one of {', '.join(AWS_CREDENTIALS)})"
    if os.environ.get("PREFLIGHT_DEPLOY_TESTS") != "1":
        return "creates billable AWS resources; set PREFLIGHT_DEPLOY_TESTS=1 to run it"
    if not (REPO / "policies" / "venv" / "bin" / "python").exists():
        return (
            "needs the pack's venv, which the CLI does not make for a local pack: "
            "python3 -m venv policies/venv && policies/venv/bin/pip install -r policies/requirements.txt"
        )
    if subprocess.run(["pulumi", "whoami"], capture_output=True).returncode != 0:
        return "needs a Pulumi backend: run `pulumi login` first"
    return None


MISSING = _missing_prerequisite()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=str(MISSING))


@pytest.fixture(scope="module")
def stack():
    """A new stack with the dev config, destroyed and removed afterwards whatever happened."""
    from pulumi import automation as auto

    name = f"ci-{uuid.uuid4().hex[:8]}"
    stack_file = REPO / f"Pulumi.{name}.yaml"
    stack_file.write_text(CONFIG.read_text())
    created = auto.create_stack(stack_name=name, work_dir=str(REPO))
    try:
        yield created
    finally:
        try:
            created.destroy(on_output=print)
        finally:
            created.workspace.remove_stack(name)
            stack_file.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def deployed(stack):
    preview = stack.preview(policy_packs=[PACK], on_output=print)
    assert preview.change_summary.get("create", 0) > 0
    result = stack.up(policy_packs=[PACK], on_output=print)
    assert result.summary.result == "succeeded"
    return {key: output.value for key, output in result.outputs.items()}


@pytest.fixture(scope="module")
def aws():
    import boto3  # only here: the offline test run never needs it

    region = yaml.safe_load(CONFIG.read_text())["config"]["aws:region"]
    session = boto3.Session(region_name=region)
    return {name: session.client(name) for name in ("ec2", "ecs", "elbv2")} | {"region": region}


def test_the_vpc_and_its_subnets_are_the_dev_layout(deployed, aws):
    ec2 = aws["ec2"]
    vpc = ec2.describe_vpcs(VpcIds=[deployed["vpcId"]])["Vpcs"][0]
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    assert {"Key": "environment", "Value": "development"} in vpc["Tags"]
    for attribute in ("enableDnsSupport", "enableDnsHostnames"):
        answer = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute)
        assert answer[attribute[0].upper() + attribute[1:]]["Value"] is True, attribute
    private = ec2.describe_subnets(SubnetIds=deployed["privateSubnetIds"])["Subnets"]
    assert len({subnet["AvailabilityZone"] for subnet in private}) == 2
    assert not any(subnet["MapPublicIpOnLaunch"] for subnet in private)


def test_private_subnets_have_no_default_route_and_reach_s3_through_the_gateway(deployed, aws):
    tables = aws["ec2"].describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": deployed["privateSubnetIds"]}]
    )["RouteTables"]
    associated = {a.get("SubnetId") for table in tables for a in table["Associations"]}
    assert associated >= set(deployed["privateSubnetIds"])
    for table in tables:
        destinations = {route.get("DestinationCidrBlock") for route in table["Routes"]}
        assert "0.0.0.0/0" not in destinations, table["RouteTableId"]
        gateways = {route.get("GatewayId") for route in table["Routes"]}
        assert deployed["s3GatewayEndpointId"] in gateways, table["RouteTableId"]


def test_vpc_endpoints_are_an_s3_gateway_and_private_dns_interfaces(deployed, aws):
    endpoints = aws["ec2"].describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [deployed["vpcId"]]}])
    by_service = {endpoint["ServiceName"]: endpoint for endpoint in endpoints["VpcEndpoints"]}
    prefix = f"com.amazonaws.{aws['region']}."
    assert by_service[prefix + "s3"]["VpcEndpointType"] == "Gateway"
    for service in deployed["interfaceEndpoints"]:
        endpoint = by_service[prefix + service]
        assert (endpoint["VpcEndpointType"], endpoint["PrivateDnsEnabled"]) == ("Interface", True), service


def test_fargate_services_run_in_private_subnets_without_public_ips(deployed, aws):
    ecs = aws["ecs"]
    arns = ecs.list_services(cluster=deployed["clusterName"])["serviceArns"]
    services = ecs.describe_services(cluster=deployed["clusterName"], services=arns)["services"]
    assert len(services) == len(deployed["serviceNames"])
    for service in services:
        network = service["networkConfiguration"]["awsvpcConfiguration"]
        assert network["assignPublicIp"] == "DISABLED", service["serviceName"]
        assert set(network["subnets"]) <= set(deployed["privateSubnetIds"]), service["serviceName"]


def test_the_alb_is_internet_facing_in_the_public_subnets(deployed, aws):
    pages = aws["elbv2"].get_paginator("describe_load_balancers").paginate()
    albs = [lb for page in pages for lb in page["LoadBalancers"] if lb["DNSName"] == deployed["albDnsName"]]
    assert len(albs) == 1
    assert albs[0]["Scheme"] == "internet-facing"
    assert {zone["SubnetId"] for zone in albs[0]["AvailabilityZones"]} == set(deployed["publicSubnetIds"])
