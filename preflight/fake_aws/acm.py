"""ACM: an issued certificate found by domain, and the DNS validation records a new certificate asks for."""

from __future__ import annotations

from typing import Any

from .account import Account, digest


def get_certificate(args: dict[str, Any], aws: Account) -> dict[str, Any]:
    domain = args.get("domain") or "example.com"
    arn = aws.arn("acm", f"certificate/{digest(domain, length=8)}-0000-4000-8000-{digest(domain, length=12)}")
    return {
        "id": arn,
        "arn": arn,
        "domain": domain,
        "status": "ISSUED",
        "statuses": args.get("statuses"),
        "keyTypes": args.get("keyTypes"),
        "types": args.get("types"),
        "mostRecent": bool(args.get("mostRecent", False)),
        "certificate": "",
        "certificateChain": "",
        "region": aws.region,
        "tags": {},
    }


def certificate(name: str, inputs: dict[str, Any], _id: str, _aws: Account) -> dict[str, Any]:
    domains = [inputs.get("domainName") or name, *(inputs.get("subjectAlternativeNames") or [])]
    options = [
        {
            "domainName": domain,
            "resourceRecordName": f"_{digest(domain, length=32)}.{domain}.",
            "resourceRecordType": "CNAME",
            "resourceRecordValue": f"_{digest(domain, 'value', length=32)}.acm-validations.aws.",
        }
        for domain in domains
    ]
    return {"domainValidationOptions": options, "status": "ISSUED"}


INVOKES = {"aws:acm/getCertificate:getCertificate": get_certificate}
COMPUTED = {"aws:acm/certificate:Certificate": certificate}
