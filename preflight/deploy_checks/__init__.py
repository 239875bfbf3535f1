"""Deploy checks: inputs the AWS API or the provider would reject at `pulumi up`, found at preview.

The constraints are data (`constraints.json`), generated from botocore's service models, cfn-lint's CloudFormation
schemas and recorded pulumi-aws autonaming facts by `generate.py` from the table in `sources.py`.
"""

from .check import check
from .findings import CHECKS, DeployFinding

__all__ = ["CHECKS", "DeployFinding", "check"]
