"""Detailed diffs in people's names: the entries `pulumi preview --diff` prints for a native resource.

A change to people is one entry per person added or removed and per role change, keyed by the
reference the program used (`members["anna@corp.ru"]`); a tag is one entry per tag id; any other
input is one entry, marked as a replacement when its rule says so (`channel`). The people entries
come from the same membership plan `up` carries out (`chat/members.py` via `chat/diff.py`), so
the preview lists exactly what the update will do. Paths use the schema's camelCase names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pulumi.provider.experimental.provider import PropertyDiff, PropertyDiffKind

from ..chat.inputs import is_unknown
from ..chat.members import MemberPlan
from ..chat.schema import PEOPLE, Role
from .values import camel

__all__ = ["Entries", "chat_entries", "field_entries", "kept_entries", "people_entries", "tag_entries"]

Entries = dict[str, PropertyDiff]

_ADD = PropertyDiff(PropertyDiffKind.ADD, input_diff=False)
_DELETE = PropertyDiff(PropertyDiffKind.DELETE, input_diff=False)
_UPDATE = PropertyDiff(PropertyDiffKind.UPDATE, input_diff=False)
_REPLACE = PropertyDiff(PropertyDiffKind.UPDATE_REPLACE, input_diff=False)
# People nobody declared are shown from the old inputs, where refresh keeps them (`undeclared_members`).
_LEAVES = PropertyDiff(PropertyDiffKind.DELETE, input_diff=True)
# People the program stops declaring whom the chat keeps (a tag's, the owner): the declaration leaves,
# the person stays (a warning says why, `chat/explain.py`).
_UNDECLARED = PropertyDiff(PropertyDiffKind.DELETE, input_diff=True)
_ROLE_FIELD: dict[Role, str] = {"admin": "admins", "editor": "editors", "member": "members"}


def path(field: str, key: str | int | None = None) -> str:
    """A property path: `members["anna@corp.ru"]`, `groupTagIds[1]`, or the field alone."""
    if key is None:
        return camel(field)
    return f"{camel(field)}[{key}]" if isinstance(key, int) else f'{camel(field)}["{key}"]'


def field_entries(changed: Iterable[str], replaces: Iterable[str]) -> Entries:
    """One entry per changed plain input; those that replace are marked so."""
    replacing = set(replaces)
    return {path(field): _REPLACE if field in replacing else _UPDATE for field in changed}


def tag_entries(field: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Entries:
    """One entry per tag id added (its index in the new list) or removed (its index in the old)."""
    old, new = _ids(olds.get(field)), news.get(field)
    if is_unknown(new):
        return {path(field): _UPDATE}
    wanted = _ids(new)
    entries = {path(field, i): _ADD for i, tag in enumerate(wanted) if tag not in old}
    entries.update({path(field, i): _DELETE for i, tag in enumerate(old) if tag not in wanted})
    return entries or {path(field): _UPDATE}


def people_entries(plan: MemberPlan, olds: Mapping[str, Any], news: Mapping[str, Any],
                   name_of: Callable[[int], str]) -> Entries:
    """One entry per person the plan adds, removes or gives another role, by the program's reference
    (`name_of(id)` for people nobody declared, such as those an exclusive chat removes)."""
    if any(is_unknown(news.get(name)) for name in PEOPLE):
        return {path(name): _UPDATE for name in PEOPLE if is_unknown(news.get(name))}
    entries: Entries = {}
    for uid in plan.add:
        entries.update({path(name, key): _ADD for name, key in _keys(news, uid)})
    for uid in plan.remove:
        keys = _keys(olds, uid)
        entries.update({path(name, key): _DELETE for name, key in keys})
        if not keys:
            entries[path("undeclared_members", name_of(uid))] = _LEAVES
    for uid, role in plan.roles:
        entries.update(_role_entries(uid, role, olds, news, name_of))
    entries.update(kept_entries(plan, olds))
    return entries


def kept_entries(plan: MemberPlan, olds: Mapping[str, Any]) -> Entries:
    """One entry per reference the program dropped to a person the chat keeps."""
    return {path(name, key): _UNDECLARED for uid in plan.kept for name, key in _keys(olds, uid)}


def _role_entries(uid: int, role: Role, olds: Mapping[str, Any], news: Mapping[str, Any],
                  name_of: Callable[[int], str]) -> Entries:
    if role == "member":  # a role taken away: the person leaves admins/editors
        keys = [(n, k) for n, k in _keys(olds, uid) if n != "members"] or [("admins", name_of(uid))]
        return {path(name, key): _DELETE for name, key in keys}
    field = _ROLE_FIELD[role]
    keys = [(n, k) for n, k in _keys(news, uid) if n == field] or [(field, name_of(uid))]
    return {path(name, key): _ADD for name, key in keys}


def chat_entries(changed: Iterable[str], replaces: Iterable[str], plan: MemberPlan | None,
                 olds: Mapping[str, Any], news: Mapping[str, Any], name_of: Callable[[int], str]) -> Entries:
    """Every entry of a chat's diff: plain inputs, tags one by one, people one by one."""
    plain = [field for field in changed if field not in ("members", "group_tag_ids")]
    entries = field_entries(plain, replaces)
    if "group_tag_ids" in changed:
        entries.update(tag_entries("group_tag_ids", olds, news))
    if "members" in changed and plan is not None:
        entries.update(people_entries(plan, olds, news, name_of))
    return entries


def _keys(props: Mapping[str, Any], uid: int) -> list[tuple[str, str]]:
    """(field, reference) of every people map entry that names `uid`."""
    found = []
    for name in PEOPLE:
        value = props.get(name)
        for key, item in (value.items() if isinstance(value, dict) else ()):
            if item is not None and not is_unknown(item) and int(item) == uid:
                found.append((name, key))
    return found


def _ids(value: Any) -> list[int]:
    return [int(v) for v in value] if isinstance(value, (list, tuple)) else []
