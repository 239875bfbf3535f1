"""The stack index every policy reads, one module per concern:

- `values`: unknowns, plain values, ports and CIDRs;
- `types`: resource type tokens;
- `snapshot`: the stack as plain rows, and its content key;
- `model`: `Res`, `Refs` and the generic lookups (`Index`);
- `routes`: route tables, routes, egress;
- `security_groups`: ingress sources;
- `ecs`: services, task definitions, load balancers, Service Connect;
- `endpoints`: VPC endpoints;
- `graph`: `StackGraph`, all of them together, and the cache that builds it once per AnalyzeStack (`serving`).
"""

from .endpoints import endpoint_service, endpoint_type
from .graph import StackGraph, serving, shared_graph
from .model import Refs, Res
from .routes import Egress, Route, RouteKind
from .security_groups import Ingress
from .values import as_list, cidr_covers, is_unknown, known, plain, port_range, ports_within, span

__all__ = [
    "Egress",
    "Ingress",
    "Refs",
    "Res",
    "Route",
    "RouteKind",
    "StackGraph",
    "as_list",
    "cidr_covers",
    "endpoint_service",
    "endpoint_type",
    "is_unknown",
    "known",
    "plain",
    "port_range",
    "ports_within",
    "serving",
    "shared_graph",
    "span",
]
