"""Pure comparison of declared inputs with the last known actual state; no I/O.

`olds` are the resource's stored outputs (what the API last said), `news` the checked inputs.
Each input compares as its schema rule says: plain values, id sets, or members (declared ones must
be present; members the provider does not own — owner, token user, group-tag members — are
tolerated unless `exclusive_members` is set).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .inputs import is_unknown
from .schema import INPUTS, Compare, default, rule

__all__ = ["ChatDiff", "diff_chat", "implied_members", "observed_inputs"]


@dataclass(frozen=True)
class ChatDiff:
    """Which declared properties differ from the actual chat, and which of them force a replacement."""

    changed: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()

    @property
    def changes(self) -> bool:
        return bool(self.changed)


def implied_members(olds: Mapping[str, Any]) -> set[int]:
    """Members the chat has for reasons other than our declaration."""
    implied = set(_ids(olds.get("tag_member_ids")))
    implied.update(uid for uid in (olds.get("owner_id"), olds.get("token_user_id")) if uid is not None)
    return {int(uid) for uid in implied}


def diff_chat(olds: Mapping[str, Any], news: Mapping[str, Any]) -> ChatDiff:
    """Compare desired inputs with stored outputs. Unknown values count as changes."""
    changed = tuple(sorted(field for field in INPUTS if _field_differs(field, olds, news)))
    replaces = tuple(field for field in changed if rule(field).replaces)
    return ChatDiff(changed=changed, replaces=replaces)


def observed_inputs(outs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs that describe the chat as it is, for refresh (`ReadResult.inputs`).

    A following preview then shows drift as input-level old -> new values: a removed member
    disappears from `member_ids`, an extra one appears only in exclusive mode.
    """
    return {field: _observed(field, outs) for field in INPUTS}


def _field_differs(field: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    compare = rule(field).compare
    new = news.get(field, default(field))
    if compare is Compare.NEVER:
        return False
    if is_unknown(new):
        return True
    if compare is Compare.MEMBERS:
        return _members_differ(olds, set(_ids(new)), bool(news.get("exclusive_members")))
    old = olds.get(field, default(field))
    if compare is Compare.ID_SET:
        return set(_ids(old)) != set(_ids(new))
    if compare is Compare.TEXT:
        return bool(trimmed(old) != trimmed(new))
    return bool(old != new)


def _members_differ(olds: Mapping[str, Any], wanted: set[int], exclusive: bool) -> bool:
    actual = set(_ids(olds.get("member_ids")))
    if wanted - actual:
        return True
    return exclusive and bool(actual - wanted - implied_members(olds))


def _observed(field: str, outs: Mapping[str, Any]) -> Any:
    compare = rule(field).compare
    if compare is Compare.MEMBERS:
        return sorted(_observed_members(outs))
    value = outs.get(field, default(field))
    if compare is Compare.ID_SET:
        return sorted(_ids(value))
    if compare is Compare.TEXT:
        return trimmed(value)
    return value


def trimmed(value: Any) -> Any:
    """A text without leading and trailing spaces (other values as they are)."""
    return value.strip() if isinstance(value, str) else value


def _observed_members(outs: Mapping[str, Any]) -> set[int]:
    actual = set(_ids(outs.get("member_ids")))
    members = set(_ids(outs.get(rule("member_ids").declared_as or "member_ids"))) & actual
    if outs.get("exclusive_members"):
        members |= actual - implied_members(outs)
    return members


def _ids(values: Iterable[Any] | None) -> list[int]:
    return [int(v) for v in (values or [])]
