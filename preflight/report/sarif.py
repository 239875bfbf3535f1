"""SARIF 2.1.0 for GitHub code scanning: each finding on the program line that declared the resource."""

from __future__ import annotations

import hashlib
from typing import Any

from ..deploy_checks.findings import CHECKS
from .model import Report, Violation, split_position

_DEPLOY_CHECKS = {
    "length": "a name, description or tag is longer or shorter than the API allows",
    "pattern": "a value has characters or a form the API rejects",
    "enum": "a value is not one the API accepts",
    "range": "a number is outside the range the API accepts",
    "autoname": "the name pulumi-aws derives from the resource name cannot fit",
    "collision": "two resources claim what AWS allows only once",
    "reference": "an input names something the resource it points at does not have",
    "combination": "an input AWS rejects given another input of the resource (Fargate task size, port range...)",
}
_SARIF_LEVEL = {"mandatory": "error", "remediate": "error", "advisory": "warning"}


def _deploy_rule_order(rule: str) -> int:
    return CHECKS.index(rule.removeprefix("deploy-check/"))


def fingerprint(violation: Violation) -> str:
    """One alert per (policy, resource): independent of lines, so moving code does not reopen an alert."""
    return hashlib.sha256(f"{violation.policy}\0{violation.urn}".encode()).hexdigest()


def _physical(path: str, line: int) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": {"uri": path}, "region": {"startLine": line}}}


def to_sarif(report: Report) -> dict[str, Any]:
    resources = report.by_urn()
    policies = sorted({v.policy for v in report.violations} | set(report.policy_descriptions))
    rules = [
        {
            "id": policy,
            "name": policy,
            "shortDescription": {"text": report.policy_descriptions.get(policy, policy)},
            "fullDescription": {"text": report.policy_descriptions.get(policy, policy)},
        }
        for policy in policies
    ]
    deploy_rules = sorted({f"deploy-check/{f.check}" for f in report.deploy_findings}, key=_deploy_rule_order)
    rules += [
        {
            "id": rule,
            "name": rule,
            "shortDescription": {"text": f"An input AWS or the provider would reject at pulumi up ({rule[13:]})"},
            "fullDescription": {"text": "preflight deploy check: " + _DEPLOY_CHECKS[rule[13:]]},
        }
        for rule in deploy_rules
    ]
    results = []
    for violation in report.violations:
        resource = resources.get(violation.urn)
        declared = split_position(resource.position) if resource else None
        # A stack-wide finding, or a resource without a known position, points at the stack file.
        location = _physical(*(declared or (report.source_file, 1)))
        related = [
            {**_physical(*split_position(parent.position)), "id": n, "message": {"text": f"component {parent.name}"}}
            for n, parent in enumerate(report.enclosing(violation.urn))
            if split_position(parent.position)
        ]
        if resource is not None:
            location["logicalLocations"] = [
                {"name": resource.name, "fullyQualifiedName": violation.urn, "kind": "resource"}
            ]
        elif violation.urn:
            location["logicalLocations"] = [
                {"name": violation.urn, "fullyQualifiedName": violation.urn, "kind": "resource"}
            ]
        result: dict[str, Any] = {
            "ruleId": violation.policy,
            "ruleIndex": policies.index(violation.policy),
            "level": _SARIF_LEVEL.get(violation.level, "note"),
            "message": {"text": violation.message},
            "locations": [location],
            "partialFingerprints": {"preflightFinding/v1": fingerprint(violation)},
            "properties": {"enforcementLevel": violation.level, "urn": violation.urn},
        }
        if related:
            result["relatedLocations"] = related
        results.append(result)
    for finding in report.deploy_findings:
        resource = resources.get(finding.urn)
        declared = split_position(resource.position) if resource else None
        location = _physical(*(declared or (report.source_file, 1)))
        location["logicalLocations"] = [{"name": finding.name, "fullyQualifiedName": finding.urn, "kind": "resource"}]
        rule = f"deploy-check/{finding.check}"
        identity = f"{rule}\0{finding.urn}\0{finding.input}"
        results.append(
            {
                "ruleId": rule,
                "ruleIndex": len(policies) + deploy_rules.index(rule),
                "level": "error",
                "message": {"text": f"{finding.message} (source: {finding.source})"},
                "locations": [location],
                "partialFingerprints": {"preflightFinding/v1": hashlib.sha256(identity.encode()).hexdigest()},
                "properties": {
                    "urn": finding.urn,
                    "input": finding.input,
                    "value": finding.value,
                    "constraint": finding.constraint,
                    "source": finding.source,
                },
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "preflight",
                        "informationUri": "https://www.pulumi.com/docs/iac/crossguard/",
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"preflight/{report.stack}/{report.mode}"},
                "results": results,
            }
        ],
    }
