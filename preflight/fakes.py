"""A plausible fake AWS for Pulumi's mock runtime: resource ids, computed outputs and invoke answers.

Nothing here knows about any particular program. It answers by resource type token and invoke token, the way the
AWS provider would, with deterministic values so that two runs of the same program give the same report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs, Mocks
from pulumi.runtime.rpc import UNKNOWN  # the engine's sentinel for a value unknown during preview

from .fake_aws import ACCOUNT_ID, COMPUTED, INVOKES, PARTITION, Account, fill_computed_strings
from .fake_aws import availability_zones as availability_zones  # re-exported: the zones the fake region has
from .fake_aws import digest as _digest
from .fake_aws.schema import autoname_key

# Resource id prefixes, shaped like the real ones (vpc-0a1b2c3d4e5f60718).
_ID_PREFIX = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": "eigw",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/defaultRouteTable:DefaultRouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation": "rtbassoc",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/networkAcl:NetworkAcl": "acl",
    "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": "acl",
    "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation": "a",
    "aws:servicediscovery/httpNamespace:HttpNamespace": "ns",
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": "ns",
}

# Types whose provider id is their ARN.
_ARN_IS_ID = {
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:alb/loadBalancer:LoadBalancer",
    "aws:lb/targetGroup:TargetGroup",
    "aws:alb/targetGroup:TargetGroup",
    "aws:lb/listener:Listener",
    "aws:alb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:alb/listenerRule:ListenerRule",
    "aws:ecs/cluster:Cluster",
    "aws:ecs/service:Service",
}


def _type_parts(type_token: str) -> tuple[str, str]:
    """`aws:ec2/vpc:Vpc` -> ("ec2", "vpc")."""
    try:
        _, module, name = type_token.split(":")
    except ValueError:
        return "unknown", type_token.lower()
    service = module.split("/")[0]
    return service, name[:1].lower() + name[1:]


class FakeAws(Mocks):
    """Mocks that answer like AWS. In preview, computed outputs stay unknown, as in a first `pulumi preview`.

    What AWS answers lives in `preflight.fake_aws` as tables (invoke token -> answer, resource type -> computed
    outputs), one module per service; this class only dispatches to them.
    """

    def __init__(self, region: str, preview: bool, on_invoke: Callable[[str, bool], None]) -> None:
        self.region = region
        self.preview = preview
        self.account = Account(region=region)
        self._on_invoke = on_invoke  # (token, simulated)
        self._library_invoke: Callable[[str], Callable[[dict[str, Any]], dict[str, Any]] | None] = lambda _: None

    # ---- resources -------------------------------------------------------------------------------------------
    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict]:
        inputs = dict(args.inputs)
        # A read (`Resource.get`) or an import gives its id; a create gets a fake one, except in preview.
        resource_id = args.resource_id or (None if self.preview else self.fake_id(args.typ, args.name))
        if resource_id is None:
            # An empty id and only planned outputs (auto-names, tagsAll): every other output is unknown.
            return "", {**inputs, **self.planned(args.typ, args.name, inputs)}
        return resource_id, {**inputs, "id": resource_id, **self.computed(args.typ, args.name, inputs, resource_id)}

    def preview_outputs(self, type_token: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """What a first preview shows beyond the inputs: known planned values, and unknowns for computed outputs.

        The provider plans auto-names and `tagsAll` (known); ids, ARNs and other values AWS assigns stay unknown.
        """
        computed = self.computed(type_token, name, inputs, "")
        planned = self.planned(type_token, name, inputs, computed)
        unknown = {key: UNKNOWN for key in ["id", *computed] if key not in planned and key not in inputs}
        return {**unknown, **planned}

    def planned(
        self, type_token: str, name: str, inputs: dict[str, Any], computed: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The outputs the provider plans before creating anything: the auto-name and `tagsAll`."""
        computed = self.computed(type_token, name, inputs, "") if computed is None else computed
        return {key: computed[key] for key in ("tagsAll", autoname_key(type_token)) if key in computed}

    def fake_id(self, type_token: str, name: str) -> str:
        if type_token in _ARN_IS_ID:
            return self.arn(type_token, name)
        prefix = _ID_PREFIX.get(type_token)
        if prefix:
            return f"{prefix}-0{_digest(type_token, name, length=16)}"
        return f"{name}-{_digest(type_token, name, length=8)}"

    def arn(self, type_token: str, name: str) -> str:
        service, kind = _type_parts(type_token)
        service = {"lb": "elasticloadbalancing", "alb": "elasticloadbalancing", "cloudwatch": "logs"}.get(
            service, service
        )
        if service == "iam":
            return f"arn:{PARTITION}:iam::{ACCOUNT_ID}:{kind}/{name}"
        return f"arn:{PARTITION}:{service}:{self.region}:{ACCOUNT_ID}:{kind}/{name}/{_digest(name, length=16)}"

    def computed(self, typ: str, name: str, inputs: dict[str, Any], resource_id: str) -> dict[str, Any]:
        """The outputs AWS (or the provider) fills in for a resource of this type, beyond its inputs."""
        out: dict[str, Any] = {"arn": resource_id if typ in _ARN_IS_ID else self.arn(typ, name)}
        if "tags" in inputs:
            out["tagsAll"] = inputs["tags"]
        name_key = autoname_key(typ)
        if name_key and not inputs.get(name_key):
            out[name_key] = f"{name}-{_digest(name, length=7)}"
        answer = COMPUTED.get(typ)
        if answer is not None:
            out.update(answer(name, {**inputs, **out}, resource_id, self.account))
        out.update(fill_computed_strings(typ, name, {**inputs, **out}, self.account))
        return out

    # ---- invokes ---------------------------------------------------------------------------------------------
    def answer_library_invokes(self, find: Callable[[str], Callable[[dict[str, Any]], dict[str, Any]] | None]) -> None:
        """Answer component libraries' own invokes too (such as awsx:ec2:getDefaultVpc): `find` gives the answer
        to a token, or None."""
        self._library_invoke = find

    def call(self, args: MockCallArgs) -> dict:
        extra = self._library_invoke(args.token)
        if extra is not None:
            self._on_invoke(args.token, True)
            return extra(dict(args.args or {}))
        answer = INVOKES.get(args.token)
        self._on_invoke(args.token, answer is not None)
        return answer(dict(args.args or {}), self.account) if answer else {}
