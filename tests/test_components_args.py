"""Components used directly: each validates its Args before registering anything, and keeps a secure default."""

import pytest
from mock_harness import ECS_SERVICE, last_run, resolved, run_function

from components import (
    AlbIngress,
    AlbIngressArgs,
    ClusterRef,
    EndpointEgress,
    EndpointEgressArgs,
    FargateService,
    FargateServiceArgs,
    NatEgress,
    NatEgressArgs,
    Network,
    NetworkArgs,
    NetworkRef,
    ServicePeering,
    ServicePeeringArgs,
)
from components.refs import AlbRef, AlbRoute, ServiceRef

NETWORK = NetworkRef(
    vpc_id="vpc-1",
    vpc_cidr="10.0.0.0/16",
    public_subnet_ids=("subnet-pub-a", "subnet-pub-b"),
    private_subnet_ids=("subnet-prv-a", "subnet-prv-b"),
    private_route_table_ids=("rtb-a", "rtb-b"),
)
CLUSTER = ClusterRef(cluster_arn="arn:cluster", cluster_name="cluster")
ALB = AlbRef(security_group_id="sg-alb", listener_arn="arn:listener", dns_name="alb.example")
API = ServiceRef(name="api", security_group_id="sg-api", port=8080)
WEB = ServiceRef(name="web", security_group_id="sg-web", port=3000)


def service_args(**changes):
    base = {
        "service_name": "api",
        "cluster": CLUSTER,
        "network": NETWORK,
        "region": "us-east-1",
        "image": "img",
        "port": 8080,
    }
    return FargateServiceArgs(**{**base, **changes})


NETWORK_ARGS = NetworkArgs(
    cidr_block="10.0.0.0/16",
    availability_zones=("us-east-1a", "us-east-1b"),
    public_subnet_cidrs=("10.0.128.0/20", "10.0.144.0/20"),
    private_subnet_cidrs=("10.0.0.0/20", "10.0.16.0/20"),
)
BAD_ARGS = [
    (
        "overlapping-subnets",
        Network,
        NetworkArgs(**{**NETWORK_ARGS.__dict__, "private_subnet_cidrs": ("10.0.128.0/21", "10.0.16.0/20")}),
        "overlap",
    ),
    (
        "subnet-outside-vpc",
        Network,
        NetworkArgs(**{**NETWORK_ARGS.__dict__, "public_subnet_cidrs": ("10.1.0.0/20", "10.0.144.0/20")}),
        "outside the VPC",
    ),
    (
        "nat-without-route-tables",
        NatEgress,
        NatEgressArgs(network=NetworkRef("vpc", "10.0.0.0/16", ("a", "b"), ("c", "d"))),
        "private route tables",
    ),
    (
        "per-az-nat-without-enough-public-subnets",
        NatEgress,
        NatEgressArgs(network=NetworkRef("vpc", "10.0.0.0/16", ("a",), ("c", "d"), ("r1", "r2"))),
        "public subnet per NAT",
    ),
    (
        "s3-as-interface",
        EndpointEgress,
        EndpointEgressArgs(network=NETWORK, region="us-east-1", interface_services=("s3",)),
        "gateway",
    ),
    (
        "endpoints-in-more-azs-than-subnets",
        EndpointEgress,
        EndpointEgressArgs(network=NETWORK, region="us-east-1", endpoint_subnet_count=3),
        "endpoint_subnet_count: 3 is out of range; allowed: 1..2",
    ),
    (
        "alb-in-one-subnet",
        AlbIngress,
        AlbIngressArgs(network=NetworkRef("vpc", "10.0.0.0/16", ("a",), ("b",))),
        "at least 2",
    ),
    (
        "alb-old-tls-policy",
        AlbIngress,
        AlbIngressArgs(network=NETWORK, ssl_policy="ELBSecurityPolicy-2016-08"),
        "ssl_policy",
    ),
    ("sensitive-in-public", FargateService, service_args(public_placement=True), "cannot be placed in public subnets"),
    (
        "bad-fargate-size",
        FargateService,
        service_args(cpu=256, memory=4096),
        "memory: 4096 is not a valid Fargate memory value for cpu 256",
    ),
    ("routes-without-alb", FargateService, service_args(routes=(AlbRoute(100, ("/x",)),)), "listener route"),
    ("alb-without-routes", FargateService, service_args(alb=ALB), "listener route"),
    ("six-patterns-in-one-rule", FargateService, service_args(alb=ALB, routes=(AlbRoute(100, ("/a",) * 6),)), "1..5"),
    (
        "bad-path-pattern",
        FargateService,
        service_args(alb=ALB, routes=(AlbRoute(100, ("/a b",)),)),
        "path_pattern: '/a b' contains",
    ),
    ("service-connect-without-namespace", FargateService, service_args(service_connect=True), "namespace"),
    ("peering-without-edges", ServicePeering, ServicePeeringArgs(edges=()), "at least 1"),
    ("peering-with-itself", ServicePeering, ServicePeeringArgs(edges=((API, API),)), "cannot peer with itself"),
    ("peering-edge-twice", ServicePeering, ServicePeeringArgs(edges=((WEB, API), (WEB, API))), "listed twice"),
]


@pytest.mark.parametrize(("component", "args", "fragment"), [c[1:] for c in BAD_ARGS], ids=[c[0] for c in BAD_ARGS])
def test_bad_args_are_rejected_before_anything_is_registered(component, args, fragment):
    with pytest.raises(ValueError, match=fragment):
        run_function(lambda: component("x", args))
    assert last_run().registrations == []


def test_a_service_defaults_to_sensitive_private_and_no_public_ip():
    run = run_function(lambda: FargateService("api", service_args()))
    (service,) = run.of_type(ECS_SERVICE)
    assert service.inputs["tags"]["data-classification"] == "sensitive"
    assert service.inputs["networkConfiguration"] == {
        "assignPublicIp": False,
        "subnets": ["subnet-prv-a", "subnet-prv-b"],
        "securityGroups": [run.named("api-sg").id],
    }


def test_network_ref_lists_subnets_and_route_tables_in_az_order():
    def program():
        network = Network("net", NETWORK_ARGS)
        return {"private": list(network.ref.private_subnet_ids), "tables": list(network.ref.private_route_table_ids)}

    run = run_function(program)

    assert resolved(run, "private") == [run.named(f"net-private-{az}").id for az in ("us-east-1a", "us-east-1b")]
    assert resolved(run, "tables") == [run.named(f"net-private-{az}-rt").id for az in ("us-east-1a", "us-east-1b")]
    assert all(subnet.startswith("subnet-0") for subnet in resolved(run, "private"))
    assert not run.of_type("aws:ec2/flowLog:FlowLog")  # flow logs are opt-in


def test_peering_admits_each_caller_only_on_its_callee_port_and_nothing_back():
    run = run_function(lambda: ServicePeering("mesh", ServicePeeringArgs(edges=((WEB, API),))))
    ingress = run.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    egress = run.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    rule = {"ipProtocol": "tcp", "fromPort": 8080, "toPort": 8080}
    assert [
        ({k: r.inputs[k] for k in rule}, r.inputs["securityGroupId"], r.inputs["referencedSecurityGroupId"])
        for r in ingress
    ] == [(rule, "sg-api", "sg-web")]
    assert [
        ({k: r.inputs[k] for k in rule}, r.inputs["securityGroupId"], r.inputs["referencedSecurityGroupId"])
        for r in egress
    ] == [(rule, "sg-web", "sg-api")]
