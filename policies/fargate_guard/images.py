"""Where a container image is pulled from, read from a task definition's container definitions."""

from __future__ import annotations

import re

from .stack import Res, StackGraph
from .stack.types import LOG_GROUP

PRIVATE_ECR = re.compile(r"^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/")


def registry(image: str) -> str:
    """ "ecr" for a private ECR repository (pull-through caches included), else the public registry's name."""
    if PRIVATE_ECR.match(image):
        return "ecr"
    first = image.split("/", 1)[0]
    if first == "public.ecr.aws":
        return "public.ecr.aws"
    if "/" not in image or ("." not in first and ":" not in first and first != "localhost"):
        return "Docker Hub"
    return first


def images_of(graph: StackGraph, task_def: Res | None) -> list[tuple[str, str]] | None:
    """[(container name, image)], or None when the container definitions are unknown during preview (or the task
    definition is not in this stack). Which images they hold is then not guessed: a dependency on an ECR repository
    says one image is from ECR, not that all of them are."""
    containers = graph.containers(task_def)
    if containers is None:
        return None
    return [(str(c.get("name")), str(c.get("image"))) for c in containers if c.get("image")]


def uses_awslogs(graph: StackGraph, task_def: Res | None) -> bool | None:
    """Whether a container logs with the awslogs driver; None when unknown during preview.

    Unknown definitions built from a CloudWatch log group (its name in `awslogs-group`) are taken to use awslogs:
    that only ever requires the logs endpoint (conservative); no policy passes on this guess.
    """
    containers = graph.containers(task_def)
    if containers is None:
        return True if task_def and task_def.dep_types("containerDefinitions", LOG_GROUP) else None
    return any(
        isinstance(c.get("logConfiguration"), dict) and c["logConfiguration"].get("logDriver") == "awslogs"
        for c in containers
    )
