"""User references, as programs write them: an id (`186` or `"186"`), an email (`"anna@corp.ru"`)
or a nickname (`"@oleg"` or `"oleg"`), and the one rule that makes the same person the same key.

The case rule is the API's: emails and nicknames name a user regardless of case (the directory
finds them case-insensitively), so their key is case-folded; an id is its digits. A key stored by
an earlier version that kept an email's case (`Chat` did) is the same person: `reference_key` of
it gives today's key, which is how stored state is compared (`same_people`), so such stacks
converge with no change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .schema import ID_MAX

__all__ = ["reference_key", "same_people"]


def reference_key(value: Any, field: str = "reference") -> str:
    """The canonical key of one user reference; ValueError naming `field` and the fix otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{field} holds user references (an id, an email or a nickname); got {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{field}: {value!r} is not a whole user id")
        value = int(value)  # the engine sends numbers as floats
    text = str(value).strip()
    if text.isdigit():
        if not 0 < int(text) <= ID_MAX:
            raise ValueError(f"{field}: user id {text} is out of range (positive 32-bit integers)")
        return str(int(text))
    if not text or text == "@" or any(ch.isspace() for ch in text):
        raise ValueError(f"{field}: {value!r} is not a user reference; write an id (186), an email "
                         "(anna@corp.ru) or a nickname (@oleg)")
    if "@" in text[1:]:
        return text.casefold()
    return "@" + text.removeprefix("@").casefold()


def same_people(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A stored `{reference: value}` map under today's keys (state of any earlier version)."""
    keyed: dict[str, Any] = {}
    for key, value in stored.items():
        try:
            keyed[reference_key(key)] = value
        except ValueError:
            keyed[str(key)] = value
    return keyed
