"""How `pachca-pulumi import` writes people: by the name a reader knows, with the id beside it, and with
the roles they hold.

A person is written as `@nickname`, else by email, else by id (`PeopleNames`, through the directory:
R people among P pages of users cost at most 2 * min(R, P) + 1 requests, `api/directory.py`). A program
shows the id in a comment (`"@natalialopez",  # 4`), so a reviewer can still match the API's ids.
A chat's admins (and a channel's editors) are read with `GET /chats/{id}/members?role=` (one request
per chat, two per channel) and declared in `admins`/`editors`, so adopting the chat keeps them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..api.client import PachcaClient
from ..api.directory import Directory
from ..api.models import Chat as ApiChat
from ..api.models import User

__all__ = ["PeopleNames", "chat_people", "py_people"]


class PeopleNames:
    """A reference per user id (`@nickname`, else email, else the id), read once; `ids` maps each
    written reference back to its id."""

    def __init__(self, client: PachcaClient) -> None:
        self._directory = Directory(client)
        self.ids: dict[str, int] = {}

    def token_user_id(self) -> int:
        return self._directory.token_user().id

    def reference(self, user_id: int) -> str:
        user = self._directory.user(user_id)
        ref = _reference(user) if user is not None else None
        if ref is None:
            return str(user_id)
        self.ids[ref] = user_id
        return ref

    def people(self, user_ids: Iterable[int]) -> dict[str, int]:
        """`{reference: id}` for these ids, in id order."""
        return {self.reference(uid): uid for uid in sorted(set(user_ids))}


def _reference(user: User) -> str | None:
    if user.nickname:
        return f"@{user.nickname}"
    return user.email or None


def chat_people(client: PachcaClient, chat: ApiChat, implied: set[int], names: PeopleNames) -> dict[str, Any]:
    """`members`, `admins` and `editors` of a chat as it is: role holders in their role (the owner and
    the token's user excepted: the provider never touches their roles), plain members less the implied."""
    never = {chat.owner_id, names.token_user_id()}
    admins = {u.id for u in client.list_members(chat.id, role="admin")} - never
    editors = ({u.id for u in client.list_members(chat.id, role="editor")} - never - admins) if chat.channel else set()
    plain = set(chat.member_ids) - implied - admins - editors
    return {"members": names.people(plain), "admins": names.people(admins), "editors": names.people(editors)}


def py_people(key: str, refs: Iterable[Any], ids: Mapping[str, int]) -> str:
    """A program's `key=[...]` line for people: one per line, each reference that is not an id with
    the id in a comment (`"@natalialopez",  # 4`)."""
    items = list(refs)
    if not items:
        return f"    {key}=[],"
    lines = [f"    {key}=["]
    for ref in items:
        if isinstance(ref, int) or str(ref).isdigit():
            lines.append(f"        {int(ref)},")
        else:
            uid = ids.get(str(ref))
            lines.append(f"        {json.dumps(ref, ensure_ascii=False)}," + (f"  # {uid}" if uid is not None else ""))
    return "\n".join(lines + ["    ],"])
