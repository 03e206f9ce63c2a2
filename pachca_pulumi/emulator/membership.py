"""Chat membership operations of the store: direct members, attached group tags, roles."""

from __future__ import annotations

import threading
from typing import Callable, Iterable

from . import errors as e
from .persistence import mutation
from .serializers import chat_members


class MembershipMixin:
    """Mixed into :class:`~.store.Store`; relies on its state attributes and helpers."""

    _lock: threading.RLock
    _users: dict[int, dict]
    _tags: dict[int, dict]
    _chat: Callable[[int], dict]
    users_json: Callable[[Iterable[int]], list[dict]]

    def _missing_users(self, user_ids: Iterable[int], key: str = "member_ids") -> list[dict]:
        missing = [u for u in user_ids if u not in self._users]
        return [e.error_item(key, u, f"User {u} not found", e.NOT_FOUND) for u in missing]

    def _missing_tags(self, tag_ids: Iterable[int]) -> list[dict]:
        return [
            e.error_item("group_tag_ids", t, f"Group tag {t} not found", e.NOT_FOUND)
            for t in tag_ids
            if t not in self._tags
        ]

    def _group_chat(self, chat_id: int, key: str) -> dict:
        chat = self._chat(chat_id)
        if chat["personal"]:
            raise e.unprocessable(key, chat_id, "Personal chats cannot be changed", e.PERSONAL_CHAT)
        return chat

    def member_users(self, chat_id: int, role: str = "all") -> list[dict]:
        with self._lock:
            chat = self._chat(chat_id)
            members = chat_members(chat, self._tags)
            chosen = {
                "all": members,
                "owner": [chat["owner_id"]],
                "member": [m for m in members if m != chat["owner_id"]],
            }.get(role, [])
            return self.users_json(chosen)

    @mutation
    def add_members(self, chat_id: int, user_ids: Iterable[int]) -> None:
        chat = self._group_chat(chat_id, "member_ids")
        user_ids = unique_ids(user_ids)
        problems = self._missing_users(user_ids)
        if problems:
            raise e.ApiError(422, problems)
        chat["member_ids"] += [u for u in user_ids if u not in chat["member_ids"] and u != chat["owner_id"]]

    @mutation
    def remove_member(self, chat_id: int, user_id: int) -> None:
        chat = self._chat(chat_id)
        if user_id not in chat_members(chat, self._tags):
            raise e.not_found("user_id", user_id, "Chat member")
        if chat["personal"]:
            raise e.ForbiddenError("user_id", user_id, "Personal chats cannot lose members", e.PERSONAL_CHAT)
        if user_id == chat["owner_id"]:
            message = "The chat owner cannot be removed"
            raise e.ForbiddenError("user_id", user_id, message, e.CANNOT_KICK_OWNER)
        if user_id in chat["member_ids"]:
            chat["member_ids"].remove(user_id)

    @mutation
    def add_group_tags(self, chat_id: int, tag_ids: Iterable[int]) -> None:
        chat = self._group_chat(chat_id, "group_tag_ids")
        tag_ids = unique_ids(tag_ids)
        problems = self._missing_tags(tag_ids)
        if problems:
            raise e.ApiError(422, problems)
        chat["group_tag_ids"] += [t for t in tag_ids if t not in chat["group_tag_ids"]]

    @mutation
    def remove_group_tag(self, chat_id: int, tag_id: int) -> None:
        chat = self._chat(chat_id)
        if tag_id not in chat["group_tag_ids"]:
            raise e.not_found("tag_id", tag_id, "Group tag of the chat")
        chat["group_tag_ids"].remove(tag_id)


def unique_ids(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))
