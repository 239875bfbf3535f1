"""AppSync: a GraphQL API's endpoints."""

from __future__ import annotations

from typing import Any

from .account import Account, digest


def graphql_api(name: str, _inputs: dict[str, Any], _id: str, aws: Account) -> dict[str, Any]:
    host = digest(name, "appsync", length=26)
    return {
        "uris": {
            "GRAPHQL": f"https://{host}.appsync-api.{aws.region}.amazonaws.com/graphql",
            "REALTIME": f"wss://{host}.appsync-realtime-api.{aws.region}.amazonaws.com/graphql",
        }
    }


INVOKES: dict = {}
COMPUTED = {"aws:appsync/graphQLApi:GraphQLApi": graphql_api}
