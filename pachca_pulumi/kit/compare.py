"""One field comparison for every resource's `diff`: a declared input against the stored state,
as the field's `Rule` says. People are compared by the membership plan (`members.py`) instead."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .schema import Compare, Rule, is_unknown

__all__ = ["field_differs", "ids", "trimmed"]


def field_differs(rule: Rule, old: Any, new: Any, *, also_ids: Iterable[int] = ()) -> bool:
    """True when `new` (declared) differs from `old` (stored); unknown values count as changes.
    `also_ids`: ids an ID_SET field holds besides `new` (a chat's tags named in `group_tags`)."""
    if rule.compare is Compare.NEVER:
        return False
    if is_unknown(new):
        return True
    if rule.compare is Compare.ID_SET:
        return set(ids(old)) != set(ids(new)) | set(also_ids)
    if rule.compare is Compare.TEXT:
        return bool(trimmed(old) != trimmed(new))
    return bool(old != new)


def trimmed(value: Any) -> Any:
    """A text without leading and trailing spaces (other values as they are)."""
    return value.strip() if isinstance(value, str) else value


def ids(values: Iterable[Any] | None) -> list[int]:
    """Ids as ints (state keeps numbers as floats)."""
    return [int(v) for v in (values or [])]
