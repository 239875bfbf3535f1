"""AWS limits the patterns must respect. Pure functions, no Pulumi: the stack program validates config with them
before registering anything, and the components re-check them in their constructors."""

import re

# Valid Fargate task sizes (Linux): CPU units -> allowed memory in MiB.
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}

# ALB listener rules: a path pattern is at most 128 characters from this set, and one rule holds at most
# 5 condition values.
PATH_PATTERN_MAX_LENGTH = 128
PATH_PATTERN_ALLOWED_CHARS = "A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?"
_PATH_PATTERN_RE = re.compile(r"""^[A-Za-z0-9_\-.$/~"'@:+&*?]+$""")
MAX_CONDITION_VALUES_PER_RULE = 5
MIN_RULE_PRIORITY = 1
MAX_RULE_PRIORITY = 50000

# CloudWatch Logs retention values accepted by PutRetentionPolicy.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip


def fargate_size_problem(cpu: int, memory: int) -> str | None:
    """Why (cpu, memory) is not a valid Fargate task size, or None when it is."""
    if cpu not in FARGATE_SIZES:
        return f"cpu {cpu} is not a valid Fargate CPU value; allowed: {', '.join(map(str, FARGATE_SIZES))}"
    if memory not in FARGATE_SIZES[cpu]:
        allowed = ", ".join(map(str, FARGATE_SIZES[cpu]))
        return f"memory {memory} is not valid with cpu {cpu}; allowed: {allowed}"
    return None


def path_pattern_problem(pattern: str) -> str | None:
    """Why an ALB path-pattern condition value would be rejected by AWS, or None when it is accepted."""
    if not pattern:
        return "is empty; allowed: 1 to 128 characters"
    if len(pattern) > PATH_PATTERN_MAX_LENGTH:
        return f"is {len(pattern)} characters long; allowed: at most {PATH_PATTERN_MAX_LENGTH}"
    if not _PATH_PATTERN_RE.match(pattern):
        bad = sorted({c for c in pattern if not _PATH_PATTERN_RE.match(c)})
        return f"contains {' '.join(repr(c) for c in bad)}; allowed characters: {PATH_PATTERN_ALLOWED_CHARS}"
    return None
