"""Messages: only what moves ``last_message_at`` (the emulator keeps no message bodies)."""

from __future__ import annotations

from typing import Any

from .. import errors as e

Json = dict[str, Any]


class Messages:
    """Owns the next message id; ids are never reused."""

    def __init__(self) -> None:
        self._next_id = 1

    def reset(self) -> None:
        self._next_id = 1

    def dump(self) -> Json:
        return {"next_id": self._next_id}

    def load(self, state: Json) -> None:
        self._next_id = int(state["next_id"])

    def post(
        self, chat_id: int, entity_type: str, entity_id: int, content: str, user_id: int, now: str
    ) -> Json:
        """A new message record (the facade has checked the content and the target chat)."""
        message = {
            "id": self._next_id, "entity_type": entity_type, "entity_id": entity_id, "chat_id": chat_id,
            "content": content, "user_id": user_id, "created_at": now,
        }  # fmt: skip
        self._next_id += 1
        return message


def check_content(content: str) -> None:
    """Blank content is 422 ``blank``."""
    if not content.strip():
        raise e.unprocessable("content", content, "Content can't be blank", e.BLANK)
