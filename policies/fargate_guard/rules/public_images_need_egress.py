"""public-images-need-egress: images from public registries can't be pulled through VPC endpoints."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from ..findings import Findings, isolated_services, no_egress
from ..images import images_of, registry
from ..stack import StackGraph
from ..stack_policy import stack_policy


def check(graph: StackGraph, config: dict, findings: Findings) -> None:
    for service, isolated in isolated_services(graph, findings):
        images = images_of(graph, graph.task_definition(service))
        if images is None:
            # Even when they come from an ECR repository, a sidecar may pull from a public registry: never a pass.
            findings.undecidable(
                service, f"the container images of ECS service {service.name} are unknown during preview"
            )
            continue
        public = [(name, image, registry(image)) for name, image in images if registry(image) != "ecr"]
        if not public:
            continue
        listed = ", ".join(f"container {n} uses {i} ({r})" for n, i, r in public)
        subnets = ", ".join(sorted(e.subnet.name for e in isolated))
        findings.violation(
            service,
            f"ECS service {service.name} runs in subnets {subnets} {no_egress(isolated)}, "
            f"but {listed}; VPC endpoints only reach private ECR. Mirror the image through an ECR pull-through "
            "cache rule (aws.ecr.PullThroughCacheRule) and reference the ECR copy, or give the subnets a NAT route.",
        )


POLICY = stack_policy(
    name="public-images-need-egress",
    description=(
        "An ECS service with no NAT or internet gateway path uses an image from public.ecr.aws, Docker Hub or "
        "another non-ECR registry, which VPC endpoints can't reach. Fix: use an ECR pull-through cache or a NAT."
    ),
    level=EnforcementLevel.MANDATORY,
    check=check,
    nothing_to_check="no ECS service in this stack runs in subnets without a NAT or internet gateway route",
)
