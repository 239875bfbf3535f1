"""ECS: task definition revisions."""

from __future__ import annotations

from typing import Any

from .account import Account


def task_definition(_name: str, inputs: dict[str, Any], _id: str, _aws: Account) -> dict[str, Any]:
    arn = str(inputs.get("arn", ""))
    return {"revision": 1, "arnWithoutRevision": arn}


INVOKES: dict = {}
COMPUTED = {"aws:ecs/taskDefinition:TaskDefinition": task_definition}
