"""Message operations of the store: enough to move ``last_message_at`` and open personal chats."""

from __future__ import annotations

import threading
from typing import Callable

from . import errors as e
from .serializers import full_name, message_json


class MessagesMixin:
    """Mixed into :class:`~.store.Store`; relies on its state attributes and ``_insert_chat``."""

    _lock: threading.RLock
    _users: dict[int, dict]
    _chats: dict[int, dict]
    _next_message_id: int
    _now: Callable[[], str]
    _insert_chat: Callable[..., dict]
    _save: Callable[[], None]

    def create_message(self, user_id: int, entity_type: str, entity_id: int, content: str) -> dict:
        """Post a message; returns the ``Message`` object."""
        with self._lock:
            if not content.strip():
                raise e.unprocessable("content", content, "Content can't be blank", e.BLANK)
            if entity_type == "user":
                chat = self._personal_chat(user_id, entity_id)
            elif entity_type == "discussion" and entity_id in self._chats:
                chat = self._chats[entity_id]
            else:
                what = entity_type.capitalize()
                raise e.unprocessable("entity_id", entity_id, f"{what} not found", e.NOT_FOUND)
            chat["last_message_at"] = self._now()
            chat["messages_count"] = chat.get("messages_count", 0) + 1
            message = {
                "id": self._next_message_id,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "chat_id": chat["id"],
                "content": content,
                "user_id": user_id,
                "created_at": chat["last_message_at"],
            }
            self._next_message_id += 1
            self._save()
            return message_json(message, self._users[user_id])

    def _personal_chat(self, user_id: int, other_id: int) -> dict:
        if other_id not in self._users:
            raise e.unprocessable("entity_id", other_id, "User not found", e.NOT_FOUND)
        pair = {user_id, other_id}
        for chat in self._chats.values():
            if chat["personal"] and {chat["owner_id"], *chat["member_ids"]} == pair:
                return chat
        return self._insert_chat(user_id, full_name(self._users[other_id]), [other_id], [], personal=True)
