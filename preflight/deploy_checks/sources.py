"""Where each deploy-check constraint comes from: pulumi_aws inputs mapped to the data sources that state the limits.

This table is the only hand-kept part of the deploy checks. `generate.py` resolves it against the pinned data
sources and writes `constraints.json`, which is all the checks read at run time:

- `Model`: a member of an AWS API shape in botocore's service models (the AWS SDK's own models, the source
  tflint-ruleset-aws generates its rules from): min/max length, pattern, enum, numeric range.
- `Schema`: a property of a CloudFormation resource schema bundled with cfn-lint: maxLength, pattern, enum, minimum.
- `Extension`: a cfn-lint extension schema, a JSON Schema across several properties of one CloudFormation resource
  that a cfn-lint rule applies (the Fargate task size and properties); the generator reads it into plain data.
- `Stated`: a rule no model encodes as data but an AWS document states in words. The rule is written here; the
  generator checks that `quote` still appears in the named model member's documentation (or cites `url` when the
  text is in a guide, not in a model), so a changed AWS text fails regeneration instead of drifting silently.

Input paths use the engine's property names: `a.b` is a nested object, `a[]` each list item, `a{key}` / `a{value}`
each map key / value, `a<json>` a JSON-encoded string (ECS container definitions) parsed before walking on.
No Pulumi import: this is data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Model:
    """A member of a botocore service model shape: `shape` is an operation (its input shape) or a shape name."""

    service: str
    shape: str
    member: str  # "Name", "Tags[].Key", "tags{key}", "Matcher.HttpCode"


@dataclass(frozen=True)
class Schema:
    """A property of a cfn-lint bundled CloudFormation resource schema (us-east-1 provider schemas)."""

    resource: str  # "AWS::EC2::SecurityGroup"
    prop: str  # "GroupDescription", "Tags[].Key"


@dataclass(frozen=True)
class Stated:
    """A rule stated in words by AWS: kept as data here, with the words it comes from."""

    rule: dict[str, Any]  # any of minLength, maxLength, pattern, enum, minimum, maximum
    summary: str  # the allowed values in a few words, shown in findings
    quote: str  # the sentence it comes from, verbatim
    doc: Model | None = None  # the model member whose documentation holds `quote` (checked by the generator)
    url: str = ""  # the AWS page holding `quote` when no model documentation does


Source = Model | Schema | Stated


@dataclass(frozen=True)
class Extension:
    """A cfn-lint extension schema (cfnlint/data/schemas/extensions/<path>) and the cfn-lint rule that applies it."""

    path: str  # "aws_ecs_taskdefinition/fargate_cpu_memory.json"
    rule: str  # "E3047"


@dataclass(frozen=True)
class Quote:
    """AWS's words for a rule read from data: checked against the model member's documentation like `Stated`."""

    quote: str
    doc: Model | None = None
    url: str = ""


@dataclass(frozen=True)
class Fargate:
    """Task definitions that require FARGATE: rules across their inputs, read from cfn-lint's extension schemas.

    `inputs` maps every CloudFormation property the schemas name to the pulumi_aws input (engine name; `<json>` marks
    ECS's container definitions, a JSON string in pulumi_aws with ECS's camelCase keys). `why` holds AWS's words for
    each rule: "required.<input>", "networkMode", "logDriver", "placementConstraints", "cpu" and "size".
    """

    type: str
    inputs: dict[str, str]
    cpu_memory: Extension
    properties: Extension
    why: dict[str, Quote]


@dataclass(frozen=True)
class PortRange:
    """A rule whose start port must not exceed its end port when its protocol is one of `protocols`."""

    type: str
    items: str  # "" for the resource's own inputs, or an input path of rule items, e.g. "ingress[]"
    protocol: str  # the protocol input: "protocol" or "ipProtocol"
    protocols: tuple[str, ...]
    summary: str
    quotes: tuple[Quote, ...]
    from_port: str = "fromPort"
    to_port: str = "toPort"


@dataclass(frozen=True)
class HostPorts:
    """Task definitions whose network mode is one of `modes`: a port mapping's host port is left out or equal to its
    container port. Mappings without a container port (a containerPortRange) are not this rule's."""

    type: str
    mode: str  # the network-mode input; left out, it is ECS's default (bridge), which this rule does not cover
    modes: tuple[str, ...]
    mappings: str  # input path of the port mappings, e.g. "containerDefinitions<json>[].portMappings[]"
    summary: str
    quotes: tuple[Quote, ...]
    host_port: str = "hostPort"
    container_port: str = "containerPort"


@dataclass(frozen=True)
class Field:
    type: str  # pulumi type token
    input: str  # input path, see the module docstring
    source: Source


@dataclass(frozen=True)
class Autoname:
    """pulumi-aws fills `input` from the resource name when the program leaves it out: name + "-" + 7 random chars."""

    type: str
    max_length: int
    source: str
    input: str = "name"
    separator: str = "-"
    random_length: int = 7


@dataclass(frozen=True)
class Unique:
    """Two resources of `type` whose `keys` are equal are rejected by AWS (or the second create fails)."""

    type: str
    keys: tuple[str, ...]
    refs: tuple[str, ...]  # keys holding a reference to another resource (compared by dependency when unknown)
    summary: str
    quote: str
    doc: Model | None = None
    url: str = ""
    case_insensitive: bool = False
    only_when_set: tuple[str, ...] = field(default=())  # skip resources that leave these out (autonamed)


@dataclass(frozen=True)
class Reference:
    """An input that must name something inside the resource another input points at (same program only)."""

    type: str
    items: str  # input path of the items to check, e.g. "loadBalancers[]"
    via: str  # the input holding the reference, e.g. "taskDefinition"
    target_type: str
    match: str  # which rule check.py applies: "container-port" or "port-name"
    summary: str
    quote: str
    doc: Model


# ---- pulumi type tokens -------------------------------------------------------------------------------------------
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
IGW = "aws:ec2/internetGateway:InternetGateway"
NAT = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
SG = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LB = "aws:lb/loadBalancer:LoadBalancer"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
ECS_CLUSTER = "aws:ecs/cluster:Cluster"
ECS_SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
IAM_ROLE = "aws:iam/role:Role"
IAM_POLICY = "aws:iam/policy:Policy"
IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
HTTP_NAMESPACE = "aws:servicediscovery/httpNamespace:HttpNamespace"
PRIVATE_DNS_NAMESPACE = "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace"
DISCOVERY_SERVICE = "aws:servicediscovery/service:Service"

# ---- rules stated in words ----------------------------------------------------------------------------------------
_EC2_CHARSET = r"a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*"
SG_RULE_DESCRIPTION = Stated(
    rule={"maxLength": 255, "pattern": f"[{_EC2_CHARSET}]*"},
    summary="up to 255 characters of a-z A-Z 0-9 spaces and ._-:/()#,@[]+=&;{}!$*",
    quote="Constraints: Up to 255 characters in length. Allowed characters are a-z, A-Z, 0-9, spaces, and "
    "._-:/()#,@[]+=&;{}!$*",
    doc=Model("ec2", "IpRange", "Description"),
)
SG_NAME = Stated(
    rule={"maxLength": 255, "pattern": f"(?!sg-)[{_EC2_CHARSET}]*"},
    summary="up to 255 characters of a-z A-Z 0-9 spaces and ._-:/()#,@[]+=&;{}!$*, not starting with sg-",
    quote="Constraints: Up to 255 characters in length. Can't start with sg-. Valid characters: a-z, A-Z, 0-9, "
    "spaces, and ._-:/()#,@[]+=&;{}!$*",
    doc=Model("ec2", "CreateSecurityGroup", "GroupName"),
)
SG_PORT = Stated(
    rule={"minimum": -1, "maximum": 65535},
    summary="-1 (all ICMP types/codes) or a port 0-65535",
    quote="If the protocol is TCP or UDP, this is the start of the port range. If the protocol is ICMP or ICMPv6, "
    "this is the ICMP type or -1 (all ICMP types).",
    doc=Model("ec2", "IpPermission", "FromPort"),
)
EC2_TAG_KEY = Stated(
    rule={"minLength": 1, "maxLength": 128, "pattern": "(?!(?i:aws:)).*"},
    summary="1 to 128 characters, not starting with aws:",
    quote="May not begin with aws:.",
    doc=Model("ec2", "Tag", "Key"),
    url="https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions",
)
EC2_TAG_VALUE = Stated(
    rule={"maxLength": 256},
    summary="up to 256 characters",
    quote="Tag values are case-sensitive and accept a maximum of 256 Unicode characters.",
    doc=Model("ec2", "Tag", "Value"),
)
_ELB_NAME = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
LB_NAME = Stated(
    rule={"maxLength": 32, "pattern": f"(?!internal-){_ELB_NAME}"},
    summary="up to 32 letters, digits or hyphens, not starting or ending with a hyphen, not starting with internal-",
    quote="This name must be unique per region per account, can have a maximum of 32 characters, must contain only "
    'alphanumeric characters or hyphens, must not begin or end with a hyphen, and must not begin with "internal-".',
    doc=Model("elbv2", "CreateLoadBalancer", "Name"),
)
TARGET_GROUP_NAME = Stated(
    rule={"maxLength": 32, "pattern": _ELB_NAME},
    summary="up to 32 letters, digits or hyphens, not starting or ending with a hyphen",
    quote="This name must be unique per region per account, can have a maximum of 32 characters, must contain only "
    "alphanumeric characters or hyphens, and must not begin or end with a hyphen.",
    doc=Model("elbv2", "CreateTargetGroup", "Name"),
)
DEREGISTRATION_DELAY = Stated(
    rule={"minimum": 0, "maximum": 3600},
    summary="0 to 3600 seconds",
    quote="The range is 0-3600 seconds.",
    doc=Model("elbv2", "TargetGroupAttribute", "Key"),
)
_ECS_NAME_QUOTE = "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed."
_ECS_NAME_RULE = {"minLength": 1, "maxLength": 255, "pattern": "[a-zA-Z0-9_-]+"}
_ECS_NAME_SUMMARY = "1 to 255 letters, digits, underscores or hyphens"
ECS_CLUSTER_NAME = Stated(
    _ECS_NAME_RULE, _ECS_NAME_SUMMARY, _ECS_NAME_QUOTE, Model("ecs", "CreateCluster", "clusterName")
)
ECS_SERVICE_NAME = Stated(
    _ECS_NAME_RULE, _ECS_NAME_SUMMARY, _ECS_NAME_QUOTE, Model("ecs", "CreateService", "serviceName")
)
ECS_FAMILY = Stated(
    _ECS_NAME_RULE, _ECS_NAME_SUMMARY, _ECS_NAME_QUOTE, Model("ecs", "RegisterTaskDefinition", "family")
)
ECS_CONTAINER_NAME = Stated(
    _ECS_NAME_RULE, _ECS_NAME_SUMMARY, _ECS_NAME_QUOTE, Model("ecs", "ContainerDefinition", "name")
)
_SC_NAME_RULE = {"minLength": 1, "maxLength": 64, "pattern": "[a-z0-9_][a-z0-9_-]*"}
_SC_NAME_SUMMARY = "1 to 64 lowercase letters, digits, underscores or hyphens, not starting with a hyphen"
PORT_MAPPING_NAME = Stated(
    _SC_NAME_RULE,
    _SC_NAME_SUMMARY,
    "The name can include up to 64 characters. The characters can include lowercase letters, numbers, underscores "
    "(_), and hyphens (-). The name can't start with a hyphen.",
    Model("ecs", "PortMapping", "name"),
)
DISCOVERY_NAME = Stated(
    _SC_NAME_RULE,
    _SC_NAME_SUMMARY,
    "The name can contain up to 64 characters. The name can include lowercase letters, numbers, underscores (_), "
    "and hyphens (-). The name can't start with a hyphen.",
    Model("ecs", "ServiceConnectService", "discoveryName"),
)
CLIENT_ALIAS_DNS_NAME = Stated(
    {"minLength": 1, "maxLength": 127, "pattern": "[a-z0-9_.][a-z0-9_.-]*"},
    "1 to 127 lowercase letters, digits, underscores, hyphens or periods, not starting with a hyphen",
    "The name can include up to 127 characters. The name can include lowercase letters, numbers, underscores (_), "
    "hyphens (-), and periods (.). The name can't start with a hyphen.",
    Model("ecs", "ServiceConnectClientAlias", "dnsName"),
)
FLOW_LOG_AGGREGATION_INTERVAL = Stated(
    rule={"enum": [60, 600]},
    summary="60 or 600 seconds",
    quote="The possible values are 60 seconds (1 minute) or 600 seconds (10 minutes).",
    doc=Model("ec2", "CreateFlowLogs", "MaxAggregationInterval"),
)
SECURITY_GROUP_RULE_TYPE = Stated(
    rule={"enum": ["ingress", "egress"]},
    summary="ingress or egress",
    quote="Type of rule being created. Valid options are `ingress` (inbound) or `egress` (outbound).",
    url="https://www.pulumi.com/registry/packages/aws/api-docs/ec2/securitygrouprule/",
)


def _tags(type_: str, key: Source, value: Source) -> list[Field]:
    return [Field(type_, "tags{key}", key), Field(type_, "tags{value}", value)]


def _ec2_tags(type_: str) -> list[Field]:
    return _tags(type_, EC2_TAG_KEY, EC2_TAG_VALUE)


def _elb_tags(type_: str) -> list[Field]:
    return _tags(
        type_, Model("elbv2", "CreateLoadBalancer", "Tags[].Key"), Model("elbv2", "CreateLoadBalancer", "Tags[].Value")
    )


def _ecs_tags(type_: str) -> list[Field]:
    return _tags(type_, Model("ecs", "CreateService", "tags[].key"), Model("ecs", "CreateService", "tags[].value"))


def _iam_tags(type_: str) -> list[Field]:
    return _tags(type_, Model("iam", "CreateRole", "Tags[].Key"), Model("iam", "CreateRole", "Tags[].Value"))


def _sd_tags(type_: str) -> list[Field]:
    return _tags(
        type_,
        Model("servicediscovery", "CreateHttpNamespace", "Tags[].Key"),
        Model("servicediscovery", "CreateHttpNamespace", "Tags[].Value"),
    )


def _rule_fields(type_: str, prefix: str) -> list[Field]:
    """The inputs of one SG rule (a rule resource, or an item of a SecurityGroup's ingress/egress list)."""
    return [
        Field(type_, f"{prefix}description", SG_RULE_DESCRIPTION),
        Field(type_, f"{prefix}fromPort", SG_PORT),
        Field(type_, f"{prefix}toPort", SG_PORT),
    ]


def _actions(type_: str, path: str) -> list[Field]:
    """Listener default actions and listener rule actions share the ELBv2 Action shape."""
    action = "CreateListener"
    return [
        Field(type_, f"{path}[].type", Model("elbv2", action, "DefaultActions[].Type")),
        Field(type_, f"{path}[].order", Model("elbv2", action, "DefaultActions[].Order")),
        Field(
            type_,
            f"{path}[].fixedResponse.statusCode",
            Model("elbv2", action, "DefaultActions[].FixedResponseConfig.StatusCode"),
        ),
        Field(
            type_,
            f"{path}[].fixedResponse.messageBody",
            Model("elbv2", action, "DefaultActions[].FixedResponseConfig.MessageBody"),
        ),
        Field(
            type_,
            f"{path}[].fixedResponse.contentType",
            Model("elbv2", action, "DefaultActions[].FixedResponseConfig.ContentType"),
        ),
        Field(
            type_, f"{path}[].redirect.statusCode", Model("elbv2", action, "DefaultActions[].RedirectConfig.StatusCode")
        ),
    ]


_CONTAINERS = "containerDefinitions<json>[]"

FIELDS: list[Field] = [
    # EC2 networking
    Field(VPC, "instanceTenancy", Model("ec2", "CreateVpc", "InstanceTenancy")),
    *_ec2_tags(VPC),
    *_ec2_tags(SUBNET),
    *_ec2_tags(ROUTE_TABLE),
    *_ec2_tags(IGW),
    Field(NAT, "connectivityType", Model("ec2", "CreateNatGateway", "ConnectivityType")),
    *_ec2_tags(NAT),
    Field(EIP, "domain", Model("ec2", "AllocateAddress", "Domain")),
    *_ec2_tags(EIP),
    Field(ENDPOINT, "vpcEndpointType", Model("ec2", "CreateVpcEndpoint", "VpcEndpointType")),
    Field(ENDPOINT, "ipAddressType", Model("ec2", "CreateVpcEndpoint", "IpAddressType")),
    *_ec2_tags(ENDPOINT),
    Field(FLOW_LOG, "trafficType", Model("ec2", "CreateFlowLogs", "TrafficType")),
    Field(FLOW_LOG, "logDestinationType", Model("ec2", "CreateFlowLogs", "LogDestinationType")),
    Field(FLOW_LOG, "maxAggregationInterval", FLOW_LOG_AGGREGATION_INTERVAL),
    *_ec2_tags(FLOW_LOG),
    # Security groups and their rules
    Field(SG, "name", SG_NAME),
    Field(SG, "description", Schema("AWS::EC2::SecurityGroup", "GroupDescription")),
    *_rule_fields(SG, "ingress[]."),
    *_rule_fields(SG, "egress[]."),
    *_ec2_tags(SG),
    *_rule_fields(DEFAULT_SG, "ingress[]."),
    *_rule_fields(DEFAULT_SG, "egress[]."),
    *_ec2_tags(DEFAULT_SG),
    Field(SG_RULE, "type", SECURITY_GROUP_RULE_TYPE),
    *_rule_fields(SG_RULE, ""),
    *_rule_fields(SG_INGRESS, ""),
    *_ec2_tags(SG_INGRESS),
    *_rule_fields(SG_EGRESS, ""),
    *_ec2_tags(SG_EGRESS),
    # ELBv2
    Field(LB, "name", LB_NAME),
    Field(LB, "loadBalancerType", Model("elbv2", "CreateLoadBalancer", "Type")),
    Field(LB, "ipAddressType", Model("elbv2", "CreateLoadBalancer", "IpAddressType")),
    *_elb_tags(LB),
    Field(TARGET_GROUP, "name", TARGET_GROUP_NAME),
    Field(TARGET_GROUP, "port", Model("elbv2", "CreateTargetGroup", "Port")),
    Field(TARGET_GROUP, "protocol", Model("elbv2", "CreateTargetGroup", "Protocol")),
    Field(TARGET_GROUP, "targetType", Model("elbv2", "CreateTargetGroup", "TargetType")),
    Field(TARGET_GROUP, "ipAddressType", Model("elbv2", "CreateTargetGroup", "IpAddressType")),
    Field(TARGET_GROUP, "deregistrationDelay", DEREGISTRATION_DELAY),
    Field(TARGET_GROUP, "healthCheck.interval", Model("elbv2", "CreateTargetGroup", "HealthCheckIntervalSeconds")),
    Field(TARGET_GROUP, "healthCheck.timeout", Model("elbv2", "CreateTargetGroup", "HealthCheckTimeoutSeconds")),
    Field(TARGET_GROUP, "healthCheck.healthyThreshold", Model("elbv2", "CreateTargetGroup", "HealthyThresholdCount")),
    Field(
        TARGET_GROUP, "healthCheck.unhealthyThreshold", Model("elbv2", "CreateTargetGroup", "UnhealthyThresholdCount")
    ),
    Field(TARGET_GROUP, "healthCheck.path", Model("elbv2", "CreateTargetGroup", "HealthCheckPath")),
    Field(TARGET_GROUP, "healthCheck.protocol", Model("elbv2", "CreateTargetGroup", "HealthCheckProtocol")),
    *_elb_tags(TARGET_GROUP),
    Field(LISTENER, "port", Model("elbv2", "CreateListener", "Port")),
    Field(LISTENER, "protocol", Model("elbv2", "CreateListener", "Protocol")),
    *_actions(LISTENER, "defaultActions"),
    *_elb_tags(LISTENER),
    Field(LISTENER_RULE, "priority", Model("elbv2", "CreateRule", "Priority")),
    *_actions(LISTENER_RULE, "actions"),
    *_elb_tags(LISTENER_RULE),
    # ECS
    Field(ECS_CLUSTER, "name", ECS_CLUSTER_NAME),
    Field(ECS_CLUSTER, "settings[].name", Model("ecs", "CreateCluster", "settings[].name")),
    *_ecs_tags(ECS_CLUSTER),
    Field(ECS_SERVICE, "name", ECS_SERVICE_NAME),
    Field(ECS_SERVICE, "launchType", Model("ecs", "CreateService", "launchType")),
    Field(ECS_SERVICE, "propagateTags", Model("ecs", "CreateService", "propagateTags")),
    Field(ECS_SERVICE, "schedulingStrategy", Model("ecs", "CreateService", "schedulingStrategy")),
    Field(ECS_SERVICE, "serviceConnectConfiguration.services[].discoveryName", DISCOVERY_NAME),
    Field(ECS_SERVICE, "serviceConnectConfiguration.services[].clientAlias[].dnsName", CLIENT_ALIAS_DNS_NAME),
    *_ecs_tags(ECS_SERVICE),
    Field(TASK_DEFINITION, "family", ECS_FAMILY),
    Field(TASK_DEFINITION, "networkMode", Model("ecs", "RegisterTaskDefinition", "networkMode")),
    Field(
        TASK_DEFINITION,
        "requiresCompatibilities[]",
        Model("ecs", "RegisterTaskDefinition", "requiresCompatibilities[]"),
    ),
    Field(TASK_DEFINITION, f"{_CONTAINERS}.name", ECS_CONTAINER_NAME),
    Field(TASK_DEFINITION, f"{_CONTAINERS}.portMappings[].name", PORT_MAPPING_NAME),
    Field(
        TASK_DEFINITION,
        f"{_CONTAINERS}.portMappings[].protocol",
        Model("ecs", "RegisterTaskDefinition", "containerDefinitions[].portMappings[].protocol"),
    ),
    Field(
        TASK_DEFINITION,
        f"{_CONTAINERS}.portMappings[].appProtocol",
        Model("ecs", "RegisterTaskDefinition", "containerDefinitions[].portMappings[].appProtocol"),
    ),
    *_ecs_tags(TASK_DEFINITION),
    # CloudWatch Logs
    Field(LOG_GROUP, "name", Model("logs", "CreateLogGroup", "logGroupName")),
    Field(LOG_GROUP, "retentionInDays", Schema("AWS::Logs::LogGroup", "RetentionInDays")),
    Field(LOG_GROUP, "logGroupClass", Model("logs", "CreateLogGroup", "logGroupClass")),
    Field(LOG_GROUP, "kmsKeyId", Model("logs", "CreateLogGroup", "kmsKeyId")),
    *_tags(LOG_GROUP, Model("logs", "CreateLogGroup", "tags{key}"), Model("logs", "CreateLogGroup", "tags{value}")),
    # IAM
    Field(IAM_ROLE, "name", Model("iam", "CreateRole", "RoleName")),
    Field(IAM_ROLE, "path", Model("iam", "CreateRole", "Path")),
    Field(IAM_ROLE, "description", Model("iam", "CreateRole", "Description")),
    Field(IAM_ROLE, "maxSessionDuration", Model("iam", "CreateRole", "MaxSessionDuration")),
    *_iam_tags(IAM_ROLE),
    Field(IAM_POLICY, "name", Model("iam", "CreatePolicy", "PolicyName")),
    Field(IAM_POLICY, "path", Model("iam", "CreatePolicy", "Path")),
    Field(IAM_POLICY, "description", Model("iam", "CreatePolicy", "Description")),
    *_iam_tags(IAM_POLICY),
    Field(IAM_ROLE_POLICY, "name", Model("iam", "PutRolePolicy", "PolicyName")),
    Field(IAM_ROLE_POLICY_ATTACHMENT, "policyArn", Model("iam", "AttachRolePolicy", "PolicyArn")),
    # Service Discovery
    Field(HTTP_NAMESPACE, "name", Model("servicediscovery", "CreateHttpNamespace", "Name")),
    Field(HTTP_NAMESPACE, "description", Model("servicediscovery", "CreateHttpNamespace", "Description")),
    *_sd_tags(HTTP_NAMESPACE),
    Field(PRIVATE_DNS_NAMESPACE, "name", Model("servicediscovery", "CreatePrivateDnsNamespace", "Name")),
    Field(PRIVATE_DNS_NAMESPACE, "description", Model("servicediscovery", "CreatePrivateDnsNamespace", "Description")),
    *_sd_tags(PRIVATE_DNS_NAMESPACE),
    Field(DISCOVERY_SERVICE, "name", Model("servicediscovery", "CreateService", "Name")),
    Field(DISCOVERY_SERVICE, "description", Model("servicediscovery", "CreateService", "Description")),
    *_sd_tags(DISCOVERY_SERVICE),
]

# pulumi-aws autonaming, read from pulumi/pulumi-aws (provider/autonaming.go, resource_overrides.go, aliases.go at
# the commits named) and pulumi/pulumi-terraform-bridge (tfbridge.AutoName: separator "-", Randlen 7; the name fails
# when len(prefix) + 7 > Maxlen, resource.NewUniqueName in pulumi/sdk/go/common/resource/resource_id.go).
_DEFAULT = (
    "pulumi-aws provider/autonaming.go@0c5f6583: every resource with a `name` input gets "
    'tfbridge.AutoName("name", 255, "-")'
)
AUTONAMES: list[Autoname] = [
    Autoname(
        TARGET_GROUP,
        32,
        'pulumi-aws provider/aliases.go@0c5f6583 (aws_lb_target_group): tfbridge.AutoName("name", 32, "-")',
    ),
    Autoname(
        IAM_ROLE,
        64,
        'pulumi-aws provider/resource_overrides.go@015d3438 (aws_iam_role): tfbridge.AutoName("name", 64, "-")',
    ),
    *(
        Autoname(type_, 255, _DEFAULT)
        for type_ in (
            SG,
            LB,
            ECS_CLUSTER,
            ECS_SERVICE,
            LOG_GROUP,
            IAM_POLICY,
            IAM_ROLE_POLICY,
            HTTP_NAMESPACE,
            PRIVATE_DNS_NAMESPACE,
            DISCOVERY_SERVICE,
        )
    ),
]

# A `namePrefix` input is completed by terraform-provider-aws (create.Name -> id.PrefixedUniqueId): the prefix plus a
# 26-digit value (terraform-plugin-sdk v2 helper/id, UniqueIDSuffixLength = 26). The result must still fit the name.
NAME_PREFIX_INPUT = "namePrefix"
NAME_PREFIX_SUFFIX_LENGTH = 26
NAME_PREFIX_SOURCE = (
    "terraform-plugin-sdk v2 helper/id PrefixedUniqueId: prefix + a 26-digit value (UniqueIDSuffixLength = 26), "
    "as terraform-provider-aws completes name_prefix"
)

REFERENCES: list[Reference] = [
    Reference(
        ECS_SERVICE,
        "loadBalancers[]",
        via="taskDefinition",
        target_type=TASK_DEFINITION,
        match="container-port",
        summary="a containerName and containerPort that a container of the service's task definition maps",
        quote="This port must correspond to a containerPort in the task definition the tasks in the service are using.",
        doc=Model("ecs", "LoadBalancer", "containerPort"),
    ),
    Reference(
        ECS_SERVICE,
        "serviceConnectConfiguration.services[]",
        via="taskDefinition",
        target_type=TASK_DEFINITION,
        match="port-name",
        summary="the name of a port mapping in the service's task definition",
        quote="The portName must match the name of one of the portMappings from all the containers in the task "
        "definition of this Amazon ECS service.",
        doc=Model("ecs", "ServiceConnectService", "portName"),
    ),
]

_DUPLICATE_RULE_URL = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html"
_DUPLICATE_RULE_QUOTE = "InvalidPermission.Duplicate"
_RULE_KEYS = ("securityGroupId", "ipProtocol", "fromPort", "toPort", "cidrIpv4", "cidrIpv6", "prefixListId")
UNIQUE: list[Unique] = [
    Unique(
        LISTENER_RULE,
        ("listenerArn", "priority"),
        refs=("listenerArn",),
        summary="one priority per listener",
        quote="A listener can't have multiple rules with the same priority.",
        doc=Model("elbv2", "CreateRule", "Priority"),
    ),
    Unique(
        LISTENER,
        ("loadBalancerArn", "port"),
        refs=("loadBalancerArn",),
        summary="one listener per port on a load balancer",
        quote="A listener with the specified port already exists.",
        doc=Model("elbv2", "DuplicateListenerException", ""),
    ),
    Unique(
        ECS_SERVICE,
        ("cluster", "name"),
        refs=("cluster",),
        summary="one service of a name per cluster",
        quote="Service names must be unique within a cluster",
        doc=Model("ecs", "CreateService", "serviceName"),
        only_when_set=("name",),
    ),
    Unique(
        SG,
        ("vpcId", "name"),
        refs=("vpcId",),
        summary="one security group of a name (case-insensitive) per VPC",
        quote="Names are case-insensitive and must be unique within the VPC.",
        doc=Model("ec2", "CreateSecurityGroup", "GroupName"),
        case_insensitive=True,
        only_when_set=("name",),
    ),
    Unique(
        LOG_GROUP,
        ("name",),
        refs=(),
        summary="one log group of a name per account and region",
        quote="The specified resource already exists.",
        doc=Model("logs", "ResourceAlreadyExistsException", ""),
        only_when_set=("name",),
    ),
    Unique(
        IAM_ROLE,
        ("name",),
        refs=(),
        summary="one role of a name per account",
        quote="The request was rejected because it attempted to create a resource that already exists.",
        doc=Model("iam", "EntityAlreadyExistsException", ""),
        only_when_set=("name",),
    ),
    *(
        Unique(
            type_,
            (*_RULE_KEYS, "referencedSecurityGroupId"),
            refs=("securityGroupId", "referencedSecurityGroupId", "prefixListId"),
            summary="one rule per security group, protocol, port range and peer",
            quote=_DUPLICATE_RULE_QUOTE,
            url=_DUPLICATE_RULE_URL,
        )
        for type_ in (SG_INGRESS, SG_EGRESS)
    ),
    Unique(
        SG_RULE,
        (
            "type",
            "securityGroupId",
            "protocol",
            "fromPort",
            "toPort",
            "cidrBlocks",
            "ipv6CidrBlocks",
            "prefixListIds",
            "sourceSecurityGroupId",
            "self",
        ),
        refs=("securityGroupId", "sourceSecurityGroupId", "prefixListIds"),
        summary="one rule per security group, direction, protocol, port range and peers",
        quote=_DUPLICATE_RULE_QUOTE,
        url=_DUPLICATE_RULE_URL,
    ),
]

# ---- rules across inputs ------------------------------------------------------------------------------------------
_ECS_GUIDE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html"
_FARGATE_MEMORY = Quote(
    "If using the Fargate launch type, this field is required and you must use one of the following values.",
    Model("ecs", "RegisterTaskDefinition", "memory"),
)
_FARGATE_NETWORK_MODE = Quote(
    "For Amazon ECS tasks on Fargate, the awsvpc network mode is required.",
    Model("ecs", "RegisterTaskDefinition", "networkMode"),
    f"{_ECS_GUIDE}#network_mode",
)
FARGATE = Fargate(
    TASK_DEFINITION,
    inputs={
        "RequiresCompatibilities": "requiresCompatibilities",
        "Cpu": "cpu",
        "Memory": "memory",
        "NetworkMode": "networkMode",
        "PlacementConstraints": "placementConstraints",
        "ContainerDefinitions": "containerDefinitions<json>",
        "LogConfiguration": "logConfiguration",
        "LogDriver": "logDriver",
    },
    cpu_memory=Extension("aws_ecs_taskdefinition/fargate_cpu_memory.json", "E3047"),
    properties=Extension("aws_ecs_taskdefinition/fargate_properties.json", "E3048"),
    why={
        "required.cpu": Quote(
            "This field is required for Fargate.",
            Model("ecs", "RegisterTaskDefinition", "cpu"),
            f"{_ECS_GUIDE}#task_size",
        ),
        "required.memory": _FARGATE_MEMORY,
        "required.networkMode": _FARGATE_NETWORK_MODE,
        "networkMode": _FARGATE_NETWORK_MODE,
        "cpu": Quote(
            "For task definitions that specify FARGATE for the requiresCompatibilities parameter (even if EC2 is also "
            "specified), you must use one of the values in the following table.",
            url="https://docs.aws.amazon.com/AmazonECS/latest/userguide/task-cpu-memory-error.html",
        ),
        "size": _FARGATE_MEMORY,
        "logDriver": Quote(
            "For tasks on Fargate, the supported log drivers are awslogs, splunk, and awsfirelens.",
            Model("ecs", "LogConfiguration", "logDriver"),
        ),
        "placementConstraints": Quote(
            "Task placement constraints aren't supported for tasks run on Fargate.",
            Model("ecs", "TaskDefinitionPlacementConstraint", ""),
        ),
    },
)

# EC2 gives the ports a range's meaning only for TCP and UDP (by name, or by IANA protocol number 6 and 17, as the
# IpProtocol documentation allows); ICMP reuses them for type and code, and -1 or any other protocol ignores them.
_PORT_RANGE_QUOTES = (
    Quote(
        "If the protocol is TCP or UDP, this is the start of the port range.", Model("ec2", "IpPermission", "FromPort")
    ),
    Quote("If the protocol is TCP or UDP, this is the end of the port range.", Model("ec2", "IpPermission", "ToPort")),
    Quote(
        "specifying -1 or a protocol number other than tcp, udp, icmp, or icmpv6 allows traffic on all ports, "
        "regardless of any port range you specify.",
        Model("ec2", "IpPermission", "IpProtocol"),
    ),
)
_TCP_UDP = ("tcp", "udp", "6", "17")
_PORT_RANGE_SUMMARY = "fromPort at most toPort for TCP and UDP (tcp, udp, 6, 17)"
PORT_RANGES: list[PortRange] = [
    *(
        PortRange(type_, items, "protocol", _TCP_UDP, _PORT_RANGE_SUMMARY, _PORT_RANGE_QUOTES)
        for type_ in (SG, DEFAULT_SG)
        for items in ("ingress[]", "egress[]")
    ),
    PortRange(SG_RULE, "", "protocol", _TCP_UDP, _PORT_RANGE_SUMMARY, _PORT_RANGE_QUOTES),
    *(
        PortRange(type_, "", "ipProtocol", _TCP_UDP, _PORT_RANGE_SUMMARY, _PORT_RANGE_QUOTES)
        for type_ in (SG_INGRESS, SG_EGRESS)
    ),
]

# awsvpc and host tasks use the ports themselves: a host port can only repeat the container port. Without networkMode
# ECS uses bridge, where any host port goes, so only a mode known to be awsvpc or host is judged.
HOST_PORTS = HostPorts(
    TASK_DEFINITION,
    mode="networkMode",
    modes=("awsvpc", "host"),
    mappings=f"{_CONTAINERS}.portMappings[]",
    summary="hostPort left out or equal to containerPort when networkMode is awsvpc or host",
    quotes=(
        Quote(
            "If you use containers in a task with the awsvpc or host network mode, the hostPort can either be left "
            "blank or set to the same value as the containerPort.",
            Model("ecs", "PortMapping", "hostPort"),
        ),
        Quote(
            "If no network mode is specified, the default is bridge.",
            Model("ecs", "RegisterTaskDefinition", "networkMode"),
        ),
    ),
)
