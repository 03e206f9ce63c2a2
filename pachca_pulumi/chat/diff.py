"""Pure comparison of declared inputs with the last known actual state; no I/O.

`olds` are the resource's stored outputs (what the API last said, and what the program declared at
the last apply), `news` the checked inputs. Each input compares as its schema rule says: plain
values, id sets, or people, which go through the same membership plan as `up` (`chat/members.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..kit.schema import id_set
from .inputs import is_unknown
from .members import MemberPlan, Membership, declared_roles, plan_members
from .schema import INPUTS, PEOPLE, Compare, Role, default, rule

__all__ = ["ChatDiff", "diff_chat", "membership_of", "observed_inputs", "people_plan"]


@dataclass(frozen=True)
class ChatDiff:
    """Which declared properties differ from the actual chat, and which of them force a replacement."""

    changed: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()
    redeclared: bool = False  # who is declared changed, though the chat needs no change (state must learn it)

    @property
    def changes(self) -> bool:
        return bool(self.changed)


def membership_of(olds: Mapping[str, Any], implied: Iterable[int] = ()) -> Membership:
    """The chat's people as stored outputs (loaded: `chat/state.py`) describe them."""
    present = olds.get("present_member_ids")
    owner = int(olds.get("owner_id") or 0)
    token_user = olds.get("token_user_id")
    implied_ids = {*_ids(implied), *_ids(olds.get("tag_member_ids")), owner}
    if token_user is not None:
        implied_ids.add(int(token_user))
    return Membership(members=frozenset(_ids(present)), owner_id=owner, implied=frozenset(implied_ids),
                      roles=_stored_roles(olds))


def previous_roles(olds: Mapping[str, Any]) -> dict[int, Role]:
    """Who the program declared at the last apply, as the loaded stored outputs say."""
    return declared_roles(olds)


def people_plan(olds: Mapping[str, Any], news: Mapping[str, Any], implied: Iterable[int] = ()) -> MemberPlan:
    """The membership plan `up` would carry out from the stored state, for checked (known) inputs."""
    return plan_members(declared_roles(news), previous_roles(olds), membership_of(olds, implied),
                        exclusive=bool(news.get("exclusive_members")))


def diff_chat(olds: Mapping[str, Any], news: Mapping[str, Any], implied: Iterable[int] = ()) -> ChatDiff:
    """Compare desired inputs with stored outputs. Unknown values count as changes."""
    changed = [field for field in INPUTS if rule(field).compare is not Compare.PEOPLE
               and _field_differs(field, olds, news)]
    if any(is_unknown(news.get(name)) for name in PEOPLE) or people_plan(olds, news, implied).changes:
        changed.append("members")
    replaces = tuple(field for field in changed if field in INPUTS and rule(field).replaces)
    return ChatDiff(changed=tuple(sorted(changed)), replaces=replaces, redeclared=_redeclared(olds, news))


def observed_inputs(outs: Mapping[str, Any], key_of: Callable[[int], str] = str) -> dict[str, Any]:
    """The inputs that describe the chat as it is, for refresh (`ReadResult.inputs`).

    Declared people who left (or lost their role) disappear from their map; people nobody declared
    are `undeclared_members`, keyed by `key_of(id)` (with `exclusive_members`, role holders nobody
    declared also appear in `admins`/`editors`). `check` keeps or drops them as `up` will, so a
    following preview shows drift, and who an exclusive chat removes, as people added and removed.
    """
    observed = {field: _observed(field, outs) for field in INPUTS if rule(field).compare is not Compare.PEOPLE}
    membership = membership_of(outs)
    for name in PEOPLE:
        observed[name] = _observed_people(name, outs, membership)
    declared = set(declared_roles(observed))
    observed["undeclared_members"] = {key_of(uid): uid for uid in sorted(membership.members - declared
                                                                          - membership.implied)}
    if outs.get("exclusive_members"):
        _add_undeclared_roles(observed, membership, key_of)
    return observed


def _redeclared(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """True when the people the program declares differ from those the state says it declared.

    The state must learn it even when the chat needs no change (someone dropped from code had
    already left; someone declared was already there by hand): else a person who later comes or
    goes by hand would be judged against a stale declaration, and `up` would do what no preview showed.
    """
    if any(is_unknown(news.get(name)) for name in PEOPLE):
        return False
    return any(_people_map(olds.get(name)) != _people_map(news.get(name)) for name in PEOPLE)


def _people_map(value: Any) -> dict[str, int | None]:
    items = value.items() if isinstance(value, dict) else ()
    return {key: None if uid is None else int(uid) for key, uid in items}


def _field_differs(field: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    compare = rule(field).compare
    new = news.get(field, default(field))
    if compare is Compare.NEVER:
        return False
    if is_unknown(new):
        return True
    old = olds.get(field, default(field))
    if compare is Compare.ID_SET:
        return set(_ids(old)) != set(_ids(new)) | _named_tag_ids(olds, news.get("group_tags"))
    if compare is Compare.TEXT:
        return bool(trimmed(old) != trimmed(new))
    return bool(old != new)


def _observed(field: str, outs: Mapping[str, Any]) -> Any:
    named = {name: int(tag_id) for name, tag_id in (outs.get("named_tag_ids") or {}).items()}
    if field == "group_tags":
        actual_tags = set(_ids(outs.get("group_tag_ids")))
        return sorted(name for name, tag_id in named.items() if tag_id in actual_tags)
    value = outs.get(field, default(field))
    if rule(field).compare is Compare.TEXT:
        return trimmed(value)
    if rule(field).compare is Compare.ID_SET:
        return sorted(set(_ids(value)) - set(named.values()))
    return value


def _named_tag_ids(olds: Mapping[str, Any], names: Any) -> set[int]:
    """Ids of the tags a chat names in `group_tags`, as resolved at the last apply (a name not
    resolved yet makes `group_tags` itself differ)."""
    named = olds.get("named_tag_ids") or {}
    if is_unknown(names):
        return set()
    return {int(named[name]) for name in (names or []) if name in named}


def trimmed(value: Any) -> Any:
    """A text without leading and trailing spaces (other values as they are)."""
    return value.strip() if isinstance(value, str) else value


def _observed_people(name: str, outs: Mapping[str, Any], membership: Membership) -> dict[str, int]:
    declared = outs.get(name)
    role = rule(name).role
    kept: dict[str, int] = {}
    for key, uid in (declared.items() if isinstance(declared, dict) else ()):
        has_role = role == "member" or membership.roles is None or membership.roles.get(int(uid)) == role
        if uid is not None and int(uid) in membership.members and (has_role or int(uid) == membership.owner_id):
            kept[key] = int(uid)
    return kept


def _add_undeclared_roles(observed: dict[str, Any], membership: Membership, key_of: Callable[[int], str]) -> None:
    for uid, role in sorted((membership.roles or {}).items()):
        if role != "member" and uid not in membership.implied:
            target = "admins" if role == "admin" else "editors"
            if uid not in observed[target].values():
                observed[target][key_of(uid)] = uid


def _stored_roles(olds: Mapping[str, Any]) -> dict[int, Role] | None:
    admins, editors = olds.get("admin_ids"), olds.get("editor_ids")
    if admins is None and editors is None:
        return None
    roles: dict[int, Role] = {uid: "editor" for uid in _ids(editors)}
    roles.update({uid: "admin" for uid in _ids(admins)})
    return roles


def _ids(values: Any) -> list[int]:
    """Ids from a stored id set (a keyed map, or an older state's list) or any iterable."""
    return id_set(values)
