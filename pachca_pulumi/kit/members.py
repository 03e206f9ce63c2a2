"""Who must join, leave or change role: one pure function shared by preview and `up`, for every
resource with people (a chat's members and roles, a group tag's users).

Ownership rules:
- declared people must be present, with their declared role (admin > editor > member);
- people declared at the last apply and no longer declared are removed, and their roles dropped;
- without `exclusive`, people added by hand are tolerated; with it, everyone neither declared nor
  implied is removed (and loses a role the program does not declare);
- implied members (a chat's owner, the token's own user, group-tag members) are never removed, and
  the owner's role is never touched (the API keeps the owner an admin).
A resource without roles passes `roles=None` and people as plain members.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .schema import Role

__all__ = ["ROLE_RANK", "MemberPlan", "Membership", "as_members", "plan_members"]

ROLE_RANK: dict[str, int] = {"member": 0, "editor": 1, "admin": 2}


@dataclass(frozen=True)
class Membership:
    """People as last seen: members, role holders (None when not read) and implied members."""

    members: frozenset[int]
    owner_id: int = 0
    implied: frozenset[int] = frozenset()
    roles: Mapping[int, Role] | None = None


@dataclass(frozen=True)
class MemberPlan:
    """What reconciling the people takes: additions, removals and role changes, by user id."""

    add: tuple[int, ...] = ()
    remove: tuple[int, ...] = ()
    roles: tuple[tuple[int, Role], ...] = field(default=())
    kept: tuple[int, ...] = ()  # no longer declared, yet staying: implied members the server keeps

    @property
    def changes(self) -> bool:
        return bool(self.add or self.remove or self.roles)


def as_members(user_ids: Iterable[int]) -> dict[int, Role]:
    """People declared without a role."""
    return {int(uid): "member" for uid in user_ids}


def plan_members(wanted: Mapping[int, Role], previous: Mapping[int, Role], actual: Membership, *,
                 exclusive: bool) -> MemberPlan:
    """The additions, removals and role changes that bring `actual` to `wanted` under the ownership rules;
    `kept` names the people the program stopped declaring who stay (the owner, implied members)."""
    undeclared = set(previous) - set(wanted)
    dropped = set(undeclared)
    if exclusive:
        dropped |= actual.members - set(wanted)
    remove = sorted((dropped & actual.members) - actual.implied - {actual.owner_id})
    add = sorted(set(wanted) - actual.members)
    staying = (actual.members | set(add)) - set(remove)
    roles = [(uid, role) for uid in sorted(staying) if (role := _role_change(uid, wanted, previous, actual,
                                                                             exclusive)) is not None]
    kept = sorted(undeclared & actual.members & (actual.implied | {actual.owner_id}))
    return MemberPlan(add=tuple(add), remove=tuple(remove), roles=tuple(roles), kept=tuple(kept))


def _role_change(uid: int, wanted: Mapping[int, Role], previous: Mapping[int, Role], actual: Membership,
                 exclusive: bool) -> Role | None:
    """The role `uid` must be given, or None when it keeps its role."""
    if uid == actual.owner_id:
        return None
    current = actual.roles.get(uid, "member") if actual.roles is not None else None
    target = wanted.get(uid)
    if target in (None, "member"):  # a plain member keeps a role given by hand, unless the program took it away
        dropped = previous.get(uid, "member") != "member" or (exclusive and uid not in actual.implied)
        target = "member" if dropped else None
    if target is None or target == current:
        return None
    if current is None and target == "member":
        return None  # roles not read (none declared) and nothing to grant
    return target
