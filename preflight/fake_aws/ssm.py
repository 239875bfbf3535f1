"""SSM Parameter Store: AWS's public parameters (latest AMI ids) and a program's own parameters."""

from __future__ import annotations

import json
from typing import Any

from .account import Account, digest

# Public parameters whose value is an AMI id, as AWS publishes them.
_AMI_PARAMETERS = ("/aws/service/ami-", "/aws/service/ecs/optimized-ami/", "/aws/service/eks/optimized-ami/")


def _value(name: str) -> str:
    ami = f"ami-0{digest(name, length=16)}"
    if name.startswith(_AMI_PARAMETERS):
        if name.endswith("/recommended"):  # a JSON document describing the image
            return json.dumps({"image_id": ami, "image_name": f"preflight-{ami}", "os": "Amazon Linux 2"})
        return ami
    return f"preflight-value-{digest(name, length=8)}"


def get_parameter(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    name = args.get("name", "")
    value = _value(name)
    resource = name.lstrip("/")
    return {
        "id": name,
        "name": name,
        "arn": aws.arn("ssm", f"parameter/{resource}"),
        "type": "String",
        "value": value,
        "insecureValue": value,
        "version": 1,
        "withDecryption": args.get("withDecryption", True),
        "region": aws.region,
    }


INVOKES = {"aws:ssm/getParameter:getParameter": get_parameter}
COMPUTED: dict = {}
