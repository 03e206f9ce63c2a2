"""The membership plan shared by preview and `up`: the ownership rules, one behaviour per case."""

from __future__ import annotations

from typing import Any

import pytest

from pachca_pulumi.chat.inputs import UNKNOWN
from pachca_pulumi.chat.members import Membership, declared_roles, plan_members, roles_tracked, undeclared_kept

OWNER, TOKEN_USER, TAG_MEMBER = 185, 100, 300
IMPLIED = frozenset({OWNER, TOKEN_USER, TAG_MEMBER})


def chat(*members: int, roles: dict[int, Any] | None = None) -> Membership:
    return Membership(members=frozenset({OWNER, TOKEN_USER, *members}), owner_id=OWNER, implied=IMPLIED,
                      roles=roles)


def member(*ids: int) -> dict[int, Any]:
    return {uid: "member" for uid in ids}


@pytest.mark.parametrize(
    ("wanted", "previous", "actual", "exclusive", "add", "remove"),
    [
        (member(2, 3), {}, chat(2), False, (3,), ()),
        (member(2, 4, 5, 9), member(2, 3, 4), chat(2, 3, 4), False, (5, 9), (3,)),  # issue #8's example
        (member(2), member(2), chat(2, 7), False, (), ()),  # 7 was added by hand: tolerated
        (member(2), member(2), chat(2, 7), True, (), (7,)),  # ... unless exclusive
        (member(2), member(2, 3), chat(2), False, (), ()),  # 3 already left: nothing to do
        (member(), member(OWNER, TOKEN_USER), chat(TAG_MEMBER), True, (), ()),  # implied never leave
    ],
    ids=["add", "drop-undeclared", "tolerate", "exclusive", "already-gone", "implied"],
)
def test_plan_members_follows_the_ownership_rules(wanted: Any, previous: Any, actual: Membership, exclusive: bool,
                                                  add: tuple[int, ...], remove: tuple[int, ...]) -> None:
    plan = plan_members(wanted, previous, actual, exclusive=exclusive)

    assert (plan.add, plan.remove) == (add, remove)


def test_plan_members_grants_a_declared_role_to_a_new_member() -> None:
    plan = plan_members({2: "admin"}, {}, chat(roles={}), exclusive=False)

    assert (plan.add, plan.roles) == ((2,), ((2, "admin"),))


def test_plan_members_drops_a_role_no_longer_declared() -> None:
    plan = plan_members(member(2), {2: "admin"}, chat(2, roles={2: "admin"}), exclusive=False)

    assert plan.roles == ((2, "member"),)


def test_plan_members_restores_a_role_removed_by_hand() -> None:
    plan = plan_members({2: "editor"}, {2: "editor"}, chat(2, roles={}), exclusive=False)

    assert plan.roles == ((2, "editor"),)


def test_plan_members_tolerates_a_hand_made_admin_unless_exclusive() -> None:
    actual = chat(2, 7, roles={7: "admin"})

    assert plan_members(member(2, 7), member(2, 7), actual, exclusive=False).roles == ()
    assert plan_members(member(2, 7), member(2, 7), actual, exclusive=True).roles == ((7, "member"),)


def test_plan_members_never_touches_the_owners_role() -> None:
    plan = plan_members({OWNER: "member"}, {OWNER: "admin"}, chat(roles={}), exclusive=True)

    assert not plan.changes


def test_declared_roles_highest_role_wins_across_fields() -> None:
    props = {"member_ids": {"2": 2}, "members": {"@a": 2, "@b": 3}, "admins": {"@a": 2}, "editors": {"@b": 3}}

    assert declared_roles(props) == {2: "admin", 3: "editor"}


def test_roles_tracked_only_when_some_role_is_declared() -> None:
    assert not roles_tracked(member(2, 3), {})
    assert roles_tracked(member(2), {3: "editor"})


def test_undeclared_kept_carries_the_people_the_last_refresh_saw_while_tolerated() -> None:
    old_inputs = {"undeclared_members": {"@pavel": 10.0, "@anna": 11}}

    kept = undeclared_kept(old_inputs, {"members": {"@anna": 11}, "exclusive_members": False})

    assert kept == {"@pavel": 10}


def test_undeclared_kept_is_empty_when_exclusive_so_the_preview_shows_them_leaving() -> None:
    assert undeclared_kept({"undeclared_members": {"@pavel": 10}}, {"exclusive_members": True}) == {}


def test_undeclared_kept_is_unknown_while_exclusive_members_is() -> None:
    assert undeclared_kept({"undeclared_members": {"@pavel": 10}}, {"exclusive_members": UNKNOWN}) == UNKNOWN


def test_undeclared_kept_of_a_new_chat_is_empty() -> None:
    assert undeclared_kept({}, {"members": {"@anna": 11}}) == {}


@pytest.mark.parametrize(
    ("previous", "actual", "exclusive", "kept"),
    [
        (member(2, TAG_MEMBER), chat(2, TAG_MEMBER), False, (TAG_MEMBER,)),  # a tag keeps them
        (member(2, OWNER), chat(2), False, (OWNER,)),  # the owner never leaves
        (member(2, 3), chat(2, 3), False, ()),  # a plain removal is carried out
        (member(2), chat(2, TAG_MEMBER), True, ()),  # never declared: nothing to explain
        (member(2, TAG_MEMBER), chat(2), False, ()),  # already gone
    ],
    ids=["tag", "owner", "removed", "undeclared", "gone"],
)
def test_plan_members_names_who_stays_though_no_longer_declared(previous: Any, actual: Membership, exclusive: bool,
                                                                kept: tuple[int, ...]) -> None:
    plan = plan_members(member(2), previous, actual, exclusive=exclusive)

    assert plan.kept == kept
    assert TAG_MEMBER not in plan.remove and OWNER not in plan.remove
