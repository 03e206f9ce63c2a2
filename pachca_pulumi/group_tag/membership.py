"""Tag membership without lost updates: each user's `list_tags`, changed read-modify-write.

The API keeps a user's tags as one list of names (`list_tags`) written as a whole with
`PUT /users/{id}`. Two tags changing the same person at once would each write back the list they
read and drop the other's change, so every change of one user runs under that user's lock (one
lock per user per provider process), and re-reads the user inside it, so a tag given by hand in
between survives too.
"""

from __future__ import annotations

import threading
from collections import defaultdict

from ..api.client import PachcaClient
from ..api.errors import PachcaError, PermissionDeniedError
from ..api.models import UserUpdateFields

__all__ = ["UserTags"]


class UserTags:
    """Adds and removes one tag name in users' `list_tags`, serialised per user. Thread-safe."""

    def __init__(self, client: PachcaClient) -> None:
        self._client = client
        self._guard = threading.Lock()
        self._locks: defaultdict[int, threading.Lock] = defaultdict(threading.Lock)

    def add(self, user_id: int, tag_name: str) -> None:
        """Give the user the tag; one who has it already is left alone (no write)."""
        with self._lock(user_id):
            tags = self._client.get_user(user_id).list_tags
            if not any(_same(name, tag_name) for name in tags):
                self._write(user_id, [*tags, tag_name])

    def remove(self, user_id: int, tag_name: str) -> None:
        """Take the tag from the user; one without it is left alone (no write)."""
        with self._lock(user_id):
            tags = self._client.get_user(user_id).list_tags
            kept = [name for name in tags if not _same(name, tag_name)]
            if len(kept) != len(tags):
                self._write(user_id, kept)

    def _write(self, user_id: int, tags: list[str]) -> None:
        try:
            self._client.update_user(user_id, UserUpdateFields(list_tags=tags))
        except PermissionDeniedError as exc:
            raise PachcaError(
                f"update the tags of user {user_id}: the token may not update users ({exc}); group tag "
                "members need the users:update scope: use an owner's or admin's token (pachca:token)") from None

    def _lock(self, user_id: int) -> threading.Lock:
        with self._guard:
            return self._locks[user_id]


def _same(one: str, other: str) -> bool:
    """Tag names are unique regardless of case."""
    return one.casefold() == other.casefold()
