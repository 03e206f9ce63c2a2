"""Ownership gaps closed with the real engine: who leaves when `exclusive_members` turns on is named in the
preview, and a person dropped from code after they had left is not removed when they come back by hand."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import FRONT_ENDS, TOKEN_USER, Api, chats_program
from .test_people import shows

pytestmark = pytest.mark.e2e

CHIARA, NATALIA, PAVEL = 3, 4, 10  # seeded users


def _chat(name: str = "Engineering", **people: Any) -> dict[str, Any]:
    return {"eng": {"name": name, **people}}


def _members(api: Api, chat_id: int) -> set[int]:
    return set(api.chat(chat_id)["member_ids"])


def _by_hand(api: Api, chat_id: int, *, add: int | None = None, remove: int | None = None) -> None:
    if add is not None:
        api.http.post(f"chats/{chat_id}/members", json={"member_ids": [add]}).raise_for_status()
    if remove is not None:
        api.http.delete(f"chats/{chat_id}/members/{remove}").raise_for_status()


@pytest.mark.parametrize("how", ["preview --refresh", "refresh, then preview"])
def test_switching_exclusive_on_previews_the_people_who_leave(make_stack, api: Api, how: str) -> None:
    stack = make_stack(_chat(members=["@chiaranielsen"]))
    stack.up()
    chat_id = api.by_name("Engineering")[0]["id"]
    _by_hand(api, chat_id, add=PAVEL)
    assert "~ 1 to update" not in stack.preview(diff=True, color="never", refresh=True).stdout  # tolerated
    stack.set_program(chats_program(_chat(members=["@chiaranielsen"], exclusive_members=True)))
    if how != "preview --refresh":
        stack.refresh()

    preview = stack.preview(diff=True, color="never", refresh=how == "preview --refresh").stdout
    stack.up()

    assert re.search(r"~ exclusive_members\s*: false => true", preview)
    assert shows(preview, "-", "@pavellee", PAVEL)
    assert _members(api, chat_id) == {TOKEN_USER, CHIARA}
    assert "~ 1 to update" not in stack.preview(diff=True, color="never", refresh=True).stdout


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_exclusive_chat_previews_a_person_added_by_hand_leaving(make_stack, api: Api, front_end: str) -> None:
    stack = make_stack(_chat(members=["@chiaranielsen"], exclusive_members=True), front_end=front_end)
    stack.up()
    chat_id = api.by_name("Engineering")[0]["id"]
    _by_hand(api, chat_id, add=PAVEL)

    preview = stack.preview(diff=True, color="never", refresh=True).stdout
    stack.up(refresh=True)

    assert shows(preview, "-", "@pavellee", PAVEL) and not shows(preview, "-", "@chiaranielsen", CHIARA)
    assert _members(api, chat_id) == {TOKEN_USER, CHIARA}


@pytest.mark.parametrize("refresh", [False, True], ids=["then up", "then up --refresh"])
def test_a_person_dropped_from_code_after_leaving_is_tolerated_back(make_stack, api: Api, refresh: bool) -> None:
    stack = make_stack(_chat(members=["@chiaranielsen", "@natalialopez"]))
    stack.up()
    chat_id = api.by_name("Engineering")[0]["id"]
    _by_hand(api, chat_id, remove=CHIARA)
    stack.set_program(chats_program(_chat(members=["@natalialopez"])))
    stack.up(refresh=True)  # Chiara had already left: nothing to remove, but the state learns she is dropped
    _by_hand(api, chat_id, add=CHIARA)
    stack.set_program(chats_program(_chat("Engineering 2", members=["@natalialopez"])))  # so `up` updates

    preview = stack.preview(diff=True, color="never", refresh=refresh).stdout
    stack.up(refresh=refresh)

    assert not shows(preview, "-", "@chiaranielsen", CHIARA)
    assert _members(api, chat_id) == {TOKEN_USER, CHIARA, NATALIA}
    assert api.chat(chat_id)["name"] == "Engineering 2"


def test_a_person_declared_while_present_by_hand_leaves_when_dropped(make_stack, api: Api) -> None:
    stack = make_stack(_chat(members=["@natalialopez"]))
    stack.up()
    chat_id = api.by_name("Engineering")[0]["id"]
    _by_hand(api, chat_id, add=PAVEL)
    stack.set_program(chats_program(_chat(members=["@natalialopez", "@pavellee"])))
    stack.up(refresh=True)  # Pavel is already there: no write, but he is declared now
    stack.set_program(chats_program(_chat(members=["@natalialopez"])))

    preview = stack.preview(diff=True, color="never").stdout
    stack.up()

    assert shows(preview, "-", "@pavellee", PAVEL)
    assert _members(api, chat_id) == {TOKEN_USER, NATALIA}
