"""Roles with the real engine: admins and editors set on `up`, role drift made by hand through the API caught
by `preview --refresh --expect-no-changes` and undone by `up --refresh`, roles dropped with the code that
declared them, the owner's role never touched, and editors only in channels."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import FRONT_ENDS, TOKEN_USER, Api, chats_program
from .test_people import shows

pytestmark = pytest.mark.e2e

TATIANA, CHIARA, NATALIA, NINO = 2, 3, 4, 5  # seeded users


def _channel(**people: Any) -> dict[str, Any]:
    return {"news": {"name": "News", "channel": True, **people}}


def _roles(api: Api, chat_id: int) -> dict[str, set[int]]:
    """The chat's role holders as the emulator lists them (`GET /chats/{id}/members?role=`)."""
    found: dict[str, set[int]] = {}
    for role in ("owner", "admin", "editor"):
        body = api.http.get(f"chats/{chat_id}/members", params={"role": role, "limit": 50}).raise_for_status()
        found[role] = {user["id"] for user in body.json()["data"]}
    return found


def _set_role(api: Api, chat_id: int, user_id: int, role: str) -> None:
    api.http.put(f"chats/{chat_id}/members/{user_id}", json={"role": role}).raise_for_status()


def _role_writes(api: Api) -> int:
    """`PUT /chats/{id}/members/{user_id}` requests the emulator has answered."""
    return sum(n for route, n in api.stats()["by_route"].items() if route.startswith("PUT /chats/{id}/members/"))


def _no_change_expected(stack: Any) -> str | None:
    """The error of `preview --refresh --expect-no-changes`, or None when it passes."""
    try:
        stack.preview(refresh=True, expect_no_changes=True, diff=True, color="never")
    except Exception as exc:  # the Automation API raises CommandError with the engine's output
        return str(exc)
    return None


def test_roles_are_set_on_up(make_stack, api: Api) -> None:
    stack = make_stack(_channel(admins=["@chiaranielsen"], editors=["natalia.lopez@example.com"], members=[TATIANA]))

    stack.up()

    chat, = api.by_name("News")
    assert _roles(api, chat["id"]) == {"owner": {TOKEN_USER}, "admin": {CHIARA}, "editor": {NATALIA}}
    assert set(chat["member_ids"]) == {TOKEN_USER, TATIANA, CHIARA, NATALIA}


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_role_drift_is_caught_by_preview_and_undone_by_up(make_stack, api: Api, front_end: str) -> None:
    stack = make_stack(_channel(admins=["@chiaranielsen"], editors=["natalialopez"]), front_end=front_end)
    stack.up()
    chat_id = api.by_name("News")[0]["id"]
    assert _no_change_expected(stack) is None
    _set_role(api, chat_id, CHIARA, "member")  # by hand: the admin loses the role
    _set_role(api, chat_id, NATALIA, "admin")  # by hand: the editor becomes an admin

    failure = _no_change_expected(stack)
    preview = stack.preview(refresh=True, diff=True, color="never").stdout
    stack.up(refresh=True)

    assert failure is not None and "no changes were expected" in failure
    assert shows(preview, "+", "@chiaranielsen", CHIARA) and shows(preview, "+", "@natalialopez", NATALIA)
    assert _roles(api, chat_id) == {"owner": {TOKEN_USER}, "admin": {CHIARA}, "editor": {NATALIA}}
    assert _no_change_expected(stack) is None


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_roles_are_dropped_when_the_program_no_longer_declares_them(make_stack, api: Api,
                                                                     front_end: str) -> None:
    stack = make_stack(_channel(admins=["@chiaranielsen", "@ninosilva"], editors=["natalialopez"]),
                       front_end=front_end)
    stack.up()
    chat_id = api.by_name("News")[0]["id"]
    stack.set_program(chats_program(_channel(members=["@chiaranielsen", "natalialopez"]), front_end))

    preview = stack.preview(diff=True, color="never").stdout
    stack.up()

    assert shows(preview, "-", "@ninosilva", NINO) and shows(preview, "-", "@chiaranielsen", CHIARA)
    assert _roles(api, chat_id) == {"owner": {TOKEN_USER}, "admin": set(), "editor": set()}
    assert set(api.chat(chat_id)["member_ids"]) == {TOKEN_USER, CHIARA, NATALIA}
    assert _no_change_expected(stack) is None


def test_the_owners_role_is_never_touched(make_stack, api: Api) -> None:
    stack = make_stack(_channel(admins=["@pachca-bot", "@chiaranielsen"], editors=[TOKEN_USER],
                                exclusive_members=True))
    stack.up()
    chat_id = api.by_name("News")[0]["id"]
    stack.set_program(chats_program(_channel(members=["@chiaranielsen"], exclusive_members=True)))
    stack.up()

    assert _roles(api, chat_id) == {"owner": {TOKEN_USER}, "admin": set(), "editor": set()}
    assert _role_writes(api) > 0
    assert not [status for status in api.stats()["by_status"] if status.startswith("4")]  # no 403 owner_protected
    assert _no_change_expected(stack) is None


def test_editors_outside_a_channel_fail_preview_with_no_write(make_stack, api: Api) -> None:
    stack = make_stack({"eng": {"name": "Engineering", "editors": ["@chiaranielsen"]}})

    with pytest.raises(Exception) as info:
        stack.preview()

    message = str(info.value)
    assert "editors: only channels have editors" in message and "channel=True" in message
    assert "Traceback" not in message
    assert api.chats() == []
