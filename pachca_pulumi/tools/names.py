"""Resource names for what import writes: readable slugs of chat and tag names, unique, and stable
as chats are added (a renamed resource would be replaced)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Protocol

__all__ = ["SLUG_MAX", "resource_names", "slugify"]

SLUG_MAX = 60


def slugify(name: str) -> str:
    """A readable resource name: lower case, words joined by '-', at most SLUG_MAX characters.

    Letters of any script are kept ("Design review" -> "design-review", "Отдел продаж" ->
    "отдел-продаж"); a name with no letters or digits gives "".
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    slug = re.sub(r"[\W_]+", "-", text).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rsplit("-", 1)[0] if "-" in slug[:SLUG_MAX] else slug[:SLUG_MAX]
    return slug


class _Named(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


def resource_names(chats: Iterable[_Named], *, fallback: str = "chat") -> dict[int, str]:
    """Unique, stable resource names by chat (or tag) id: the slug for the lowest id, `<slug>-<id>` for
    later ones, `<fallback>-<id>` for a name without letters or digits.

    A chat created later never renames an earlier one (a renamed resource would be replaced).
    """
    names: dict[int, str] = {}
    taken: set[str] = set()
    for chat in sorted(chats, key=lambda c: c.id):
        slug = slugify(chat.name)
        candidates = [slug, f"{slug}-{chat.id}"] if slug else [f"{fallback}-{chat.id}"]
        name = next((c for c in candidates if c not in taken), None)
        suffix = 2
        while name is None or name in taken:
            name, suffix = f"{candidates[-1]}-{suffix}", suffix + 1
        names[chat.id] = name
        taken.add(name)
    return names
