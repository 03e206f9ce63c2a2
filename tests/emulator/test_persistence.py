"""State file persistence, reset, and seed loading/validation."""

from __future__ import annotations

import copy
import json

import httpx
import pytest

from pachca_pulumi.emulator import EmulatorServer, Store
from pachca_pulumi.emulator.errors import ApiError
from pachca_pulumi.emulator.persistence import StateError
from pachca_pulumi.emulator.seed import DEFAULT_SEED_PATH, SeedError, load_seed
from tests.emulator.emulator_support import png


@pytest.fixture
def state_file(tmp_path):
    return tmp_path / "state" / "emulator.json"


def test_persistence_new_store_writes_the_seed_state(state_file):
    Store(state_file)
    state = json.loads(state_file.read_text())
    assert state["format"] == "pachca-emulator-state/2"
    assert state["chats"]["items"] == [] and len(state["directory"]["users"]) >= 120


def test_persistence_created_chat_survives_a_new_store(state_file):
    chat = Store(state_file).create_chat(1, "Persistent", member_ids=[3], group_tag_ids=[9102]).chat
    assert Store(state_file).get_chat(chat["id"]) == chat


def test_persistence_messages_and_ids_continue_after_restart(state_file):
    store = Store(state_file)
    chat = store.create_chat(1, "Chat").chat
    first = store.create_message(1, "discussion", chat["id"], "one")
    reopened = Store(state_file)
    second = reopened.create_message(1, "discussion", chat["id"], "two")
    assert second["id"] == first["id"] + 1 and second["created_at"] > first["created_at"]
    assert reopened.create_chat(1, "Next").chat["id"] == chat["id"] + 1


def test_persistence_leaves_no_temporary_files(state_file):
    store = Store(state_file)
    for number in range(3):
        store.create_chat(1, f"chat {number}")
    assert [p.name for p in state_file.parent.iterdir()] == [state_file.name]


def test_persistence_rejected_request_does_not_change_the_file(state_file):
    store = Store(state_file)
    store.create_chat(1, "Chat")
    before = state_file.read_bytes()
    with pytest.raises(ApiError):
        store.create_chat(1, "  ")
    assert state_file.read_bytes() == before


def test_persistence_reset_rewrites_the_file_to_the_seed(state_file):
    store = Store(state_file)
    store.create_chat(1, "Chat")
    store.reset()
    assert json.loads(state_file.read_text())["chats"]["items"] == []


def test_persistence_reads_a_format_1_file(state_file):
    seed = load_seed()
    chat = {
        "id": 1001, "name": "Old", "created_at": "2025-01-01T00:00:00.000Z", "owner_id": 1, "member_ids": [3],
        "group_tag_ids": [9102], "channel": False, "archived": False, "personal": False, "public": True,
        "last_message_at": "2025-01-02T00:00:00.000Z",
        "meet_room_url": "https://meet.pachca.com/old-0a1b2c3d",
        "messages_count": 1,
    }  # fmt: skip
    old = {"format": "pachca-emulator-state/1", "users": seed["users"], "group_tags": seed["group_tags"],
           "chats": [chat], "next_chat_id": 1002, "next_message_id": 2}
    state_file.parent.mkdir(parents=True)
    state_file.write_text(json.dumps(old))
    store = Store(state_file)
    loaded = store.get_chat(1001)
    assert (loaded["owner_id"], loaded["group_tag_ids"], loaded["name"]) == (1, [9102], "Old")
    assert 3 in loaded["member_ids"] and store.create_chat(1, "New").chat["id"] == 1002
    assert store.create_message(1, "discussion", 1001, "hi")["id"] == 2


def test_persistence_roles_and_avatars_survive_a_new_store(state_file):
    store = Store(state_file)
    chat_id = store.create_chat(1, "Team", member_ids=[3, 4], channel=True).chat["id"]
    store.set_member_role(chat_id, 3, "admin")
    store.set_member_role(chat_id, 4, "editor")
    path = store.set_chat_avatar(chat_id, png(), "image/png")
    reopened = Store(state_file)
    assert [u["id"] for u in reopened.member_users(chat_id, "admin")] == [3]
    assert [u["id"] for u in reopened.member_users(chat_id, "editor")] == [4]
    assert reopened.get_chat(chat_id)["avatar_url"] == path
    assert reopened.avatar_file(path) == store.avatar_file(path)


def test_persistence_reset_forgets_avatars(state_file):
    store = Store(state_file)
    path = store.set_chat_avatar(store.create_chat(1, "Team").chat["id"], png(), "image/png")
    store.reset()
    assert Store(state_file).avatar_file(path) is None


def test_persistence_corrupt_file_raises_state_error(state_file):
    state_file.parent.mkdir(parents=True)
    state_file.write_text("{not json")
    with pytest.raises(StateError, match="not usable"):
        Store(state_file)


def test_persistence_memory_store_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Store().create_chat(1, "Chat")
    assert list(tmp_path.iterdir()) == []


def test_persistence_server_restart_keeps_chats(state_file):
    with EmulatorServer(state_file, quiet=True) as server:
        with httpx.Client(base_url=server.base_url, headers={"Authorization": "Bearer test-token"}) as client:
            created = client.post("/chats", json={"chat": {"name": "Kept"}}).json()["data"]
    with EmulatorServer(state_file, quiet=True) as server:
        with httpx.Client(base_url=server.base_url, headers={"Authorization": "Bearer test-token"}) as client:
            assert client.get(f"/chats/{created['id']}").json()["data"] == created


# ----- seed ----------------------------------------------------------------------------------
def test_seed_default_directory_is_rich_enough():
    seed = load_seed()
    user_ids = {u["id"] for u in seed["users"]}
    assert len(user_ids) >= 120 and len(seed["group_tags"]) >= 6
    assert all(len(t["user_ids"]) >= 3 and set(t["user_ids"]) <= user_ids for t in seed["group_tags"])
    first = next(u for u in seed["users"] if u["id"] == seed["token_user_ids"][0])
    assert (first["role"], first["bot"]) == ("admin", True)


def test_seed_default_has_users_in_several_tags():
    seed = load_seed()
    memberships = [u for t in seed["group_tags"] for u in t["user_ids"]]
    assert any(memberships.count(u) > 1 for u in set(memberships))


def test_seed_custom_replaces_the_directory():
    seed = {
        "token_user_ids": [7],
        "users": [{"id": 7, "nickname": "solo", "first_name": "Solo", "created_at": "2024-01-01T00:00:00Z"}],
        "group_tags": [{"id": 1, "name": "Only", "user_ids": [7]}],
    }
    store = Store(seed=seed, tokens=["t"])
    assert store.user_for_token("t") == 7
    assert [u["id"] for u in store.list_users()] == [7]
    assert store.user_json(7)["created_at"] == "2024-01-01T00:00:00.000Z"


def _broken_seeds() -> list[dict]:
    base = json.loads(DEFAULT_SEED_PATH.read_text())
    cases = []
    for mutate in (
        lambda s: s.pop("users"),
        lambda s: s["users"].append(copy.deepcopy(s["users"][0])),
        lambda s: s["users"][0].update(role="king"),
        lambda s: s["users"][0].update(created_at="yesterday"),
        lambda s: s["group_tags"][0]["user_ids"].append(99999),
        lambda s: s.update(token_user_ids=[]),
    ):
        seed = copy.deepcopy(base)
        mutate(seed)
        cases.append(seed)
    return cases


@pytest.mark.parametrize("seed", _broken_seeds())
def test_seed_invalid_raises_seed_error(seed):
    with pytest.raises(SeedError):
        load_seed(seed)


def test_seed_unreadable_file_raises_seed_error(tmp_path):
    bad = tmp_path / "seed.json"
    bad.write_text("[")
    with pytest.raises(SeedError, match="not valid JSON"):
        load_seed(bad)


def test_seed_more_tokens_than_token_users_is_refused():
    with pytest.raises(ValueError, match="token_user_ids"):
        Store(tokens=[f"t{i}" for i in range(10)])
