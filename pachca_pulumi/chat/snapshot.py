"""A per-process view of the chats a refresh asks for: one list page where pages pay, one
`GET /chats/{id}` where they do not.

Cost contract, for N chats read among M the token can list: never more than N + 1 requests (the
"+1" is one page fetched on speculation), and one request per 50 listed chats when the chats read
sit together in the listing, so `min(N, ceil(M/50)) + 1` in the workspaces the README's Performance
section describes. The budget that keeps it is `api/sweep.py`'s `PagedIndex`.

The listing is cut to what can hold the chats asked for: group chats and channels only
(`personal=false`), archived ones included, in id order from the oldest chat read
(`last_message_at_after` the first read chat's `created_at`: a chat's last message is never older
than the chat, so every chat created since is listed, and older ones only if active since). The
engine refreshes a stack in state order, which is creation order, so reads walk the listing with
the pages. A chat not listed (the token's user is not a member, or it is older and quiet) is read
with `GET /chats/{id}`; only that read's 404 proves a chat gone. Writes of this run replace entries.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timezone

from ..api.client import PachcaClient
from ..api.errors import NotFoundError
from ..api.models import Chat
from ..api.sweep import PagedIndex, SweepCounts

__all__ = ["ChatSnapshot"]


class ChatSnapshot:
    """Thread-safe cache of listed chats with a request budget (see the module docstring)."""

    def __init__(self, client: PachcaClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._anchors: dict[int, str | None] = {}
        self._index: PagedIndex[Chat] = PagedIndex(self._listing, self._read)

    @property
    def counts(self) -> SweepCounts:
        return self._index.counts

    def get(self, chat_id: int, created_at: str | None = None) -> Chat | None:
        """The chat, or None when `GET /chats/{id}` answered 404. `created_at` (from state) lets the
        listing start at this chat's age."""
        with self._lock:
            self._anchors[chat_id] = _filter_time(created_at)
        try:
            return self._index.get(chat_id)
        finally:
            with self._lock:
                self._anchors.pop(chat_id, None)

    def put(self, chat: Chat) -> None:
        self._index.put(chat)

    def forget(self, chat_id: int) -> None:
        self._index.forget(chat_id)

    def _read(self, chat_id: int) -> Chat | None:
        try:
            return self._client.get_chat(chat_id)
        except NotFoundError:
            return None

    def _listing(self) -> Iterator[list[Chat]]:
        return self._client.list_chat_pages(personal=False, archived=True, sort="id", order="asc",
                                            last_message_at_after=self._anchor())

    def _anchor(self) -> str | None:
        """The oldest `created_at` among the reads waiting now (the engine asks in creation order);
        None (no filter) when one of them has none."""
        with self._lock:
            stamps = list(self._anchors.values())
        return None if not stamps or None in stamps else min(s for s in stamps if s is not None)


def _filter_time(created_at: str | None) -> str | None:
    """`created_at` as the list filter wants it (`YYYY-MM-DDThh:mm:ss.sssZ`, rounded down), or None."""
    try:
        moment = datetime.fromisoformat(str(created_at).replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
