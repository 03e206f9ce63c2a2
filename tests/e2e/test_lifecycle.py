"""`pulumi up`, updates, replacement, removal and destroy with the real engine against the emulator."""

from __future__ import annotations

import pulumi
import pytest

from pachca_pulumi import Chat, GroupTag

from .conftest import FRONT_ENDS, TOKEN_USER, Api

pytestmark = pytest.mark.e2e

TEAM = {
    "eng": {"name": "Engineering", "member_ids": [3, 4]},
    "news": {"name": "Announcements", "channel": True, "public": True},
    "design": {"name": "Design", "member_ids": [6, 7], "group_tag_ids": [9102]},
}


def _changes(result) -> dict[str, int]:
    return {k: v for k, v in (result.summary.resource_changes or {}).items() if k != "same"}


def test_up_creates_each_chat_once_and_second_up_changes_nothing(make_stack, api: Api) -> None:
    stack = make_stack(TEAM)

    first = stack.up()
    second = stack.up()

    assert _changes(first) == {"create": 4}
    assert _changes(second) == {}
    eng, = api.by_name("Engineering")
    assert {3, 4, TOKEN_USER} <= set(eng["member_ids"]) and eng["owner_id"] == TOKEN_USER
    news, = api.by_name("Announcements")
    assert news["channel"] and news["public"]
    design, = api.by_name("Design")
    assert design["group_tag_ids"] == [9102]
    assert stack.outputs() == {}


def test_changes_update_in_place_and_preview_shows_them(make_stack, api: Api) -> None:
    stack = make_stack(TEAM)
    stack.up()
    eng_id = api.by_name("Engineering")[0]["id"]
    changed = {**TEAM, "eng": {"name": "Platform", "member_ids": [3, 5], "group_tag_ids": [9107], "public": True}}
    stack.set_program(_program(changed))

    preview = stack.preview(diff=True, color="never")
    result = stack.up()

    assert _changes(result) == {"update": 1}
    assert '"Engineering" => "Platform"' in preview.stdout
    chat = api.chat(eng_id)
    assert chat["name"] == "Platform" and chat["public"] is True
    assert chat["group_tag_ids"] == [9107]
    assert {3, 5} <= set(chat["member_ids"]) and 4 not in chat["member_ids"]  # declared before, no longer
    assert api.by_name("Engineering") == []


def test_channel_change_replaces_and_archives_the_old_chat(make_stack, api: Api) -> None:
    stack = make_stack({"news": TEAM["news"]})
    stack.up()
    old_id = api.by_name("Announcements")[0]["id"]
    stack.set_program(_program({"news": {**TEAM["news"], "channel": False}}))

    result = stack.up()

    assert _changes(result) == {"replace": 1}
    chats = api.by_name("Announcements")
    assert len(chats) == 2
    old, = [c for c in chats if c["id"] == old_id]
    new, = [c for c in chats if c["id"] != old_id]
    assert old["archived"] and old["channel"]
    assert not new["archived"] and not new["channel"]


def test_removing_a_chat_from_the_program_archives_it(make_stack, api: Api) -> None:
    stack = make_stack(TEAM)
    stack.up()
    stack.set_program(_program({k: v for k, v in TEAM.items() if k != "design"}))

    result = stack.up()

    assert _changes(result) == {"delete": 1}
    design, = api.by_name("Design")
    assert design["archived"] is True
    assert not api.by_name("Engineering")[0]["archived"]


def test_destroy_archives_every_chat_and_deletes_none(make_stack, api: Api) -> None:
    stack = make_stack(TEAM)
    stack.up()

    stack.destroy()

    chats = api.chats()
    assert sorted(c["name"] for c in chats) == ["Announcements", "Design", "Engineering"]
    assert all(c["archived"] for c in chats)


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_destroy_says_which_chat_was_archived_and_which_tag_deleted_for_good(make_stack, api: Api,
                                                                               front_end: str) -> None:
    """The engine says "deleted" for both; each resource's own line tells archiving from deleting."""
    stack = make_stack({}, front_end=front_end)

    def program() -> None:
        if front_end == "native":
            tag = pulumi.CustomResource("pachca:index:GroupTag", "sre", {"name": "SRE team", "members": [3]})
            pulumi.CustomResource("pachca:index:Chat", "eng", {"name": "Engineering", "groupTagIds": [tag.id]})
        else:
            tag = GroupTag("sre", name="SRE team", members=[3])
            Chat("eng", name="Engineering", group_tag_ids=[tag.id])

    stack.set_program(program)
    stack.up()
    chat_id, tag_id = api.by_name("Engineering")[0]["id"], api.by_name("Engineering")[0]["group_tag_ids"][0]
    printed: list[str] = []

    stack.destroy(on_output=printed.append)

    text = " ".join("\n".join(printed).split())
    assert f"chat 'eng': archived chat {chat_id} (Pachca cannot delete chats" in text, text
    assert f"group tag 'sre': deleted group tag {tag_id} for good" in text, text
    assert "warning" not in text.lower() and api.chat(chat_id)["archived"]


def _program(specs):
    from .conftest import chats_program

    return chats_program(specs)
