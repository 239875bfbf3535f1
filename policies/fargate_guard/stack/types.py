"""The resource type tokens the index knows, and the fixed values it compares against."""

from __future__ import annotations

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
IGW = "aws:ec2/internetGateway:InternetGateway"
IGW_ATTACHMENT = "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"
CIDR_ASSOC = "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation"
NAT = "aws:ec2/natGateway:NatGateway"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
DEFAULT_ROUTE_TABLE = "aws:ec2/defaultRouteTable:DefaultRouteTable"
ROUTE = "aws:ec2/route:Route"
RT_ASSOC = "aws:ec2/routeTableAssociation:RouteTableAssociation"
MAIN_RT_ASSOC = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ENDPOINT_RT_ASSOC = "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation"
SG = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
ECS_SERVICE = "aws:ecs/service:Service"
TASK_DEF = "aws:ecs/taskDefinition:TaskDefinition"
CLUSTER = "aws:ecs/cluster:Cluster"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
MANAGED_PREFIX_LIST = "aws:ec2/managedPrefixList:ManagedPrefixList"
NAMESPACES = (
    "aws:servicediscovery/httpNamespace:HttpNamespace",
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
    "aws:servicediscovery/publicDnsNamespace:PublicDnsNamespace",
)
# Not a resource of the stack: the main route table AWS creates with each VPC, which the stack reaches only through
# `vpc.main_route_table_id` / `vpc.default_route_table_id` (one node per VPC, see Routing.implicit_main_table).
IMPLICIT_MAIN_RT = "fargate-guard:implicit/mainRouteTable"
ROUTE_TABLES = (ROUTE_TABLE, DEFAULT_ROUTE_TABLE, IMPLICIT_MAIN_RT)
# Likewise the default security group AWS creates with each VPC, reached through `vpc.default_security_group_id`
# (the `DefaultSecurityGroup` resource when one adopts it, see SecurityGroups.default_sg).
IMPLICIT_DEFAULT_SG = "fargate-guard:implicit/defaultSecurityGroup"
SECURITY_GROUPS = (SG, DEFAULT_SG, IMPLICIT_DEFAULT_SG)

DEFAULT_ROUTE_CIDRS = ("0.0.0.0/0", "::/0")


def normalize_type(type_token: str) -> str:
    """The `aws:alb/...` aliases of the load balancer types are the same resources as `aws:lb/...`."""
    return "aws:lb/" + type_token[len("aws:alb/") :] if type_token.startswith("aws:alb/") else type_token
