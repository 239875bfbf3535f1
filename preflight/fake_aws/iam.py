"""IAM: policy documents rendered as the provider renders them, lookups of roles and managed policies."""

from __future__ import annotations

import json
from typing import Any

from .account import Account, digest


def get_policy_document(args: dict[str, Any], _aws: Account) -> dict[str, Any]:
    statements = []
    for stmt in args.get("statements") or []:
        rendered: dict[str, Any] = {}
        if stmt.get("sid"):
            rendered["Sid"] = stmt["sid"]
        rendered["Effect"] = stmt.get("effect", "Allow")
        for key, out_key in (
            ("actions", "Action"),
            ("notActions", "NotAction"),
            ("resources", "Resource"),
            ("notResources", "NotResource"),
        ):
            if stmt.get(key):
                rendered[out_key] = stmt[key]
        for principal in stmt.get("principals") or []:
            rendered.setdefault("Principal", {})[principal["type"]] = principal["identifiers"]
        for cond in stmt.get("conditions") or []:
            rendered.setdefault("Condition", {}).setdefault(cond["test"], {})[cond["variable"]] = cond["values"]
        statements.append(rendered)
    document = json.dumps({"Version": args.get("version", "2012-10-17"), "Statement": statements}, indent=2)
    return {
        "id": digest(document, length=10),
        "json": document,
        "minifiedJson": json.dumps(json.loads(document), separators=(",", ":")),
    }


def get_role(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    name = args.get("name", "")
    return {
        "id": name,
        "name": name,
        "arn": f"arn:{aws.partition}:iam::{aws.account_id}:role/{name}",
        "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": []}),
        "createDate": "2026-01-01T00:00:00Z",
        "description": "",
        "maxSessionDuration": 3600,
        "path": "/",
        "permissionsBoundary": "",
        "roleLastUseds": [],
        "tags": {},
        "uniqueId": f"AROA{digest(name, length=17).upper()}",
    }


def get_policy(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    name = args.get("name") or str(args.get("arn", "")).rsplit("/", 1)[-1]
    arn = args.get("arn") or f"arn:{aws.partition}:iam::aws:policy/{name}"
    return {
        "id": arn,
        "arn": arn,
        "name": name,
        "path": "/",
        "pathPrefix": args.get("pathPrefix"),
        "description": "",
        "policy": json.dumps({"Version": "2012-10-17", "Statement": []}),
        "policyId": f"ANPA{digest(arn, length=17).upper()}",
        "attachmentCount": 0,
        "tags": {},
    }


def role(name: str, _inputs: dict[str, Any], _id: str, _aws: Account) -> dict[str, Any]:
    return {"uniqueId": f"AROA{digest(name, length=17).upper()}"}


INVOKES = {
    "aws:iam/getPolicyDocument:getPolicyDocument": get_policy_document,
    "aws:iam/getRole:getRole": get_role,
    "aws:iam/getPolicy:getPolicy": get_policy,
}
COMPUTED = {"aws:iam/role:Role": role}
