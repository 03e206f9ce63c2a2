"""Group tags in the emulator: CRUD, users' `list_tags`, propagation to tagged chats, persistence."""

from __future__ import annotations

import json

import httpx
import pytest

from pachca_pulumi.emulator import Store
from tests.emulator.emulator_support import THIRD_TOKEN, Emulator, create_chat


def _tag(api: httpx.Client, name: str) -> int:
    response = api.post("/group_tags", json={"group_tag": {"name": name}})
    assert response.status_code == 201, response.text
    return int(response.json()["data"]["id"])


def _set_tags(api: httpx.Client, user_id: int, names: list[str]) -> httpx.Response:
    return api.put(f"/users/{user_id}", json={"user": {"list_tags": names}})


def test_group_tags_new_tag_gets_the_next_id_and_no_users(api: httpx.Client) -> None:
    tag = api.post("/group_tags", json={"group_tag": {"name": "Platform"}}).json()["data"]

    assert tag == {"id": 9111, "name": "Platform", "users_count": 0}
    assert api.get(f"/group_tags/{tag['id']}/users").json()["data"] == []


def test_group_tags_list_tags_write_moves_the_user_between_tags(api: httpx.Client) -> None:
    platform = _tag(api, "Platform")

    answer = _set_tags(api, 7, ["Platform"]).json()["data"]

    assert answer["list_tags"] == ["Platform"]
    assert [u["id"] for u in api.get(f"/group_tags/{platform}/users").json()["data"]] == [7]
    assert 7 not in [u["id"] for u in api.get("/group_tags/9102/users").json()["data"]]  # left Design


def test_group_tags_tag_members_propagate_to_tagged_chats(api: httpx.Client) -> None:
    platform = _tag(api, "Platform")
    chat = create_chat(api, group_tag_ids=[platform])

    _set_tags(api, 42, ["Platform"])
    joined = api.get(f"/chats/{chat['id']}").json()["data"]["member_ids"]
    _set_tags(api, 42, [])
    left = api.get(f"/chats/{chat['id']}").json()["data"]["member_ids"]

    assert 42 in joined and 42 not in left


def test_group_tags_rename_keeps_users_and_their_list_tags_follow(api: httpx.Client) -> None:
    platform = _tag(api, "Platform")
    _set_tags(api, 7, ["Platform"])

    api.put(f"/group_tags/{platform}", json={"group_tag": {"name": "Core"}}).raise_for_status()

    assert api.get("/users/7").json()["data"]["list_tags"] == ["Core"]


def test_group_tags_deleted_tag_leaves_its_chats_with_its_members(api: httpx.Client) -> None:
    platform = _tag(api, "Platform")
    _set_tags(api, 42, ["Platform"])
    chat = create_chat(api, group_tag_ids=[platform])

    assert api.delete(f"/group_tags/{platform}").status_code == 204

    after = api.get(f"/chats/{chat['id']}").json()["data"]
    assert after["group_tag_ids"] == [] and 42 not in after["member_ids"]


def test_group_tags_taken_name_is_refused_in_any_case(api: httpx.Client) -> None:
    response = api.post("/group_tags", json={"group_tag": {"name": "design"}})

    assert response.status_code == 422 and response.json()["errors"][0]["code"] == "taken"


def test_group_tags_unknown_tag_name_in_list_tags_changes_nothing(api: httpx.Client) -> None:
    before = api.get("/users/7").json()["data"]["list_tags"]

    response = _set_tags(api, 7, ["Design", "Nope"])

    assert response.status_code == 422 and response.json()["errors"][0]["key"] == "list_tags"
    assert api.get("/users/7").json()["data"]["list_tags"] == before


def test_group_tags_plain_user_token_may_not_update_users(emulator: Emulator) -> None:
    response = _set_tags(emulator.client(token=THIRD_TOKEN), 7, [])

    assert response.status_code == 403 and response.json()["error"] == "insufficient_scope"


def test_group_tags_survive_a_restart(tmp_path) -> None:
    path = tmp_path / "state.json"
    store = Store(path)
    tag = store.create_group_tag("Platform")
    store.update_user(1, 7, ["Platform"])

    reopened = Store(path)

    assert reopened.group_tag_json(tag["id"])["users_count"] == 1
    assert reopened.create_group_tag("Next")["id"] == tag["id"] + 1


def test_group_tags_state_file_with_tags_in_the_directory_section_loads(tmp_path) -> None:
    path = tmp_path / "state.json"
    Store(path).create_group_tag("Platform")
    state = json.loads(path.read_text())
    state["directory"]["group_tags"] = state.pop("group_tags")["items"]
    path.write_text(json.dumps(state))

    assert [t["name"] for t in Store(path).list_group_tags(["Platform"])] == ["Platform"]


@pytest.mark.parametrize("name", ["", "x" * 256])
def test_group_tags_bad_name_is_422(api: httpx.Client, name: str) -> None:
    assert api.post("/group_tags", json={"group_tag": {"name": name}}).status_code == 422
