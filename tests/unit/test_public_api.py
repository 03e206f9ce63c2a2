"""The package's public surface is explicit: a sorted `__all__` of names that exist."""

from __future__ import annotations

import pachca_pulumi

EXPECTED = [
    "APIStatusError",
    "AuthenticationError",
    "Chat",
    "ChatFileError",
    "ChatProvider",
    "ChatSpec",
    "ConfigError",
    "MalformedResponseError",
    "NotFoundError",
    "PachcaClient",
    "PachcaError",
    "PermissionDeniedError",
    "ProviderConfig",
    "RateLimitError",
    "ResponseLostError",
    "ServerError",
    "TransportError",
    "UnprocessableEntityError",
    "declare_chats",
    "load_chats",
]


def test_public_api_all_is_sorted() -> None:
    assert pachca_pulumi.__all__ == sorted(pachca_pulumi.__all__)


def test_public_api_all_names_exist() -> None:
    missing = [name for name in pachca_pulumi.__all__ if not hasattr(pachca_pulumi, name)]

    assert missing == []


def test_public_api_all_matches_expected_list() -> None:
    assert pachca_pulumi.__all__ == EXPECTED


def test_public_api_all_has_no_duplicates() -> None:
    assert len(set(pachca_pulumi.__all__)) == len(pachca_pulumi.__all__)
