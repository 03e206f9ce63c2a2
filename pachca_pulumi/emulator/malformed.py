"""The `malformed` fault: answers broken on purpose, to test the client's handling of bodies that are
not the spec's (cut short, a field missing, wrong types, an enum value the spec does not list)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["mutation_for"]


def mutation_for(mode: str | None, route: str) -> Callable[[bytes], bytes] | None:
    """How to break the answer of `route` in `mode` (None: leave it whole)."""
    if mode == "bad_enum":
        return _bad_enum
    if route == "GET /chats/{id}":
        chat_breakers = {"not_json": _truncate, "missing_fields": _drop_name, "wrong_types": _wrong_types}
        return chat_breakers.get(mode or "")
    return None


def _truncate(body: bytes) -> bytes:
    return body[: max(1, len(body) // 2)]


def _edit_chat(body: bytes, edit: Callable[[dict[str, Any]], Any]) -> bytes:
    document = json.loads(body)
    edit(document["data"])
    return json.dumps(document).encode()


def _drop_name(body: bytes) -> bytes:
    return _edit_chat(body, lambda chat: chat.pop("name", None))


def _wrong_types(body: bytes) -> bytes:
    return _edit_chat(body, lambda chat: chat.update(id=str(chat["id"]), archived="no"))


def _bad_enum(body: bytes) -> bytes:
    document = json.loads(body)
    data = document.get("data")
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict) and "role" in item:
            item["role"] = "overlord"
    return json.dumps(document).encode()
