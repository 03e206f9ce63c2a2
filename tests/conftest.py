"""Shared fixtures for every test suite."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import stamina
from hypothesis import settings

# Property tests: a quick profile by default, a thorough one in CI (`CI=true`, as `.ci/run` runs);
# HYPOTHESIS_PROFILE picks one by name.
settings.register_profile("quick", max_examples=25)
settings.register_profile("thorough", max_examples=150)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("thorough" if os.environ.get("CI") else "quick"))

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
