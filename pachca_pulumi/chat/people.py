"""People by reference, and the per-process directory that resolves them.

A reference names a user the way a program does: an id (`186` or `"186"`), an email
(`"anna@corp.ru"`) or a nickname (`"@oleg"` or `"oleg"`). `reference_key()` turns one into the
key that `check` uses in its maps, and `Directory` answers who it is.

The directory reads the workspace once per provider process (the token's profile, every user
and every group tag, paged), so verifying the references of N chats costs the size of the
directory, not N round trips. It never writes.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..api.client import PachcaClient
from ..api.errors import PachcaError
from ..api.models import GroupTag, TokenInfo, User

__all__ = ["Directory", "UnknownReference", "reference_key"]

_ID_MAX = 2**31 - 1


def reference_key(value: Any) -> str:
    """The normal form of one reference: an id as digits, an email or `@nickname` as written.

    Raises ValueError naming the accepted forms for anything else (empty, bool, float, other types).
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # the engine sends numbers as floats
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"{value!r} is not a user reference; use an id, an email or a nickname")
    text = str(value).strip()
    if text.isdigit():
        if not 0 < int(text) <= _ID_MAX:
            raise ValueError(f"{text} is not a user id (ids are positive 32-bit integers)")
        return str(int(text))
    if not text or text == "@" or any(ch.isspace() for ch in text):
        raise ValueError(f"{value!r} is not a user reference; use an id, an email or a nickname such as @oleg")
    if "@" in text[1:]:
        return text
    return text if text.startswith("@") else f"@{text}"


class UnknownReference(PachcaError):
    """A reference that names nobody in the workspace; `suggestion` is the closest one, if any."""

    def __init__(self, key: str, suggestion: str | None) -> None:
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        super().__init__(f"{key} is not a user of this workspace{hint}")
        self.key = key
        self.suggestion = suggestion


@dataclass(frozen=True)
class _Snapshot:
    users: dict[int, User]
    by_name: dict[str, int]  # casefolded email and @nickname -> id
    tags: dict[int, GroupTag]


class Directory:
    """The workspace's users and group tags as this token sees them, read once, thread-safe."""

    def __init__(self, client: PachcaClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._profile: User | None = None
        self._token_info: TokenInfo | None = None
        self._snapshot: _Snapshot | None = None

    def token_user(self) -> User:
        """The token's own user (`GET /profile`); a wrong token fails here, before any write."""
        with self._lock:
            if self._profile is None:
                self._profile = self._client.get_profile()
            return self._profile

    def token_scopes(self) -> list[str]:
        """The token's scopes (`GET /oauth/token/info`), read once."""
        with self._lock:
            if self._token_info is None:
                self._token_info = self._client.get_token_info()
            return list(self._token_info.scopes)

    def user(self, user_id: int) -> User | None:
        """The user with this id, or None."""
        return self._read().users.get(user_id)

    def resolve(self, key: str) -> User:
        """The user a reference key names; raises UnknownReference with the closest match."""
        snapshot = self._read()
        found = snapshot.users.get(int(key)) if key.isdigit() else None
        if found is None and not key.isdigit():
            user_id = snapshot.by_name.get(key.casefold())
            found = snapshot.users.get(user_id) if user_id is not None else None
        if found is None and key.isdigit() and int(key) == self.token_user().id:
            found = self.token_user()
        if found is None:
            raise UnknownReference(key, _closest(key, snapshot.by_name))
        return found

    def has_tag(self, tag_id: int) -> bool:
        return tag_id in self._read().tags

    def tag_member_ids(self, tag_ids: Iterable[int]) -> set[int]:
        """Users of these group tags, from each user's `list_tags` (no request per tag)."""
        snapshot = self._read()
        names = {snapshot.tags[tag_id].name for tag_id in tag_ids if tag_id in snapshot.tags}
        return {user.id for user in snapshot.users.values() if names.intersection(user.list_tags)}

    def users(self) -> list[User]:
        """Every user, by id."""
        return sorted(self._read().users.values(), key=lambda user: user.id)

    def tags(self) -> list[GroupTag]:
        """Every group tag, by id."""
        return sorted(self._read().tags.values(), key=lambda tag: tag.id)

    def _read(self) -> _Snapshot:
        self.token_user()
        with self._lock:
            if self._snapshot is None:
                users = {user.id: user for user in self._client.list_users()}
                tags = {tag.id: tag for tag in self._client.list_tags()}
                self._snapshot = _Snapshot(users, _names(users.values()), tags)
            return self._snapshot


def describe(user: User) -> str:
    """How a warning names a user: `@nickname (First Last)`."""
    return f"@{user.nickname} ({user.display_name})" if user.nickname else user.display_name


def _names(users: Iterable[User]) -> dict[str, int]:
    names: dict[str, int] = {}
    for user in users:
        if user.email:
            names[user.email.casefold()] = user.id
        if user.nickname:
            names[f"@{user.nickname}".casefold()] = user.id
    return names


def _closest(key: str, names: dict[str, int]) -> str | None:
    if key.isdigit():
        return None
    match = difflib.get_close_matches(key.casefold(), list(names), n=1, cutoff=0.75)
    return match[0] if match else None
