"""People by reference with the real engine: ownership in every mode, the preview text reviewers read,
verification before any write, Outputs as members, one chat per resource."""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pytest

from pachca_pulumi import Chat

from .conftest import FRONT_ENDS, TOKEN_USER, Api, chats_program

pytestmark = pytest.mark.e2e

TATIANA, CHIARA, NATALIA, NINO, SOFIA, PAVEL = 2, 3, 4, 5, 9, 10  # seeded users


def _members(api: Api, name: str) -> set[int]:
    chat, = api.by_name(name)
    return set(chat["member_ids"])


def _writes(api: Api) -> int:
    """Requests other than GETs the emulator has answered."""
    return sum(count for route, count in api.stats()["by_route"].items() if not route.startswith("GET"))


def shows(preview: str, sign: str, key: str, uid: int) -> bool:
    """True when `pulumi preview --diff` lists `key: uid` with this sign (the engine pads keys)."""
    return re.search(rf"^\s*{re.escape(sign)} {re.escape(key)}\s*: {uid}$", preview, re.MULTILINE) is not None


def _chat(**people: Any) -> dict[str, Any]:
    return {"eng": {"name": "Engineering", **people}}


def test_preview_shows_people_added_and_removed_by_reference(make_stack, api: Api) -> None:
    stack = make_stack(_chat(members=["tatiana.moreau@example.com", "@chiaranielsen", "natalialopez"]))
    stack.up()
    people = ["tatiana.moreau@example.com", "natalialopez", "pavel.lee@example.com"]
    stack.set_program(chats_program(_chat(members=people)))

    preview = stack.preview(diff=True, color="never").stdout

    assert shows(preview, "-", "@chiaranielsen", CHIARA)
    assert shows(preview, "+", "pavel.lee@example.com", PAVEL)
    assert "[1]" not in preview  # never list positions
    assert "Chat::eng]" in preview


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_preview_names_who_a_tag_keeps_when_the_program_removes_them(make_stack, api: Api, front_end: str) -> None:
    design, camille = 9102, 7  # the seeded Design tag holds user 7
    stack = make_stack(_chat(member_ids=[TATIANA, camille], group_tag_ids=[design]), front_end=front_end)
    stack.up()
    stack.set_program(chats_program(_chat(member_ids=[TATIANA], group_tag_ids=[design]), front_end))

    shown = stack.preview(diff=True, color="never")
    preview = shown.stdout + shown.stderr  # `preview --diff` prints the provider's warnings on stderr
    stack.up()
    again = stack.preview(diff=True, color="never")
    after = again.stdout + again.stderr

    nickname = api.http.get(f"users/{camille}").json()["data"]["nickname"]
    assert (f"chat 'eng': {camille} (@{nickname}) is no longer declared but stays in the chat: the group tag "
            f"'Design' ({design}) keeps them") in " ".join(preview.split()), preview
    assert shows(shown.stdout, "-", str(camille), camille)  # the declaration leaves, as the program says
    assert camille in _members(api, "Engineering")  # `up` agreed: the server kept them
    assert "stays in the chat" not in after


@pytest.mark.parametrize("front_end", FRONT_ENDS)
@pytest.mark.parametrize("exclusive", [False, True], ids=["default", "exclusive"])
def test_preview_and_up_agree_on_who_leaves(make_stack, api: Api, exclusive: bool, front_end: str) -> None:
    stack = make_stack(_chat(member_ids=[TATIANA, CHIARA, NATALIA], exclusive_members=exclusive), front_end=front_end)
    stack.up()
    chat_id = api.by_name("Engineering")[0]["id"]
    api.http.post(f"chats/{chat_id}/members", json={"member_ids": [PAVEL]}).raise_for_status()  # by hand
    stack.set_program(chats_program(_chat(member_ids=[TATIANA, NATALIA, NINO, SOFIA], exclusive_members=exclusive),
                                    front_end))

    preview = stack.preview(diff=True, color="never", refresh=True).stdout
    stack.up(refresh=True)

    assert shows(preview, "-", "3", CHIARA) and shows(preview, "+", "5", NINO) and shows(preview, "+", "9", SOFIA)
    assert shows(preview, "-", "@pavellee", PAVEL) is exclusive  # undeclared_members, named by nickname
    expected = {TOKEN_USER, TATIANA, NATALIA, NINO, SOFIA} | (set() if exclusive else {PAVEL})
    assert _members(api, "Engineering") == expected
    assert "~ 1 to update" not in stack.preview(diff=True, color="never", refresh=True).stdout


def test_unknown_reference_fails_preview_with_a_suggestion_and_no_write(make_stack, api: Api) -> None:
    stack = make_stack(_chat(members=["tatiana.moreau@example.con"]))
    before = _writes(api)

    with pytest.raises(Exception) as info:
        stack.up()

    message = str(info.value)
    assert "tatiana.moreau@example.con is not a user of this workspace" in message
    assert "did you mean tatiana.moreau@example.com?" in message
    assert "Traceback" not in message
    assert _writes(api) == before and api.chats() == []


def test_unknown_tag_and_adopt_id_fail_preview_and_name_the_chat(make_stack, api: Api) -> None:
    stack = make_stack({"eng": {"name": "Engineering", "group_tag_ids": [4242], "adopt_id": 99999}})

    with pytest.raises(Exception) as info:
        stack.preview()

    assert "group tag 4242 does not exist" in str(info.value)
    assert "adopt_id 99999: no such chat" in str(info.value)
    assert "'eng'" in str(info.value)


def test_outputs_of_another_chat_as_members_and_adopt_id_preview_as_computed(make_stack, api: Api) -> None:
    def program() -> None:
        first = Chat("first", name="First", members=["@ninosilva"])
        Chat("second", name="Second", member_ids=[NINO, first.owner_id])
        Chat("third", name="Third", members=[first.owner_id.apply(str), "@sofiakozlova"])
        pulumi.export("first_id", first.id)

    stack = make_stack({})
    stack.set_program(program)

    preview = stack.preview(diff=True, color="never").stdout
    stack.up()

    assert re.search(r"member_ids\s*: \[unknown\]", preview) and re.search(r"members\s*: \[unknown\]", preview)
    assert _members(api, "Second") == {TOKEN_USER, NINO}
    assert _members(api, "Third") == {TOKEN_USER, SOFIA}


def test_adopting_by_another_chats_string_id_works(make_stack, api: Api) -> None:
    stack = make_stack(_chat(members=["@ninosilva"]))
    stack.up()
    chat_id = str(api.by_name("Engineering")[0]["id"])
    stack2 = make_stack({"again": {"name": "Engineering 2", "adopt_id": chat_id}}, name="other")

    stack2.up()

    assert api.chat(chat_id)["name"] == "Engineering 2"


def test_two_resources_adopting_one_chat_fail_naming_both_with_no_write(make_stack, api: Api) -> None:
    api.http.post("chats", json={"chat": {"name": "Shared"}}).raise_for_status()
    chat_id = api.by_name("Shared")[0]["id"]
    stack = make_stack({"a": {"name": "Alpha", "adopt_id": chat_id}, "b": {"name": "Beta", "adopt_id": chat_id}})
    before = _writes(api)

    with pytest.raises(Exception) as info:
        stack.preview()

    assert "'a'" in str(info.value) and "'b'" in str(info.value) and "one chat has one owner" in str(info.value)
    assert _writes(api) == before
    assert api.chat(chat_id)["name"] == "Shared"


def test_wrong_token_fails_preview_in_one_readable_line(make_stack, api: Api) -> None:
    stack = make_stack(_chat(members=["@ninosilva"]))
    stack.configure(token="not-a-valid-token")

    with pytest.raises(Exception) as info:
        stack.preview()

    message = str(info.value)
    assert "HTTP 401" in message and "pachca:token" in message
    assert "Traceback" not in message and "not-a-valid-token" not in message


POSITION = re.compile(r"^\s*[-+~]?\s*\[\d+\]:", re.MULTILINE)  # the engine's `[2]: 3 => 5` list lines


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_refresh_output_names_people_by_id_never_by_position(make_stack, api: Api, front_end: str) -> None:
    stack = make_stack(_chat(member_ids=[TATIANA, CHIARA, NATALIA]), front_end=front_end)
    stack.up()
    chat, = api.by_name("Engineering")
    api.http.delete(f"chats/{chat['id']}/members/{CHIARA}").raise_for_status()  # shifts everyone after 3
    api.http.post(f"chats/{chat['id']}/members", json={"member_ids": [50]}).raise_for_status()

    preview = stack.preview(refresh=True, diff=True, color="never").stdout
    applied = stack.up(refresh=True, diff=True, color="never").stdout

    for shown in (preview, applied):
        assert POSITION.search(shown) is None, shown
    outputs = "presentMemberIds" if front_end == "native" else "present_member_ids"
    assert outputs in preview, preview  # the refreshed outputs are shown, keyed by id
    assert shows(preview, "+", "50", 50) or shows(preview, "+", '"50"', 50), preview
