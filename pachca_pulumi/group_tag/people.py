"""People by reference: ids, emails and nicknames, normalised without I/O and resolved against one
per-process read of `GET /users`.

A reference is written as the program wrote it, made canonical so that the same person is the same
key: an id (`186` or `"186"`) becomes `"186"`, an email is lower-cased, a nickname becomes
`"@nick"` (lower case, with or without the `@` in the program).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from ..api.client import PachcaClient
from ..api.errors import PachcaError
from ..api.models import User

__all__ = ["Directory", "UnknownPeopleError", "canonical_reference"]

_ID_MAX = 2**31 - 1
_MAX_READS = 2  # the first read, and one more for people who joined during the run


def canonical_reference(value: Any, field: str) -> str:
    """The canonical key of one user reference; ValueError naming `field` and the fix otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{field} holds user references (an id, an email or a nickname); got {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{field}: {value!r} is not a whole user id")
        value = int(value)
    text = str(value).strip()
    if text.isdigit():
        if not 0 < int(text) <= _ID_MAX:
            raise ValueError(f"{field}: user id {text} is out of range (positive 32-bit integers)")
        return str(int(text))
    if not text or text == "@" or any(ch.isspace() for ch in text):
        raise ValueError(f"{field}: {value!r} is not a user reference; write an id (186), an email "
                         "(anna@corp.ru) or a nickname (@oleg)")
    if "@" in text[1:]:
        return text.casefold()
    return "@" + text.removeprefix("@").casefold()


class UnknownPeopleError(PachcaError):
    """Some references name nobody in the workspace."""


class Directory:
    """The workspace's users, read once per process (`GET /users`, every page) and again once
    when a reference is not found (someone may have joined since). Thread-safe."""

    def __init__(self, client: PachcaClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._index: dict[str, int] | None = None
        self._reads = 0

    def resolve(self, references: Iterable[str], where: str) -> dict[str, int]:
        """Each canonical reference's user id; UnknownPeopleError naming them all and the fix."""
        wanted = sorted(set(references))
        index = self._lookup(wanted)
        missing = [ref for ref in wanted if ref not in index]
        if missing:
            raise UnknownPeopleError(
                f"{where}: no such users in the workspace: {', '.join(missing)}; check the ids, emails and "
                "nicknames (`GET /users` lists the people the token can see) and fix `members`")
        return {ref: index[ref] for ref in wanted}

    def _lookup(self, wanted: list[str]) -> dict[str, int]:
        with self._lock:
            stale = self._index is None or any(ref not in self._index for ref in wanted)
            if stale and self._reads < _MAX_READS:
                self._index = _index(self._client.list_users())
                self._reads += 1
            return self._index or {}


def _index(users: Iterable[User]) -> dict[str, int]:
    index: dict[str, int] = {}
    for user in users:
        index[str(user.id)] = user.id
        if user.email:
            index[user.email.casefold()] = user.id
        if user.nickname:
            index["@" + user.nickname.casefold()] = user.id
    return index
