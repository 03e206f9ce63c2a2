"""The API as pachca-sdk 1.6.1 shows it, with the real engine: members the API could not add, and
chat avatars as code (set, change, drift by hand, removal)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi import automation as auto

from .conftest import TOKEN_USER, Api, chats_program

pytestmark = pytest.mark.e2e

PNG_RED = b"\x89PNG\r\n\x1a\n" + b"red" * 20
PNG_BLUE = b"\x89PNG\r\n\x1a\n" + b"blue" * 20
UNKNOWN_USER = 987654


def _changes(result: auto.UpResult) -> dict[str, int]:
    return {k: v for k, v in (result.summary.resource_changes or {}).items() if k != "same"}


def test_a_chat_created_without_an_unknown_member_is_tracked_and_the_run_fails(make_stack, api: Api) -> None:
    stack = make_stack({"eng": {"name": "Engineering", "member_ids": [3, UNKNOWN_USER]}})

    with pytest.raises(auto.CommandError) as failed:
        stack.up()

    message = str(failed.value)
    assert f"created the chat without members {UNKNOWN_USER}: no such users" in message
    assert "Traceback" not in message
    chats = api.by_name("Engineering")
    assert len(chats) == 1 and UNKNOWN_USER not in chats[0]["member_ids"]
    eng, = [r for r in stack.export()["resources"] if r.get("type", "").endswith("pachca:Chat")]
    assert eng["id"] == str(chats[0]["id"])  # tracked: the next up never creates it again
    assert UNKNOWN_USER not in eng["outputs"]["member_ids"]  # state claims no member the chat lacks
    assert eng["outputs"]["missing_member_ids"] == [UNKNOWN_USER]


def test_the_next_up_after_a_missing_member_creates_nothing(make_stack, api: Api) -> None:
    stack = make_stack({"eng": {"name": "Engineering", "member_ids": [3, UNKNOWN_USER]}})
    with pytest.raises(auto.CommandError):
        stack.up()
    stack.set_program(chats_program({"eng": {"name": "Engineering", "member_ids": [3]}}))

    result = stack.up()

    assert _changes(result) == {}
    assert len(api.by_name("Engineering")) == 1


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
