"""Bearer tokens, the users they act as, and what ``GET /oauth/token/info`` says about them.

Tokens are configuration: never persisted, logged or echoed (token info shows a masked form).
A token's scopes follow its user's workspace role: every user gets the scopes of the operations
the emulator serves; ``admin`` users (the spec's owner/admin) also get ``company_chats:read``
(the official SDK's scope for ``GET /company/chats``) and ``group_tags:write``.

The first token's user is the workspace owner, the only one who may read the audit log (scope
``audit_events:read``, corporation plan). With the default seed: token 1 -> user 1 (``pachca-bot``,
the owner), token 2 -> user 2 (an admin), token 3 -> user 3 (role user), token 4 -> user 122
(``ci-bot``, a bot in no chat and no group tag), token 5 -> user 5.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .. import errors as e
from ..serializers import format_time, parse_time

Json = dict[str, Any]
COMPANY_CHATS_READ = "company_chats:read"
USER_SCOPES = (
    "chats:read", "chats:create", "chats:update", "chats:archive", "chat_members:read",
    "chat_members:write", "messages:create", "users:read", "group_tags:read", "profile:read",
)  # fmt: skip
ADMIN_SCOPES = (*USER_SCOPES, "group_tags:write", COMPANY_CHATS_READ)
LAST_USED_RESOLUTION = timedelta(hours=1)
CORPORATION = "corporation"


def scopes_for(user: Json) -> tuple[str, ...]:
    """The scopes of a token acting as ``user`` (a directory record): the seed's ``token_scopes``
    when it sets them (to stage a token short of a scope), else those of the user's role."""
    if "token_scopes" in user:
        return tuple(user["token_scopes"])
    return ADMIN_SCOPES if user.get("role", "user") == "admin" else USER_SCOPES


def mask(token: str) -> str:
    """First 8 and last 4 characters, as the spec shows; tokens under 24 characters show 2 and 2."""
    head, tail = (8, 4) if len(token) >= 24 else (2, 2)
    return f"{token[:head]}...{token[-tail:]}"


@dataclass
class _Token:
    number: int
    user_id: int
    last_used_at: datetime | None = field(default=None)
    revoked_at: datetime | None = field(default=None)


class Tokens:
    """Maps each accepted token to a seeded user and remembers (in memory) when it was last used."""

    def __init__(self, tokens: Sequence[str] | Mapping[str, int], seed: Json) -> None:
        mapping = _map_tokens(tokens, seed)
        self._tokens = {t: _Token(n, u) for n, (t, u) in enumerate(mapping.items(), start=1)}
        self.owner_id = next(iter(mapping.values()))

    def user_for(self, token: str) -> int | None:
        """The user a token acts as, or None for an unknown or revoked token."""
        known = self._tokens.get(token)
        return known.user_id if known and known.revoked_at is None else None

    def revoke(self, token: str, now: datetime) -> None:
        """Revoke a token, as an admin does in Pachca's API settings: from now on it is refused (401).
        (The emulator's control for tests; the public API has no such call.)"""
        self._tokens[token].revoked_at = now

    def use(self, token: str, now: datetime) -> None:
        """Note a request; like the real API, ``last_used_at`` moves at most once an hour."""
        known = self._tokens.get(token)
        if known and (known.last_used_at is None or now - known.last_used_at >= LAST_USED_RESOLUTION):
            known.last_used_at = now

    def info(self, token: str, user: Json) -> Json:
        """The ``AccessTokenInfo`` object of a known token acting as ``user``."""
        known = self._tokens[token]
        return {
            "id": known.number,
            "token": mask(token),
            "name": None if user.get("bot") else f"Emulator token {known.number}",
            "user_id": known.user_id,
            "scopes": list(scopes_for(user)),
            "created_at": format_time(parse_time(user["created_at"])),
            "revoked_at": format_time(known.revoked_at) if known.revoked_at else None,
            "expires_in": None,
            "last_used_at": format_time(known.last_used_at) if known.last_used_at else None,
        }

    def first_user(self) -> int:
        """The user the first configured token acts as."""
        return next(iter(self._tokens.values())).user_id

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
        mapping = dict(zip(tokens, owners, strict=False))
    users = {u["id"] for u in seed["users"]}
    if not mapping or any(not t for t in mapping) or not set(mapping.values()) <= users:
        raise ValueError("tokens must be non-empty and map to seeded users")
    return mapping
