"""The API as pachca-sdk 1.6.1 shows it, with the real engine: members the API could not add, and
chat avatars as code (set, change, drift by hand, removal)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pulumi import automation as auto

from .conftest import TOKEN_USER, Api, chats_program

pytestmark = pytest.mark.e2e

PNG_RED = b"\x89PNG\r\n\x1a\n" + b"red" * 20
PNG_BLUE = b"\x89PNG\r\n\x1a\n" + b"blue" * 20
UNKNOWN_USER = 987654
LEAVER = 4  # a seeded user


def _changes(result: auto.UpResult) -> dict[str, int]:
    return {k: v for k, v in (result.summary.resource_changes or {}).items() if k != "same"}


def test_an_unknown_member_id_fails_preview_before_any_write(make_stack, api: Api) -> None:
    stack = make_stack({"eng": {"name": "Engineering", "member_ids": [3, UNKNOWN_USER]}})

    with pytest.raises(auto.CommandError) as failed:
        stack.up()

    message = str(failed.value)
    assert str(UNKNOWN_USER) in message and "chat 'eng'" in message and "Traceback" not in message
    assert api.by_name("Engineering") == []
    assert not [route for route in api.stats()["by_route"] if not route.startswith("GET ")]  # no write


def _leave_on_create(api: Api, user_ids: list[int]) -> None:
    """Staged race: these users pass verification, then leave the workspace as the chat is made."""
    httpx.put(api.server.root_url + "/_emulator/faults", json={"leave_on_create": user_ids}).raise_for_status()


def test_a_member_who_leaves_during_up_is_reported_and_the_chat_stays_tracked(make_stack, api: Api) -> None:
    stack = make_stack({"eng": {"name": "Engineering", "member_ids": [3, LEAVER]}})
    _leave_on_create(api, [LEAVER])

    with pytest.raises(auto.CommandError) as failed:
        stack.up()

    message = str(failed.value)
    assert f"created the chat without members {LEAVER}: no such users" in message
    assert "Traceback" not in message
    chats = api.by_name("Engineering")
    assert len(chats) == 1 and LEAVER not in chats[0]["member_ids"]
    eng, = [r for r in stack.export()["resources"] if r.get("type", "").endswith("pachca:Chat")]
    assert eng["id"] == str(chats[0]["id"])  # tracked: the next up never creates it again
    assert str(LEAVER) not in eng["outputs"]["present_member_ids"]  # state claims no member the chat lacks
    assert eng["outputs"]["missing_member_ids"] == {str(LEAVER): LEAVER}


def test_the_next_up_after_a_member_left_creates_nothing(make_stack, api: Api) -> None:
    stack = make_stack({"eng": {"name": "Engineering", "member_ids": [3, LEAVER]}})
    _leave_on_create(api, [LEAVER])
    with pytest.raises(auto.CommandError):
        stack.up()
    stack.set_program(chats_program({"eng": {"name": "Engineering", "member_ids": [3]}}))

    result = stack.up()

    assert "create" not in _changes(result)
    assert len(api.by_name("Engineering")) == 1
    stack.preview(expect_no_changes=True)


def test_avatar_round_trip(make_stack, api: Api, tmp_path: Path) -> None:
    image = tmp_path / "logo.png"
    image.write_bytes(PNG_RED)
    stack = make_stack({"eng": {"name": "Engineering", "avatar": str(image)}})

    stack.up()
    chat_id = api.by_name("Engineering")[0]["id"]
    first_url = api.chat(chat_id)["avatar_url"]
    assert first_url and api.http.get(first_url).content == PNG_RED

    image.write_bytes(PNG_BLUE)
    preview = stack.preview(diff=True, color="never")
    stack.up()
    assert '~ avatar     : "sha256:' in preview.stdout or "~ avatar: \"sha256:" in preview.stdout
    assert api.http.get(api.chat(chat_id)["avatar_url"]).content == PNG_BLUE

    files = {"image": ("hand.png", PNG_RED, "image/png")}
    api.http.post(f"chats/{chat_id}/avatar", files=files).raise_for_status()
    with pytest.raises(auto.CommandError) as drift:
        stack.preview(refresh=True, expect_no_changes=True, diff=True, color="never")
    assert '"changed by hand" => "sha256:' in str(drift.value)
    stack.up(refresh=True)
    assert api.http.get(api.chat(chat_id)["avatar_url"]).content == PNG_BLUE
    stack.preview(refresh=True, expect_no_changes=True)

    stack.set_program(chats_program({"eng": {"name": "Engineering"}}))
    stack.up()
    assert api.chat(chat_id)["avatar_url"] is None
    assert {TOKEN_USER} <= set(api.chat(chat_id)["member_ids"])


def test_an_avatar_that_is_not_an_image_fails_preview_naming_the_field(make_stack, api: Api, tmp_path: Path) -> None:
    text = tmp_path / "logo.png"
    text.write_text("not an image")
    stack = make_stack({"eng": {"name": "Engineering", "avatar": str(text)}})

    with pytest.raises(auto.CommandError) as failed:
        stack.up()

    assert "avatar" in str(failed.value) and "is not a PNG, JPEG, GIF or WebP image" in str(failed.value)
    assert "Traceback" not in str(failed.value)
    assert api.by_name("Engineering") == []
