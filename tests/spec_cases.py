"""A valid platform config and the bad-input cases, shared by the plain spec tests and the mock tests."""

import copy
from typing import Any

ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
REGION = "eu-west-1"
ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c")
KEY = "fargate-networking:platform"


def valid_platform() -> dict[str, Any]:
    return {
        "network": {"cidr": "10.0.0.0/16", "azCount": 2},
        "egress": {"mode": "endpoints", "interfaceEndpoints": ["secretsmanager"]},
        "serviceConnect": {"enabled": True},
        "services": [
            {"name": "webapp", "image": f"{ECR}/webapp:1.0.0", "port": 3000, "default": True, "sensitive": False},
            {"name": "backend", "image": f"{ECR}/backend:1.0.0", "port": 5000, "pathPatterns": ["/api/*"]},
        ],
    }


def with_changes(**changes: Any) -> dict[str, Any]:
    """valid_platform() with dotted-path changes: with_changes(**{"services.1.cpu": 300})."""
    platform = copy.deepcopy(valid_platform())
    for path, value in changes.items():
        *parents, last = path.split(".")
        node = platform
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return platform


# (case id, platform config, the exact one-line error)
BAD_INPUTS = [
    (
        "invalid-cidr",
        with_changes(**{"network.cidr": "10.0.0.300/16"}),
        f'{KEY}.network.cidr: "10.0.0.300/16" is not a valid CIDR '
        "(Octet 300 (> 255) not permitted in '10.0.0.300'); allowed: an IPv4 network such as 10.0.0.0/16 "
        "with a prefix /16 to /24",
    ),
    (
        "cidr-with-host-bits",
        with_changes(**{"network.cidr": "10.0.0.1/16"}),
        f'{KEY}.network.cidr: "10.0.0.1/16" is not a valid CIDR (10.0.0.1/16 has host bits set); '
        "allowed: an IPv4 network such as 10.0.0.0/16 with a prefix /16 to /24",
    ),
    (
        "cidr-too-small",
        with_changes(**{"network.cidr": "10.0.0.0/26"}),
        f'{KEY}.network.cidr: "10.0.0.0/26" has prefix /26; allowed: an IPv4 network such as 10.0.0.0/16 '
        "with a prefix /16 to /24",
    ),
    (
        "overlapping-subnet-cidrs",
        with_changes(
            **{
                "network.publicSubnetCidrs": ["10.0.0.0/24", "10.0.1.0/24"],
                "network.privateSubnetCidrs": ["10.0.1.0/25", "10.0.3.0/24"],
            }
        ),
        f'{KEY}.network.privateSubnetCidrs[0]: "10.0.1.0/25" overlaps network.publicSubnetCidrs[1] '
        "(10.0.1.0/24); allowed: non-overlapping subnets inside 10.0.0.0/16",
    ),
    (
        "subnet-outside-vpc",
        with_changes(**{"network.publicSubnetCidrs": ["10.1.0.0/24", "10.0.1.0/24"]}),
        f'{KEY}.network.publicSubnetCidrs[0]: "10.1.0.0/24" is not inside the VPC CIDR 10.0.0.0/16; '
        "allowed: a subnet of 10.0.0.0/16 with a prefix up to /28",
    ),
    (
        "more-azs-than-the-region-has",
        with_changes(**{"network.azCount": 4}),
        f"{KEY}.network.azCount: 4 is more than the 3 available zones in eu-west-1 "
        "(eu-west-1a, eu-west-1b, eu-west-1c); allowed: 2..3",
    ),
    (
        "az-of-another-region",
        with_changes(**{"network.availabilityZones": ["eu-west-1a", "us-east-1b"], "network.azCount": None}),
        f'{KEY}.network.availabilityZones[1]: "us-east-1b" is not a zone of region eu-west-1; '
        "allowed: eu-west-1a, eu-west-1b, ...",
    ),
    (
        "unknown-egress-mode",
        with_changes(**{"egress.mode": "vpn"}),
        f'{KEY}.egress.mode: "vpn" is not a known value; allowed: public, nat, endpoints',
    ),
    (
        "duplicate-service-names",
        with_changes(**{"services.1.name": "webapp"}),
        f'{KEY}.services[1].name: "webapp" is already used by services[0]; allowed: a name unique across services',
    ),
    (
        "duplicate-ports",
        with_changes(**{"services.1.port": 3000}),
        f"{KEY}.services[1].port: 3000 is already used by services[0]; allowed: a port unique across services",
    ),
    (
        "duplicate-path-patterns",
        with_changes(**{"services.0.pathPatterns": ["/app/*", "/api/*"]}),
        f'{KEY}.services[1].pathPatterns[0]: "/api/*" is already used by services[0]; '
        "allowed: a pathPatterns unique across services",
    ),
    (
        "two-default-services",
        with_changes(**{"services.1.default": True}),
        f"{KEY}.services[1].default: true but services[0] is already the default service; "
        "allowed: exactly one default service",
    ),
    (
        "invalid-cpu",
        with_changes(**{"services.1.cpu": 300}),
        f"{KEY}.services[1].cpu: 300 is not a valid Fargate CPU value; "
        "allowed: 256, 512, 1024, 2048, 4096, 8192, 16384",
    ),
    (
        "invalid-cpu-memory-pair",
        with_changes(**{"services.0.cpu": 256, "services.0.memory": 4096}),
        f"{KEY}.services[0].memory: 4096 is not a valid Fargate memory value for cpu 256; allowed: 512, 1024, 2048",
    ),
    (
        "sensitive-service-in-public-subnets",
        with_changes(**{"services.1.placement": "public"}),
        f'{KEY}.services[1].placement: "public" puts a sensitive service in public subnets; '
        "allowed: private (or set sensitive: false)",
    ),
    (
        "path-pattern-with-bad-characters",
        with_changes(**{"services.1.pathPatterns": ["/api/{id}"]}),
        f"{KEY}.services[1].pathPatterns[0]: \"/api/{{id}}\" contains '{{' '}}'; "
        "allowed: characters A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?",
    ),
    (
        "path-pattern-too-long",
        with_changes(**{"services.1.pathPatterns": ["/" + "a" * 128]}),
        f'{KEY}.services[1].pathPatterns[0]: "/{"a" * 75}... is 129 characters long; allowed: at most 128',
    ),
    (
        "unknown-key",
        with_changes(**{"network.cidrBlock": "10.0.0.0/16"}),
        f"{KEY}.network.cidrBlock: is an unknown key; allowed: source, cidr, azCount, availabilityZones, "
        "publicSubnetCidrs, privateSubnetCidrs, flowLogs, existing",
    ),
    (
        "wrong-type",
        with_changes(**{"services.0.port": "3000"}),
        f'{KEY}.services[0].port: "3000" is a string; allowed: an integer 1..65535',
    ),
    (
        "missing-image",
        with_changes(**{"services.0.image": None}),
        f"{KEY}.services[0].image: is required; allowed: a string",
    ),
    (
        "calls-an-unknown-service",
        with_changes(**{"services.0.calls": ["payments"]}),
        f'{KEY}.services[0].calls[0]: "payments" is not a service of this stack; allowed: webapp, backend',
    ),
    (
        "calls-itself",
        with_changes(**{"services.0.calls": ["webapp"]}),
        f'{KEY}.services[0].calls[0]: "webapp" is the service itself; '
        "allowed: the names of the other services it calls",
    ),
    (
        "calls-a-service-twice",
        with_changes(**{"services.0.calls": ["backend", "backend"]}),
        f'{KEY}.services[0].calls[1]: "backend" is listed twice; allowed: each service once',
    ),
    (
        "calls-without-service-connect",
        with_changes(**{"services.0.calls": ["backend"], "serviceConnect.enabled": False}),
        f'{KEY}.services[0].calls: ["backend"] needs Service Connect, but serviceConnect.enabled is false; '
        "allowed: [] (or set serviceConnect.enabled: true)",
    ),
    (
        "public-image-behind-endpoints",
        with_changes(**{"services.1.image": "nginx:1.27"}),
        f'{KEY}.services[1].image: "nginx:1.27" cannot be pulled through VPC endpoints; allowed: a private ECR '
        "image in eu-west-1 (<account>.dkr.ecr.eu-west-1.amazonaws.com/<repo>:<tag>)",
    ),
]
