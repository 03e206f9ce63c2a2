"""Bearer tokens and the users they act as (configuration: never persisted, logged or echoed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Json = dict[str, Any]


class Tokens:
    """Maps each accepted token to a seeded user."""

    def __init__(self, tokens: Sequence[str] | Mapping[str, int], seed: Json) -> None:
        self._users = _map_tokens(tokens, seed)

    def user_for(self, token: str) -> int | None:
        """The user a token acts as, or None for an unknown token."""
        return self._users.get(token)

    def first_user(self) -> int:
        """The user the first configured token acts as."""
        return next(iter(self._users.values()))


def _map_tokens(tokens: Sequence[str] | Mapping[str, int], seed: Json) -> dict[str, int]:
    """An explicit mapping, or the i-th token acting as seed ``token_user_ids[i]``."""
    if isinstance(tokens, Mapping):
        mapping = dict(tokens)
    else:
        owners = seed["token_user_ids"]
        if len(tokens) > len(owners):
            raise ValueError(f"the seed maps only {len(owners)} tokens to users (token_user_ids)")
        mapping = dict(zip(tokens, owners))
    users = {u["id"] for u in seed["users"]}
    if not mapping or any(not t for t in mapping) or not set(mapping.values()) <= users:
        raise ValueError("tokens must be non-empty and map to seeded users")
    return mapping
