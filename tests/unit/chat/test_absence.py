"""Refresh drops a chat only on proof of absence (`chat/absence.py`): the pure rule, then the
provider's read against a respx-mocked API where the chat is hidden from the token."""

from __future__ import annotations

from typing import Any

import pytest
import respx

from pachca_pulumi.chat.absence import Proof, judge, readers, unproven_message
from pachca_pulumi.chat.provider import ChatError, ChatProvider
from pachca_pulumi.chat.state import CHAT_STATE
from pachca_pulumi.kit.schema import id_map

from ..payloads import chat_json, not_found
from .test_provider import CHAT_ID, OWNER, TOKEN_USER, api, page, provider, requests_made, stored, token

__all__ = ["api", "provider", "token"]  # fixtures shared with test_provider.py

COMPANY = ("GET", "/company/chats")
FORBIDDEN = {"error": "insufficient_scope", "error_description": "not for this token"}


# The rule


@pytest.mark.parametrize(("status", "outputs", "user", "proof"), [
    (404, {"owner_id": 7, "present_member_ids": [7, 8]}, 7, Proof.GONE),
    (404, {"owner_id": 7, "present_member_ids": [7, 8]}, 8, Proof.LISTING_OR_GONE),
    (404, {"owner_id": 7, "present_member_ids": [7, 8], "token_user_id": 9}, 9, Proof.LISTING_OR_FAIL),
    (403, {"owner_id": 7, "present_member_ids": [7, 8]}, 7, Proof.LISTING_OR_FAIL),
    (404, {}, 7, Proof.LISTING_OR_FAIL),
])
def test_absence_judge_proves_a_chat_gone_only_for_its_owner_or_members(
    status: int, outputs: dict[str, Any], user: int, proof: Proof
) -> None:
    assert judge(status, outputs, user) is proof


def test_absence_readers_of_a_state_before_present_member_ids_are_its_member_ids_list() -> None:
    old = {"owner_id": 7.0, "member_ids": [7.0, 8.0], "declared_member_ids": [8.0]}
    assert readers(CHAT_STATE.loaded(old)) == {7, 8}  # hooks read state loaded, older shapes upgraded


def test_absence_readers_of_declared_people_maps_are_only_the_owner() -> None:
    assert readers({"owner_id": 7, "member_ids": {"8": 8}}) == {7}


def test_absence_unproven_message_names_the_token_change_and_the_fix_in_one_line() -> None:
    message = unproven_message(1001, 404, {"owner_id": 1, "present_member_ids": [1], "token_user_id": 1}, 3)

    assert "\n" not in message
    assert "answered 404 to the token of user 3, which is neither its owner nor a member" in message
    assert "(user 1 then, user 3 now)" in message and "`pulumi refresh --run-program`" in message


# The provider's read


def _hidden(api: respx.MockRouter, status: int = 404, listed: list[dict[str, Any]] | None = None) -> None:
    """The chat is not in the token's listing and its read answers `status`; the company listing
    holds `listed` (None: the token may not list it)."""
    api.get("/chats").mock(return_value=page([]))
    body = not_found("id", CHAT_ID) if status == 404 else FORBIDDEN
    api.get(f"/chats/{CHAT_ID}").respond(status, json=body)
    if listed is None:
        api.get("/company/chats").respond(403, json=FORBIDDEN)
    else:
        api.get("/company/chats").mock(return_value=page(listed))


def test_provider_read_404_for_the_chats_owner_drops_it_without_the_company_listing(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    _hidden(api, listed=[chat_json(CHAT_ID)])

    assert provider.read(str(CHAT_ID), stored(owner_id=TOKEN_USER)).id is None
    assert COMPANY not in requests_made(api)


def test_provider_read_404_for_the_user_that_found_it_through_the_company_listing_keeps_it(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    _hidden(api, listed=[chat_json(CHAT_ID, name="still here")])

    result = provider.read(str(CHAT_ID), stored(token_user_id=TOKEN_USER))  # the same user, not a member

    assert result.id == str(CHAT_ID) and result.outs["name"] == "still here"
    assert result.outs["present_member_ids"] == id_map([OWNER, 186, 187])


def test_provider_read_404_for_a_non_member_is_proof_once_the_company_listing_lacks_it(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    _hidden(api, listed=[chat_json(CHAT_ID + 1)])

    assert provider.read(str(CHAT_ID), stored(token_user_id=TOKEN_USER + 1)).id is None


def test_provider_read_404_for_a_non_member_without_company_access_fails_naming_the_change(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    _hidden(api)

    with pytest.raises(ChatError, match=r"\(user 101 then, user 100 now\)") as failure:
        provider.read(str(CHAT_ID), stored(token_user_id=TOKEN_USER + 1))
    assert "\n" not in str(failure.value) and f"(id {CHAT_ID})" in str(failure.value)


def test_provider_read_404_for_a_member_without_company_access_drops_the_chat(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    _hidden(api)

    assert provider.read(str(CHAT_ID), stored(present_member_ids=[OWNER, TOKEN_USER])).id is None


def test_provider_read_403_for_the_owner_is_no_proof_and_the_company_listing_decides(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    _hidden(api, status=403, listed=[chat_json(CHAT_ID, owner_id=TOKEN_USER)])

    assert provider.read(str(CHAT_ID), stored(owner_id=TOKEN_USER)).id == str(CHAT_ID)


def test_provider_read_403_without_company_access_fails_instead_of_dropping(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    _hidden(api, status=403)

    with pytest.raises(ChatError, match="a 403 does not say the chat is gone"):
        provider.read(str(CHAT_ID), stored(owner_id=TOKEN_USER))


def test_provider_read_of_several_hidden_chats_lists_the_company_once_per_activity(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    _hidden(api, listed=[chat_json(CHAT_ID), chat_json(CHAT_ID + 1)])
    api.get(f"/chats/{CHAT_ID + 1}").respond(404, json=not_found("id", CHAT_ID + 1))

    provider.read(str(CHAT_ID), stored())
    provider.read(str(CHAT_ID + 1), stored(id=CHAT_ID + 1))

    assert requests_made(api).count(COMPANY) == 2  # active, then archived


def test_provider_read_of_a_chat_found_only_in_the_company_listing_keeps_the_roles_of_the_last_read(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    _hidden(api, listed=[chat_json(CHAT_ID)])
    api.get(f"/chats/{CHAT_ID}/members").respond(404, json=not_found("id", CHAT_ID))
    outputs = stored(admins={"186": 186}, admin_ids=[186])

    assert provider.read(str(CHAT_ID), outputs).outs["admin_ids"] == id_map([186])
