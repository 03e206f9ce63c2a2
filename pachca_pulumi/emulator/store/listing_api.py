"""The :class:`~.facade.Store`'s chat listings: ``GET /chats`` (keys first, so a handler serialises only
the page it answers) and ``GET /company/chats`` (a mixin, under the store's one lock)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .. import errors as e
from ..persistence import locked
from ..serializers import format_time
from .chats import ChatRecord, ChatTable
from .directory import Directory
from .membership import Membership
from .tokens import COMPANY_CHATS_READ, scopes_for

Json = dict[str, Any]


class ChatListing:
    """Which chats the listings select."""

    _lock: threading.RLock
    chats: ChatTable
    membership: Membership
    directory: Directory

    def _save(self) -> None:
        raise NotImplementedError

    def _chat_json(self, chat: ChatRecord) -> Json:
        raise NotImplementedError

    def chats_json(self, chat_ids: Iterable[int]) -> list[Json]:
        raise NotImplementedError

    @locked
    def list_chats(
        self,
        user_id: int,
        availability: str = "is_member",
        archived: bool = False,
        personal: bool | None = None,
        after: datetime | None = None,
        before: datetime | None = None,
    ) -> list[Json]:
        """``GET /chats``: the chats the filters select, unordered (handlers paginate)."""
        keys = self.list_chat_keys(user_id, availability, archived, personal, after, before)
        return self.chats_json([key["id"] for key in keys])

    @locked
    def list_chat_keys(
        self,
        user_id: int,
        availability: str = "is_member",
        archived: bool = False,
        personal: bool | None = None,
        after: datetime | None = None,
        before: datetime | None = None,
    ) -> list[Json]:
        """The ``id`` and ``last_message_at`` of the chats ``GET /chats`` selects, so that a handler
        serialises only the page it answers (a large workspace lists fast)."""
        low = format_time(after) if after else None
        high = format_time(before) if before else None
        found = []
        for chat in self.chats:
            if (chat.archived and not archived) or (personal is not None and chat.personal != personal):
                continue
            if (low and chat.last_message_at < low) or (high and chat.last_message_at > high):
                continue
            if availability == "public" and not chat.public:
                continue
            if availability == "is_member" and not self.membership.is_member(chat.id, user_id):
                continue
            found.append({"id": chat.id, "last_message_at": chat.last_message_at})
        return found

    @locked
    def company_chats(self, user_id: int, activity: str | None = None) -> list[Json]:
        """``GET /company/chats``: every group chat and channel (any membership), for owner/admin tokens."""
        if COMPANY_CHATS_READ not in scopes_for(self.directory.raw_user(user_id)):
            raise e.insufficient_scope(COMPANY_CHATS_READ, "only workspace owners and admins list every chat")
        wanted = {None: (False, True), "active": (False,), "archived": (True,)}[activity]
        return [self._chat_json(c) for c in self.chats if not c.personal and c.archived in wanted]
