"""Pure comparison of declared inputs with the last known actual state; no I/O.

`olds` are the resource's stored outputs (what the API last said), `news` the checked inputs.
Id lists compare as sets; members the provider does not own (owner, token user, group-tag members)
are tolerated unless `exclusive_members` is set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .inputs import is_unknown

__all__ = ["ChatDiff", "diff_chat", "implied_members", "observed_inputs"]

_PLAIN = ("name", "public", "archived", "group_tag_ids", "exclusive_members")
_REPLACE = ("channel",)


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
    changed = [key for key in (*_PLAIN, *_REPLACE) if _differs(_get(olds, key), _get(news, key))]
    if _members_differ(olds, news):
        changed.append("member_ids")
    replaces = tuple(key for key in _REPLACE if key in changed)
    return ChatDiff(changed=tuple(sorted(changed)), replaces=replaces)


def observed_inputs(outs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs that describe the chat as it is, for refresh (`ReadResult.inputs`).

    A following preview then shows drift as input-level old -> new values: a removed member
    disappears from `member_ids`, an extra one appears only in exclusive mode.
    """
    actual = set(_ids(outs.get("member_ids")))
    declared = set(_ids(outs.get("declared_member_ids")))
    members = declared & actual
    if outs.get("exclusive_members"):
        members |= actual - implied_members(outs)
    return {
        "name": outs.get("name"),
        "member_ids": sorted(members),
        "group_tag_ids": sorted(_ids(outs.get("group_tag_ids"))),
        "channel": bool(outs.get("channel")),
        "public": bool(outs.get("public")),
        "archived": bool(outs.get("archived")),
        "exclusive_members": bool(outs.get("exclusive_members")),
        "adopt_id": outs.get("adopt_id"),
    }


def _members_differ(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    desired = news.get("member_ids") or []
    if is_unknown(desired):
        return True
    actual = set(_ids(olds.get("member_ids")))
    wanted = set(_ids(desired))
    if wanted - actual:
        return True
    return bool(news.get("exclusive_members")) and bool(actual - wanted - implied_members(olds))


def _differs(old: Any, new: Any) -> bool:
    if is_unknown(new):
        return True
    return _plain(old) != _plain(new)


def _plain(value: Any) -> Any:
    """Id lists as sets of ints (order, duplicates and 186.0 vs 186 do not matter); scalars as they are."""
    if isinstance(value, (list, tuple)):
        return frozenset(_ids(value))
    return value


def _get(props: Mapping[str, Any], key: str) -> Any:
    return props.get(key, _default(key))


def _default(key: str) -> Any:
    return [] if key == "group_tag_ids" else (None if key == "name" else False)


def _ids(values: Iterable[Any] | None) -> list[int]:
    return [int(v) for v in (values or [])]
