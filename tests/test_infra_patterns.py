"""Mock tests: run the real infra program for each pattern and assert the links between resources."""

import json

import pytest
from mock_harness import (
    ASSOCIATION,
    ECS_SERVICE,
    EGRESS_RULE,
    ENDPOINT,
    INGRESS_RULE,
    LISTENER_RULE,
    LOAD_BALANCER,
    NAT,
    ROUTE,
    SUBNET,
    TASK_DEFINITION,
    alb_security_group,
    default_routes,
    private_route_table_ids,
    route_table_az,
    rules_on,
    run_program,
    stack_config,
    subnet_ids,
    task_security_groups,
)
from spec_cases import ECR

EXISTING = {
    "vpcId": "vpc-0123456789abcdef0",
    "vpcCidr": "10.9.0.0/16",
    "publicSubnetIds": ["subnet-0000000a", "subnet-0000000b"],
    "privateSubnetIds": ["subnet-0000001a", "subnet-0000001b"],
    "privateRouteTableIds": ["rtb-0000001a", "rtb-0000001b"],
}


def platform(network=None, egress=None, services=None, **extra):
    return {
        "aws:region": "eu-west-1",
        "fargate-networking:platform": {
            "network": network or {"azCount": 3},
            "egress": egress or {"mode": "nat"},
            "serviceConnect": {"enabled": True},
            "services": services
            or [
                {
                    "name": "webapp",
                    "image": f"{ECR}/webapp:1",
                    "port": 3000,
                    "default": True,
                    "sensitive": False,
                    "calls": ["backend"],
                },
                {
                    "name": "backend",
                    "image": f"{ECR}/backend:1",
                    "port": 5000,
                    "pathPatterns": ["/api/*"],
                    "calls": ["worker"],
                },
                {"name": "worker", "image": f"{ECR}/worker:1", "port": 7000},
            ],
            **extra,
        },
    }


PUBLIC_SERVICES = [
    {"name": "webapp", "image": "nginx:1.27", "port": 3000, "default": True, "sensitive": False},
    {"name": "docs", "image": "nginx:1.27", "port": 4000, "pathPatterns": ["/docs/*"], "sensitive": False},
]
PATTERNS = {
    "public": platform(egress={"mode": "public"}, services=PUBLIC_SERVICES),
    "nat-single": platform(egress={"mode": "nat", "natGateways": "single"}),
    "nat-per-az": platform(egress={"mode": "nat", "natGateways": "perAz"}),
    "endpoints": platform(egress={"mode": "endpoints", "interfaceEndpoints": ["secretsmanager"], "endpointAzCount": 2}),
    "mixed-placement": platform(
        egress={"mode": "nat"},
        services=[
            {**PUBLIC_SERVICES[0], "placement": "public"},
            *platform()["fargate-networking:platform"]["services"][1:],
        ],
    ),
    "existing-vpc": platform(network={"source": "existing", "existing": EXISTING}),
    "awsx": platform(network={"source": "awsx", "azCount": 2}, egress={"mode": "nat", "natGateways": "single"}),
    "dev-stack": stack_config("dev"),
    "prod-stack": stack_config("prod"),
}
_RUNS = {}


@pytest.fixture(params=list(PATTERNS))
def run(request):
    if request.param not in _RUNS:
        _RUNS[request.param] = run_program(PATTERNS[request.param], stack=request.param)
    return _RUNS[request.param]


def pattern(name):
    return run_program(PATTERNS[name], stack=name)


# ---- invariants every pattern keeps --------------------------------------------------------------------------------
def test_every_aws_resource_is_a_child_of_a_component_named_after_it(run):
    components = {r.urn: r for r in run.registrations if r.type.startswith("fargate:")}
    assert len(components) >= 4
    for registration in run.registrations:
        if registration.type.startswith("fargate:"):
            assert registration.parent.split("::")[2] == "pulumi:pulumi:Stack"
            continue
        if built_by_awsx(run, registration):
            continue  # registered by preflight's model of an awsx component, named by awsx's own scheme
        parent = components.get(registration.parent)
        assert parent is not None, f"{registration.name} has no component parent"
        assert registration.name.startswith(f"{parent.name}-"), f"{registration.name} not named after {parent.name}"


def built_by_awsx(run, registration):
    """Whether an awsx component (preflight's model of its plugin) registered this resource."""
    by_urn = {r.urn: r for r in run.registrations}
    parent = by_urn.get(registration.parent)
    while parent is not None:
        if parent.type.startswith("awsx:"):
            return True
        parent = by_urn.get(parent.parent)
    return False


def declared_services(run):
    """The services of the config a run was built from, by name."""
    return {s["name"]: s for s in PATTERNS[run.stack]["fargate-networking:platform"]["services"]}


def test_task_sg_admits_exactly_the_alb_sg_and_its_declared_callers_never_a_cidr(run):
    task_sgs = task_security_groups(run)
    alb_sg = alb_security_group(run)
    services = declared_services(run)
    for service, sg in task_sgs.items():
        config = services[service]
        exposed = config.get("default") or config.get("pathPatterns")
        callers = {name for name, other in services.items() if service in other.get("calls", [])}
        expected = {(alb_sg, config["port"])} if exposed else set()
        expected |= {(task_sgs[caller], config["port"]) for caller in callers}
        rules = rules_on(run, INGRESS_RULE, sg)
        for rule in rules:
            assert "cidrIpv4" not in rule.inputs and "cidrIpv6" not in rule.inputs and "prefixListId" not in rule.inputs
            assert rule.inputs["fromPort"] == rule.inputs["toPort"]
        assert sorted((r.inputs["referencedSecurityGroupId"], r.inputs["fromPort"]) for r in rules) == sorted(expected)


def test_task_sg_peer_egress_goes_only_to_the_services_it_calls(run):
    task_sgs = task_security_groups(run)
    services = declared_services(run)
    for service, sg in task_sgs.items():
        peers = {
            (r.inputs["referencedSecurityGroupId"], r.inputs["fromPort"])
            for r in rules_on(run, EGRESS_RULE, sg)
            if "referencedSecurityGroupId" in r.inputs
        }
        calls = services[service].get("calls", [])
        assert peers == {(task_sgs[callee], services[callee]["port"]) for callee in calls}


def test_alb_admits_the_internet_only_on_80_and_443(run):
    rules = rules_on(run, INGRESS_RULE, alb_security_group(run))
    assert {(r.inputs["fromPort"], r.inputs["toPort"], r.inputs["cidrIpv4"]) for r in rules} <= {
        (80, 80, "0.0.0.0/0"),
        (443, 443, "0.0.0.0/0"),
    }


def test_alb_sg_egress_goes_only_to_task_sgs_on_their_container_ports(run):
    ports = {
        s.inputs["networkConfiguration"]["securityGroups"][0]: s.inputs["loadBalancers"][0]["containerPort"]
        for s in run.of_type(ECS_SERVICE)
        if s.inputs.get("loadBalancers")
    }
    egress = rules_on(run, EGRESS_RULE, alb_security_group(run))
    assert {(r.inputs["referencedSecurityGroupId"], r.inputs["fromPort"], r.inputs["toPort"]) for r in egress} == {
        (sg, port, port) for sg, port in ports.items()
    }


def test_listener_rule_priorities_are_unique_per_listener(run):
    seen = {}
    for rule in run.of_type(LISTENER_RULE):
        key = (rule.inputs["listenerArn"], rule.inputs["priority"])
        assert key not in seen, f"{rule.name} and {seen[key]} share priority {key[1]}"
        seen[key] = rule.name
    assert len(seen) >= 2


def test_each_listener_rule_forwards_to_its_own_services_target_group(run):
    for rule in run.of_type(LISTENER_RULE):
        (action,) = rule.inputs["actions"]
        service = rule.name.split("-rule-")[0]
        target_group = run.named(f"{service}-tg")
        assert target_group.id.startswith("arn:aws:elasticloadbalancing:")  # a target group's id is its ARN
        assert action == {"type": "forward", "targetGroupArn": target_group.id}


def test_sensitive_services_never_get_a_public_ip_and_sit_only_in_private_subnets(run):
    private = subnet_ids(run, "private") or set(EXISTING["privateSubnetIds"]) | awsx_private_subnet_ids(run)
    sensitive = [s for s in run.of_type(ECS_SERVICE) if s.inputs["tags"]["data-classification"] == "sensitive"]
    assert sensitive or run.stack == "public"  # the public pattern has no sensitive service
    for service in sensitive:
        network = service.inputs["networkConfiguration"]
        assert network["assignPublicIp"] is False
        assert set(network["subnets"]) <= private


def awsx_private_subnet_ids(run):
    """The private subnet ids an awsx VPC reports (preflight's awsx model registers the subnets it names)."""
    return {subnet for vpc in run.of_type("awsx:ec2:Vpc") for subnet in vpc.outputs["privateSubnetIds"]}


def test_service_and_task_definition_carry_the_data_classification_tag(run):
    for service in run.of_type(ECS_SERVICE):
        task = [t for t in run.of_type(TASK_DEFINITION) if service.inputs["taskDefinition"] == t.outputs["arn"]]
        assert len(task) == 1
        assert service.inputs["tags"]["data-classification"] in {"sensitive", "internal"}
        assert task[0].inputs["tags"]["data-classification"] == service.inputs["tags"]["data-classification"]


def test_services_roll_back_failed_deployments_and_disable_exec(run):
    for service in run.of_type(ECS_SERVICE):
        assert service.inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
        assert service.inputs["enableExecuteCommand"] is False
        assert service.inputs["launchType"] == "FARGATE"
        behind_alb = bool(service.inputs.get("loadBalancers"))
        assert ("healthCheckGracePeriodSeconds" in service.inputs) == behind_alb


def test_alb_drops_invalid_headers_and_sits_in_the_public_subnets(run):
    (alb,) = run.of_type(LOAD_BALANCER)
    assert alb.inputs["dropInvalidHeaderFields"] is True and alb.inputs["internal"] is False
    public = subnet_ids(run, "public")
    if public:
        assert set(alb.inputs["subnets"]) == public


def test_target_groups_use_ip_targets_with_the_services_health_check(run):
    for tg in run.of_type("aws:lb/targetGroup:TargetGroup"):
        assert tg.inputs["targetType"] == "ip"
        assert tg.inputs["healthCheck"]["path"].startswith("/")


def test_subnets_never_auto_assign_public_ips(run):
    for subnet in run.of_type(SUBNET):
        # awsx's public subnets map public IPs (awsx/ec2/vpc.ts); the pack's subnet-no-auto-public-ip flags them.
        assert subnet.inputs["mapPublicIpOnLaunch"] is (built_by_awsx(run, subnet) and "public" in subnet.name)


# ---- pattern specific links ----------------------------------------------------------------------------------------
def test_each_private_route_table_default_route_targets_its_own_azs_nat():
    run = pattern("nat-per-az")
    routes = default_routes(run)
    assert len(routes) == 3 == len(run.of_type(NAT))
    for route_table_id, route in routes.items():
        nat = run.by_id(route.inputs["natGatewayId"])
        nat_az = run.by_id(nat.inputs["subnetId"]).inputs["availabilityZone"]
        assert nat.inputs["subnetId"] in subnet_ids(run, "public")
        assert nat_az == route_table_az(run, route_table_id)
        assert run.by_id(nat.inputs["allocationId"]).type == "aws:ec2/eip:Eip"


def test_single_nat_serves_every_private_route_table():
    run = pattern("nat-single")
    (nat,) = run.of_type(NAT)
    routes = default_routes(run)
    assert set(routes) == private_route_table_ids(run) and len(routes) == 3
    assert {r.inputs["natGatewayId"] for r in routes.values()} == {nat.id}
    assert nat.inputs["subnetId"] in subnet_ids(run, "public")


def test_nat_waits_for_the_internet_gateway():
    run = pattern("nat-single")
    (nat,) = run.of_type(NAT)
    assert run.named("network-igw").urn in nat.dependencies


@pytest.mark.parametrize("name", ["nat-single", "nat-per-az", "endpoints", "existing-vpc"])
def test_s3_gateway_endpoint_is_on_every_private_route_table(name):
    run = pattern(name)
    (s3,) = [e for e in run.of_type(ENDPOINT) if e.inputs["vpcEndpointType"] == "Gateway"]
    assert s3.inputs["serviceName"] == "com.amazonaws.eu-west-1.s3"
    expected = private_route_table_ids(run) or set(EXISTING["privateRouteTableIds"])
    assert set(s3.inputs["routeTableIds"]) == expected


def test_endpoint_egress_has_interface_endpoints_with_private_dns_in_private_subnets_behind_an_https_sg():
    run = pattern("endpoints")
    interfaces = {
        e.inputs["serviceName"]: e for e in run.of_type(ENDPOINT) if e.inputs["vpcEndpointType"] == "Interface"
    }
    assert set(interfaces) == {f"com.amazonaws.eu-west-1.{s}" for s in ("ecr.api", "ecr.dkr", "logs", "secretsmanager")}
    private = subnet_ids(run, "private")
    (sg,) = {sg for e in interfaces.values() for sg in e.inputs["securityGroupIds"]}
    for endpoint in interfaces.values():
        assert endpoint.inputs["privateDnsEnabled"] is True
        assert len(endpoint.inputs["subnetIds"]) == 2 and set(endpoint.inputs["subnetIds"]) <= private
    (rule,) = rules_on(run, INGRESS_RULE, sg)
    assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", 443, 443)
    assert rule.inputs["cidrIpv4"] == run.named("network-vpc").inputs["cidrBlock"]
    assert not rules_on(run, EGRESS_RULE, sg)


def test_endpoint_egress_creates_no_nat_and_no_default_route_on_private_tables():
    run = pattern("endpoints")
    assert not run.of_type(NAT) and not default_routes(run)


def test_public_pattern_runs_tasks_in_public_subnets_with_a_public_ip_and_no_nat():
    run = pattern("public")
    assert not run.of_type(NAT) and not run.of_type("aws:ec2/eip:Eip")
    public = subnet_ids(run, "public")
    for service in run.of_type(ECS_SERVICE):
        network = service.inputs["networkConfiguration"]
        assert network["assignPublicIp"] is True and set(network["subnets"]) == public
        assert service.inputs["tags"]["data-classification"] == "internal"


def test_public_subnets_route_to_the_internet_gateway_and_private_ones_do_not():
    run = pattern("public")
    igw = run.named("network-igw")
    (public_route,) = [r for r in run.of_type(ROUTE) if r.inputs.get("gatewayId") == igw.id]
    assert public_route.inputs["destinationCidrBlock"] == "0.0.0.0/0"
    public_tables = {
        a.inputs["routeTableId"] for a in run.of_type(ASSOCIATION) if a.inputs["subnetId"] in subnet_ids(run, "public")
    }
    assert public_tables == {public_route.inputs["routeTableId"]}
    assert not default_routes(run)


def test_mixed_placement_keeps_the_sensitive_service_private():
    run = pattern("mixed-placement")
    services = {s.inputs["name"]: s.inputs["networkConfiguration"] for s in run.of_type(ECS_SERVICE)}
    assert services["webapp"]["assignPublicIp"] is True
    assert set(services["webapp"]["subnets"]) == subnet_ids(run, "public")
    assert services["backend"]["assignPublicIp"] is False
    assert set(services["backend"]["subnets"]) == subnet_ids(run, "private")


def test_managed_network_has_dns_a_locked_default_sg_and_a_route_table_per_private_subnet():
    run = pattern("nat-per-az")
    vpc = run.named("network-vpc")
    assert vpc.inputs["enableDnsSupport"] is True and vpc.inputs["enableDnsHostnames"] is True
    default_sg = run.named("network-default-sg")
    assert default_sg.inputs["vpcId"] == vpc.id
    assert default_sg.inputs["ingress"] == [] and default_sg.inputs["egress"] == []
    private = subnet_ids(run, "private")
    tables = {a.inputs["subnetId"]: a.inputs["routeTableId"] for a in run.of_type(ASSOCIATION)}
    assert len({tables[s] for s in private}) == len(private) == 3


def test_existing_vpc_creates_no_network_and_uses_the_configured_ids():
    run = pattern("existing-vpc")
    assert not run.of_type("aws:ec2/vpc:Vpc") and not run.of_type(SUBNET)
    routes = [r for r in run.of_type(ROUTE) if r.inputs["destinationCidrBlock"] == "0.0.0.0/0"]
    assert {r.inputs["routeTableId"] for r in routes} == set(EXISTING["privateRouteTableIds"])
    nat_subnets = {n.inputs["subnetId"] for n in run.of_type(NAT)}
    assert nat_subnets == set(EXISTING["publicSubnetIds"])
    for service in run.of_type(ECS_SERVICE):
        assert service.inputs["networkConfiguration"]["subnets"] != []
    (alb,) = run.of_type(LOAD_BALANCER)
    assert alb.inputs["subnets"] == EXISTING["publicSubnetIds"]
    for sg in run.of_type("aws:ec2/securityGroup:SecurityGroup"):
        assert sg.inputs["vpcId"] == EXISTING["vpcId"]


def test_awsx_source_passes_the_layout_and_nat_strategy_to_awsx_vpc():
    run = pattern("awsx")
    (vpc,) = run.of_type("awsx:ec2:Vpc")
    assert not vpc.custom and vpc.parent == run.named("network").urn
    assert vpc.inputs["cidrBlock"] == "10.0.0.0/16"
    assert vpc.inputs["availabilityZoneNames"] == ["eu-west-1a", "eu-west-1b"]
    assert vpc.inputs["natGateways"] == {"strategy": "Single"}
    assert vpc.inputs["enableDnsHostnames"] is True and vpc.inputs["subnetStrategy"] == "Auto"
    assert vpc.inputs["subnetSpecs"] == [
        {"type": "Public", "cidrBlocks": ["10.0.128.0/20", "10.0.144.0/20"]},
        {"type": "Private", "cidrBlocks": ["10.0.0.0/20", "10.0.16.0/20"]},
    ]
    # preflight's awsx model registers what awsx would: one VPC, a single NAT, no endpoints (s3Gateway is off).
    assert len(run.of_type(NAT)) == 1 and not run.of_type(ENDPOINT) and len(run.of_type("aws:ec2/vpc:Vpc")) == 1
    backend = next(s for s in run.of_type(ECS_SERVICE) if s.inputs["name"] == "backend")
    assert backend.inputs["networkConfiguration"]["subnets"] == vpc.outputs["privateSubnetIds"][:2]
    assert all(subnet.startswith("subnet-") for subnet in backend.inputs["networkConfiguration"]["subnets"])


def test_service_connect_gives_each_service_a_named_port_and_client_alias():
    run = pattern("nat-single")
    (namespace,) = run.of_type("aws:servicediscovery/httpNamespace:HttpNamespace")
    for service in run.of_type(ECS_SERVICE):
        name = service.inputs["name"]
        sc = service.inputs["serviceConnectConfiguration"]
        assert sc["enabled"] is True and sc["namespace"] == namespace.outputs["arn"]
        task = run.named(f"{name}-task")
        (container,) = json.loads(task.inputs["containerDefinitions"])
        (mapping,) = container["portMappings"]
        (published,) = sc["services"]
        assert published["portName"] == mapping["name"] == name
        assert published["clientAlias"] == [{"dnsName": name, "port": mapping["containerPort"]}]


def test_service_connect_callers_reach_their_callees_by_sg_reference_on_the_container_port():
    run = pattern("nat-single")
    sgs = task_security_groups(run)
    alb_sg = alb_security_group(run)
    backend_in = {
        (r.inputs["referencedSecurityGroupId"], r.inputs["fromPort"], r.inputs["toPort"])
        for r in rules_on(run, INGRESS_RULE, sgs["backend"])
    }
    assert backend_in == {(alb_sg, 5000, 5000), (sgs["webapp"], 5000, 5000)}
    webapp_in = {r.inputs["referencedSecurityGroupId"] for r in rules_on(run, INGRESS_RULE, sgs["webapp"])}
    assert webapp_in == {alb_sg}  # nobody calls webapp
    worker_in = {r.inputs["referencedSecurityGroupId"] for r in rules_on(run, INGRESS_RULE, sgs["worker"])}
    assert worker_in == {sgs["backend"]}  # not behind the ALB, called only by backend
    webapp_out = [
        r
        for r in rules_on(run, EGRESS_RULE, sgs["webapp"])
        if r.inputs.get("referencedSecurityGroupId") in {sgs["backend"], sgs["worker"]}
    ]
    assert [(r.inputs["referencedSecurityGroupId"], r.inputs["fromPort"]) for r in webapp_out] == [
        (sgs["backend"], 5000)
    ]


def test_peering_registers_two_rules_per_declared_call_and_none_for_undeclared_pairs():
    run = pattern("nat-single")
    (peering,) = run.of_type("fargate:ecs:ServicePeering")
    assert sorted(r.name for r in run.children_of(peering)) == [
        "service-connect-backend-to-worker-in",
        "service-connect-backend-to-worker-out",
        "service-connect-webapp-to-backend-in",
        "service-connect-webapp-to-backend-out",
    ]


def test_no_declared_calls_means_no_peering_component_and_no_peer_rules():
    run = pattern("public")
    assert not run.of_type("fargate:ecs:ServicePeering")
    sgs = set(task_security_groups(run).values())
    for rule in run.of_type(INGRESS_RULE) + run.of_type(EGRESS_RULE):
        if rule.inputs["securityGroupId"] in sgs:
            assert rule.inputs.get("referencedSecurityGroupId") not in sgs


def test_a_service_without_paths_is_not_behind_the_alb():
    run = pattern("nat-single")
    (worker,) = [s for s in run.of_type(ECS_SERVICE) if s.inputs["name"] == "worker"]
    assert "loadBalancers" not in worker.inputs and "healthCheckGracePeriodSeconds" not in worker.inputs
    sg = task_security_groups(run)["worker"]
    assert alb_security_group(run) not in {
        r.inputs["referencedSecurityGroupId"] for r in rules_on(run, INGRESS_RULE, sg)
    }


def test_execution_role_gets_the_managed_policy_and_the_task_role_none():
    run = pattern("nat-single")
    attachments = run.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert {(a.inputs["role"], a.inputs["policyArn"]) for a in attachments} == {
        (
            run.named(f"{s}-execution-role").outputs["name"],
            "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        )
        for s in ("webapp", "backend", "worker")
    }
    task_role = run.named("backend-task-role")
    assert "managedPolicyArns" not in task_role.inputs and "inlinePolicies" not in task_role.inputs
    assert run.named("backend-task").inputs["taskRoleArn"] == task_role.outputs["arn"]
    assert run.named("backend-task").inputs["executionRoleArn"] == run.named("backend-execution-role").outputs["arn"]


def test_cluster_has_container_insights_and_logs_have_retention():
    run = pattern("nat-single")
    (cluster,) = run.of_type("aws:ecs/cluster:Cluster")
    assert {"name": "containerInsights", "value": "enabled"} in cluster.inputs["settings"]
    for log_group in run.of_type("aws:cloudwatch/logGroup:LogGroup"):
        assert log_group.inputs["retentionInDays"] == 30


def test_alb_waits_for_the_internet_gateway_and_services_wait_for_their_listener_rules():
    run = pattern("nat-single")
    (alb,) = run.of_type(LOAD_BALANCER)
    assert run.named("network-igw").urn in alb.dependencies
    for service in run.of_type(ECS_SERVICE):
        rules = [r for r in run.of_type(LISTENER_RULE) if r.parent == service.parent]
        assert {r.urn for r in rules} <= set(service.dependencies)
        assert bool(rules) == bool(service.inputs.get("loadBalancers"))
