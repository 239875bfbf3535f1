"""The one rulebook: what AWS (and pulumi-aws) accept, as pure data and functions, with no Pulumi import.

The stack program's config reader and the components' `validate()` both ask these functions. A rule answers with a
`Problem` (the key, the bad value, what is wrong, what is allowed) or None; the caller renders it into a message
at its own edge (a config key path, or a component argument name). Nobody parses a message back."""

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """Why one value is rejected. `key` is relative to whoever asked (an Args field or a config key)."""

    key: str
    value: Any
    issue: str
    allowed: str

    def message(self) -> str:
        """One line for a component argument: `memory: 4096 is not a valid ...; allowed: 512, 1024, 2048`."""
        return f"{self.key}: {self.value!r} {self.issue}; allowed: {self.allowed}"


class ArgsError(ValueError):
    """A component argument that AWS would reject; carries the Problem."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.message())


def check(problem: Problem | None) -> None:
    """Raise ArgsError for a problem; do nothing for None."""
    if problem is not None:
        raise ArgsError(problem)


def _listed(values) -> str:
    return ", ".join(map(str, values))


# ---- Fargate task sizes (Linux): CPU units -> allowed memory in MiB -----------------------------------------------
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}


def fargate_cpu_problem(cpu: int) -> Problem | None:
    if cpu not in FARGATE_SIZES:
        return Problem("cpu", cpu, "is not a valid Fargate CPU value", _listed(FARGATE_SIZES))
    return None


def fargate_size_problem(cpu: int, memory: int) -> Problem | None:
    """Why (cpu, memory) is not a valid Fargate task size, or None when it is."""
    if problem := fargate_cpu_problem(cpu):
        return problem
    if memory not in FARGATE_SIZES[cpu]:
        return Problem(
            "memory", memory, f"is not a valid Fargate memory value for cpu {cpu}", _listed(FARGATE_SIZES[cpu])
        )
    return None


# ---- ALB listener rules -------------------------------------------------------------------------------------------
# A path pattern is at most 128 characters from this set, and one rule holds at most 5 condition values.
PATH_PATTERN_MAX_LENGTH = 128
PATH_PATTERN_ALLOWED_CHARS = "A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?"
_PATH_PATTERN_RE = re.compile(r"""^[A-Za-z0-9_\-.$/~"'@:+&*?]+$""")
MAX_CONDITION_VALUES_PER_RULE = 5
MIN_RULE_PRIORITY = 1
MAX_RULE_PRIORITY = 50000


def path_pattern_problem(pattern: str, key: str = "path_pattern") -> Problem | None:
    """Why an ALB path-pattern condition value would be rejected by AWS, or None when it is accepted."""
    if not pattern:
        return Problem(key, pattern, "is empty", f"1 to {PATH_PATTERN_MAX_LENGTH} characters")
    if len(pattern) > PATH_PATTERN_MAX_LENGTH:
        return Problem(key, pattern, f"is {len(pattern)} characters long", f"at most {PATH_PATTERN_MAX_LENGTH}")
    if not _PATH_PATTERN_RE.match(pattern):
        bad = sorted({c for c in pattern if not _PATH_PATTERN_RE.match(c)})
        return Problem(
            key, pattern, f"contains {' '.join(repr(c) for c in bad)}", f"characters {PATH_PATTERN_ALLOWED_CHARS}"
        )
    return None


# ---- CloudWatch Logs ----------------------------------------------------------------------------------------------
# Retention values accepted by PutRetentionPolicy.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip


def log_retention_problem(days: int, key: str = "log_retention_days") -> Problem | None:
    if days not in LOG_RETENTION_DAYS:
        return Problem(key, days, "is not a CloudWatch Logs retention value", _listed(LOG_RETENTION_DAYS))
    return None


# ---- Names --------------------------------------------------------------------------------------------------------
# pulumi-aws autonames a resource as <logical name> + "-" + 7 random hex characters (pulumi-terraform-bridge
# `tfbridge.AutoName`), within the provider's maximum for that name (pulumi-aws provider/resources.go).
AUTONAME_SUFFIX_LENGTH = 8
# What a service name becomes: (what, how it is derived, AWS maximum length, autonamed by Pulumi).
SERVICE_DERIVED_NAMES = (
    # CreateTargetGroup Name: 32; pulumi-aws: "aws_lb_target_group" name AutoName("name", 32, "-").
    ("target group", "{name}-tg", 32, True),
    # IAM CreateRole RoleName: 64.
    ("execution role", "{name}-execution-role", 64, True),
    ("task role", "{name}-task-role", 64, True),
    # EC2 CreateSecurityGroup GroupName: 255.
    ("task security group", "{name}-sg", 255, True),
    # ECS CreateService serviceName: 255.
    ("ECS service", "{name}", 255, False),
    # ECS ServiceConnectService discoveryName and the container's portMappings name: 64.
    ("Service Connect discovery and port name", "{name}", 64, False),
)


def _name_budget(pattern: str, limit: int, autonamed: bool) -> int:
    return limit - len(pattern.format(name="")) - (AUTONAME_SUFFIX_LENGTH if autonamed else 0)


# The longest service name whose every derived name fits (21: "<name>-tg" plus the 8-character suffix in 32).
SERVICE_NAME_MAX_LENGTH = min(_name_budget(p, limit, auto) for _, p, limit, auto in SERVICE_DERIVED_NAMES)
_LIMITING_NAME = min(SERVICE_DERIVED_NAMES, key=lambda d: _name_budget(d[1], d[2], d[3]))
SERVICE_NAME_RE = re.compile(rf"^[a-z]([a-z0-9-]{{0,{SERVICE_NAME_MAX_LENGTH - 2}}}[a-z0-9])?$")
SERVICE_NAME_ALLOWED = (
    f"1 to {SERVICE_NAME_MAX_LENGTH} of a-z 0-9 -, starting with a letter, ending with a letter or digit "
    f"(the {_LIMITING_NAME[0]} name {_LIMITING_NAME[1]} plus Pulumi's {AUTONAME_SUFFIX_LENGTH}-character suffix "
    f"must fit in {_LIMITING_NAME[2]})"
)


def service_name_problem(name: str, key: str = "service_name") -> Problem | None:
    if not SERVICE_NAME_RE.match(name):
        issue = (
            f"is {len(name)} characters long" if len(name) > SERVICE_NAME_MAX_LENGTH else "is not a valid service name"
        )
        return Problem(key, name, issue, SERVICE_NAME_ALLOWED)
    return None


# ECS RegisterTaskDefinition family: up to 255 letters, numbers, hyphens and underscores.
TASK_FAMILY_MAX_LENGTH = 255
TASK_FAMILY_RE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_NOT_IN_FAMILY = re.compile(r"[^A-Za-z0-9_-]")


def task_family(*parts: str) -> str:
    """A valid task family from parts such as (project, stack, service): joined by '-', and any character a family
    can't hold (a stack name may contain '.') replaced by '_'."""
    return "-".join(_NOT_IN_FAMILY.sub("_", part) for part in parts)[:TASK_FAMILY_MAX_LENGTH]


def task_family_problem(family: str, key: str = "family") -> Problem | None:
    if not TASK_FAMILY_RE.match(family):
        return Problem(key, family, "is not a task definition family", "1 to 255 of A-Z a-z 0-9 _ -")
    return None


LOG_GROUP_NAME_RE = re.compile(r"^[A-Za-z0-9_./#-]{1,512}$")


def log_group_name_problem(name: str, key: str = "log_group_name") -> Problem | None:
    if not LOG_GROUP_NAME_RE.match(name):
        return Problem(key, name, "is not a log group name", "1 to 512 of A-Z a-z 0-9 _ . / # -")
    return None


# EC2 security group and rule descriptions (CreateSecurityGroup GroupDescription, IpRange and UserIdGroupPair
# Description): up to 255 of a-z A-Z 0-9, spaces and ._-:/()#,@[]+=;{}!$* ('&' is allowed in some of them and not in
# UserIdGroupPair, so it is left out here).
EC2_DESCRIPTION_MAX_LENGTH = 255
EC2_DESCRIPTION_ALLOWED = "up to 255 of a-z A-Z 0-9, spaces and ._-:/()#,@[]+=;{}!$*"
_EC2_DESCRIPTION_RE = re.compile(r"^[A-Za-z0-9 ._\-:/()#,@\[\]+=;{}!$*]*$")


def ec2_description_problem(text: str, key: str = "description") -> Problem | None:
    if len(text) > EC2_DESCRIPTION_MAX_LENGTH or not _EC2_DESCRIPTION_RE.match(text):
        return Problem(key, text, "is not a valid EC2 description", EC2_DESCRIPTION_ALLOWED)
    return None


def port_problem(port: int, key: str = "port") -> Problem | None:
    if not 1 <= port <= 65535:
        return Problem(key, port, "is out of range", "1..65535")
    return None


HEALTH_CHECK_PATH_MAX_LENGTH = 1024


def health_check_path_problem(path: str, key: str = "health_check_path") -> Problem | None:
    """ELB target group health check path: starts with '/', at most 1024 characters."""
    if not path.startswith("/") or len(path) > HEALTH_CHECK_PATH_MAX_LENGTH:
        return Problem(
            key, path, "is not a URL path", f"a path starting with /, at most {HEALTH_CHECK_PATH_MAX_LENGTH} chars"
        )
    return None


# ---- VPC endpoints ------------------------------------------------------------------------------------------------
# What a Fargate task in a private subnet needs to pull a private ECR image and ship its logs (S3 comes through the
# gateway endpoint).
FARGATE_INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs")
# The short name of an interface endpoint service: com.amazonaws.<region>.<short name>.
ENDPOINT_SERVICE_RE = re.compile(r"^[a-z0-9]+([.-][a-z0-9]+)*$")


def endpoint_service_problem(service: str, key: str = "interface_services") -> Problem | None:
    if service == "s3":
        return Problem(key, service, "is served by the free S3 gateway endpoint", "the S3 gateway endpoint (s3Gateway)")
    if not ENDPOINT_SERVICE_RE.match(service):
        return Problem(key, service, "is not an endpoint service name", "names such as secretsmanager, ssm, kms, sts")
    return None


# ---- EC2 ids ------------------------------------------------------------------------------------------------------
_AWS_ID_RE = {kind: re.compile(rf"^{kind}-[0-9a-f]{{8,17}}$") for kind in ("vpc", "subnet", "rtb")}


def aws_id_problem(value: str, kind: str, key: str) -> Problem | None:
    """`kind` is the id prefix: vpc, subnet or rtb."""
    if not _AWS_ID_RE[kind].match(value):
        return Problem(key, value, f"is not a {kind} id", f"{kind}-<8 or 17 hex digits>")
    return None


# ---- ALB ----------------------------------------------------------------------------------------------------------
DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
MODERN_SSL_POLICIES = (
    DEFAULT_SSL_POLICY,
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
)
_CERTIFICATE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+$")
_BUCKET_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def certificate_arn_problem(arn: str, key: str = "certificate_arn") -> Problem | None:
    if not _CERTIFICATE_ARN_RE.match(arn):
        return Problem(key, arn, "is not an ACM certificate ARN", "arn:aws:acm:<region>:<account>:certificate/<id>")
    return None


def ssl_policy_problem(policy: str, key: str = "ssl_policy") -> Problem | None:
    if policy not in MODERN_SSL_POLICIES:
        return Problem(key, policy, "is not a known value", _listed(MODERN_SSL_POLICIES))
    return None


def bucket_name_problem(bucket: str, key: str = "access_logs_bucket") -> Problem | None:
    if not _BUCKET_NAME_RE.match(bucket):
        return Problem(key, bucket, "is not an S3 bucket name", "3-63 chars of a-z 0-9 . -")
    return None


# ---- Cloud Map ----------------------------------------------------------------------------------------------------
_NAMESPACE_RE = re.compile(r"^[a-z0-9]([a-z0-9.-]{0,62}[a-z0-9])?$")


def namespace_problem(namespace: str, key: str = "service_connect_namespace") -> Problem | None:
    if not _NAMESPACE_RE.match(namespace):
        return Problem(key, namespace, "is not a valid namespace name", "1-64 chars of a-z 0-9 . -")
    return None
