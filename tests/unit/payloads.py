"""Bodies shaped as Pachca's spec defines them (Chat, ApiError, OAuthError), shared by the unit tests."""

from __future__ import annotations

from typing import Any

from pachca_pulumi.api.models import Chat as ApiChat
from pachca_pulumi.chat.schema import ChatInputs
from pachca_pulumi.chat.service import chat_outputs

API_ERROR: dict[str, Any] = {
    "errors": [
        {"key": "name", "value": "", "message": "Поле не может быть пустым", "code": "blank", "payload": None},
        {"key": "member_ids", "value": "999", "message": "Пользователь не найден", "code": "not_found",
         "payload": None},
    ]
}

OAUTH_ERROR: dict[str, Any] = {"error": "invalid_token", "error_description": "Access token is missing"}


def not_found(key: str, value: int | str) -> dict[str, Any]:
    """The ApiError body of a 404 for `key` (e.g. the chat id in the URL)."""
    return {"errors": [{"key": key, "value": str(value), "message": "Не найдено", "code": "not_found",
                        "payload": None}]}


def chat_json(chat_id: int = 334, **overrides: Any) -> dict[str, Any]:
    """A `Chat` as the spec shows it (owner 185, members 185-187); `overrides` replace fields."""
    chat = {
        "id": chat_id,
        "name": "🤿 aqua",
        "created_at": "2021-08-28T15:56:53.000Z",
        "owner_id": 185,
        "member_ids": [185, 186, 187],
        "group_tag_ids": [],
        "channel": False,
        "archived": False,
        "personal": False,
        "public": False,
        "last_message_at": "2021-08-28T15:56:53.000Z",
        "meet_room_url": "https://meet.pachca.com/aqua-94bb21b5",
    }
    chat.update(overrides)
    return chat


def stored_outputs(chat: dict[str, Any], declared: dict[str, Any], token_user_id: int,
                   tag_members: list[int], /, **overrides: Any) -> dict[str, Any]:
    """A `Chat` resource's outputs in state, as the service records them for this chat and these
    declared inputs (the schema decides every key); `overrides` replace outputs."""
    run = {"token_user_id": token_user_id, "tag_member_ids": sorted(tag_members)}
    outs = chat_outputs(ApiChat.model_validate(chat), ChatInputs(**declared), run)
    outs.update(overrides)
    return outs
