"""Keyset (cursor) pagination, stable when items are created or removed between pages.

A cursor is URL-safe base64 of a small JSON object, e.g. ``{"id": 10, "dir": "asc"}``
(the shape of the spec's example) or ``{"last_message_at": "...", "id": 10, "dir": "desc"}``
when sorting by ``last_message_at``. It names the boundary item and the direction of
travel: the page holds the items strictly after the boundary in that direction. A cursor
without a boundary (``{"dir": "desc"}``) means "from the start".

``next_page`` continues after the last item of the page (always present, as the spec
requires it); ``prev_page`` (present when the page is not empty) travels the other way
from the first item, i.e. it yields the items "above" the page, e.g. ones created later.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ApiError, bad_request

Json = dict[str, Any]
Key = tuple[Any, ...]

ASC, DESC = "asc", "desc"


@dataclass(frozen=True)
class Cursor:
    direction: str
    boundary: Key | None  # values of the key fields, or None for "from the start"


def encode_cursor(key_fields: Sequence[str], direction: str, boundary: Key | None) -> str:
    payload: dict[str, Any] = {}
    if boundary is not None:
        payload.update(zip(key_fields, boundary, strict=False))
    payload["dir"] = direction
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, key_fields: Sequence[str], types: Sequence[type]) -> Cursor:
    """Parse a cursor made by :func:`encode_cursor` for the same key fields, else 400."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError):
        raise _invalid(token) from None
    if not isinstance(data, dict) or data.get("dir") not in (ASC, DESC):
        raise _invalid(token)
    present = [f for f in key_fields if f in data]
    if not present:
        return Cursor(data["dir"], None)
    if len(present) != len(key_fields):
        raise _invalid(token)
    values = tuple(data[f] for f in key_fields)
    if not all(isinstance(v, t) and not isinstance(v, bool) for v, t in zip(values, types, strict=False)):
        raise _invalid(token)
    return Cursor(data["dir"], values)


def cursor_keys(token: str) -> set[str]:
    """Field names inside a cursor (empty if it is not a valid cursor)."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError):
        return set()
    return set(data) if isinstance(data, dict) else set()


def _invalid(token: str) -> ApiError:
    return bad_request("cursor", token, "Cursor is invalid")


def paginate(
    items: list[Json],
    key: Callable[[Json], Key],
    key_fields: Sequence[str],
    order: str,
    limit: int,
    cursor: Cursor | None,
) -> tuple[list[Json], Json]:
    """Return one page of ``items`` and the ``PaginationMeta`` object for it."""
    direction = cursor.direction if cursor else order
    ordered = sorted(items, key=key, reverse=direction == DESC)
    boundary = cursor.boundary if cursor else None
    if boundary is None:
        before, after = [], ordered
    else:
        before = [i for i in ordered if not _beyond(key(i), boundary, direction)]
        after = [i for i in ordered if _beyond(key(i), boundary, direction)]
    page = after[:limit]
    last = key(page[-1]) if page else boundary
    paginate_meta: dict[str, Any] = {
        "next_page": encode_cursor(key_fields, direction, last),
        "has_next": len(after) > limit,
        "has_prev": bool(before),
    }
    if page:
        reverse = ASC if direction == DESC else DESC
        paginate_meta["prev_page"] = encode_cursor(key_fields, reverse, key(page[0]))
    return page, {"paginate": paginate_meta}


def _beyond(value: Key, boundary: Key, direction: str) -> bool:
    return value > boundary if direction == ASC else value < boundary
