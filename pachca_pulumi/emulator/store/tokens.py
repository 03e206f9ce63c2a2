"""Bearer tokens and the users they act as (configuration: never persisted, logged or echoed).

The default seed maps the i-th token to ``token_user_ids[i]``: token 1 -> user 1 (``pachca-bot``,
treated as the workspace owner: it may read the audit log), token 2 -> user 2 (Tatiana Moreau, an
admin), token 3 -> user 122 (``ci-bot``, a bot in no chat and no group tag), tokens 4 and 5 ->
users 3 and 4. The workspace owner is always the first token's user.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .. import errors as e

Json = dict[str, Any]
CORPORATION = "corporation"


class Tokens:
    """Maps each accepted token to a seeded user; the first token's user owns the workspace."""

    def __init__(self, tokens: Sequence[str] | Mapping[str, int], seed: Json) -> None:
        self._users = _map_tokens(tokens, seed)
        self.owner_id = next(iter(self._users.values()))

    def user_for(self, token: str) -> int | None:
        """The user a token acts as, or None for an unknown token."""
        return self._users.get(token)

    def check_audit_reader(self, user_id: int, plan: str) -> None:
        """The audit log needs the corporation plan (else 402) and the owner's token (else 403)."""
        if plan != CORPORATION:
            message = "The audit log needs the corporation plan"
            raise e.ApiError.one(402, "plan", plan, message, e.PAYMENT_REQUIRED)
        if user_id != self.owner_id:
            raise e.OAuthError(403, "insufficient_scope",
                               "Only the workspace owner's token may read the audit log (audit_events:read)")


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
