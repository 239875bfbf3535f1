"""Shared pytest fixtures."""

import pytest
from policy_helpers import PACK_DIR


@pytest.fixture(scope="session")
def policy_pack():
    """The fargate-networking-guard pack in its own process, started once for the whole session."""
    from preflight import PolicyPackProcess

    with PolicyPackProcess(PACK_DIR) as pack:
        yield pack
