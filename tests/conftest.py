"""Shared pytest fixtures."""

import importlib
import sys

import pytest
from policy_helpers import PACK_DIR


@pytest.fixture(scope="session")
def policy_pack():
    """The fargate-networking-guard pack in its own process, started once for the whole session."""
    from preflight import PolicyPackProcess

    with PolicyPackProcess(PACK_DIR) as pack:
        yield pack


@pytest.fixture(scope="session")
def guard():
    """The pack's policy package, imported the way the pack imports it (policies/ on sys.path), never __main__."""
    sys.path.insert(0, str(PACK_DIR))
    try:
        yield importlib.import_module("fargate_guard")
    finally:
        sys.path.remove(str(PACK_DIR))
