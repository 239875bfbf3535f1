"""ECR: registry credentials (what `docker login` and image builds use) and repository URLs."""

from __future__ import annotations

from typing import Any

from .account import Account, b64, digest

_EXPIRES = "2026-12-01T00:00:00Z"


def _registry(registry_id: str, aws: Account) -> str:
    return f"{registry_id}.dkr.ecr.{aws.region}.amazonaws.com"


def _credentials(registry_id: str, aws: Account) -> dict[str, Any]:
    password = f"preflight-{digest(registry_id, aws.region, length=24)}"
    return {
        "authorizationToken": b64(f"AWS:{password}"),  # base64 of user:password, as ECR returns it
        "expiresAt": _EXPIRES,
        "password": password,
        "userName": "AWS",
        "proxyEndpoint": f"https://{_registry(registry_id, aws)}",
        "registryId": registry_id,
    }


def get_authorization_token(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    registry_id = args.get("registryId") or aws.account_id
    return {"id": aws.region, "region": aws.region, **_credentials(registry_id, aws)}


def get_credentials(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    registry_id = args.get("registryId") or aws.account_id
    return {"id": aws.region, **_credentials(registry_id, aws)}


def get_repository(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    name = args.get("name", "")
    registry_id = args.get("registryId") or aws.account_id
    return {
        "id": name,
        "name": name,
        "arn": aws.arn("ecr", f"repository/{name}"),
        "registryId": registry_id,
        "repositoryUrl": f"{_registry(registry_id, aws)}/{name}",
        "imageTagMutability": "MUTABLE",
        "imageTagMutabilityExclusionFilters": [],
        "encryptionConfigurations": [],
        "imageScanningConfigurations": [],
        "mostRecentImageTags": ["latest"],
        "region": aws.region,
        "tags": {},
    }


def repository(name: str, inputs: dict[str, Any], _id: str, aws: Account) -> dict[str, Any]:
    repo = inputs.get("name") or name
    return {"registryId": aws.account_id, "repositoryUrl": f"{_registry(aws.account_id, aws)}/{repo}"}


INVOKES = {
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": get_authorization_token,
    "aws:ecr/getCredentials:getCredentials": get_credentials,
    "aws:ecr/getRepository:getRepository": get_repository,
}
COMPUTED = {"aws:ecr/repository:Repository": repository}
