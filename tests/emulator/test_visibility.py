"""Hidden private chats (the ``hide_private`` switch, the emulator's invention): outsiders' tokens meet
404 or 403 on every route of a private chat, members and its owner do not, public chats stay open, and
the company-wide listing still shows every chat to owner and admin tokens. Answers match the spec."""

from __future__ import annotations

import pytest

from pachca_pulumi.emulator import Faults
from tests.emulator.emulator_support import BOT_TOKEN, SECOND_TOKEN, THIRD_TOKEN, create_chat
from tests.emulator.spec_check import SpecRecorder

OUTSIDER_ROUTES = [("GET", ""), ("PUT", ""), ("PUT", "/archive"), ("GET", "/members"), ("POST", "/members"),
                   ("DELETE", "/members/3"), ("POST", "/group_tags")]
BODIES = {("PUT", ""): {"chat": {"name": "x"}}, ("POST", "/members"): {"member_ids": [5]},
          ("POST", "/group_tags"): {"group_tag_ids": [1]}}


@pytest.fixture
def private_chat(emulator, api) -> int:
    """A private chat of user 1 with user 3 in it (user 2, an admin, and user 122 are not)."""
    return int(create_chat(api, "Board", member_ids=[3])["id"])


@pytest.mark.parametrize("status", [404, 403])
@pytest.mark.parametrize(("method", "suffix"), OUTSIDER_ROUTES)
def test_visibility_hides_a_private_chat_from_an_outsider_on_every_chat_route(
    emulator, private_chat, status, method, suffix
) -> None:
    emulator.faults.configure(hide_private=status)
    outsider = emulator.client(SECOND_TOKEN)

    response = outsider.request(method, f"/chats/{private_chat}{suffix}", json=BODIES.get((method, suffix)))

    assert response.status_code == status
    body = response.json()
    if status == 404:
        assert body["errors"][0]["code"] == "not_found" and body["errors"][0]["key"] == "id"
    else:
        assert body["error"] == "forbidden" and body["error_description"]


@pytest.mark.parametrize("token", [None, THIRD_TOKEN])  # the owner (the first token), a member
def test_visibility_lets_the_owner_and_members_read_a_private_chat(emulator, private_chat, token) -> None:
    emulator.faults.configure(hide_private=404)
    client = emulator.client() if token is None else emulator.client(token)

    assert client.get(f"/chats/{private_chat}").json()["data"]["name"] == "Board"


def test_visibility_leaves_public_chats_open_to_every_token(emulator, api) -> None:
    emulator.faults.configure(hide_private=403)
    public = create_chat(api, "Town hall", public=True)

    assert emulator.client(BOT_TOKEN).get(f"/chats/{public['id']}").status_code == 200


def test_visibility_keeps_the_company_listing_complete_for_admins(emulator, private_chat) -> None:
    emulator.faults.configure(hide_private=404)

    listed = emulator.client(SECOND_TOKEN).get("/company/chats").json()["data"]

    assert private_chat in [chat["id"] for chat in listed]


def test_visibility_answers_a_missing_chat_with_its_usual_404_in_403_mode(emulator) -> None:
    emulator.faults.configure(hide_private=403)

    assert emulator.client(SECOND_TOKEN).get("/chats/999999").status_code == 404


def test_visibility_is_off_by_default(emulator, private_chat) -> None:
    assert emulator.client(BOT_TOKEN).get(f"/chats/{private_chat}").status_code == 200


def test_visibility_answers_match_the_spec(emulator, private_chat, openapi_spec) -> None:
    recorder = SpecRecorder(emulator.new_transport(), openapi_spec.get())
    outsider = emulator.client(SECOND_TOKEN, transport=recorder)
    for status in (404, 403):
        emulator.faults.configure(hide_private=status)
        for method, suffix in OUTSIDER_ROUTES:
            assert outsider.request(method, f"/chats/{private_chat}{suffix}",
                                    json=BODIES.get((method, suffix))).status_code == status

    recorder.assert_clean()


@pytest.mark.parametrize("value", [200, "404", True])
def test_visibility_switch_accepts_only_404_403_or_null(value) -> None:
    with pytest.raises(ValueError, match="hide_private must be null or one of: 404, 403"):
        Faults(hide_private=value)
