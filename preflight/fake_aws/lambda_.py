"""Lambda: the ARNs API Gateway and event sources invoke a function by."""

from __future__ import annotations

from typing import Any

from .account import Account


def function(_name: str, inputs: dict[str, Any], _id: str, aws: Account) -> dict[str, Any]:
    arn = str(inputs.get("arn", ""))
    return {
        "invokeArn": f"arn:{aws.partition}:apigateway:{aws.region}:lambda:path/2015-03-31/functions/{arn}/invocations",
        "qualifiedArn": f"{arn}:$LATEST",
        "qualifiedInvokeArn": (
            f"arn:{aws.partition}:apigateway:{aws.region}:lambda:path/2015-03-31/functions/{arn}:$LATEST/invocations"
        ),
        "version": "$LATEST",
    }


INVOKES: dict = {}
COMPUTED = {"aws:lambda/function:Function": function}
