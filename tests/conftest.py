"""Shared fixtures for every test suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stamina

# Enough attempts for "fails twice, then succeeds" scripts; stamina's waits are zero in testing mode.
TEST_RETRY_ATTEMPTS = 3


@pytest.fixture
def stamina_testing() -> Iterator[None]:
    """Retries without sleeping: stamina's backoff becomes 0 and attempts are capped."""
    stamina.set_testing(True, attempts=TEST_RETRY_ATTEMPTS)
    try:
        yield
    finally:
        stamina.set_testing(False)
