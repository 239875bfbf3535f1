"""awsx.ec2.Vpc's subnet layouts in preflight's awsx model match awsx's own unit-test expectations.

Each case names the pulumi-awsx test it comes from (awsx/ec2/*.test.ts and knownWorkingSubnets.ts, at 3.11.0).
"""

import pytest

from preflight.awsx.layout import LayoutError, SubnetInput, subnet_layout

AZS3 = ["us-east-1a", "us-east-1b", "us-east-1c"]


def cidrs(vpc_cidr, azs, specs, strategy="Legacy", az_mask=None):
    return [s.cidr_block for s in subnet_layout("vpcName", vpc_cidr, azs, specs, strategy, az_mask)]


def test_legacy_default_layout_in_three_azs():
    # subnetDistributorLegacy.test.ts: "should return the default subnets with no parameters and 3 AZs"
    layout = subnet_layout("vpcname", "10.0.0.0/16", AZS3, None)
    assert [(s.type, s.cidr_block, s.az_name, s.resource_name) for s in layout] == [
        ("Private", "10.0.0.0/19", "us-east-1a", "vpcname-private-1"),
        ("Private", "10.0.64.0/19", "us-east-1b", "vpcname-private-2"),
        ("Private", "10.0.128.0/19", "us-east-1c", "vpcname-private-3"),
        ("Public", "10.0.32.0/20", "us-east-1a", "vpcname-public-1"),
        ("Public", "10.0.96.0/20", "us-east-1b", "vpcname-public-2"),
        ("Public", "10.0.160.0/20", "us-east-1c", "vpcname-public-3"),
    ]


@pytest.mark.parametrize("kind", ["Private", "Public", "Isolated"])
def test_legacy_one_named_spec_per_az(kind):
    # subnetDistributorLegacy.test.ts: "with 1 type of subnet"
    layout = subnet_layout("vpcname", "10.0.0.0/16", AZS3, [SubnetInput(kind, name="foo", cidr_mask=19)])
    assert [(s.cidr_block, s.resource_name) for s in layout] == [
        ("10.0.0.0/19", "vpcname-foo-1"),
        ("10.0.64.0/19", "vpcname-foo-2"),
        ("10.0.128.0/19", "vpcname-foo-3"),
    ]


@pytest.mark.parametrize("first,second", [("Private", "Public"), ("Public", "Isolated"), ("Private", "Isolated")])
def test_legacy_two_types_of_subnets(first, second):
    # subnetDistributorLegacy.test.ts: "with 2 types of subnets"
    specs = [SubnetInput(first, name="foo", cidr_mask=19), SubnetInput(second, name="bar", cidr_mask=20)]
    layout = subnet_layout("vpcname", "10.0.0.0/16", AZS3, specs)
    assert [(s.type, s.cidr_block) for s in layout] == [
        (first, "10.0.0.0/19"),
        (second, "10.0.32.0/20"),
        (first, "10.0.64.0/19"),
        (second, "10.0.96.0/20"),
        (first, "10.0.128.0/19"),
        (second, "10.0.160.0/20"),
    ]


def test_legacy_az_cidr_mask_override():
    # subnetDistributorLegacy.test.ts: "can override az cidr mask" (legacy_layout takes the AZ mask directly)
    from preflight.awsx.layout import legacy_layout

    layout = legacy_layout("vpcName", "10.0.0.0/16", ["us-east-1a"], [SubnetInput("Public")], az_cidr_mask=21)
    assert layout[0].cidr_block == "10.0.0.0/21"


@pytest.mark.parametrize(
    "vpc_cidr,specs,expected",
    [
        ("10.0.0.0/18", [("Isolated", 22), ("Public", 21)], ["10.0.0.0/21", "10.0.8.0/22"]),
        ("10.0.0.0/17", [("Private", 18)], ["10.0.0.0/18"]),
        ("10.0.0.0/16", [("Private", 22)], ["10.0.0.0/22"]),
        (
            "10.0.0.0/16",
            [("Isolated", 27), ("Public", 27), ("Isolated", 17)],
            ["10.0.0.0/27", "10.0.0.32/27", "10.0.128.32/17"],  # awsx keeps the host bits of its arithmetic
        ),
        ("10.0.0.0/17", [("Public", 25), ("Isolated", 27)], ["10.0.0.0/25", "10.0.0.128/27"]),
        (
            "10.0.0.0/16",
            [("Isolated", 22), ("Private", 21), ("Private", 18)],
            ["10.0.0.0/21", "10.0.64.0/18", "10.0.128.0/22"],
        ),
        ("10.0.0.0/19", [("Private", 27)], ["10.0.0.0/27"]),
    ],
)
def test_legacy_known_working_subnets(vpc_cidr, specs, expected):
    # subnetDistributorLegacy.test.ts "known working subnets", cases from knownWorkingSubnets.ts (one AZ)
    from preflight.awsx.layout import legacy_layout

    inputs = [SubnetInput(kind, cidr_mask=mask) for kind, mask in specs]
    assert [s.cidr_block for s in legacy_layout("vpcName", vpc_cidr, ["us-east-1a"], inputs)] == expected


@pytest.mark.parametrize("az_mask", range(16, 25))
def test_auto_default_layout_staggers_private_and_public(az_mask):
    # subnetDistributorNew.test.ts: "/%i AZ creates single private & public with staggered sizes"
    layout = subnet_layout("vpcName", f"10.0.0.0/{az_mask}", ["us-east-1a"], None, "Auto")
    assert [(s.type, int(s.cidr_block.split("/")[1])) for s in layout] == [
        ("Private", az_mask + 1),
        ("Public", az_mask + 2),
    ]


def test_explicit_layout_takes_the_given_blocks_per_az():
    # subnetDistributorNew.test.ts: "explicit subnet layouts" / "should produce specified subnets"
    specs = [
        SubnetInput("Public", cidr_blocks=("10.0.0.0/18", "10.0.64.0/19")),
        SubnetInput("Private", cidr_blocks=("10.0.96.0/19", "10.0.128.0/20")),
    ]
    layout = subnet_layout("vpcName", "10.0.0.0/16", ["us-east-1a", "us-east-1b"], specs, "Auto")
    assert [(s.az_name, s.cidr_block, s.resource_name) for s in layout] == [
        ("us-east-1a", "10.0.0.0/18", "vpcName-public-1"),
        ("us-east-1a", "10.0.96.0/19", "vpcName-private-1"),
        ("us-east-1b", "10.0.64.0/19", "vpcName-public-2"),
        ("us-east-1b", "10.0.128.0/20", "vpcName-private-2"),
    ]


def test_exact_strategy_rejects_gaps():
    # subnetDistributorNew.test.ts: "validating exact layouts" / "should highlight a gap"
    specs = [
        SubnetInput("Public", cidr_blocks=("10.0.0.0/18",)),
        SubnetInput("Private", cidr_blocks=("10.0.128.0/17",)),
    ]
    with pytest.raises(LayoutError, match="gaps"):
        subnet_layout("vpcName", "10.0.0.0/16", ["us-east-1a"], specs, "Exact")
    specs = [
        SubnetInput("Public", cidr_blocks=("10.0.0.0/17",)),
        SubnetInput("Private", cidr_blocks=("10.0.128.0/17",)),
    ]
    assert cidrs("10.0.0.0/16", ["us-east-1a"], specs, "Exact") == ["10.0.0.0/17", "10.0.128.0/17"]


def test_auto_size_reads_as_a_mask_and_too_large_subnets_fail():
    # subnetDistributorNew.test.ts: "allows size only"; allocateSubnetCidrBlocks' "Subnets are too large for VPC"
    assert cidrs("10.0.0.0/16", ["us-east-1a"], [SubnetInput("Private", size=4096)], "Auto") == ["10.0.0.0/20"]
    with pytest.raises(LayoutError, match="too large"):
        cidrs("10.0.0.0/24", ["us-east-1a"], [SubnetInput("Private", cidr_mask=23)], "Auto")
