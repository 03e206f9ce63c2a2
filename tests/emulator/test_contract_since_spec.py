"""Behaviour the API gained since openapi.yaml (as the SDK shows it), member roles, token info, search."""

from __future__ import annotations

import httpx
import pytest

from tests.emulator.emulator_support import (
    SECOND_TOKEN,
    THIRD_TOKEN,
    create_chat,
    error_codes,
    png,
    post_message,
    upload_avatar,
)


def member_ids(api: httpx.Client, chat_id: int, role: str) -> list[int]:
    return [u["id"] for u in api.get(f"/chats/{chat_id}/members", params={"role": role}).json()["data"]]


# ----- avatars -------------------------------------------------------------------------------
def test_avatar_upload_serves_the_bytes_at_the_returned_url(emulator, api):
    chat = create_chat(api)
    image = png(2, 2)
    response = upload_avatar(api, chat["id"], image)
    url = response.json()["data"]["image_url"]
    assert response.status_code == 200 and url.startswith(emulator.root_url + "/uploads/chat_avatars/")
    served = emulator.control().get(url)
    assert (served.status_code, served.headers["Content-Type"], served.content) == (200, "image/png", image)


def test_avatar_upload_sets_the_chat_avatar_url(api):
    chat = create_chat(api)
    url = upload_avatar(api, chat["id"], png()).json()["data"]["image_url"]
    assert api.get(f"/chats/{chat['id']}").json()["data"]["avatar_url"] == url
    assert chat["avatar_url"] is None


def test_avatar_each_upload_gets_a_new_url_and_the_old_one_is_gone(emulator, api):
    chat = create_chat(api)
    first = upload_avatar(api, chat["id"], png()).json()["data"]["image_url"]
    second = upload_avatar(api, chat["id"], png()).json()["data"]["image_url"]
    assert first != second
    assert emulator.control().get(first).status_code == 404


def test_avatar_octet_stream_upload_is_recognised_by_its_bytes(api):
    chat = create_chat(api)
    response = upload_avatar(api, chat["id"], png(), "application/octet-stream")
    assert response.json()["data"]["image_url"].endswith(".png")


def test_avatar_delete_clears_the_url_and_the_file(emulator, api):
    chat = create_chat(api)
    url = upload_avatar(api, chat["id"], png()).json()["data"]["image_url"]
    assert api.delete(f"/chats/{chat['id']}/avatar").status_code == 204
    assert api.get(f"/chats/{chat['id']}").json()["data"]["avatar_url"] is None
    assert emulator.control().get(url).status_code == 404


def test_avatar_delete_without_avatar_is_204(api):
    assert api.delete(f"/chats/{create_chat(api)['id']}/avatar").status_code == 204


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(b"plain words", "text/plain"), (b"plain words", "application/octet-stream"), (b"", "image/png")],
)
def test_avatar_not_an_image_is_422_invalid(api, data, content_type):
    response = upload_avatar(api, create_chat(api)["id"], data, content_type)
    assert (response.status_code, error_codes(response)) == (422, [("image", "invalid")])


def test_avatar_image_bytes_declared_as_text_is_422_invalid(api):
    response = upload_avatar(api, create_chat(api)["id"], png(), "text/plain")
    assert (response.status_code, error_codes(response)) == (422, [("image", "invalid")])


def test_avatar_over_one_mebibyte_is_422_too_long(api):
    big = png() + b"\0" * (1024 * 1024)
    response = upload_avatar(api, create_chat(api)["id"], big)
    assert (response.status_code, error_codes(response)) == (422, [("image", "too_long")])


@pytest.mark.parametrize(
    "request_kwargs", [{"files": {"picture": ("a.png", png(), "image/png")}}, {"json": {}}]
)
def test_avatar_without_image_field_is_422_required(api, request_kwargs):
    response = api.post(f"/chats/{create_chat(api)['id']}/avatar", **request_kwargs)
    assert (response.status_code, error_codes(response)) == (422, [("image", "required")])


def test_avatar_of_personal_chat_is_422_personal_chat(api):
    chat_id = post_message(api, 7, entity_type="user")["chat_id"]
    response = upload_avatar(api, chat_id, png())
    assert (response.status_code, error_codes(response)) == (422, [("id", "personal_chat")])


def test_avatar_of_unknown_chat_is_404(api):
    assert upload_avatar(api, 424242, png()).status_code == 404
    assert api.delete("/chats/424242/avatar").status_code == 404


def test_avatar_uploads_route_refuses_other_methods(emulator, api):
    url = upload_avatar(api, create_chat(api)["id"], png()).json()["data"]["image_url"]
    assert emulator.control().delete(url).status_code == 405


# ----- company chats -------------------------------------------------------------------------
def test_company_chats_lists_chats_the_token_user_is_not_in(emulator, api):
    theirs = create_chat(emulator.client(token=SECOND_TOKEN), "Not yours")
    assert theirs["id"] not in [c["id"] for c in api.get("/chats").json()["data"]]
    assert theirs["id"] in [c["id"] for c in api.get("/company/chats").json()["data"]]


def test_company_chats_activity_filters_and_default_lists_both(api):
    active, archived = create_chat(api, "Active"), create_chat(api, "Archived")
    api.put(f"/chats/{archived['id']}/archive")

    def ids(**params: str) -> set[int]:
        return {c["id"] for c in api.get("/company/chats", params=params).json()["data"]}

    assert (ids(activity="active"), ids(activity="archived")) == ({active["id"]}, {archived["id"]})
    assert ids() == {active["id"], archived["id"]}


def test_company_chats_leave_out_personal_chats_and_order_by_id_desc(api):
    post_message(api, 7, entity_type="user")
    chats = [create_chat(api, f"chat {n}")["id"] for n in range(3)]
    assert [c["id"] for c in api.get("/company/chats").json()["data"]] == chats[::-1]


def test_company_chats_pages(api):
    for number in range(5):
        create_chat(api, f"chat {number}")
    first = api.get("/company/chats", params={"limit": 2}).json()
    cursor = first["meta"]["paginate"]["next_page"]
    second = api.get("/company/chats", params={"limit": 2, "cursor": cursor}).json()
    assert (
        len({c["id"] for c in first["data"] + second["data"]}) == 4 and first["meta"]["paginate"]["has_next"]
    )


def test_company_chats_non_admin_token_is_403_insufficient_scope(emulator):
    response = emulator.client(token=THIRD_TOKEN).get("/company/chats")
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope" and "company_chats:read" in response.text


def test_company_chats_unknown_activity_is_400(api):
    response = api.get("/company/chats", params={"activity": "deleted"})
    assert (response.status_code, error_codes(response)) == (400, [("activity", "invalid")])


# ----- member roles --------------------------------------------------------------------------
def test_member_role_admin_is_listed_by_the_admin_filter(api):
    chat = create_chat(api, member_ids=[3, 4])
    assert api.put(f"/chats/{chat['id']}/members/3", json={"role": "admin"}).status_code == 204
    assert member_ids(api, chat["id"], "admin") == [3]
    assert member_ids(api, chat["id"], "member") == [4]
    assert member_ids(api, chat["id"], "owner") == [1]


def test_member_role_member_takes_the_role_back(api):
    chat = create_chat(api, member_ids=[3])
    api.put(f"/chats/{chat['id']}/members/3", json={"role": "admin"})
    api.put(f"/chats/{chat['id']}/members/3", json={"role": "member"})
    assert (member_ids(api, chat["id"], "admin"), member_ids(api, chat["id"], "member")) == ([], [3])


def test_member_role_editor_in_a_channel(api):
    channel = create_chat(api, member_ids=[3], channel=True)
    assert api.put(f"/chats/{channel['id']}/members/3", json={"role": "editor"}).status_code == 204
    assert member_ids(api, channel["id"], "editor") == [3]


def test_member_role_editor_outside_channels_is_422_not_applicable(api):
    chat = create_chat(api, member_ids=[3])
    response = api.put(f"/chats/{chat['id']}/members/3", json={"role": "editor"})
    assert (response.status_code, error_codes(response)) == (422, [("role", "not_applicable")])


def test_member_role_of_the_owner_is_403_owner_protected(api):
    chat = create_chat(api)
    response = api.put(f"/chats/{chat['id']}/members/1", json={"role": "member"})
    assert (response.status_code, response.json()["error"]) == (403, "owner_protected")


def test_member_role_of_a_non_member_is_404(api):
    chat = create_chat(api)
    response = api.put(f"/chats/{chat['id']}/members/3", json={"role": "admin"})
    assert (response.status_code, error_codes(response)) == (404, [("user_id", "not_found")])


@pytest.mark.parametrize(("body", "code"), [({"role": "boss"}, "invalid"), ({}, "required")])
def test_member_role_bad_body_is_400(api, body, code):
    chat = create_chat(api, member_ids=[3])
    response = api.put(f"/chats/{chat['id']}/members/3", json=body)
    assert (response.status_code, error_codes(response)) == (400, [("role", code)])


def test_member_role_in_personal_chat_is_422_personal_chat(api):
    chat_id = post_message(api, 7, entity_type="user")["chat_id"]
    response = api.put(f"/chats/{chat_id}/members/7", json={"role": "admin"})
    assert (response.status_code, error_codes(response)) == (422, [("role", "personal_chat")])


def test_member_role_ends_when_the_member_leaves(api):
    chat = create_chat(api, member_ids=[3])
    api.put(f"/chats/{chat['id']}/members/3", json={"role": "admin"})
    api.delete(f"/chats/{chat['id']}/members/3")
    api.post(f"/chats/{chat['id']}/members", json={"member_ids": [3]})
    assert member_ids(api, chat["id"], "admin") == []


def test_member_role_unknown_role_filter_is_400(api):
    response = api.get(f"/chats/{create_chat(api)['id']}/members", params={"role": "boss"})
    assert response.status_code == 400


# ----- token info ----------------------------------------------------------------------------
def test_token_info_describes_the_token_and_its_user(api):
    info = api.get("/oauth/token/info").json()["data"]
    assert (info["id"], info["user_id"], info["name"]) == (1, 1, None)  # user 1 is a bot
    assert info["token"] == "te...en" and "test-token" not in str(info)
    assert "company_chats:read" in info["scopes"] and "chats:create" in info["scopes"]
    assert (info["revoked_at"], info["expires_in"]) == (None, None)
    assert info["last_used_at"] is not None


def test_token_info_of_a_regular_user_lacks_company_scope(emulator):
    info = emulator.client(token=THIRD_TOKEN).get("/oauth/token/info").json()["data"]
    assert (info["id"], info["user_id"], info["name"]) == (3, 3, "Emulator token 3")
    assert "company_chats:read" not in info["scopes"] and "chat_members:write" in info["scopes"]


def test_token_info_masks_long_tokens_like_the_spec():
    from pachca_pulumi.emulator.store.tokens import mask

    assert mask("cH5kR9mNaaaaaaaaaaaaaaaaaaax7Qp") == "cH5kR9mN...x7Qp"


# ----- user search ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query", ["tatiana moreau", "MOREAU TATIANA", "tatianamoreau", "+7900705", "tatiana.moreau@example"]
)
def test_list_users_query_searches_the_spec_fields(api, query):
    found = [u["id"] for u in api.get("/users", params={"query": query}).json()["data"]]
    assert found == [2]


def test_list_users_query_without_match_is_empty(api):
    assert api.get("/users", params={"query": "Engineering"}).json()["data"] == []
