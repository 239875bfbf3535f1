"""Every bad-input case stops the program with one line naming the key path, the value and what is allowed."""

import pulumi
import pytest
from spec_cases import BAD_INPUTS, REGION, ZONES, valid_platform, with_changes

from infra.spec import SpecError, parse_platform


def parse(platform):
    return parse_platform(platform, region=REGION, available_zones=lambda: ZONES)


@pytest.mark.parametrize(("platform", "message"), [case[1:] for case in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_gives_one_line_naming_key_value_and_allowed(platform, message):
    with pytest.raises(SpecError) as caught:
        parse(platform)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_spec_error_is_a_run_error_so_the_cli_prints_no_traceback():
    assert issubclass(SpecError, pulumi.RunError)


def test_the_valid_config_parses():
    assert parse(valid_platform()).services[1].name == "backend"


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"egress.natGateways": "single"}, 'egress.natGateways: "single" is only used with egress.mode "nat"'),
        (
            {"egress.mode": "nat", "egress.natGateways": "two"},
            'natGateways: "two" is not a known value; allowed: single, perAz',
        ),
        (
            {"egress.interfaceEndpoints": ["s3"]},
            'interfaceEndpoints[0]: "s3" is served by the free S3 gateway endpoint',
        ),
        ({"egress.interfaceEndpoints": ["ssm", "ssm"]}, 'interfaceEndpoints[1]: "ssm" is listed twice'),
        ({"egress.endpointAzCount": 3}, "egress.endpointAzCount: 3 is out of range; allowed: 1..2"),
        ({"egress.mode": "public"}, "services[1].sensitive: true needs private subnets, which have no egress path"),
        (
            {"egress.mode": "public", "services.0.placement": "private"},
            'services[0].placement: "private" has no egress',
        ),
        ({"network.source": "existing"}, 'network.cidr: "10.0.0.0/16" is not used with network.source "existing"'),
        ({"network.source": "awsx"}, 'egress.mode: "endpoints" is not offered with network.source "awsx"'),
        (
            {"network.source": "awsx", "egress.mode": "nat", "egress.s3Gateway": True},
            "egress.s3Gateway: true is not offered",
        ),
        (
            {"network.existing": {"vpcId": "vpc-12345678"}},
            'network.existing: {"vpcId": "vpc-12345678"} is only used with',
        ),
        ({"network.azCount": 1}, "network.azCount: 1 is out of range; allowed: 2..6"),
        ({"network.availabilityZones": ["eu-west-1a", "eu-west-1c"], "network.azCount": 3}, "azCount: 3 disagrees"),
        (
            {"ingress.certificateArn": "arn:aws:iam::1:cert"},
            'ingress.certificateArn: "arn:aws:iam::1:cert" is not an ACM',
        ),
        (
            {"ingress.sslPolicy": "ELBSecurityPolicy-2016-08"},
            'ingress.sslPolicy: "ELBSecurityPolicy-2016-08" has no effect',
        ),
        ({"ingress.accessLogsBucket": "Bad_Bucket"}, 'ingress.accessLogsBucket: "Bad_Bucket" is not an S3 bucket name'),
        ({"services.0.pathPatterns": ["/*"]}, 'services[0].pathPatterns[0]: "/*" is the default service\'s catch-all'),
        ({"services.0.name": "Web_App"}, 'services[0].name: "Web_App" is not a valid service name'),
        ({"services.0.desiredCount": True}, "services[0].desiredCount: true is a boolean; allowed: an integer 0..100"),
        ({"services": []}, "services: [] is empty; allowed: a list of 1 or more services"),
        ({"services.0": "webapp"}, 'services[0]: "webapp" is a string, not an object'),
        ({"serviceConnect.namespace": "Bad Namespace"}, 'serviceConnect.namespace: "Bad Namespace" is not a valid'),
        ({"logRetentionDays": 10}, "logRetentionDays: 10 is not a CloudWatch Logs retention value; allowed: 1, 3, 5"),
        ({"tags": {"environment": "x"}}, 'tags.environment: "x" is set by the program'),
        (
            {"environment": "prod"},
            'environment: "prod" is not a known value; allowed: development, staging, production',
        ),
    ],
)
def test_other_mistakes_name_their_key(changes, fragment):
    with pytest.raises(SpecError) as caught:
        parse(with_changes(**changes))
    assert fragment in str(caught.value)
    assert str(caught.value).startswith("fargate-networking:platform.")


def test_explicit_zone_names_need_no_lookup():
    platform = with_changes(**{"network.availabilityZones": ["eu-west-1a", "eu-west-1c"], "network.azCount": None})
    spec = parse_platform(platform, region=REGION, available_zones=None)
    assert spec.network.availability_zones == ("eu-west-1a", "eu-west-1c")


def test_missing_config_says_what_to_set():
    with pytest.raises(SpecError, match=r"^fargate-networking:platform: is not set; allowed: an object with keys"):
        parse(None)
