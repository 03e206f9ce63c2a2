"""The audit log: every change through the API is one event naming who made it, readable by the owner."""

from __future__ import annotations

import httpx

from pachca_pulumi.emulator import Store, create_app
from pachca_pulumi.emulator.seed import load_seed
from pachca_pulumi.emulator.store.audit import Actor, AuditFilter
from tests.emulator.emulator_support import BOT_TOKEN, SECOND_TOKEN, create_chat


def events(api: httpx.Client, **params: str) -> list[dict]:
    """Every event the filters select, following the cursor (2 per page, to exercise it)."""
    found: list[dict] = []
    cursor = None
    while True:
        paging = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        body = api.get("/audit_events", params={**params, **paging}).raise_for_status().json()
        found += body["data"]
        if not body["meta"]["paginate"]["has_next"]:
            return found
        cursor = body["meta"]["paginate"]["next_page"]


def test_audit_rename_by_second_token_names_that_user(emulator, api):
    chat = create_chat(api, "Engineering")
    emulator.client(token=SECOND_TOKEN).put(f"/chats/{chat['id']}", json={"chat": {"name": "Eng"}})

    [renamed] = events(api, entity_type="Chat", entity_id=str(chat["id"]), event_key="chat_renamed")

    assert (renamed["actor_id"], renamed["actor_type"]) == ("2", "User")
    assert renamed["details"] == {"old_name": "Engineering", "new_name": "Eng"}
    assert renamed["created_at"] > chat["created_at"] and renamed["ip_address"] is not None


def test_audit_permission_change_records_the_new_access(emulator, api):
    chat = create_chat(api, "Open me")
    api.put(f"/chats/{chat['id']}", json={"chat": {"public": True, "name": "Open me"}})

    keys = [(e["event_key"], e["details"]) for e in events(api, entity_id=str(chat["id"]))]

    assert keys == [("chat_created", {}), ("chat_permission_changed", {"public_access": True})]


def test_audit_member_leave_and_join_name_the_member_and_the_initiator(emulator, api):
    chat = create_chat(api, "Team", member_ids=[3, 4])
    admin = emulator.client(token=SECOND_TOKEN)
    admin.delete(f"/chats/{chat['id']}/members/4").raise_for_status()
    admin.post(f"/chats/{chat['id']}/members", json={"member_ids": [4, 8, 3]}).raise_for_status()

    found = [(e["event_key"], e["actor_id"], e["details"]) for e in events(api, entity_id=str(chat["id"]))]

    assert found[1:] == [
        ("user_chat_leave", "4", {"initiator_id": 2}),
        ("user_chat_join", "4", {"inviter_id": 2}),
        ("user_chat_join", "8", {"inviter_id": 2}),
    ]


def test_audit_tags_attached_and_detached_carry_the_chat(api):
    chat = create_chat(api, "Design")
    api.post(f"/chats/{chat['id']}/group_tags", json={"group_tag_ids": [9102]}).raise_for_status()
    api.delete(f"/chats/{chat['id']}/group_tags/9102").raise_for_status()

    found = events(api, entity_type="GroupTag", entity_id="9102")

    assert [(e["event_key"], e["details"]) for e in found] == [
        ("tag_added_to_chat", {"chat_id": chat["id"], "tag_name": "Design"}),
        ("tag_removed_from_chat", {"chat_id": chat["id"]}),
    ]


def test_audit_list_tags_change_names_the_user_and_the_initiator(emulator, api):
    admin = emulator.client(token=SECOND_TOKEN)
    admin.put("/users/7", json={"user": {"list_tags": ["Managers", "Sales"]}}).raise_for_status()  # had Design

    found = events(api, entity_type="GroupTag", actor_id="7")

    assert [(e["event_key"], e["entity_id"], e["details"]) for e in found] == [
        ("user_added_to_tag", "9104", {"initiator_id": 2}),
        ("user_removed_from_tag", "9102", {"initiator_id": 2}),
    ]


def test_audit_list_tags_unchanged_records_nothing(api):
    api.put("/users/7", json={"user": {"list_tags": ["design", "Managers"]}}).raise_for_status()

    assert events(api, event_key="user_added_to_tag") + events(api, event_key="user_removed_from_tag") == []


def test_audit_time_window_and_event_key_filter(api):
    first = create_chat(api, "One")
    second = create_chat(api, "Two")

    later = events(api, start_time=second["created_at"], event_key="chat_created")
    earlier = events(api, end_time=first["created_at"])

    assert [e["entity_id"] for e in later] == [str(second["id"])]
    assert [e["entity_id"] for e in earlier] == [str(first["id"])]


def test_audit_unknown_event_key_is_400(api):
    response = api.get("/audit_events", params={"event_key": "chat_exploded"})
    assert response.status_code == 400 and response.json()["errors"][0]["key"] == "event_key"


def test_audit_other_tokens_are_403(emulator):
    for token in (SECOND_TOKEN, BOT_TOKEN):
        response = emulator.client(token=token).get("/audit_events")
        assert response.status_code == 403 and response.json()["error"] == "insufficient_scope"


def test_audit_without_corporation_plan_is_402():
    seed = {**load_seed(), "plan": "team"}
    app = create_app(Store(seed=seed, tokens=("owner",)))
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://e/api/shared/v1",
                      headers={"Authorization": "Bearer owner"}) as api:
        response = api.get("/audit_events")
    assert response.status_code == 402 and response.json()["errors"][0]["code"] == "payment_required"


def test_audit_log_survives_a_restart(tmp_path):
    path = tmp_path / "state.json"
    store = Store(path, tokens=("t",))
    store.create_chat(1, "Kept", actor=Actor(1))
    reloaded = Store(path, tokens=("t",))

    assert [e["event_key"] for e in reloaded.audit_events(1, AuditFilter())] == ["chat_created"]


def test_bot_token_is_in_no_chat_but_lists_public_ones(emulator, api):
    create_chat(api, "Private")
    public = create_chat(api, "Lobby", public=True)
    bot = emulator.client(token=BOT_TOKEN)

    mine = bot.get("/chats").raise_for_status().json()["data"]
    listed = bot.get("/chats", params={"availability": "public"}).raise_for_status().json()["data"]

    assert bot.get("/profile").json()["data"]["nickname"] == "ci-bot"
    assert mine == [] and [c["id"] for c in listed] == [public["id"]]
