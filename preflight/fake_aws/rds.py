"""RDS: a database's endpoint address and port."""

from __future__ import annotations

from typing import Any

from .account import Account, digest

_PORTS = {"mysql": 3306, "mariadb": 3306, "postgres": 5432, "aurora-mysql": 3306, "aurora-postgresql": 5432}


def instance(name: str, inputs: dict[str, Any], _id: str, aws: Account) -> dict[str, Any]:
    identifier = str(inputs.get("identifier") or name)
    port = int(inputs.get("port") or _PORTS.get(str(inputs.get("engine", "")), 3306))
    address = f"{identifier}.c{digest(aws.account_id, aws.region, length=11)}.{aws.region}.rds.amazonaws.com"
    return {"address": address, "endpoint": f"{address}:{port}", "port": port}


def cluster(name: str, inputs: dict[str, Any], _id: str, aws: Account) -> dict[str, Any]:
    identifier = str(inputs.get("clusterIdentifier") or name)
    host = f"{identifier}.cluster-c{digest(aws.account_id, aws.region, length=11)}.{aws.region}.rds.amazonaws.com"
    port = int(inputs.get("port") or _PORTS.get(str(inputs.get("engine", "")), 3306))
    return {"endpoint": host, "readerEndpoint": host.replace(".cluster-", ".cluster-ro-"), "port": port}


INVOKES: dict = {}
COMPUTED = {"aws:rds/instance:Instance": instance, "aws:rds/cluster:Cluster": cluster}
