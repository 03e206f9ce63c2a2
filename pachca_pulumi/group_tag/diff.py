"""Pure comparison of a tag's declared inputs with its last known state; no I/O.

`olds` are the stored outputs (what the API last said, plus the references resolved at the last
apply), `news` the checked inputs. Declared people must have the tag; people declared at the last
apply and no longer declared must not; anyone else only matters with `exclusive_members`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..kit.members import Membership, as_members, plan_members
from ..kit.schema import Compare, id_set, is_unknown
from .schema import INPUTS, default, rule

__all__ = ["diff_tag", "observed_inputs", "users_to_change"]


def diff_tag(olds: Mapping[str, Any], news: Mapping[str, Any]) -> tuple[str, ...]:
    """The inputs that differ from the tag's state; unknown values count as changes."""
    return tuple(sorted(field for field in INPUTS if _differs(field, olds, news)))


def users_to_change(actual: set[int], wanted: set[int], previously: set[int],
                    exclusive: bool) -> tuple[set[int], set[int]]:
    """(users to add, users to remove): the kit's membership plan for people without roles and with
    no implied members: declared ones added; those declared before and no longer, or with `exclusive`
    anyone not declared, removed. People added by hand stay otherwise."""
    plan = plan_members(as_members(wanted), as_members(previously), Membership(frozenset(actual)),
                        exclusive=exclusive)
    return set(plan.add), set(plan.remove)


def observed_inputs(outs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs that describe the tag as it is, for refresh (`ReadResult.inputs`): a declared
    person who lost the tag disappears from `members`; with `exclusive_members`, people who got
    it by hand appear (by id)."""
    actual = set(_ids(outs.get("user_ids")))
    resolved = {ref: int(uid) for ref, uid in (outs.get("resolved_members") or {}).items()}
    members = {ref: True for ref, uid in resolved.items() if uid in actual}
    if outs.get("exclusive_members"):
        members.update({str(uid): True for uid in actual - set(resolved.values())})
    observed = {field: outs.get(field, default(field)) for field in INPUTS}
    return {**observed, "members": dict(sorted(members.items()))}


def _differs(field: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    compare = rule(field).compare
    new = news.get(field, default(field))
    if compare is Compare.NEVER:
        return False
    if is_unknown(new):
        return True
    if compare is Compare.PEOPLE:
        return _members_differ(olds, list(new or {}), bool(news.get("exclusive_members")))
    return bool(olds.get(field, default(field)) != new)


def _members_differ(olds: Mapping[str, Any], references: list[str], exclusive: bool) -> bool:
    resolved = olds.get("resolved_members") or {}
    if any(ref not in resolved for ref in references):
        return True
    wanted = {int(resolved[ref]) for ref in references}
    previously = set(_ids(olds.get("declared_user_ids")))
    add, remove = users_to_change(set(_ids(olds.get("user_ids"))), wanted, previously, exclusive)
    return bool(add or remove)


def _ids(values: Any) -> list[int]:
    """Ids from a stored id set (a keyed map, or an older state's list)."""
    return id_set(values)
