"""interface-endpoints-reachable: Interface endpoints admit tcp 443 from the VPC or the tasks, with private DNS on."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from ..findings import Findings, names
from ..stack import Res, StackGraph, cidr_covers, endpoint_service, endpoint_type, is_unknown
from ..stack.types import ECS_SERVICE, ENDPOINT, SG
from ..stack_policy import stack_policy

HTTPS = 443


def _task_sgs_by_vpc(graph: StackGraph) -> dict[str, list[Res]]:
    by_vpc: dict[str, list[Res]] = {}
    for service in graph.of_type(ECS_SERVICE):
        subnets, sgs = graph.service_network(service)
        for vpc in {graph.vpc_of(s) for s in subnets.resources} - {None}:
            by_vpc.setdefault(vpc.urn, []).extend(sgs.resources)
    return by_vpc


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    task_sgs = _task_sgs_by_vpc(graph)
    for endpoint in graph.of_type(ENDPOINT):
        kind = endpoint_type(endpoint)
        if kind is None:
            findings.undecidable(endpoint, "its endpoint type is unknown during preview")
            continue
        if kind != "Interface":
            continue
        findings.check()
        label = f"Interface endpoint {endpoint.name} ({endpoint_service(endpoint) or 'unknown service'})"
        dns = endpoint.get("privateDnsEnabled")
        if is_unknown(dns):
            findings.undecidable(endpoint, "private_dns_enabled is unknown during preview")
        elif dns is not True:
            findings.violation(
                endpoint,
                f"{label} has private DNS off, so tasks resolve the service's public name and never use it; "
                "set private_dns_enabled=True.",
            )
        vpc = graph.vpc_of(endpoint)
        sgs = graph.refs(endpoint, "securityGroupIds", endpoint.get("securityGroupIds"), SG)
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
        vpc_cidr = vpc.get("cidrBlock") if vpc else None
        wanted = {sg.urn for sg in task_sgs.get(vpc.urn, [])} if vpc else set()
        admitted: set[str] = set()
        from_vpc, unsure = False, False
        for sg in sgs.resources:
            for ingress in graph.ingress_of(sg):
                if ingress.ports is None:
                    unsure = True
                    continue
                if not ingress.admits(HTTPS) or ingress.protocol.lower() not in ("tcp", "-1", "all", "6"):
                    continue
                if ingress.kind == "cidr":
                    if ingress.value == "<unknown>" or not isinstance(vpc_cidr, str) or is_unknown(vpc_cidr):
                        from_vpc |= vpc is not None and any(vpc in deps for deps in ingress.rule.deps.values())
                        unsure |= not from_vpc
                    else:
                        from_vpc |= cidr_covers(ingress.value, vpc_cidr)
                elif ingress.kind == "sg" and ingress.source is not None:
                    admitted.add(ingress.source.urn)
        if from_vpc or (wanted and wanted <= admitted):
            continue
        if unsure:
            findings.undecidable(endpoint, "a rule of its security groups has unknown ports or CIDR during preview")
            continue
        findings.violation(
            endpoint,
            f"{label} is unreachable: its security groups {names(sgs.resources)} admit tcp 443 from neither the "
            f"VPC CIDR {vpc_cidr if vpc else '(VPC not in this stack)'} nor all the task SGs of the VPC "
            f"({names([graph.by_urn[u] for u in wanted])}); add an ingress rule for tcp 443 from the VPC CIDR.",
        )


POLICY = stack_policy(
    name="interface-endpoints-reachable",
    description=(
        "An Interface VPC endpoint is unreachable from the tasks: its security groups don't admit tcp 443 from the "
        "VPC CIDR or the task SGs, or private DNS is off. Fix: an ingress rule for tcp 443 from the VPC CIDR and "
        "private_dns_enabled=True."
    ),
    level=EnforcementLevel.MANDATORY,
    check=check,
    nothing_to_check="no Interface VPC endpoint in this stack",
)
