"""Plain tests for the decisions that need no Pulumi: CIDR layout, endpoint lists, listener rule priorities."""

import ipaddress
import itertools

import pytest

from components.refs import AlbRoute
from infra.layout import DEFAULT_RULE_PRIORITY, interface_endpoints, listener_routes, subnet_layout


@pytest.mark.parametrize(
    ("cidr", "azs"), [("10.0.0.0/16", 2), ("10.0.0.0/16", 6), ("172.16.0.0/20", 3), ("192.168.1.0/24", 6)]
)
def test_subnets_are_inside_the_vpc_and_never_overlap(cidr, azs):
    public, private = subnet_layout(cidr, azs)
    assert len(public) == len(private) == azs
    vpc = ipaddress.IPv4Network(cidr)
    subnets = [ipaddress.IPv4Network(c) for c in public + private]
    assert all(s.subnet_of(vpc) for s in subnets)
    assert not any(a.overlaps(b) for a, b in itertools.combinations(subnets, 2))


def test_layout_of_a_slash_16_gives_slash_20_subnets_private_first():
    public, private = subnet_layout("10.0.0.0/16", 2)
    assert private == ("10.0.0.0/20", "10.0.16.0/20")
    assert public == ("10.0.128.0/20", "10.0.144.0/20")


def test_adding_an_az_never_moves_existing_subnets():
    public2, private2 = subnet_layout("10.0.0.0/16", 2)
    public3, private3 = subnet_layout("10.0.0.0/16", 3)
    assert public3[:2] == public2 and private3[:2] == private2


def test_layout_rejects_more_azs_than_slots():
    with pytest.raises(ValueError, match="az_count 7"):
        subnet_layout("10.0.0.0/16", 7)


def test_endpoint_egress_needs_ecr_and_logs_plus_extras_once():
    assert interface_endpoints("endpoints", ["secretsmanager", "logs"]) == (
        "ecr.api",
        "ecr.dkr",
        "logs",
        "secretsmanager",
    )


@pytest.mark.parametrize("mode", ["nat", "public"])
def test_other_egress_modes_only_get_the_extras(mode):
    assert interface_endpoints(mode, []) == ()
    assert interface_endpoints(mode, ["ssm"]) == ("ssm",)


def test_listener_priorities_follow_config_order_and_the_default_is_last():
    routes = listener_routes([("webapp", (), True), ("backend", ("/api/*",), False), ("worker", (), False)])
    assert routes == {
        "webapp": (AlbRoute(DEFAULT_RULE_PRIORITY, ("/*",)),),
        "backend": (AlbRoute(200, ("/api/*",)),),
    }


def test_more_than_five_patterns_are_split_into_rules_with_unique_priorities():
    patterns = tuple(f"/p{i}/*" for i in range(12))
    routes = listener_routes([("a", patterns, False), ("b", ("/b",), True)])
    priorities = [r.priority for rs in routes.values() for r in rs]
    assert [len(r.path_patterns) for r in routes["a"]] == [5, 5, 2]
    assert priorities == [100, 101, 102, 200, DEFAULT_RULE_PRIORITY]
    assert len(set(priorities)) == len(priorities)


def test_editing_one_services_paths_does_not_renumber_another():
    before = listener_routes([("a", ("/a",), False), ("b", ("/b",), False)])
    after = listener_routes([("a", tuple(f"/a{i}" for i in range(9)), False), ("b", ("/b",), False)])
    assert before["b"] == after["b"]
