"""VPC endpoints: which service and type an endpoint is, the endpoints of a VPC, and the route tables a Gateway
endpoint is attached to."""

from __future__ import annotations

from collections import defaultdict

from .model import Refs, Res
from .routes import Routing
from .snapshot import Snapshot
from .types import ENDPOINT, ENDPOINT_RT_ASSOC, ROUTE_TABLES
from .values import is_unknown


def endpoint_service(endpoint: Res) -> str | None:
    """The service part of an endpoint's service name ("s3", "ecr.dkr", "logs"), or None when unknown."""
    name = endpoint.get("serviceName")
    if not isinstance(name, str) or is_unknown(name):
        return None
    parts = name.split(".")
    return ".".join(parts[3:]) if len(parts) > 3 and parts[0] == "com" else name


def endpoint_type(endpoint: Res) -> str | None:
    """Gateway, Interface, GatewayLoadBalancer... (a missing type means Gateway), or None when unknown."""
    kind = endpoint.get("vpcEndpointType") or "Gateway"
    return None if is_unknown(kind) else kind


class Endpoints(Routing):
    """VPC endpoints, on top of routing (a Gateway endpoint lives on route tables)."""

    def __init__(self, snap: Snapshot) -> None:
        super().__init__(snap)
        self._endpoints_by_vpc: dict[str, list[Res]] | None = None

    def endpoints_in(self, vpc: Res | None) -> list[Res]:
        if self._endpoints_by_vpc is None:
            by_vpc: dict[str, list[Res]] = defaultdict(list)
            for endpoint in self.of_type(ENDPOINT):
                owner = self.vpc_of(endpoint)
                if owner is not None:
                    by_vpc[owner.urn].append(endpoint)
            self._endpoints_by_vpc = by_vpc
        return self._endpoints_by_vpc.get(vpc.urn, []) if vpc is not None else []

    def endpoint_route_tables(self, endpoint: Res) -> Refs:
        """Route tables a Gateway endpoint is attached to (its routeTableIds and separate associations)."""
        refs = self.refs(endpoint, "routeTableIds", endpoint.get("routeTableIds"), *ROUTE_TABLES)
        for assoc in self.referrers(endpoint, "vpcEndpointId", ENDPOINT_RT_ASSOC):
            table = self.ref(assoc, "routeTableId", *ROUTE_TABLES)
            if table is None:
                refs.unresolved.append(f"route table of {assoc.name}")
            else:
                refs.resources.append(table)
        return refs

    def s3_gateway_tables(self) -> dict[str, list[Res]]:
        """Route table URN -> the S3 Gateway endpoints attached to it."""
        tables: dict[str, list[Res]] = defaultdict(list)
        for endpoint in self.of_type(ENDPOINT):
            if endpoint_service(endpoint) == "s3" and endpoint_type(endpoint) == "Gateway":
                for table in self.endpoint_route_tables(endpoint).resources:
                    tables[table.urn].append(endpoint)
        return tables
