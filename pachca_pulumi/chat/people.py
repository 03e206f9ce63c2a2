"""People by reference, and the per-process directory that resolves them.

A reference names a user the way a program does: an id (`186` or `"186"`), an email
(`"anna@corp.ru"`) or a nickname (`"@oleg"` or `"oleg"`). `reference_key()` turns one into the
key that `check` uses in its maps; the per-process `Directory` (`api/directory.py`) answers who it is.
"""

from __future__ import annotations

from typing import Any

__all__ = ["reference_key"]

_ID_MAX = 2**31 - 1


def reference_key(value: Any) -> str:
    """The normal form of one reference: an id as digits, an email or `@nickname` as written.

    Raises ValueError naming the accepted forms for anything else (empty, bool, float, other types).
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # the engine sends numbers as floats
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"{value!r} is not a user reference; use an id, an email or a nickname")
    text = str(value).strip()
    if text.isdigit():
        if not 0 < int(text) <= _ID_MAX:
            raise ValueError(f"{text} is not a user id (ids are positive 32-bit integers)")
        return str(int(text))
    if not text or text == "@" or any(ch.isspace() for ch in text):
        raise ValueError(f"{value!r} is not a user reference; use an id, an email or a nickname such as @oleg")
    if "@" in text[1:]:
        return text
    return text if text.startswith("@") else f"@{text}"
