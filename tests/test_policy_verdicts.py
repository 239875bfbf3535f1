"""Pass, fail or not applicable, never "can't run": how every policy reads the stack and reaches its verdict."""

from __future__ import annotations

import pytest
from pulumi_policy import EnforcementLevel, StackValidationArgs
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

U = UNKNOWN_STRING_VALUE


def test_plain_reads_unknowns_through_the_proxy_without_raising(guard):
    raw = {"subnets": [U, "subnet-1"], "net": {"assignPublicIp": U}}
    proxied = unknown_checking_proxy(raw)
    assert guard.stack.plain(proxied) == raw
    assert guard.stack.is_unknown(guard.stack.plain(proxied)["net"]["assignPublicIp"])
    assert not guard.stack.is_unknown("subnet-1")


@pytest.mark.parametrize(
    ("from_port", "to_port", "protocol", "expected"),
    [(443, 443, "tcp", (443, 443)), (0, 0, "-1", (0, 65535)), (U, 80, "tcp", None), ("http", 80, "tcp", None)],
)
def test_port_ranges_are_read_without_ever_raising(guard, from_port, to_port, protocol, expected):
    assert guard.stack.port_range(from_port, to_port, protocol) == expected


def test_a_policy_that_cannot_read_its_input_says_so_instead_of_failing_the_preview(guard):
    def crashes(graph, config, verdict):
        raise KeyError("routes")

    policy = guard.stack_policy.stack_policy("crashes", "Fix: none.", EnforcementLevel.ADVISORY, crashes, "nothing")
    with pytest.raises(_NotApplicableError) as raised:
        policy.validate(StackValidationArgs([]), lambda message, urn=None: None)
    assert "could not read the stack (KeyError" in raised.value.reason


def test_an_empty_stack_is_not_applicable_with_the_reason(guard):
    with pytest.raises(_NotApplicableError) as raised:
        guard.rules.sensitive_tasks_private.POLICY.validate(StackValidationArgs([]), lambda message, urn=None: None)
    assert raised.value.reason == "no ECS service in this stack is tagged sensitive"


def test_violations_win_over_undecided_subjects(guard):
    reported = []
    verdict = guard.findings.Findings(lambda message, urn=None: reported.append(urn))
    res = guard.stack.Res("urn:a", "aws:ecs/service:Service", "a", {})
    verdict.undecidable(res, "its subnets are unknown")
    verdict.violation(res, "it is public")
    verdict.finish(StackValidationArgs([]), "nothing to check")  # does not raise not_applicable
    assert reported == ["urn:a"]


@pytest.mark.parametrize("error", [RuntimeError("boom"), IndexError("list index out of range"), ZeroDivisionError()])
def test_any_unexpected_error_gives_not_applicable_not_a_failed_preview(guard, error):
    def crashes(graph, config, verdict):
        raise error

    policy = guard.stack_policy.stack_policy("crashes", "Fix: none.", EnforcementLevel.ADVISORY, crashes, "nothing")
    with pytest.raises(_NotApplicableError) as raised:
        policy.validate(StackValidationArgs([]), lambda message, urn=None: None)
    assert raised.value.reason.startswith(f"could not read the stack ({type(error).__name__}")


def test_the_sdks_own_signals_still_propagate(guard):
    def reads_an_unknown(graph, config, verdict):
        return unknown_checking_proxy({"vpcId": U})["vpcId"]  # raises UnknownValueError

    def says_not_applicable(graph, config, verdict):
        raise _NotApplicableError("decided elsewhere")

    for check in (reads_an_unknown, says_not_applicable):
        policy = guard.stack_policy.stack_policy("signals", "Fix: none.", EnforcementLevel.ADVISORY, check, "nothing")
        with pytest.raises((UnknownValueError, _NotApplicableError)) as raised:
            policy.validate(StackValidationArgs([]), lambda message, urn=None: None)
        assert type(raised.value) is (UnknownValueError if check is reads_an_unknown else _NotApplicableError)
        if check is says_not_applicable:
            assert raised.value.reason == "decided elsewhere"


def _graph(guard, rows):
    """A StackGraph of (type, name, props, {key: [dependency names]}) rows, every id unknown as in a preview."""
    from pulumi_policy import PolicyResource, PolicyResourceOptions

    urn = {name: f"urn:pulumi:dev::t::{typ}::{name}" for typ, name, _, _ in rows}
    opts = PolicyResourceOptions(False, [], None, [], None, [], None)
    res = {n: PolicyResource(t, unknown_checking_proxy(p), urn[n], n, opts, None, None, [], {}) for t, n, p, _ in rows}
    for _, name, _, deps in rows:
        res[name].property_dependencies = {k: [res[d] for d in v] for k, v in deps.items()}
    return guard.stack.StackGraph(list(res.values()))


def _table(routes, deps):
    return [
        ("aws:ec2/vpc:Vpc", "v", {"cidrBlock": "10.0.0.0/16"}, {}),
        ("aws:ec2/internetGateway:InternetGateway", "igw", {"vpcId": U}, {"vpcId": ["v"]}),
        ("aws:ec2/natGateway:NatGateway", "nat", {"subnetId": U, "connectivityType": U}, {}),
        ("aws:ec2/routeTable:RouteTable", "rt", {"vpcId": U, "routes": routes}, {"vpcId": ["v"], "routes": deps}),
    ]


@pytest.mark.parametrize(
    ("routes", "deps", "kinds"),
    [
        # only IGWs in the table's dependencies: the unknown gateway is the IGW
        ([{"cidrBlock": "0.0.0.0/0", "gatewayId": U}], ["igw"], ["igw"]),
        # the one unknown gatewayId of the table: the IGW went into it, the NAT into natGatewayId
        ([{"cidrBlock": "0.0.0.0/0", "gatewayId": U}, {"cidrBlock": "10.9.0.0/16", "natGatewayId": U}],
         ["igw", "nat"], ["igw", "unknown"]),
        # two unknown gatewayIds, an IGW and a NAT among the dependencies: either may be either; but the IGW's id
        # went into one of them, so the table has a route to the IGW (listed last): its subnets are public
        ([{"cidrBlock": "0.0.0.0/0", "gatewayId": U}, {"cidrBlock": "10.9.0.0/16", "gatewayId": U}],
         ["igw", "nat"], ["unknown", "unknown", "igw"]),
    ],
)  # fmt: skip
def test_an_unknown_inline_gateway_is_attributed_only_as_far_as_the_evidence_goes(guard, routes, deps, kinds):
    graph = _graph(guard, _table(routes, deps))
    (table,) = graph.of_type(guard.stack.types.ROUTE_TABLE)
    assert [r.kind for r in graph.routes_of(table)] == kinds


def test_a_nat_whose_connectivity_is_unknown_is_not_taken_for_internet_egress(guard):
    graph = _graph(guard, _table([{"cidrBlock": "0.0.0.0/0", "natGatewayId": U}], ["nat"]))
    (table,) = graph.of_type(guard.stack.types.ROUTE_TABLE)
    (route,) = graph.routes_of(table)
    assert route.kind == "unknown"
    assert "NAT gateway nat, whose connectivity_type is unknown during preview" in route.why


def test_a_main_route_table_that_cannot_be_resolved_is_undecidable_not_local_only(guard):
    graph = _graph(
        guard,
        [
            ("aws:ec2/vpc:Vpc", "v", {"cidrBlock": "10.0.0.0/16"}, {}),
            ("aws:ec2/subnet:Subnet", "s", {"vpcId": U}, {"vpcId": ["v"]}),
            (
                "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
                "main",
                {"vpcId": U, "routeTableId": "rtb-0aaa1111bbbb2222c"},
                {"vpcId": ["v"]},
            ),
        ],
    )
    (subnet,) = graph.of_type(guard.stack.types.SUBNET)
    egress = graph.egress_of_subnet(subnet)
    assert egress.tables == []
    assert egress.undecidable == [
        "subnet s has no route table association and its VPC v's main route table association main points at a "
        "route table outside this stack"
    ]


def test_routes_and_associations_through_vpc_main_route_table_id_meet_on_one_table(guard):
    graph = _graph(
        guard,
        [
            ("aws:ec2/vpc:Vpc", "v", {"cidrBlock": "10.0.0.0/16", "mainRouteTableId": U}, {}),
            ("aws:ec2/internetGateway:InternetGateway", "igw", {"vpcId": U}, {"vpcId": ["v"]}),
            ("aws:ec2/subnet:Subnet", "s", {"vpcId": U}, {"vpcId": ["v"]}),
            (
                "aws:ec2/routeTableAssociation:RouteTableAssociation",
                "s-main",
                {"subnetId": U, "routeTableId": U},
                {"subnetId": ["s"], "routeTableId": ["v"]},
            ),
            (
                "aws:ec2/route:Route",
                "default",
                {"routeTableId": U, "destinationCidrBlock": "0.0.0.0/0", "gatewayId": U},
                {"routeTableId": ["v"], "gatewayId": ["igw"]},
            ),
        ],
    )
    (subnet,) = graph.of_type(guard.stack.types.SUBNET)
    egress = graph.egress_of_subnet(subnet)
    assert [t.name for t in egress.tables] == ["main route table of VPC v"]
    assert [r.describe() for r in egress.igw] == [
        "main route table of VPC v sends 0.0.0.0/0 to internet gateway igw (route default (0.0.0.0/0))"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("false", False), ("True", True), ("0", False), (None, False)],
)
def test_booleans_are_read_the_way_the_provider_reads_them(guard, value, expected):
    assert guard.stack.values.as_bool(value) is expected


def test_an_unknown_boolean_is_unknown_and_a_non_boolean_cannot_be_read(guard):
    assert guard.stack.values.as_bool(U) is guard.stack.values.UNKNOWN
    with pytest.raises(ValueError):
        guard.stack.values.as_bool("yes")


def test_a_nat_in_the_subnet_it_serves_gives_no_internet_egress(guard):
    # The subnet's only route sends 0.0.0.0/0 to a NAT gateway that sits in that same subnet: no IGW anywhere.
    graph = _graph(
        guard,
        [
            ("aws:ec2/vpc:Vpc", "v", {"cidrBlock": "10.0.0.0/16"}, {}),
            ("aws:ec2/subnet:Subnet", "s", {"vpcId": U, "cidrBlock": "10.0.1.0/24"}, {"vpcId": ["v"]}),
            ("aws:ec2/natGateway:NatGateway", "nat", {"subnetId": U}, {"subnetId": ["s"]}),
            (
                "aws:ec2/routeTable:RouteTable",
                "rt",
                {"vpcId": U, "routes": [{"cidrBlock": "0.0.0.0/0", "natGatewayId": U}]},
                {"vpcId": ["v"], "routes": ["nat"]},
            ),
            (
                "aws:ec2/routeTableAssociation:RouteTableAssociation",
                "rta",
                {"subnetId": U, "routeTableId": U},
                {"subnetId": ["s"], "routeTableId": ["rt"]},
            ),
        ],
    )
    (subnet,) = graph.of_type(guard.stack.types.SUBNET)
    egress = graph.egress_of_subnet(subnet)
    assert not egress.has_internet and egress.undecidable == [] and egress.nat == []
