"""The pack's analyzer: pulumi_policy's own gRPC servicer, except that AnalyzeStack decodes the stack once.

pulumi_policy 1.21 (`policy.py`, `_PolicyAnalyzerServicer.AnalyzeStack`) turns every resource of the request into a
`PolicyResource` once for each stack policy: `MessageToDict`, `deserialize_properties`, an unknown-checking proxy,
then parents and dependencies linked by URN. Every policy of this pack is a stack policy, so a 2,041-resource stack
was decoded 15 times, about 2 s of the pack's 2.2 s in AnalyzeStack. The policies only read the resources, so one
decoded stack serves them all.

`StackOnceServicer.AnalyzeStack` decodes the request's resources once, the way the library does, and runs the
library's own AnalyzeStack on the request without its resources while `stack.serving` hands the decoded stack to
the policies. Levels, config, violations, not-applicable verdicts and the "can't run during preview" diagnostics
all stay the library's. `serve` starts the pack with this servicer, as `PolicyPack` does; the tests hold its
answers equal to the library servicer's.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format
from pulumi_policy import PolicyPack, PolicyResource, StackValidationPolicy
from pulumi_policy import policy as sdk_policy
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import unknown_checking_proxy

from .stack import serving

_LibraryServicer = sdk_policy._PolicyAnalyzerServicer


class StackOnceServicer(_LibraryServicer):
    """The library's analyzer servicer, with the stack decoded once per AnalyzeStack call instead of per policy.

    Only when every stack policy of the pack reads the served stack (built by `stack_policy`): a stack policy written
    straight with pulumi_policy reads `args.resources`, so with one of those the library's own AnalyzeStack runs.
    """

    def __init__(self, name: str, version: str, policies: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(name, version, policies, *args, **kwargs)
        self.decodes_once = all(
            getattr(policy, "reads_served_stack", False)
            for policy in policies
            if isinstance(policy, StackValidationPolicy)
        )

    def AnalyzeStack(self, request: Any, context: Any) -> Any:
        if not self.decodes_once:
            return super().AnalyzeStack(request, context)
        resources = self.decode_stack(request)
        without_resources = type(request)()
        without_resources.CopyFrom(request)
        without_resources.ClearField("resources")
        with serving(resources):
            return super().AnalyzeStack(without_resources, context)

    def decode_stack(self, request: Any) -> list[PolicyResource]:
        """The request's resources as the library builds them for a stack policy, parents and dependencies linked."""
        resources: list[PolicyResource] = []
        links: list[tuple[PolicyResource, Any]] = []
        for r in request.resources:
            props = unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(r.properties)))
            resource = PolicyResource(
                r.type,
                props,
                r.urn,
                r.name,
                self._get_resource_options(r),
                self._get_provider_resource(r),
                None,
                [],
                {},
            )
            resources.append(resource)
            links.append((resource, r))
        by_urn = {resource.urn: resource for resource in resources}
        for resource, r in links:
            if r.parent in by_urn:
                resource.parent = by_urn[r.parent]
            resource.dependencies.extend(by_urn[urn] for urn in r.dependencies if urn in by_urn)
            for key, deps in r.propertyDependencies.items():
                resource.property_dependencies[key] = [by_urn[urn] for urn in deps.urns if urn in by_urn]
        return resources


def serve(**pack: Any) -> None:
    """Serve a policy pack as `PolicyPack(**pack)` does (it checks its arguments, prints its port and blocks), with
    `StackOnceServicer` in place of the library's servicer. `PolicyPack` builds its servicer by that module-level
    name; a test checks that it still does."""
    sdk_policy._PolicyAnalyzerServicer = StackOnceServicer
    try:
        PolicyPack(**pack)
    finally:
        sdk_policy._PolicyAnalyzerServicer = _LibraryServicer
