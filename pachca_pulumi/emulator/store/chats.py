"""The chats table: each chat's own attributes (name, flags, times) and the rules about them.

Who is in a chat (owner, members, tags, roles) is not here but in :mod:`.membership`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import errors as e
from ..serializers import meet_room_url

MAX_NAME = 255
Json = dict[str, Any]


@dataclass
class ChatRecord:
    """One chat as stored (and persisted) by the emulator."""

    id: int
    name: str
    created_at: str
    channel: bool
    archived: bool
    personal: bool
    public: bool
    last_message_at: str
    meet_room_url: str
    messages_count: int = 0


class ChatTable:
    """Owns the chats and the next chat id; ids are never reused."""

    def __init__(self) -> None:
        self._chats: dict[int, ChatRecord] = {}
        self._next_id = 1

    # ----- state ------------------------------------------------------------------------------
    def reset(self, first_id: int) -> None:
        self._chats, self._next_id = {}, first_id

    def dump(self) -> Json:
        return {"next_id": self._next_id, "items": [dataclasses.asdict(c) for c in self._chats.values()]}

    def load(self, state: Json) -> None:
        self._chats = {c["id"]: ChatRecord(**c) for c in state["items"]}
        self._next_id = int(state["next_id"])

    # ----- rules ------------------------------------------------------------------------------
    def get(self, chat_id: int) -> ChatRecord:
        """The chat, or 404 ``not_found`` (key ``id``)."""
        if chat_id not in self._chats:
            raise e.not_found("id", chat_id, "Chat")
        return self._chats[chat_id]

    @property
    def next_id(self) -> int:
        return self._next_id

    def __iter__(self) -> Iterator[ChatRecord]:
        return iter(list(self._chats.values()))

    def insert(
        self, name: str, now: str, channel: bool = False, public: bool = False, personal: bool = False
    ) -> ChatRecord:
        """A new active chat with the next id; ``last_message_at`` starts at ``created_at``."""
        chat = ChatRecord(
            id=self._next_id, name=name, created_at=now, channel=channel, archived=False,
            personal=personal, public=public, last_message_at=now, meet_room_url=meet_room_url(name),
        )  # fmt: skip
        self._chats[chat.id] = chat
        self._next_id += 1
        return chat

    def update(self, chat_id: int, name: str | None = None, public: bool | None = None) -> ChatRecord:
        """Rename and/or open/close a chat; a bad name is 422 and changes nothing."""
        chat = self.get(chat_id)
        if name is not None:
            check_name(name)
            chat.name = name
        if public is not None:
            chat.public = public
        return chat

    def set_archived(self, chat_id: int, archived: bool) -> None:
        self.get(chat_id).archived = archived

    def touch(self, chat_id: int, now: str) -> None:
        """A message arrived: ``last_message_at`` moves to ``now``."""
        chat = self.get(chat_id)
        chat.last_message_at = now
        chat.messages_count += 1

    def delete(self, chat_id: int) -> None:
        self.get(chat_id)
        del self._chats[chat_id]


def name_problems(name: str) -> list[Json]:
    """Error items for a chat name: blank after trimming, or longer than 255 characters."""
    if not name.strip():
        return [e.error_item("name", name, "Name can't be blank", e.BLANK)]
    if len(name) > MAX_NAME:
        message = f"Name is too long (maximum is {MAX_NAME} characters)"
        return [e.error_item("name", name, message, e.TOO_LONG)]
    return []


def check_name(name: str) -> None:
    problems = name_problems(name)
    if problems:
        raise e.ApiError(422, problems)
