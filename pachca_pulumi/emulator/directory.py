"""Read-only directory operations of the store: users, group tags, the token's profile."""

from __future__ import annotations

import threading
from typing import Iterable

from .errors import not_found
from .serializers import tag_json, user_json


class DirectoryMixin:
    """Mixed into :class:`~.store.Store`; relies on its ``_lock``, ``_users`` and ``_tags``."""

    _lock: threading.RLock
    _users: dict[int, dict]
    _tags: dict[int, dict]

    def user_json(self, user_id: int) -> dict:
        with self._lock:
            if user_id not in self._users:
                raise not_found("id", user_id, "User")
            return user_json(self._users[user_id], self._tags)

    def users_json(self, user_ids: Iterable[int]) -> list[dict]:
        with self._lock:
            return [user_json(self._users[u], self._tags) for u in user_ids if u in self._users]

    def list_users(self, query: str | None = None) -> list[dict]:
        """All users, or those whose name, nickname, email or phone contains ``query`` (any case)."""
        needle = (query or "").strip().casefold()
        with self._lock:
            return [user_json(u, self._tags) for u in self._users.values() if _matches(u, needle)]

    def list_group_tags(self, names: Iterable[str] = ()) -> list[dict]:
        """All tags, or those whose name is one of ``names`` (any case)."""
        wanted = {n.casefold() for n in names}
        with self._lock:
            return [tag_json(t) for t in self._tags.values() if not wanted or t["name"].casefold() in wanted]

    def group_tag_json(self, tag_id: int) -> dict:
        with self._lock:
            return tag_json(self._tag(tag_id))

    def group_tag_users(self, tag_id: int) -> list[dict]:
        with self._lock:
            return self.users_json(self._tag(tag_id)["user_ids"])

    def _tag(self, tag_id: int) -> dict:
        if tag_id not in self._tags:
            raise not_found("id", tag_id, "Group tag")
        return self._tags[tag_id]


def _matches(user: dict, needle: str) -> bool:
    if not needle:
        return True
    first, last = user.get("first_name") or "", user.get("last_name") or ""
    fields = (first, last, f"{first} {last}", user["nickname"], user.get("email"), user.get("phone_number"))
    return any(needle in f.casefold() for f in fields if f)
