"""The README's configuration reference matches the code: every key, the simple defaults, the Fargate sizes
and both example stacks."""

import json
import re

import pytest
from mock_harness import REPO

from components.rulebook import FARGATE_SIZES
from infra import spec as spec_module
from infra.spec import parse_platform

README = (REPO / "README.md").read_text()
DOC = README[README.index("\n## Configuration\n") : README.index("\n## Preflight\n")]
ROWS = {
    m.group(1): (m.group(2).strip(), m.group(3).strip())
    for m in re.finditer(r"^\| `([A-Za-z0-9.\[\]]+)` \| ([^|]+) \| ([^|]+) \|", DOC, flags=re.M)
}
SECTIONS = {
    "": spec_module.TOP_KEYS,
    "network.": spec_module.NETWORK_KEYS,
    "network.existing.": spec_module.EXISTING_KEYS,
    "egress.": spec_module.EGRESS_KEYS,
    "ingress.": spec_module.INGRESS_KEYS,
    "services[i].": spec_module.SERVICE_KEYS,
    "serviceConnect.": spec_module.SERVICE_CONNECT_KEYS,
}
CODE_KEYS = {prefix + key for prefix, keys in SECTIONS.items() for key in keys}


def test_every_config_key_is_documented_and_every_documented_key_exists():
    assert set(ROWS) == CODE_KEYS


MINIMAL = {"services": [{"name": "api", "image": "nginx:1.27", "port": 8080}]}
DEFAULTS = {
    "environment": lambda s: s.environment,
    "logRetentionDays": lambda s: s.log_retention_days,
    "network.source": lambda s: s.network.source,
    "network.cidr": lambda s: s.network.cidr,
    "network.azCount": lambda s: s.network.az_count,
    "network.flowLogs": lambda s: s.network.flow_logs,
    "egress.mode": lambda s: s.egress.mode,
    "egress.natGateways": lambda s: s.egress.nat_gateways,
    "egress.interfaceEndpoints": lambda s: list(s.egress.interface_endpoints),
    "ingress.sslPolicy": lambda s: s.ingress.ssl_policy,
    "ingress.deletionProtection": lambda s: s.ingress.deletion_protection,
    "ingress.accessLogsPrefix": lambda s: s.ingress.access_logs_prefix,
    "services[i].pathPatterns": lambda s: list(s.services[0].path_patterns),
    "services[i].default": lambda s: s.services[0].default,
    "services[i].cpu": lambda s: s.services[0].cpu,
    "services[i].desiredCount": lambda s: s.services[0].desired_count,
    "services[i].sensitive": lambda s: s.services[0].sensitive,
    "services[i].healthCheckPath": lambda s: s.services[0].health_check_path,
    "services[i].calls": lambda s: list(s.services[0].calls),
    "services[i].waitForSteadyState": lambda s: s.services[0].wait_for_steady_state,
    "serviceConnect.enabled": lambda s: s.service_connect.enabled,
    "serviceConnect.namespace": lambda s: s.service_connect.namespace,
}


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_documented_default_is_the_default_the_code_uses(key):
    spec = parse_platform(MINIMAL, region="us-east-1", available_zones=lambda: ["us-east-1a", "us-east-1b"])
    documented = ROWS[key][1]
    actual = DEFAULTS[key](spec)
    shown = json.dumps(actual) if isinstance(actual, bool | list) else str(actual)
    assert documented.startswith(f"`{shown}`"), (key, documented, actual)


def test_documented_fargate_memory_values_match_the_table():
    for cpu, memories in FARGATE_SIZES.items():
        if len(memories) <= 3:
            expected = f"{cpu}: {', '.join(map(str, memories))}."
        else:
            expected = f"{cpu}: {memories[0]} to {memories[-1]}, in steps of {memories[1] - memories[0]}."
        assert expected in DOC


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_documented_example_is_the_stack_file(stack):
    text = (REPO / f"Pulumi.{stack}.yaml").read_text()
    assert f"```yaml\n{text}```" in DOC
