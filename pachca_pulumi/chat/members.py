"""Who must join, leave or change role in a chat: the kit's one membership plan (`kit/members.py`),
fed from a chat's inputs, shared by preview and `up`.

`diff` (preview) and the service (`up`) both call `plan_members()`, so they cannot disagree.
Ownership rules:
- declared people must be present, with their declared role (admin > editor > member);
- people declared at the last apply and no longer declared are removed, and their roles dropped;
- without `exclusive_members`, people added by hand are tolerated; with it, everyone neither
  declared nor implied is removed (and loses a role the program does not declare);
- implied members (the owner, the token's own user, group-tag members) are never removed, and the
  owner's role is never touched (the API keeps the owner an admin).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..kit.members import ROLE_RANK, MemberPlan, Membership, plan_members
from ..kit.schema import UNKNOWN, Role, is_unknown
from .schema import PEOPLE, rule

__all__ = [
    "MemberPlan", "Membership", "ROLE_RANK", "declared_roles", "plan_members", "roles_tracked", "undeclared_kept",
]


def declared_roles(props: Mapping[str, Any]) -> dict[int, Role]:
    """`{user id: role}` of everyone a set of inputs (or stored outputs) declares; the highest role wins."""
    roles: dict[int, Role] = {}
    for name in PEOPLE:
        value = props.get(name)
        role = rule(name).role or "member"
        for uid in (value or {}).values() if isinstance(value, dict) else ():
            if uid is not None and ROLE_RANK[role] >= ROLE_RANK[roles.get(int(uid), "member")]:
                roles[int(uid)] = role
    return roles


def roles_tracked(*declared: Mapping[int, Role]) -> bool:
    """Roles are read (two extra requests) only for chats that declare them now or did at the last apply."""
    return any(role != "member" for roles in declared for role in roles.values())


def undeclared_kept(old_inputs: Mapping[str, Any], inputs: Mapping[str, Any]) -> Any:
    """`undeclared_members` for checked, resolved `inputs`: none with `exclusive_members` (`up` removes
    them, so the preview shows them leaving), else those the last refresh saw (`old_inputs`) whom the
    program does not declare now. Unknown while `exclusive_members` is."""
    if is_unknown(inputs.get("exclusive_members")):
        return UNKNOWN
    seen = old_inputs.get("undeclared_members")
    if inputs.get("exclusive_members") or not isinstance(seen, dict):
        return {}
    declared = declared_roles(inputs)
    return {key: int(uid) for key, uid in sorted(seen.items()) if uid is not None and int(uid) not in declared}
