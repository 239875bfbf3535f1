"""interface-endpoints-reachable: Interface endpoints admit tcp 443 from where the tasks run, with private DNS on
(which needs the VPC's DNS support and DNS hostnames)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pulumi_policy import EnforcementLevel

from ..findings import Findings, names
from ..stack import Res, StackGraph, cidr_covers, endpoint_service, endpoint_type, is_unknown
from ..stack.types import CIDR_ASSOC, ECS_SERVICE, ENDPOINT, SECURITY_GROUPS, VPC
from ..stack.values import UNKNOWN, as_bool
from ..stack_policy import stack_policy

HTTPS = 443


@dataclass
class Tasks:
    """Where the ECS tasks of one VPC run: their security groups and their subnets."""

    sgs: list[Res] = field(default_factory=list)
    subnets: list[Res] = field(default_factory=list)


def _tasks_by_vpc(graph: StackGraph) -> dict[str, Tasks]:
    by_vpc: dict[str, Tasks] = {}
    for service in graph.of_type(ECS_SERVICE):
        subnets, sgs = graph.service_network(service)
        for subnet in subnets.resources:
            vpc = graph.vpc_of(subnet)
            if vpc is not None:
                tasks = by_vpc.setdefault(vpc.urn, Tasks())
                tasks.sgs.extend(sgs.resources)
                tasks.subnets.append(subnet)
    return by_vpc


def _sources(graph: StackGraph, vpc: Res | None, ingress) -> list[str | None]:
    """The CIDRs an ingress admits: its value, or for a value unknown during preview the VPC block it came from
    (`vpc.cidr_block`, a secondary block association's `cidr_block`); None when it can't be told."""
    if ingress.value != "<unknown>":
        return [ingress.value]
    deps = [d for ds in ingress.rule.deps.values() for d in ds]
    blocks = [d.get("cidrBlock") for d in deps if d.type in (VPC, CIDR_ASSOC) and vpc and graph.vpc_of(d) is vpc]
    return [b if isinstance(b, str) and not is_unknown(b) else None for b in blocks] or [None]


def _private_dns(graph: StackGraph, endpoint: Res, vpc: Res | None, label: str, findings: Findings) -> None:
    """Private DNS on, and the VPC attributes it needs (enableDnsSupport and enableDnsHostnames) on too."""
    dns = as_bool(endpoint.get("privateDnsEnabled"))
    if dns is UNKNOWN:
        findings.undecidable(endpoint, "private_dns_enabled is unknown during preview")
        return
    if not dns:
        findings.violation(
            endpoint,
            f"{label} has private DNS off, so tasks resolve the service's public name and never use it; "
            "set private_dns_enabled=True.",
        )
        return
    if vpc is None:
        return
    off = []
    for attribute, key, default in (
        ("enable_dns_support", "enableDnsSupport", True),
        ("enable_dns_hostnames", "enableDnsHostnames", False),
    ):
        value = as_bool(vpc.get(key), default)
        if value is UNKNOWN:
            findings.undecidable(endpoint, f"{attribute} of VPC {vpc.name} is unknown during preview")
        elif not value:
            off.append(attribute)
    if off:
        findings.violation(
            endpoint,
            f"{label} has private DNS on, which needs both enable_dns_support and enable_dns_hostnames on its VPC "
            f"{vpc.name}, but {' and '.join(off)} is off (enable_dns_hostnames is off unless set); AWS refuses the "
            "endpoint. Set them to True on the VPC.",
        )


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    tasks_by_vpc = _tasks_by_vpc(graph)
    for endpoint in graph.of_type(ENDPOINT):
        kind = endpoint_type(endpoint)
        if kind is None:
            findings.undecidable(endpoint, "its endpoint type is unknown during preview")
            continue
        if kind != "Interface":
            continue
        findings.check()
        label = f"Interface endpoint {endpoint.name} ({endpoint_service(endpoint) or 'unknown service'})"
        vpc = graph.vpc_of(endpoint)
        _private_dns(graph, endpoint, vpc, label, findings)
        sgs = graph.refs(endpoint, "securityGroupIds", endpoint.get("securityGroupIds"), *SECURITY_GROUPS)
        if sgs.unresolved:
            findings.undecidable(endpoint, f"security groups {', '.join(sgs.unresolved)} are not in this stack")
            continue
        if not sgs.resources:
            findings.violation(
                endpoint,
                f"{label} has no security group, so it gets the VPC's default SG, which admits only itself; "
                "give it an SG that admits tcp 443 from the VPC CIDR.",
            )
            continue
        tasks = tasks_by_vpc.get(vpc.urn, Tasks()) if vpc else Tasks()
        # Where the tasks run (their subnets' CIDRs), else every block of the VPC: AWS's ECR guide asks the
        # endpoint SG to admit 443 from the private subnets.
        task_cidrs = [s.get("cidrBlock") for s in tasks.subnets]
        if task_cidrs and all(isinstance(c, str) and not is_unknown(c) for c in task_cidrs):
            targets, where = list(dict.fromkeys(task_cidrs)), "the task subnets"
        else:
            targets, where = (graph.vpc_cidr_blocks(vpc) if vpc else [None]), "the VPC"
        wanted = {sg.urn for sg in tasks.sgs}
        admitted: set[str] = set()
        cidrs: list[str] = []
        unsure = None in targets
        for sg in sgs.resources:
            for ingress in graph.ingress_of(sg):
                if ingress.ports is None:
                    unsure = True
                    continue
                if not ingress.admits(HTTPS) or ingress.protocol.lower() not in ("tcp", "-1", "all", "6"):
                    continue
                if ingress.kind == "cidr":
                    sources = _sources(graph, vpc, ingress)
                    unsure |= None in sources
                    cidrs += [c for c in sources if c is not None]
                elif ingress.kind == "sg" and ingress.source is not None:
                    admitted.add(ingress.source.urn)
        uncovered = [t for t in targets if t is not None and not any(cidr_covers(c, t) for c in cidrs)]
        if (targets and not uncovered and None not in targets) or (wanted and wanted <= admitted):
            continue
        if unsure:
            findings.undecidable(endpoint, "a rule of its security groups has unknown ports or CIDR during preview")
            continue
        findings.violation(
            endpoint,
            f"{label} is unreachable: its security groups {names(sgs.resources)} admit tcp 443 from neither "
            f"{where} ({', '.join(uncovered) or 'not in this stack'}) nor all the task SGs of the VPC "
            f"({names([graph.by_urn[u] for u in wanted])}); add an ingress rule for tcp 443 from every CIDR block "
            "the tasks run in.",
        )


POLICY = stack_policy(
    name="interface-endpoints-reachable",
    description=(
        "An Interface VPC endpoint is unreachable from the tasks: its security groups don't admit tcp 443 from the "
        "CIDR blocks the tasks run in (every VPC block) or the task SGs, or private DNS is off, or on in a VPC "
        "without DNS support and DNS hostnames. Fix: an ingress rule for tcp 443 from those blocks, "
        "private_dns_enabled=True, enable_dns_support and enable_dns_hostnames on the VPC."
    ),
    level=EnforcementLevel.MANDATORY,
    check=check,
    nothing_to_check="no Interface VPC endpoint in this stack",
)
