"""`plan_chat` from tables: the writes that bring a chat as read to its inputs, and when the chat is
opened and archived around them. Pure: no request is made."""

from __future__ import annotations

from typing import Any

import pytest

from pachca_pulumi.api.models import Chat
from pachca_pulumi.chat.members import MemberPlan
from pachca_pulumi.chat.plan import plan_chat
from pachca_pulumi.chat.schema import ChatInputs

from ..payloads import chat_json

NOTHING = MemberPlan()
ADD_7 = MemberPlan(add=(7,))
ROLE_ONLY = MemberPlan(roles=((186, "admin"),))


def _chat(**fields: Any) -> Chat:
    return Chat.model_validate(chat_json(**fields))


def _inputs(**fields: Any) -> ChatInputs:
    return ChatInputs.model_validate({"name": "🤿 aqua", **fields})


@pytest.mark.parametrize(("chat", "inputs", "people", "edits", "tags", "unarchive", "archive"), [
    # as declared: nothing
    ({}, {}, NOTHING, {}, ((), ()), False, False),
    # spaces the API keeps around a name are no rename
    ({"name": " 🤿 aqua "}, {}, NOTHING, {}, ((), ()), False, False),
    ({"name": "old"}, {}, NOTHING, {"name": "🤿 aqua"}, ((), ()), False, False),
    ({}, {"public": True}, NOTHING, {"public": True}, ((), ()), False, False),
    ({"group_tag_ids": [1, 2]}, {"group_tag_ids": [2, 3]}, NOTHING, {}, ((3,), (1,)), False, False),
    # archiving a chat as it is: one archive, nothing opened
    ({}, {"archived": True}, NOTHING, {}, ((), ()), False, True),
    # an archived chat that stays archived and unchanged is left alone
    ({"archived": True}, {"archived": True}, NOTHING, {}, ((), ()), False, False),
    # ... but one with a change is opened, written and archived again
    ({"archived": True}, {"archived": True}, ADD_7, {}, ((), ()), True, True),
    ({"archived": True}, {"archived": True}, ROLE_ONLY, {}, ((), ()), True, True),
    # bringing a chat back: opened, not archived again
    ({"archived": True}, {}, NOTHING, {}, ((), ()), True, False),
], ids=["same", "spaces", "rename", "public", "tags", "archive", "archived-same", "archived-people",
        "archived-role", "unarchive"])
def test_plan_chat(chat: dict[str, Any], inputs: dict[str, Any], people: MemberPlan, edits: dict[str, Any],
                   tags: tuple[tuple[int, ...], tuple[int, ...]], unarchive: bool, archive: bool) -> None:
    plan = plan_chat(_chat(**chat), _inputs(**inputs), people)

    assert plan.edits.model_dump(exclude_none=True) == edits
    assert (plan.tags_add, plan.tags_remove) == tags
    assert plan.people is people
    assert plan.unarchive_first is unarchive
    assert plan.archive_last(avatar_changed=False) is archive


def test_a_new_avatar_of_an_archived_chat_archives_it_again() -> None:
    plan = plan_chat(_chat(archived=True), _inputs(archived=True), NOTHING)

    assert not plan.writes and plan.archive_last(avatar_changed=True)
