"""preflight: an offline `pulumi preview --policy-pack` for any Python Pulumi program.

It runs the program in-process under Pulumi's mock runtime, records every registration as the engine would see it,
and sends them to the policy pack, in its own process, over the analyzer gRPC protocol.
"""

from .analyzer import PolicyPackProcess
from .errors import PreflightError
from .report import Report, Resource, Violation
from .runner import DEFAULT_POLICY_PACK, DEFAULT_PROGRAM, run

__all__ = [
    "DEFAULT_POLICY_PACK",
    "DEFAULT_PROGRAM",
    "PolicyPackProcess",
    "PreflightError",
    "Report",
    "Resource",
    "Violation",
    "run",
]
