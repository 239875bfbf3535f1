"""Security groups: every ingress source a security group admits, whichever way its rules were written (inline
`ingress`, `aws.ec2.SecurityGroupRule`, `aws.vpc.SecurityGroupIngressRule`), and each VPC's default security group,
reached through `vpc.default_security_group_id` like any other."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Index, Res, unique
from .snapshot import Snapshot
from .types import DEFAULT_SG, IMPLICIT_DEFAULT_SG, SECURITY_GROUPS, SG_INGRESS_RULE, SG_RULE
from .values import as_bool, as_list, is_unknown, port_range

# Input names of the separate ingress rule resources: protocol, source SG, IPv4 CIDR, IPv6 CIDR, prefix list, self.
SEPARATE_RULE_KEYS = {
    SG_RULE: ("protocol", "sourceSecurityGroupId", "cidrBlocks", "ipv6CidrBlocks", "prefixListIds", "self"),
    SG_INGRESS_RULE: ("ipProtocol", "referencedSecurityGroupId", "cidrIpv4", "cidrIpv6", "prefixListId", None),
}


@dataclass
class Ingress:
    """One source admitted by an ingress rule of a security group, whichever way the rule was written."""

    rule: Res  # the resource holding the rule: the SG itself (inline) or a separate rule resource
    label: str  # how a reviewer finds the rule: "inline ingress #2" or the rule resource's name
    kind: str  # "cidr", "ipv6", "prefix-list", "sg" or "unknown"
    value: str  # the CIDR / prefix list id / SG name
    source: Res | None  # the source SG when kind == "sg" and it is in the stack
    ports: tuple[int, int] | None  # None when unknown
    protocol: str
    ambiguous: bool = False  # an inline rule's unknown SG, known only to be one of the inline rules' SGs

    def admits(self, port: int) -> bool:
        return self.ports is not None and self.ports[0] <= port <= self.ports[1]


class SecurityGroups(Index):
    """Ingress of security groups, on top of the generic index."""

    def __init__(self, snap: Snapshot) -> None:
        super().__init__(snap)
        self._ingress: dict[str, list[Ingress]] = {}
        self._default_sgs: dict[str, Res] = {}  # VPC URN -> its default SG (the DefaultSecurityGroup, or a node)
        self.implicit_per_vpc(IMPLICIT_DEFAULT_SG, self.default_sg, ("defaultSecurityGroupId",))
        # Rules written against `vpc.default_security_group_id` belong to that node.
        for typ in SEPARATE_RULE_KEYS:
            for rule in self.of_type(typ):
                for sg in self.refs(
                    rule, "securityGroupId", rule.get("securityGroupId"), IMPLICIT_DEFAULT_SG
                ).resources:
                    self.link(sg, "securityGroupId", rule)

    def default_sg(self, vpc: Res) -> Res:
        """The security group AWS created with the VPC: the `DefaultSecurityGroup` resource that adopts it, else one
        node standing for it, with the rule AWS gives it (all traffic from itself)."""
        node = self._default_sgs.get(vpc.urn)
        if node is None:
            adopted = self.referrers(vpc, "vpcId", DEFAULT_SG)
            if adopted:
                node = adopted[0]
            else:
                urn, name = f"{vpc.urn}#default-security-group", f"default security group of VPC {vpc.name}"
                node = Res(urn, IMPLICIT_DEFAULT_SG, name, {"vpcId": vpc.get("id")}, {"vpcId": [vpc]})
            self._default_sgs[vpc.urn] = node
        return node

    def ingress_of(self, sg: Res) -> list[Ingress]:
        """Every ingress source admitted by a security group: inline rules, SecurityGroupRule and
        SecurityGroupIngressRule resources. Computed once per SG and shared by every policy: read it, never change it.
        """
        if sg.urn not in self._ingress:
            self._ingress[sg.urn] = self._ingress_of(sg)
        return self._ingress[sg.urn]

    def _ingress_of(self, sg: Res) -> list[Ingress]:
        out: list[Ingress] = []
        if sg.type == IMPLICIT_DEFAULT_SG:  # as AWS creates it: all traffic from itself
            out.append(Ingress(sg, f"the default rule of the {sg.name} (all traffic from itself)", "sg", sg.name, sg,
                               (0, 65535), "-1"))  # fmt: skip
        inline = as_list(sg.get("ingress"))
        for i, rule in enumerate(inline):
            if not isinstance(rule, dict):
                out.append(Ingress(sg, f"inline ingress of {sg.name}", "unknown", "?", None, None, "?"))
                continue
            ports = port_range(rule.get("fromPort"), rule.get("toPort"), rule.get("protocol"))
            label = f"inline ingress #{i + 1} of {sg.name}"
            proto = str(rule.get("protocol"))
            out += self._sources(
                sg,
                sg,
                label,
                ports,
                proto,
                "ingress",
                rule.get("cidrBlocks"),
                rule.get("ipv6CidrBlocks"),
                rule.get("prefixListIds"),
                rule.get("securityGroups"),
                as_bool(rule.get("self")) is True,
                shared_key=len(inline) > 1,
            )
        for typ, (proto_key, sg_key, cidr4, cidr6, prefixes, self_key) in SEPARATE_RULE_KEYS.items():
            for rule in self.referrers(sg, "securityGroupId", typ):
                if typ == SG_RULE and rule.get("type") != "ingress":
                    continue
                proto = str(rule.get(proto_key))
                ports = port_range(rule.get("fromPort"), rule.get("toPort"), proto)
                out += self._sources(
                    sg,
                    rule,
                    f"rule {rule.name}",
                    ports,
                    proto,
                    sg_key,
                    rule.get(cidr4),
                    rule.get(cidr6),
                    rule.get(prefixes),
                    rule.get(sg_key),
                    bool(self_key) and as_bool(rule.get(self_key)) is True,
                )
        return out

    def _sources(
        self, sg, holder, label, ports, proto, sg_key, cidrs, cidrs6, prefixes, sgs, self_ref, shared_key=False
    ) -> list[Ingress]:
        out: list[Ingress] = []
        for kind, values in (("cidr", cidrs), ("ipv6", cidrs6), ("prefix-list", prefixes)):
            for v in as_list(values):
                out.append(Ingress(holder, label, kind, "<unknown>" if is_unknown(v) else str(v), None, ports, proto))
        if self_ref:
            out.append(Ingress(holder, label, "sg", sg.name, sg, ports, proto))
        sg_values = [v for v in as_list(sgs) if v is not None]
        if sg_values:
            if shared_key and any(is_unknown(v) for v in sg_values):
                # Inline rules share one dependency list ("ingress"): an unknown SG of one rule could be any SG
                # any inline rule depends on. Name the ones we can, and keep the rest as candidates.
                known_refs = self.refs(holder, sg_key, [v for v in sg_values if not is_unknown(v)], *SECURITY_GROUPS)
                candidates = holder.dep_types(sg_key, *SECURITY_GROUPS)
                vague = f"one of the inline ingress rules of {sg.name}"
                for src in unique(known_refs.resources + candidates):
                    out.append(Ingress(holder, vague, "sg", src.name, src, ports, proto, ambiguous=True))
                for v in known_refs.unresolved:
                    out.append(Ingress(holder, label, "sg", v, None, ports, proto))
            else:
                refs = self.refs(holder, sg_key, sg_values, *SECURITY_GROUPS)
                for src in refs.resources:
                    out.append(Ingress(holder, label, "sg", src.name, src, ports, proto))
                for v in refs.unresolved:
                    out.append(Ingress(holder, label, "sg", v, None, ports, proto))
        return out
