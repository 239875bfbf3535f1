"""Fargate networking patterns as Pulumi components. They know AWS and Pulumi, nothing about config files."""

from components.alb import AlbIngress, AlbIngressArgs
from components.awsx_network import AwsxNetwork, AwsxNetworkArgs
from components.cluster import ServiceCluster, ServiceClusterArgs
from components.endpoint_egress import EndpointEgress, EndpointEgressArgs
from components.fargate_service import FargateService, FargateServiceArgs
from components.nat_egress import NatEgress, NatEgressArgs
from components.network import Network, NetworkArgs
from components.refs import AlbRef, AlbRoute, ClusterRef, EndpointsRef, NatRef, NetworkRef, ServiceRef
from components.service_peering import ServicePeering, ServicePeeringArgs

__all__ = [
    "AlbIngress",
    "AlbIngressArgs",
    "AlbRef",
    "AlbRoute",
    "AwsxNetwork",
    "AwsxNetworkArgs",
    "ClusterRef",
    "EndpointEgress",
    "EndpointEgressArgs",
    "EndpointsRef",
    "FargateService",
    "FargateServiceArgs",
    "NatEgress",
    "NatEgressArgs",
    "NatRef",
    "Network",
    "NetworkArgs",
    "NetworkRef",
    "ServiceCluster",
    "ServiceClusterArgs",
    "ServicePeering",
    "ServicePeeringArgs",
    "ServiceRef",
]
