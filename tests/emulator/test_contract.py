"""Behaviour of the emulator through raw HTTP calls, over a socket and in-process."""

from __future__ import annotations

import re
import threading
import time

import httpx
import pytest

from tests.emulator.emulator_support import SECOND_TOKEN, create_chat, error_codes, post_message

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
CHAT_KEYS = {
    "id", "name", "created_at", "owner_id", "member_ids", "group_tag_ids", "channel", "archived",
    "personal", "public", "last_message_at", "meet_room_url", "avatar_url",
}  # fmt: skip
USER_KEYS = {
    "id", "first_name", "last_name", "nickname", "email", "phone_number", "department", "title", "role",
    "suspended", "invite_status", "inviter_id", "list_tags", "custom_properties", "user_status", "bot",
    "sso", "created_at", "last_activity_at", "time_zone", "image_url",
}  # fmt: skip
DESIGN_TAG, BACKEND_TAG, ONCALL_TAG = 9102, 9107, 9109


def tag_user_ids(api: httpx.Client, tag_id: int) -> set[int]:
    return {u["id"] for u in api.get(f"/group_tags/{tag_id}/users").json()["data"]}


def all_pages(api: httpx.Client, path: str, **params) -> list[dict]:
    items, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = api.get(path, params=query).json()
        items += body["data"]
        if not body["meta"]["paginate"]["has_next"]:
            return items
        cursor = body["meta"]["paginate"]["next_page"]


# ----- auth ----------------------------------------------------------------------------------
def test_auth_missing_token_is_401_invalid_token(emulator):
    response = emulator.client(token=None).get("/chats")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_auth_unknown_token_is_401_without_echoing_it(emulator):
    response = emulator.client(token="s3cret-wrong-token").get("/profile")
    assert response.status_code == 401
    assert "s3cret-wrong-token" not in response.text


def test_auth_second_token_acts_as_second_seed_user(emulator):
    assert emulator.client(token=SECOND_TOKEN).get("/profile").json()["data"]["id"] == 2


# ----- create --------------------------------------------------------------------------------
def test_create_chat_returns_full_chat_owned_by_token_user(api):
    response = api.post("/chats", json={"chat": {"name": "Aqua"}})
    chat = response.json()["data"]
    assert response.status_code == 201
    assert set(chat) == CHAT_KEYS
    assert (chat["owner_id"], chat["member_ids"]) == (1, [1])
    assert (chat["archived"], chat["personal"]) == (False, False)
    assert TIMESTAMP.match(chat["created_at"]) and chat["last_message_at"] == chat["created_at"]
    assert re.match(r"^https://meet\.pachca\.com/aqua-[0-9a-f]{8}$", chat["meet_room_url"])


def test_create_chat_adds_members_and_tag_users(api):
    chat = create_chat(api, member_ids=[3, 4], group_tag_ids=[DESIGN_TAG])
    assert set(chat["member_ids"]) == {1, 3, 4} | tag_user_ids(api, DESIGN_TAG)
    assert chat["group_tag_ids"] == [DESIGN_TAG]


def test_create_chat_keeps_channel_and_public_flags(api):
    chat = create_chat(api, channel=True, public=True)
    assert (chat["channel"], chat["public"]) == (True, True)


@pytest.mark.parametrize(("name", "code"), [("   ", "blank"), ("", "blank"), ("x" * 256, "too_long")])
def test_create_chat_bad_name_is_422(api, name, code):
    response = api.post("/chats", json={"chat": {"name": name}})
    assert response.status_code == 422
    assert error_codes(response) == [("name", code)]


def test_create_chat_unknown_members_are_left_out_and_listed_in_meta(api):
    response = api.post("/chats", json={"chat": {"name": "x", "member_ids": [99999, 3, 88888]}})
    assert response.status_code == 201
    assert response.json()["meta"] == {"not_found_member_ids": [99999, 88888]}
    assert response.json()["data"]["member_ids"] == [1, 3]


def test_create_chat_meta_is_empty_when_every_member_exists(api):
    response = api.post("/chats", json={"chat": {"name": "x", "member_ids": [3]}})
    assert response.json()["meta"] == {"not_found_member_ids": []}


def test_create_chat_unknown_tag_and_bad_name_are_422_together(api):
    response = api.post("/chats", json={"chat": {"name": " ", "member_ids": [99999], "group_tag_ids": [1]}})
    assert response.status_code == 422
    assert error_codes(response) == [("name", "blank"), ("group_tag_ids", "not_found")]


def test_create_chat_non_integer_member_ids_is_400_invalid(api):
    response = api.post("/chats", json={"chat": {"name": "x", "member_ids": ["3"]}})
    assert response.status_code == 400
    assert error_codes(response) == [("member_ids", "invalid")]


@pytest.mark.parametrize("content", [b"{}", b"not json", b'{"chat": "x"}'])
def test_create_chat_without_chat_object_is_400(api, content):
    response = api.post("/chats", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] in ("required", "invalid")


def test_create_chat_ids_increase(api):
    assert create_chat(api)["id"] + 1 == create_chat(api)["id"]


def test_create_chat_concurrent_creates_get_distinct_ids(emulator):
    clients = [emulator.client() for _ in range(4)]
    ids: list[int] = []
    threads = [threading.Thread(target=lambda c=c: ids.append(create_chat(c)["id"])) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 4


# ----- read / update / archive ---------------------------------------------------------------
def test_get_chat_returns_created_chat(api):
    chat = create_chat(api)
    assert api.get(f"/chats/{chat['id']}").json() == {"data": chat}


def test_get_chat_unknown_is_404_not_found(api):
    response = api.get("/chats/424242")
    assert response.status_code == 404
    assert error_codes(response) == [("id", "not_found")]


def test_get_chat_of_other_user_is_visible(emulator):
    chat = create_chat(emulator.client(token=SECOND_TOKEN))
    assert emulator.client().get(f"/chats/{chat['id']}").status_code == 200


def test_update_chat_changes_name_and_public(api):
    chat = create_chat(api)
    response = api.put(f"/chats/{chat['id']}", json={"chat": {"name": "Renamed", "public": True}})
    assert response.status_code == 200
    assert (response.json()["data"]["name"], response.json()["data"]["public"]) == ("Renamed", True)


def test_update_chat_blank_name_is_422_and_changes_nothing(api):
    chat = create_chat(api, name="Keep")
    response = api.put(f"/chats/{chat['id']}", json={"chat": {"name": " "}})
    assert response.status_code == 422
    assert api.get(f"/chats/{chat['id']}").json()["data"]["name"] == "Keep"


def test_update_chat_unknown_is_404(api):
    assert api.put("/chats/424242", json={"chat": {"name": "x"}}).status_code == 404


@pytest.mark.parametrize("action", ["archive", "unarchive"])
def test_archive_actions_are_idempotent_204(api, action):
    chat = create_chat(api)
    responses = [api.put(f"/chats/{chat['id']}/{action}") for _ in range(2)]
    assert [r.status_code for r in responses] == [204, 204]
    assert api.get(f"/chats/{chat['id']}").json()["data"]["archived"] is (action == "archive")


def test_unarchive_restores_archived_chat(api):
    chat = create_chat(api)
    api.put(f"/chats/{chat['id']}/archive")
    api.put(f"/chats/{chat['id']}/unarchive")
    assert api.get(f"/chats/{chat['id']}").json()["data"]["archived"] is False


def test_archive_unknown_chat_is_404(api):
    assert api.put("/chats/424242/archive").status_code == 404


# ----- list ----------------------------------------------------------------------------------
def test_list_chats_hides_archived_by_default(api):
    kept, archived = create_chat(api), create_chat(api)
    api.put(f"/chats/{archived['id']}/archive")
    assert [c["id"] for c in api.get("/chats").json()["data"]] == [kept["id"]]


def test_list_chats_archived_true_adds_archived(api):
    kept, archived = create_chat(api), create_chat(api)
    api.put(f"/chats/{archived['id']}/archive")
    ids = [c["id"] for c in api.get("/chats", params={"archived": "true"}).json()["data"]]
    assert ids == [archived["id"], kept["id"]]


def test_list_chats_default_order_is_id_desc(api):
    ids = [create_chat(api)["id"] for _ in range(3)]
    assert [c["id"] for c in api.get("/chats").json()["data"]] == ids[::-1]


def test_list_chats_sort_by_last_message_at(api):
    first, second, third = (create_chat(api) for _ in range(3))
    post_message(api, first["id"])
    params = {"sort": "last_message_at", "order": "asc"}
    ids = [c["id"] for c in api.get("/chats", params=params).json()["data"]]
    assert ids == [second["id"], third["id"], first["id"]]


def test_list_chats_is_member_hides_chats_of_others(emulator):
    mine = create_chat(emulator.client())
    create_chat(emulator.client(token=SECOND_TOKEN))
    assert [c["id"] for c in emulator.client().get("/chats").json()["data"]] == [mine["id"]]


def test_list_chats_public_availability_lists_all_public_chats(emulator):
    theirs = create_chat(emulator.client(token=SECOND_TOKEN), public=True)
    create_chat(emulator.client(), public=False)
    response = emulator.client().get("/chats", params={"availability": "public"})
    assert [c["id"] for c in response.json()["data"]] == [theirs["id"]]


def test_list_chats_personal_filter(api):
    group = create_chat(api)
    personal_id = post_message(api, 7, entity_type="user")["chat_id"]
    assert [c["id"] for c in api.get("/chats", params={"personal": "true"}).json()["data"]] == [personal_id]
    assert [c["id"] for c in api.get("/chats", params={"personal": "false"}).json()["data"]] == [group["id"]]


def test_list_chats_last_message_at_window(api):
    old, new = create_chat(api), create_chat(api)
    moved_at = post_message(api, new["id"])["created_at"]
    after = api.get("/chats", params={"last_message_at_after": moved_at}).json()["data"]
    before = api.get("/chats", params={"last_message_at_before": old["last_message_at"]}).json()["data"]
    assert ([c["id"] for c in after], [c["id"] for c in before]) == ([new["id"]], [old["id"]])


def test_list_chats_pages_cover_every_chat_once(api):
    ids = [create_chat(api)["id"] for _ in range(5)]
    assert [c["id"] for c in all_pages(api, "/chats", limit=2)] == ids[::-1]


def test_list_chats_last_page_has_next_false_and_a_next_page(api):
    create_chat(api)
    paginate = api.get("/chats", params={"limit": 5}).json()["meta"]["paginate"]
    assert paginate["has_next"] is False and paginate["has_prev"] is False
    assert paginate["next_page"]


def test_list_chats_pagination_stable_when_chats_created_between_pages(api):
    ids = [create_chat(api)["id"] for _ in range(4)]
    first = api.get("/chats", params={"limit": 2}).json()
    create_chat(api)
    second = api.get("/chats", params={"limit": 2, "cursor": first["meta"]["paginate"]["next_page"]}).json()
    assert [c["id"] for c in first["data"] + second["data"]] == ids[::-1]


def test_list_chats_pagination_stable_when_chat_archived_between_pages(api):
    ids = [create_chat(api)["id"] for _ in range(4)]
    first = api.get("/chats", params={"limit": 2, "order": "asc"}).json()
    api.put(f"/chats/{ids[0]}/archive")
    second = api.get("/chats", params={"limit": 2, "cursor": first["meta"]["paginate"]["next_page"]}).json()
    assert [c["id"] for c in second["data"]] == ids[2:]


def test_list_chats_prev_page_yields_chats_created_later(api):
    create_chat(api)
    prev_page = api.get("/chats").json()["meta"]["paginate"]["prev_page"]
    newer = create_chat(api)
    assert [c["id"] for c in api.get("/chats", params={"cursor": prev_page}).json()["data"]] == [newer["id"]]


@pytest.mark.parametrize("limit", ["0", "51", "ten"])
def test_list_chats_limit_out_of_range_is_400(api, limit):
    response = api.get("/chats", params={"limit": limit})
    assert response.status_code == 400
    assert error_codes(response) == [("limit", "invalid")]


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", "eyJpZCI6ICJ4IiwgImRpciI6ICJhc2MifQ"])
def test_list_chats_invalid_cursor_is_400(api, cursor):
    response = api.get("/chats", params={"cursor": cursor})
    assert response.status_code == 400
    assert error_codes(response) == [("cursor", "invalid")]


def test_list_chats_unknown_sort_is_400(api):
    assert api.get("/chats", params={"sort": "name"}).status_code == 400


# ----- members -------------------------------------------------------------------------------
def test_list_members_returns_full_users(api):
    chat = create_chat(api, member_ids=[5])
    users = api.get(f"/chats/{chat['id']}/members").json()["data"]
    assert [u["id"] for u in users] == [1, 5]
    assert all(set(u) == USER_KEYS for u in users)


def test_list_members_role_owner_is_the_owner(api):
    chat = create_chat(api, member_ids=[5])
    users = api.get(f"/chats/{chat['id']}/members", params={"role": "owner"}).json()["data"]
    assert [u["id"] for u in users] == [1]


def test_list_members_paginates(api):
    chat = create_chat(api, group_tag_ids=[DESIGN_TAG])
    members = all_pages(api, f"/chats/{chat['id']}/members", limit=5)
    assert [u["id"] for u in members] == chat["member_ids"]


def test_list_members_unknown_chat_is_404(api):
    assert api.get("/chats/424242/members").status_code == 404


def test_add_members_adds_and_repeating_is_fine(api):
    chat = create_chat(api)
    responses = [api.post(f"/chats/{chat['id']}/members", json={"member_ids": [8, 9]}) for _ in range(2)]
    assert [r.status_code for r in responses] == [204, 204]
    assert api.get(f"/chats/{chat['id']}").json()["data"]["member_ids"] == [1, 8, 9]


def test_add_members_unknown_user_is_422_not_found(api):
    chat = create_chat(api)
    response = api.post(f"/chats/{chat['id']}/members", json={"member_ids": [8, 99999]})
    assert response.status_code == 422
    assert error_codes(response) == [("member_ids", "not_found")]
    assert api.get(f"/chats/{chat['id']}").json()["data"]["member_ids"] == [1]


def test_add_members_to_personal_chat_is_422_personal_chat(api):
    chat_id = post_message(api, 7, entity_type="user")["chat_id"]
    response = api.post(f"/chats/{chat_id}/members", json={"member_ids": [8]})
    assert response.status_code == 422
    assert error_codes(response)[0][1] == "personal_chat"


def test_add_members_unknown_chat_is_404(api):
    assert api.post("/chats/424242/members", json={"member_ids": [8]}).status_code == 404


def test_remove_member_removes_direct_member(api):
    chat = create_chat(api, member_ids=[8, 9])
    assert api.delete(f"/chats/{chat['id']}/members/8").status_code == 204
    assert api.get(f"/chats/{chat['id']}").json()["data"]["member_ids"] == [1, 9]


def test_remove_member_owner_is_403_cannot_kick_owner(api):
    chat = create_chat(api)
    response = api.delete(f"/chats/{chat['id']}/members/1")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "cannot_kick_owner"
    assert response.json()["error_description"]


def test_remove_member_non_member_is_404(api):
    chat = create_chat(api)
    response = api.delete(f"/chats/{chat['id']}/members/8")
    assert response.status_code == 404
    assert error_codes(response) == [("user_id", "not_found")]


def test_remove_member_tag_member_stays_while_tag_attached(api):
    chat = create_chat(api, group_tag_ids=[DESIGN_TAG])
    tag_member = sorted(tag_user_ids(api, DESIGN_TAG) - {1})[0]
    assert api.delete(f"/chats/{chat['id']}/members/{tag_member}").status_code == 204
    assert tag_member in api.get(f"/chats/{chat['id']}").json()["data"]["member_ids"]


# ----- group tags ----------------------------------------------------------------------------
def test_add_group_tags_makes_tag_users_members(api):
    chat = create_chat(api)
    response = api.post(f"/chats/{chat['id']}/group_tags", json={"group_tag_ids": [BACKEND_TAG]})
    assert response.status_code == 204
    data = api.get(f"/chats/{chat['id']}").json()["data"]
    assert data["group_tag_ids"] == [BACKEND_TAG]
    assert set(data["member_ids"]) == {1} | tag_user_ids(api, BACKEND_TAG)


def test_add_group_tags_unknown_tag_is_422_not_found(api):
    chat = create_chat(api)
    response = api.post(f"/chats/{chat['id']}/group_tags", json={"group_tag_ids": [1]})
    assert response.status_code == 422
    assert error_codes(response) == [("group_tag_ids", "not_found")]


def test_remove_group_tag_keeps_direct_and_other_tag_members(api):
    backend, oncall = tag_user_ids(api, BACKEND_TAG), tag_user_ids(api, ONCALL_TAG)
    direct = sorted(backend - oncall)[0]
    chat = create_chat(api, member_ids=[direct], group_tag_ids=[BACKEND_TAG, ONCALL_TAG])
    assert api.delete(f"/chats/{chat['id']}/group_tags/{BACKEND_TAG}").status_code == 204
    data = api.get(f"/chats/{chat['id']}").json()["data"]
    assert set(data["member_ids"]) == {1, direct} | oncall
    assert data["group_tag_ids"] == [ONCALL_TAG]


def test_remove_group_tag_not_attached_is_404(api):
    chat = create_chat(api)
    response = api.delete(f"/chats/{chat['id']}/group_tags/{BACKEND_TAG}")
    assert response.status_code == 404
    assert error_codes(response) == [("tag_id", "not_found")]


# ----- messages ------------------------------------------------------------------------------
def test_create_message_moves_last_message_at(api):
    chat = create_chat(api)
    message = post_message(api, chat["id"])
    assert message["created_at"] > chat["last_message_at"]
    assert api.get(f"/chats/{chat['id']}").json()["data"]["last_message_at"] == message["created_at"]


def test_create_message_to_user_opens_one_personal_chat(api):
    first, second = post_message(api, 7, entity_type="user"), post_message(api, 7, entity_type="user")
    chat = api.get(f"/chats/{first['chat_id']}").json()["data"]
    seventh = api.get("/users/7").json()["data"]
    assert first["chat_id"] == second["chat_id"]
    assert (chat["personal"], chat["member_ids"]) == (True, [1, 7])
    assert chat["name"] == f"{seventh['first_name']} {seventh['last_name']}"


def test_create_message_unknown_chat_is_422_not_found(api):
    response = api.post("/messages", json={"message": {"entity_id": 424242, "content": "hi"}})
    assert response.status_code == 422
    assert error_codes(response) == [("entity_id", "not_found")]


def test_create_message_unknown_entity_type_is_400(api):
    message = {"entity_type": "board", "entity_id": 1, "content": "hi"}
    response = api.post("/messages", json={"message": message})
    assert response.status_code == 400
    assert error_codes(response) == [("entity_type", "invalid")]


def test_create_message_blank_content_is_422(api):
    chat = create_chat(api)
    response = api.post("/messages", json={"message": {"entity_id": chat["id"], "content": "  "}})
    assert response.status_code == 422
    assert error_codes(response) == [("content", "blank")]


# ----- directory -----------------------------------------------------------------------------
def test_list_users_pages_through_the_seeded_directory(api):
    users = all_pages(api, "/users", limit=50)
    assert len(users) >= 120 and len({u["id"] for u in users}) == len(users)


def test_list_users_query_matches_name_and_email(api):
    seventh = api.get("/users/7").json()["data"]
    found = api.get("/users", params={"query": seventh["email"].upper()}).json()["data"]
    assert [u["id"] for u in found] == [7]


def test_list_group_tags_users_count_matches_tag_users(api):
    tags = api.get("/group_tags").json()["data"]
    assert len(tags) >= 6
    assert all(t["users_count"] == len(all_pages(api, f"/group_tags/{t['id']}/users")) for t in tags)


def test_list_group_tags_names_filter(api):
    response = api.get("/group_tags", params=[("names", "Design"), ("names", "backend")])
    assert [t["id"] for t in response.json()["data"]] == [DESIGN_TAG, BACKEND_TAG]


def test_group_tag_users_unknown_tag_is_404(api):
    assert api.get("/group_tags/1/users").status_code == 404


def test_get_profile_is_the_token_user(api):
    profile = api.get("/profile").json()["data"]
    assert (profile["id"], profile["nickname"]) == (1, "pachca-bot")
    assert (profile["role"], profile["bot"]) == ("admin", True)


# ----- protocol ------------------------------------------------------------------------------
def test_protocol_unknown_route_is_404_json(api):
    response = api.get("/no/such/route")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_protocol_wrong_method_is_405(api):
    response = api.delete("/chats")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_protocol_json_has_utf8_content_type(api):
    assert api.get("/profile").headers["Content-Type"] == "application/json; charset=utf-8"


def test_protocol_no_content_has_empty_body(api):
    response = api.put(f"/chats/{create_chat(api)['id']}/archive")
    assert (response.status_code, response.content, response.headers.get("Content-Type")) == (204, b"", None)


# ----- control endpoints ---------------------------------------------------------------------
def test_control_health_is_ok(emulator):
    health = emulator.control().get("/_emulator/health").json()
    assert (health["status"], health["chats"]) == ("ok", {"total": 0, "archived": 0, "personal": 0, "visible": 0})


def test_control_health_counts_chats_and_tells_the_clock(emulator, api):
    mine = create_chat(api, "Mine")
    api.put(f"/chats/{mine['id']}/archive")
    others = create_chat(emulator.client(SECOND_TOKEN), "Not mine")
    post_message(api, 5, "user")
    health = emulator.control().get("/_emulator/health").json()
    assert health["chats"] == {"total": 3, "archived": 1, "personal": 1, "visible": 2}
    assert TIMESTAMP.match(health["now"]) and health["now"] > others["created_at"]


def test_control_reset_restores_the_seed(emulator, api):
    create_chat(api)
    assert emulator.control().post("/_emulator/reset").status_code == 204
    assert api.get("/chats").json()["data"] == []
    assert create_chat(api)["id"] == 1001


def test_control_stats_count_by_status_and_route(emulator, api):
    api.get("/chats/424242")
    api.get("/chats")
    stats = emulator.control().get("/_emulator/stats").json()
    assert stats["total_requests"] == 2
    assert stats["by_status"] == {"200": 1, "404": 1}
    assert stats["by_route"] == {"GET /chats": 1, "GET /chats/{id}": 1}


def test_control_stats_time_the_first_and_last_request(emulator, api):
    control = emulator.control()
    quiet = control.get("/_emulator/stats").json()
    before = time.time()
    api.get("/chats")
    api.get("/profile")
    stats = control.get("/_emulator/stats").json()
    assert (quiet["first_request_time"], quiet["last_request_time"]) == (None, None)
    assert before <= stats["first_request_time"] <= stats["last_request_time"] <= time.time()


def test_control_stats_reset_zeroes_counts(emulator, api):
    api.get("/chats")
    assert emulator.control().post("/_emulator/stats/reset").status_code == 204
    assert emulator.control().get("/_emulator/stats").json()["total_requests"] == 0


def test_control_refuses_remote_clients(wsgi_emulator):
    transport = httpx.WSGITransport(app=wsgi_emulator.app, remote_addr="10.1.2.3")
    client = wsgi_emulator.client(transport=transport)
    assert client.post(f"{wsgi_emulator.root_url}/_emulator/reset").status_code == 403


def test_control_delete_chat_makes_the_chat_vanish() -> None:
    from pachca_pulumi.emulator import EmulatorServer

    with EmulatorServer(tokens=("t",), quiet=True) as server, httpx.Client(
        base_url=server.base_url + "/", headers={"Authorization": "Bearer t"}
    ) as http:
        chat_id = http.post("chats", json={"chat": {"name": "Gone soon"}}).json()["data"]["id"]
        deleted = httpx.delete(f"{server.root_url}/_emulator/chats/{chat_id}")
        again = httpx.delete(f"{server.root_url}/_emulator/chats/{chat_id}")
        assert (deleted.status_code, again.status_code) == (204, 404)
        assert http.get(f"chats/{chat_id}").status_code == 404
