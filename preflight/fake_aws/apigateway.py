"""API Gateway (REST and HTTP/WebSocket APIs): invoke URLs and the execute-api ARNs permissions are scoped to."""

from __future__ import annotations

from typing import Any

from .account import Account, digest


def _api_id(name: str) -> str:
    return digest(name, "api", length=10)


def rest_api(name: str, _inputs: dict[str, Any], _id: str, aws: Account) -> dict[str, Any]:
    api_id = _api_id(name)
    return {"rootResourceId": digest(name, "root", length=10), "executionArn": aws.arn("execute-api", api_id)}


def _stage(inputs: dict[str, Any], aws: Account, scheme: str = "https") -> dict[str, Any]:
    api = str(inputs.get("restApi") or inputs.get("apiId") or "api")
    stage = str(inputs.get("stageName") or inputs.get("name") or "")
    return {
        "invokeUrl": f"{scheme}://{api}.execute-api.{aws.region}.amazonaws.com/{stage}",
        "executionArn": aws.arn("execute-api", f"{api}/{stage}"),
    }


def rest_stage(_name: str, inputs: dict[str, Any], _id: str, aws: Account) -> dict[str, Any]:
    return _stage(inputs, aws)


def http_api(name: str, inputs: dict[str, Any], _id: str, aws: Account) -> dict[str, Any]:
    api_id = _api_id(name)
    scheme = "wss" if inputs.get("protocolType") == "WEBSOCKET" else "https"
    return {
        "apiEndpoint": f"{scheme}://{api_id}.execute-api.{aws.region}.amazonaws.com",
        "executionArn": aws.arn("execute-api", api_id),
    }


def http_stage(_name: str, inputs: dict[str, Any], _id: str, aws: Account) -> dict[str, Any]:
    return _stage(inputs, aws)


INVOKES: dict = {}
COMPUTED = {
    "aws:apigateway/restApi:RestApi": rest_api,
    "aws:apigateway/stage:Stage": rest_stage,
    "aws:apigatewayv2/api:Api": http_api,
    "aws:apigatewayv2/stage:Stage": http_stage,
}
