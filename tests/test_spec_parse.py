"""Plain tests for reading the config object into the typed spec: defaults, resolution, the example stacks."""

import json

import pytest
import yaml
from mock_harness import REPO
from spec_cases import REGION, ZONES, valid_platform, with_changes

from infra.spec import PlatformSpec, parse_platform


def parse(platform, region=REGION, zones=ZONES):
    return parse_platform(platform, region=region, available_zones=lambda: zones)


def stack_platform(stack):
    config = yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text())["config"]
    return config["fargate-networking:platform"], config["aws:region"]


def test_minimal_config_gets_the_secure_defaults():
    spec = parse({"services": [{"name": "api", "image": "nginx:1.27", "port": 8080, "pathPatterns": ["/api/*"]}]})
    assert isinstance(spec, PlatformSpec)
    assert spec.environment == "development"
    assert (spec.network.source, spec.network.cidr, spec.network.az_count) == ("managed", "10.0.0.0/16", 2)
    assert spec.network.flow_logs is False
    assert (spec.egress.mode, spec.egress.nat_gateways, spec.egress.s3_gateway) == ("nat", "perAz", True)
    assert spec.egress.interface_endpoints == ()
    service = spec.services[0]
    assert (service.sensitive, service.placement, service.cpu, service.memory) == (True, "private", 256, 512)
    assert (service.desired_count, service.health_check_path, service.default) == (1, "/", False)
    assert spec.ingress.certificate_arn is None and spec.ingress.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert spec.service_connect.enabled is False and spec.log_retention_days == 30


def test_zones_come_from_the_region_lookup_in_sorted_order_when_not_configured():
    spec = parse(valid_platform(), zones=("eu-west-1c", "eu-west-1a", "eu-west-1b"))
    assert spec.network.availability_zones == ("eu-west-1a", "eu-west-1b")


def test_memory_defaults_to_the_smallest_valid_for_the_cpu():
    assert parse(with_changes(**{"services.0.cpu": 1024})).services[0].memory == 2048


def test_endpoint_mode_resolves_ecr_and_logs_before_the_extras():
    assert parse(valid_platform()).egress.interface_endpoints == ("ecr.api", "ecr.dkr", "logs", "secretsmanager")


def test_public_egress_places_non_sensitive_services_in_public_subnets_by_default():
    platform = with_changes(**{"egress.mode": "public", "services.1.sensitive": False})
    assert [s.placement for s in parse(platform).services] == ["public", "public"]


def test_awsx_source_turns_the_s3_gateway_off_by_default():
    spec = parse(with_changes(**{"network.source": "awsx", "egress.mode": "nat"}))
    assert spec.egress.s3_gateway is False


def test_existing_vpc_takes_ids_from_config():
    platform = with_changes(
        **{
            "network": {
                "source": "existing",
                "existing": {
                    "vpcId": "vpc-0123456789abcdef0",
                    "vpcCidr": "10.9.0.0/16",
                    "publicSubnetIds": ["subnet-0000000a", "subnet-0000000b"],
                    "privateSubnetIds": ["subnet-0000001a", "subnet-0000001b"],
                    "privateRouteTableIds": ["rtb-0000001a", "rtb-0000001b"],
                },
            }
        }
    )
    spec = parse(platform, zones=())
    assert spec.network.existing.private_route_table_ids == ("rtb-0000001a", "rtb-0000001b")
    assert spec.network.az_count == 2


def test_spec_is_frozen():
    spec = parse(valid_platform())
    with pytest.raises(AttributeError):
        spec.environment = "production"


def test_dev_stack_is_endpoints_in_two_azs_with_service_connect():
    platform, region = stack_platform("dev")
    spec = parse(platform, region, zones=("us-east-1a", "us-east-1b", "us-east-1c"))
    assert spec.egress.mode == "endpoints" and spec.network.az_count == 2
    assert spec.egress.endpoint_az_count == 1
    webapp, backend = spec.services
    assert (webapp.port, webapp.default, webapp.sensitive) == (3000, True, False)
    assert (backend.port, backend.path_patterns, backend.sensitive, backend.placement) == (
        5000,
        ("/api/*",),
        True,
        "private",
    )
    assert spec.service_connect.enabled
    assert (webapp.calls, backend.calls) == (("backend",), ())


def test_calls_default_to_none_and_keep_their_order():
    spec = parse(with_changes(**{"services.1.calls": ["webapp"]}))
    assert [s.calls for s in spec.services] == [(), ("webapp",)]


def test_prod_stack_is_nat_per_az_https_protected_logged_and_marked_production():
    platform, region = stack_platform("prod")
    spec = parse(platform, region, zones=())
    assert (spec.egress.mode, spec.egress.nat_gateways) == ("nat", "perAz")
    assert spec.ingress.certificate_arn.startswith("arn:aws:acm:us-east-1:")
    assert spec.ingress.deletion_protection and spec.ingress.access_logs_bucket
    assert spec.network.flow_logs
    assert spec.resource_tags["environment"] == "production"


def test_config_round_trips_through_json_like_the_cli_passes_it():
    platform, region = stack_platform("prod")
    assert parse(json.loads(json.dumps(platform)), region, zones=()) == parse(platform, region, zones=())
