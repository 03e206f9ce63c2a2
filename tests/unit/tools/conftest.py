"""Fixtures the tools' tests share."""

from __future__ import annotations

import pytest

from pachca_pulumi.emulator import Store


@pytest.fixture
def emulator() -> Store:
    """An in-process emulator with the workspace owner's token and an admin's (`emulator_client`)."""
    return Store(tokens=("owner", "admin"))
