"""Reads by id with a request budget: list pages where they pay, one `GET` per item where they do not.

Two policies, for two ways reads arrive:

- `ordered` (reads come in the listing's order, as the engine refreshes chats in creation order):
  never more than R + 1 requests for R distinct ids (the "+1" is one page fetched on speculation),
  and one request per 50 listed items where the ids sit together. Every read earns one request; a
  page is fetched only while the budget can still pay each waiting read's own `GET` afterwards
  (each waiting read keeps one in reserve), and only when the id lies within one page's width of
  what was listed. Pages that answer reads refill the budget; pages that answer nothing drain it.
- unordered (people referenced by chats, in any order): the ski-rental rule. Each `GET` paid earns
  one page of the listing, so pages never exceed `GET`s + 1, and once the listing is walked every
  later read is free: never more than 2 * min(R, P) + 1 requests for R ids among P pages.

The listing is walked at most once per index (one pass, never a second).

The chat snapshot (`chat/snapshot.py`, ordered) and the people directory (`api/directory.py`,
unordered) are indexes of this kind, over `GET /chats` and `GET /users`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

__all__ = ["Identified", "PagedIndex", "SweepCounts"]


class Identified(Protocol):
    @property
    def id(self) -> int: ...


T = TypeVar("T", bound=Identified)


@dataclass
class SweepCounts:
    """What an index did: reads asked for, pages and per-item reads it paid for, and reads still
    open (each may yet need its own `GET`)."""

    reads: int = 0
    pages: int = 0
    gets: int = 0
    open: int = 0

    @property
    def budget(self) -> int:
        """Requests affordable now while `pages + gets <= reads + 1` stays true at the end."""
        return self.reads + 1 - self.pages - self.gets - self.open

    @property
    def requests(self) -> int:
        return self.pages + self.gets


@dataclass
class _Walk(Generic[T]):
    """The listing being walked: the page iterator, how far it reached and how wide its last page was."""

    pages: Iterator[list[T]]
    frontier: int = 0
    span: int = 0
    exhausted: bool = False


class PagedIndex(Generic[T]):
    """Thread-safe cache of items by id, filled from a listing in id order or per-item reads.

    `open_listing()` starts the listing (called once, on the first page it pays for); `fetch(id)`
    reads one item, None when it does not exist; `ordered` picks the policy (module docstring).
    """

    def __init__(self, open_listing: Callable[[], Iterator[list[T]]], fetch: Callable[[int], T | None], *,
                 ordered: bool = True) -> None:
        self._ordered = ordered
        self._open_listing = open_listing
        self._fetch_one = fetch
        self._lock = threading.Lock()
        self._paging = threading.Lock()
        self._items: dict[int, T] = {}
        self._walk: _Walk[T] | None = None
        self.counts = SweepCounts()

    def get(self, item_id: int) -> T | None:
        """The item, from the cache, a page or its own read; None when it does not exist."""
        with self._lock:
            self.counts.reads += 1
            item = self._items.get(item_id)
            if item is not None:
                return item
            self.counts.open += 1
        try:
            item = self._from_pages(item_id)
        except BaseException:
            self._close(fetching=False)
            raise
        self._close(fetching=item is None)
        return item if item is not None else self._fetch(item_id)

    def cached(self, item_id: int) -> T | None:
        """The item if this index holds it already, at no cost."""
        return self._items.get(item_id)

    def looked_up(self) -> None:
        """Count a lookup paid outside the index (a search for the item by another key): like a
        `GET`, it earns the next page under the unordered policy."""
        with self._lock:
            self.counts.gets += 1

    def put(self, item: T) -> None:
        self._items[item.id] = item

    def forget(self, item_id: int) -> None:
        self._items.pop(item_id, None)

    def _close(self, *, fetching: bool) -> None:
        """The read is answered, or moves its reserved request to its own `GET` (one step, so no
        page can take that request in between)."""
        with self._lock:
            self.counts.open -= 1
            self.counts.gets += fetching

    def _fetch(self, item_id: int) -> T | None:
        item = self._fetch_one(item_id)
        if item is not None:
            self._items[item.id] = item
        return item

    def _from_pages(self, item_id: int) -> T | None:
        with self._paging:
            while item_id not in self._items and self._page_pays(item_id):
                self._next_page()
            return self._items.get(item_id)

    def _page_pays(self, item_id: int) -> bool:
        """One more page is worth its request (see the module docstring for either policy)."""
        walk = self._walk
        if walk is not None and walk.exhausted:
            return False
        if not self._ordered:
            with self._lock:
                return self.counts.pages <= self.counts.gets
        with self._lock:
            if self.counts.budget < 1:
                return False
        if walk is None:
            return True
        if item_id <= walk.frontier:
            return False
        return item_id <= walk.frontier + max(walk.span, 1)

    def _next_page(self) -> None:
        if self._walk is None:
            self._walk = _Walk(self._open_listing())
        page = next(self._walk.pages, None)
        if page is not None:  # None: the listing had ended, and no request was made
            with self._lock:
                self.counts.pages += 1
        if not page:
            self._walk.exhausted = True
            return
        for item in page:
            self._items.setdefault(item.id, item)
        first, last = page[0].id, page[-1].id
        self._walk.span = max(last - max(first, self._walk.frontier), 1) if len(page) > 1 else self._walk.span
        self._walk.frontier = max(self._walk.frontier, last)
