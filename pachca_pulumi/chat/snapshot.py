"""A per-process view of the chats the token can list, filled page by page on demand.

Refreshing N chats with one `GET /chats/{id}` each costs N requests; the list endpoint returns 50
full chats a page. Pages are read oldest first (id ascending), the order in which the engine asks
for the chats of a stack, and only as far as the newest chat asked for, so the first reads are
answered after one page. A chat the list does not show (the token is not a member) falls back to
`GET /chats/{id}`. Writes of this run replace entries.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from ..api.client import PachcaClient
from ..api.errors import NotFoundError
from ..api.models import Chat

__all__ = ["ChatSnapshot"]


class ChatSnapshot:
    """Lazily paged, thread-safe cache of listable chats, archived ones included."""

    def __init__(self, client: PachcaClient) -> None:
        self._client = client
        self._paging = threading.Lock()
        self._chats: dict[int, Chat] = {}
        self._pages: Iterator[Chat] | None = None
        self._highest_seen = 0
        self._exhausted = False

    def get(self, chat_id: int) -> Chat | None:
        """The chat, or None when it no longer exists."""
        chat = self._chats.get(chat_id) or self._page_until(chat_id)
        if chat is not None:
            return chat
        try:
            return self._client.get_chat(chat_id)
        except NotFoundError:
            return None

    def put(self, chat: Chat) -> None:
        self._chats[chat.id] = chat

    def forget(self, chat_id: int) -> None:
        self._chats.pop(chat_id, None)

    def _page_until(self, chat_id: int) -> Chat | None:
        with self._paging:
            if self._pages is None:
                self._pages = self._client.list_chats(archived=True, sort="id", order="asc")
            while chat_id not in self._chats and not self._exhausted and self._highest_seen < chat_id:
                chat = next(self._pages, None)
                if chat is None:
                    self._exhausted = True
                    break
                self._chats.setdefault(chat.id, chat)
                self._highest_seen = chat.id
            return self._chats.get(chat_id)
