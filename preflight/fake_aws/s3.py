"""S3: a bucket's domain names (the bucket name itself is auto-named like any other)."""

from __future__ import annotations

from typing import Any

from .account import Account

# The S3 website endpoint's hosted zone in us-east-1 (AWS General Reference, Amazon S3 endpoints).
_HOSTED_ZONE = "Z3AQBSTGFYJSTF"


def bucket(_name: str, inputs: dict[str, Any], _id: str, aws: Account) -> dict[str, Any]:
    name = str(inputs.get("bucket", ""))
    out = {
        "bucketDomainName": f"{name}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{name}.s3.{aws.region}.amazonaws.com",
        "hostedZoneId": _HOSTED_ZONE,
        "region": aws.region,
    }
    website = bool(inputs.get("website"))  # AWS leaves both empty for a bucket that is no website
    out["websiteEndpoint"] = f"{name}.s3-website-{aws.region}.amazonaws.com" if website else ""
    out["websiteDomain"] = f"s3-website-{aws.region}.amazonaws.com" if website else ""
    return out


def website_configuration(_name: str, inputs: dict[str, Any], _id: str, aws: Account) -> dict[str, Any]:
    name = str(inputs.get("bucket", ""))
    return {
        "websiteEndpoint": f"{name}.s3-website-{aws.region}.amazonaws.com",
        "websiteDomain": f"s3-website-{aws.region}.amazonaws.com",
    }


INVOKES: dict = {}
COMPUTED = {
    "aws:s3/bucket:Bucket": bucket,
    "aws:s3/bucketV2:BucketV2": bucket,
    "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration": website_configuration,
    "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2": website_configuration,
}
