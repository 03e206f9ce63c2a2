"""A per-process view of the chats a refresh asks for: one list page where pages pay, one
`GET /chats/{id}` where they do not.

Cost contract, for N chats read among M the token can list: never more than N + 1 requests (the
"+1" is one page fetched on speculation), and one request per 50 listed chats when the chats read
sit together in the listing, so `min(N, ceil(M/50)) + 1` in the workspaces the README's Performance
section describes. The snapshot keeps a budget: every read earns one request, and a page is
fetched only while the budget can still pay for the read's own `GET` afterwards. Pages that answer
reads refill it; pages that answer nothing drain it, and the snapshot falls back to per-chat reads.

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
from datetime import datetime, timezone
from collections.abc import Iterator
from dataclasses import dataclass

from ..api.client import PachcaClient
from ..api.errors import NotFoundError
from ..api.models import Chat

__all__ = ["ChatSnapshot", "SnapshotCounts"]


@dataclass
class SnapshotCounts:
    """What the snapshot did: reads asked for, pages and per-chat reads it paid for, and reads
    still open (each may yet need its own `GET`)."""

    reads: int = 0
    pages: int = 0
    gets: int = 0
    open: int = 0

    @property
    def budget(self) -> int:
        """Requests affordable now while `pages + gets <= reads + 1` stays true at the end."""
        return self.reads + 1 - self.pages - self.gets - self.open


@dataclass
class _Sweep:
    """The listing being walked: the page iterator, how far it reached and how wide its last page was."""

    pages: Iterator[list[Chat]]
    frontier: int = 0
    span: int = 0
    exhausted: bool = False


class ChatSnapshot:
    """Thread-safe cache of listed chats with a request budget (see the module docstring)."""

    def __init__(self, client: PachcaClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._paging = threading.Lock()
        self._chats: dict[int, Chat] = {}
        self._sweep: _Sweep | None = None
        self._anchors: dict[int, str | None] = {}
        self.counts = SnapshotCounts()

    def get(self, chat_id: int, created_at: str | None = None) -> Chat | None:
        """The chat, or None when `GET /chats/{id}` answered 404. `created_at` (from state) lets the
        listing start at this chat's age."""
        with self._lock:
            self.counts.reads += 1
            chat = self._chats.get(chat_id)
            if chat is not None:
                return chat
            self.counts.open += 1
            self._anchors[chat_id] = _filter_time(created_at)
        try:
            chat = self._from_pages(chat_id)
        except BaseException:
            self._close(chat_id, fetching=False)
            raise
        self._close(chat_id, fetching=chat is None)
        return chat if chat is not None else self._fetch(chat_id)

    def _close(self, chat_id: int, *, fetching: bool) -> None:
        """The read is answered, or moves its reserved request to its own `GET` (one step, so no
        page can take that request in between)."""
        with self._lock:
            self.counts.open -= 1
            self.counts.gets += fetching
            self._anchors.pop(chat_id, None)

    def put(self, chat: Chat) -> None:
        self._chats[chat.id] = chat

    def forget(self, chat_id: int) -> None:
        self._chats.pop(chat_id, None)

    def _fetch(self, chat_id: int) -> Chat | None:
        try:
            chat = self._client.get_chat(chat_id)
        except NotFoundError:
            return None
        self._chats[chat.id] = chat
        return chat

    def _from_pages(self, chat_id: int) -> Chat | None:
        with self._paging:
            while chat_id not in self._chats and self._page_pays(chat_id):
                self._next_page()
            return self._chats.get(chat_id)

    def _page_pays(self, chat_id: int) -> bool:
        """One more page is affordable and likely to hold the chat: the budget covers the page and
        the chat's own read should the page miss it, and the chat lies within one page's width."""
        with self._lock:
            if self.counts.budget < 1:
                return False
        sweep = self._sweep
        if sweep is None:
            return True
        if sweep.exhausted or chat_id <= sweep.frontier:
            return False
        return chat_id <= sweep.frontier + max(sweep.span, 1)

    def _next_page(self) -> None:
        if self._sweep is None:
            self._sweep = _Sweep(self._client.list_chat_pages(
                personal=False, archived=True, sort="id", order="asc", last_message_at_after=self._anchor()))
        with self._lock:
            self.counts.pages += 1
        page = next(self._sweep.pages, None)
        if not page:
            self._sweep.exhausted = True
            return
        for chat in page:
            self._chats.setdefault(chat.id, chat)
        first, last = page[0].id, page[-1].id
        self._sweep.span = max(last - max(first, self._sweep.frontier), 1) if len(page) > 1 else self._sweep.span
        self._sweep.frontier = max(self._sweep.frontier, last)

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
