"""ECS services: their awsvpc network, task definition and containers, sensitivity tags, the load balancers in
front of them, Service Connect namespaces and ports, and which of their subnets are cut off from the internet."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from .model import Refs, Res, unique
from .routes import Egress, Routing
from .snapshot import Snapshot
from .types import CLUSTER, LB, LISTENER, LISTENER_RULE, NAMESPACES, SECURITY_GROUPS, SUBNET, TARGET_GROUP, TASK_DEF
from .values import UNKNOWN, Unknown, as_bool, as_list, as_port, is_unknown


class Ecs(Routing):
    """ECS services, on top of routing (a service's subnets and how they reach the internet)."""

    def __init__(self, snap: Snapshot) -> None:
        super().__init__(snap)
        self._containers: dict[str, list[dict] | None] = {}

    def service_network(self, service: Res) -> tuple[Refs, Refs]:
        """(subnets, security groups) of an ECS service's awsvpc network configuration."""
        net = service.get("networkConfiguration")
        if is_unknown(net):
            return Refs([], ["<unknown network configuration>"]), Refs([], ["<unknown network configuration>"])
        net = net if isinstance(net, dict) else {}
        subnets = self.refs(service, "networkConfiguration", net.get("subnets"), SUBNET)
        sgs = self.refs(service, "networkConfiguration", net.get("securityGroups"), *SECURITY_GROUPS)
        return subnets, sgs

    def task_definition(self, service: Res) -> Res | None:
        return self.ref(service, "taskDefinition", TASK_DEF)

    def containers(self, task_def: Res | None) -> list[dict] | None:
        """Parsed container definitions, or None when unknown during preview. Parsed once per task definition and
        shared by every policy: read them, never change them."""
        if task_def is None:
            return None
        if task_def.urn not in self._containers:
            self._containers[task_def.urn] = self._parse_containers(task_def)
        return self._containers[task_def.urn]

    def _parse_containers(self, task_def: Res) -> list[dict] | None:
        raw = task_def.get("containerDefinitions")
        if raw is None or is_unknown(raw):
            return None
        try:
            parsed = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            return None
        return [c for c in parsed if isinstance(c, dict)] if isinstance(parsed, list) else None

    def sensitivity(self, service: Res, tag_key: str, values: Sequence[str]) -> tuple[str | None, str | None]:
        """(the sensitive tag value of a service or its task definition, or None), and, when it is not known to be
        sensitive, why its sensitivity can't be decided (a tag unknown during preview, a task definition elsewhere).
        """
        undecided = []
        td = self.task_definition(service)
        holders = [("ECS service", service), ("task definition", td)] if td else [("ECS service", service)]
        for what, res in holders:
            value, unknown = res.tag(tag_key)
            if isinstance(value, str) and value in values:
                return value, None
            if unknown:
                undecided.append(f"the {tag_key} tag of {what} {res.name} is unknown during preview")
        if td is None:
            value = service.get("taskDefinition")
            shown = "unknown during preview" if is_unknown(value) else f"{value}, not in this stack"
            undecided.append(f"its task definition ({shown}) may carry the {tag_key} tag")
        return None, "; ".join(undecided) or None

    def load_balancers_of(self, service: Res) -> tuple[list[Res], list[str]]:
        """The load balancers in front of a service (target group -> listener or listener rule -> load balancer),
        and what could not be followed."""
        given = service.get("loadBalancers")
        if is_unknown(given):
            # Unknown as a whole (awsx computes them from target groups whose ARNs are unknown in preview): the
            # target groups are the ones the value came from.
            refs = self.refs(service, "loadBalancers", [given], TARGET_GROUP)
            missing = ["its load balancers are unknown during preview" for _ in refs.unresolved]
        else:
            entries = [e for e in as_list(given) if isinstance(e, dict)]
            refs = self.refs(service, "loadBalancers", [e.get("targetGroupArn") for e in entries], TARGET_GROUP)
            missing = [f"target group {v} is not in this stack" for v in refs.unresolved]
        lbs: list[Res] = []
        for tg in refs.resources:
            listeners = self.referrers(tg, "defaultActions", LISTENER)
            for rule in self.referrers(tg, "actions", LISTENER_RULE):
                listener = self.ref(rule, "listenerArn", LISTENER)
                if listener is None:
                    missing.append(f"the listener of rule {rule.name} is not in this stack")
                else:
                    listeners.append(listener)
            if not listeners:
                missing.append(f"no listener of this stack forwards to target group {tg.name}")
            for listener in listeners:
                lb = self.ref(listener, "loadBalancerArn", LB)
                if lb is None:
                    missing.append(f"the load balancer of listener {listener.name} is not in this stack")
                else:
                    lbs.append(lb)
        return unique(lbs), missing

    def lb_security_groups(self, lb: Res) -> Refs:
        return self.refs(lb, "securityGroups", lb.get("securityGroups"), *SECURITY_GROUPS)

    def lb_ports(self, service: Res) -> set[int] | None:
        """Container ports a service exposes to its load balancers, or None when they are unknown during preview."""
        given = service.get("loadBalancers")
        if is_unknown(given) or any(isinstance(e, dict) and is_unknown(e.get("containerPort")) for e in as_list(given)):
            return None
        ports = set()
        for e in as_list(given):
            if isinstance(e, dict) and isinstance(e.get("containerPort"), int | float):
                ports.add(int(e["containerPort"]))
        return ports

    def service_connect(self, service: Res) -> dict | None:
        sc = service.get("serviceConnectConfiguration")
        return sc if isinstance(sc, dict) and as_bool(sc.get("enabled")) is True else None

    def namespace_key(self, service: Res) -> str | None:
        """What identifies a service's Service Connect namespace: the namespace resource's URN, else its ARN or name.

        The namespace may be given by ARN or by name, or left out for the cluster's `serviceConnectDefaults`.
        """
        sc = self.service_connect(service)
        if sc is None:
            return None
        holder, key, value = service, "serviceConnectConfiguration", sc.get("namespace")
        if value is None and not service.dep_types(key, *NAMESPACES):
            cluster = self.ref(service, "cluster", CLUSTER)
            defaults = cluster.get("serviceConnectDefaults") if cluster else None
            holder, key = cluster, "serviceConnectDefaults"
            value = defaults.get("namespace") if isinstance(defaults, dict) else None
        if holder is None:
            return None
        deps = holder.dep_types(key, *NAMESPACES)
        if deps:
            return deps[0].urn
        if isinstance(value, str) and not is_unknown(value):
            if value in self.by_id:
                return self.by_id[value].urn
            named = [ns for ns in self.of_type(*NAMESPACES) if ns.get("name") == value]
            return named[0].urn if len(named) == 1 else value
        return None

    def service_connect_ports(self, service: Res) -> tuple[set[int], set[int] | None]:
        """Ports a Service Connect server receives on (ingress override, else the named container port).

        Second: None when all are known; else, for the entries whose container port is unknown during preview,
        their client alias ports, which a peer's rule is allowed to use in the meantime.
        """
        sc = self.service_connect(service)
        if sc is None:
            return set(), None
        containers = self.containers(self.task_definition(service))
        named = {}
        for c in containers or []:
            for m in c.get("portMappings") or []:
                if isinstance(m, dict) and m.get("name") and as_port(m.get("containerPort")) is not None:
                    named[m["name"]] = as_port(m["containerPort"])
        ports: set[int] = set()
        aliases: set[int] | None = None
        for entry in as_list(sc.get("services")):
            entry = entry if isinstance(entry, dict) else {}
            override = entry.get("ingressPortOverride")
            if isinstance(override, int | float):
                ports.add(int(override))
            elif entry.get("portName") in named:
                ports.add(named[entry["portName"]])
            else:
                aliases = aliases or set()
                aliases |= {int(a["port"]) for a in as_list(entry.get("clientAlias")) if isinstance(a, dict)
                            and isinstance(a.get("port"), int | float)}  # fmt: skip
        return ports, aliases

    def public_ip(self, service: Res) -> bool | Unknown:
        """Whether a service's tasks get a public IP (`assign_public_ip`, read as the provider reads it)."""
        net = service.get("networkConfiguration")
        return as_bool(net.get("assignPublicIp") if isinstance(net, dict) else net)

    def isolated_subnets(self, service: Res) -> tuple[list[Egress], list[str]]:
        """The subnets from which a service's tasks can't reach the internet, and what could not be decided.

        A task reaches the internet through a default route to a NAT gateway that reaches one, or to an internet
        gateway when it has a public IP: a Fargate task without one can't use the IGW (Amazon ECS Developer Guide,
        Fargate task networking), so it pulls images only through VPC endpoints.
        """
        subnets, _ = self.service_network(service)
        why = [f"subnet {v} is not in this stack" for v in subnets.unresolved]
        isolated = []
        public_ip = self.public_ip(service)
        for egress in self.subnet_egress(subnets.resources):
            if egress.nat:
                continue
            unusable_igw = False
            if egress.has_internet:  # a default route to an internet gateway
                if public_ip is True:
                    continue
                if public_ip is UNKNOWN:
                    why.append("assign_public_ip is unknown during preview, so whether it can use the IGW is too")
                    continue
                unusable_igw = True
            why += [
                f"subnet {egress.subnet.name}'s {r.describe()}; whether that reaches the internet is decided elsewhere"
                for r in egress.indirect
            ]
            if egress.undecidable or egress.indirect:
                why.extend(egress.undecidable)
            else:
                isolated.append(replace(egress, unusable_igw=unusable_igw))  # a copy: the shared one stays as is
        return isolated, why
