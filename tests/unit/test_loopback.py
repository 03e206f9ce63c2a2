"""The one loopback check shared by the client's config and the emulator."""

from __future__ import annotations

import pytest

from pachca_pulumi._loopback import is_loopback


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "127.0.0.1", "127.8.9.10", "::1", "[::1]", "::1%lo0"])
def test_is_loopback_accepts_loopback_names_and_addresses(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", [None, "", "0.0.0.0", "10.1.2.3", "::", "example.com", "localhost.example.com"])
def test_is_loopback_refuses_everything_else(host: str | None) -> None:
    assert not is_loopback(host)
