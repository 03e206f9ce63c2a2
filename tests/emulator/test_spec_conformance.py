"""Every exchange of a scripted scenario through every emulator endpoint matches the OpenAPI spec."""

from __future__ import annotations

import httpx
import pytest

from pachca_pulumi.emulator.app import ROUTES, URL_MAP
from tests.emulator.emulator_support import SECOND_TOKEN, THIRD_TOKEN, Emulator, png, upload_avatar
from tests.emulator.spec_check import SpecNotFound, SpecRecorder, load_openapi

API_PATH = "/api/shared/v1"

# (method, route template) -> statuses the scenario must produce
EXPECTED = {
    "POST /chats": {201, 400, 401, 422},
    "GET /chats": {200, 400, 401},
    "GET /company/chats": {200, 400, 401, 403},
    "GET /chats/{id}": {200, 401, 404},
    "PUT /chats/{id}": {200, 400, 404, 422},
    "PUT /chats/{id}/archive": {204, 404},
    "PUT /chats/{id}/unarchive": {204, 404},
    "POST /chats/{id}/avatar": {200, 404, 422},
    "DELETE /chats/{id}/avatar": {204, 404},
    "GET /chats/{id}/members": {200, 400, 404},
    "POST /chats/{id}/members": {204, 400, 404, 422},
    "PUT /chats/{id}/members/{user_id}": {204, 400, 403, 404, 422},
    "DELETE /chats/{id}/members/{user_id}": {204, 403, 404},
    "POST /chats/{id}/group_tags": {204, 400, 404, 422},
    "DELETE /chats/{id}/group_tags/{tag_id}": {204, 404},
    "POST /messages": {201, 400, 422},
    "GET /users": {200, 400},
    "GET /users/{id}": {200, 404},
    "GET /group_tags": {200},
    "GET /group_tags/{id}": {200, 404},
    "GET /group_tags/{id}/users": {200, 404},
    "GET /profile": {200, 401},
    "POST /group_tags": {201, 400, 422},
    "PUT /group_tags/{id}": {200, 400, 404, 422},
    "DELETE /group_tags/{id}": {204, 404},
    "PUT /users/{id}": {200, 400, 403, 404, 422},
    "GET /oauth/token/info": {200, 401},
    "GET /audit_events": {200, 400, 401, 403},
}


def check(response: httpx.Response, status: int) -> dict:
    request = response.request
    assert response.status_code == status, f"{request.method} {request.url}: {response.text}"
    return response.json() if response.content else {}


def walk_pages(api: httpx.Client, path: str, limit: int, **params) -> int:
    """Follow next_page to the end; returns the number of items seen."""
    seen, cursor = 0, None
    while True:
        paging = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        body = check(api.get(path, params={**params, **paging}), 200)
        seen += len(body["data"])
        if not body["meta"]["paginate"]["has_next"]:
            return seen
        cursor = body["meta"]["paginate"]["next_page"]


def chat_scenario(api: httpx.Client, anonymous: httpx.Client, recorder: SpecRecorder) -> int:
    first = {"name": "🤿 aqua", "member_ids": [3], "group_tag_ids": [9102]}
    chat = check(api.post("/chats", json={"chat": first}), 201)
    cid = chat["data"]["id"]
    for _ in range(4):
        check(api.post("/chats", json={"chat": {"name": "filler", "public": True, "channel": True}}), 201)
    check(api.post("/chats", json={"chat": {"name": "  "}}), 422)
    check(api.post("/chats", json={"chat": {"name": "x", "member_ids": [99999], "group_tag_ids": [1]}}), 422)
    with recorder.invalid_requests():
        check(api.post("/chats", json={"chat": {"name": "x" * 256}}), 422)
        check(api.post("/chats", json={"name": "no wrapper"}), 400)
        check(api.post("/chats", json={"chat": {"name": "x", "member_ids": ["3"]}}), 400)
        check(anonymous.post("/chats", json={"chat": {"name": "x"}}), 401)
        check(anonymous.get("/chats"), 401)
        check(anonymous.get(f"/chats/{cid}"), 401)
        check(anonymous.get("/profile"), 401)
        check(api.get("/chats", params={"limit": 0}), 400)
    check(api.get("/chats", params={"cursor": "not-a-cursor"}), 400)

    assert walk_pages(api, "/chats", 2) == 5
    walk_pages(api, "/chats", 2, sort="last_message_at", order="asc", archived="true", personal="false")
    window = {"availability": "public", "last_message_at_after": "2020-01-01T00:00:00.000Z"}
    check(api.get("/chats", params=window), 200)
    check(api.get(f"/chats/{cid}"), 200)
    check(api.get("/chats/424242"), 404)

    check(api.put(f"/chats/{cid}", json={"chat": {"name": "Бассейн", "public": True}}), 200)
    check(api.put(f"/chats/{cid}", json={"chat": {"name": ""}}), 422)
    check(api.put("/chats/424242", json={"chat": {"public": False}}), 404)
    with recorder.invalid_requests():
        check(api.put(f"/chats/{cid}", json={"chat": {"public": "yes"}}), 400)

    for action in ("archive", "archive", "unarchive", "unarchive"):
        check(api.put(f"/chats/{cid}/{action}"), 204)
    check(api.put("/chats/424242/archive"), 404)
    check(api.put("/chats/424242/unarchive"), 404)
    return cid


def member_scenario(api: httpx.Client, recorder: SpecRecorder, cid: int) -> None:
    assert walk_pages(api, f"/chats/{cid}/members", 3) > 3
    check(api.get(f"/chats/{cid}/members", params={"role": "owner"}), 200)
    check(api.get("/chats/424242/members"), 404)
    with recorder.invalid_requests():
        check(api.get(f"/chats/{cid}/members", params={"role": "boss"}), 400)
        check(api.post(f"/chats/{cid}/members", json={"member_ids": "8"}), 400)
        check(api.post(f"/chats/{cid}/group_tags", json={}), 400)

    check(api.post(f"/chats/{cid}/members", json={"member_ids": [8, 9], "silent": True}), 204)
    check(api.post(f"/chats/{cid}/members", json={"member_ids": [99999]}), 422)
    check(api.post("/chats/424242/members", json={"member_ids": [8]}), 404)
    check(api.delete(f"/chats/{cid}/members/8"), 204)
    check(api.delete(f"/chats/{cid}/members/1"), 403)
    check(api.delete(f"/chats/{cid}/members/120"), 404)

    check(api.post(f"/chats/{cid}/group_tags", json={"group_tag_ids": [9107, 9109]}), 204)
    check(api.post(f"/chats/{cid}/group_tags", json={"group_tag_ids": [1]}), 422)
    check(api.post("/chats/424242/group_tags", json={"group_tag_ids": [9107]}), 404)
    check(api.delete(f"/chats/{cid}/group_tags/9107"), 204)
    check(api.delete(f"/chats/{cid}/group_tags/9107"), 404)


def since_spec_scenario(api: httpx.Client, third: httpx.Client, anonymous: httpx.Client,
                        recorder: SpecRecorder, cid: int) -> None:  # fmt: skip
    """Operations the SDK shows beyond openapi.yaml (see sdk_overlay.py), and member roles."""
    assert walk_pages(api, "/company/chats", 2, activity="active") >= 5
    check(api.get("/company/chats", params={"activity": "archived"}), 200)
    check(third.get("/company/chats"), 403)
    with recorder.invalid_requests():
        check(api.get("/company/chats", params={"activity": "deleted"}), 400)
        check(anonymous.get("/company/chats"), 401)
        check(anonymous.get("/oauth/token/info"), 401)
        check(api.put(f"/chats/{cid}/members/3", json={"role": "boss"}), 400)
    check(api.get("/oauth/token/info"), 200)

    check(upload_avatar(api, cid, png()), 200)
    check(upload_avatar(api, cid, b"just text", "text/plain"), 422)
    check(upload_avatar(api, 424242, png()), 404)
    check(api.get(f"/chats/{cid}"), 200)
    check(api.delete(f"/chats/{cid}/avatar"), 204)
    check(api.delete("/chats/424242/avatar"), 404)

    check(api.put(f"/chats/{cid}/members/3", json={"role": "admin"}), 204)
    check(api.put(f"/chats/{cid}/members/1", json={"role": "member"}), 403)
    check(api.put(f"/chats/{cid}/members/99999", json={"role": "admin"}), 404)
    check(api.put(f"/chats/{cid}/members/3", json={"role": "editor"}), 422)
    check(api.get(f"/chats/{cid}/members", params={"role": "admin"}), 200)


def message(entity_id: int, content: str, entity_type: str | None = None) -> dict:
    body = {"entity_id": entity_id, "content": content}
    return {"message": {**body, "entity_type": entity_type} if entity_type else body}


def message_scenario(api: httpx.Client, recorder: SpecRecorder, cid: int) -> None:
    check(api.post("/messages", json=message(cid, "Hi", "discussion")), 201)
    check(api.post("/messages", json={"message": {"entity_id": cid, "content": "Again"}}), 201)
    personal = check(api.post("/messages", json=message(7, "Hi", "user")), 201)
    check(api.post("/messages", json={"message": {"entity_id": 424242, "content": "x"}}), 422)
    check(api.post("/messages", json={"message": {"entity_id": cid, "content": " "}}), 422)
    with recorder.invalid_requests():
        check(api.post("/messages", json=message(cid, "x", "board")), 400)
    personal_id = personal["data"]["chat_id"]
    check(api.post(f"/chats/{personal_id}/members", json={"member_ids": [8]}), 422)
    check(api.get("/chats", params={"personal": "true"}), 200)


def directory_scenario(api: httpx.Client, recorder: SpecRecorder) -> None:
    assert walk_pages(api, "/users", 50) >= 120
    check(api.get("/users", params={"query": "bot"}), 200)
    check(api.get("/users/7"), 200)
    check(api.get("/users/99999"), 404)
    check(api.get("/users", params={"cursor": "%%%"}), 400)
    assert walk_pages(api, "/group_tags", 4) >= 6
    check(api.get("/group_tags", params=[("names", "Design"), ("names", "Product")]), 200)
    check(api.get("/group_tags/9101"), 200)
    check(api.get("/group_tags/1"), 404)
    assert walk_pages(api, "/group_tags/9101/users", 10) > 10
    check(api.get("/group_tags/1/users"), 404)
    check(api.get("/profile"), 200)


def group_tag_scenario(api: httpx.Client, user_api: httpx.Client, recorder: SpecRecorder) -> None:
    tag = check(api.post("/group_tags", json={"group_tag": {"name": "Platform"}}), 201)["data"]
    tid = tag["id"]
    check(api.post("/group_tags", json={"group_tag": {"name": "platform"}}), 422)
    check(api.post("/group_tags", json={"group_tag": {"name": " "}}), 422)
    check(api.put(f"/group_tags/{tid}", json={"group_tag": {"name": "Platform team"}}), 200)
    check(api.put(f"/group_tags/{tid}", json={"group_tag": {"name": "Design"}}), 422)
    check(api.put("/group_tags/424242", json={"group_tag": {"name": "x"}}), 404)
    check(api.put("/users/7", json={"user": {"list_tags": ["Design", "Platform team"]}}), 200)
    check(api.put("/users/7", json={"user": {"list_tags": ["No such tag"]}}), 422)
    check(api.put("/users/99999", json={"user": {"list_tags": []}}), 404)
    check(user_api.put("/users/7", json={"user": {"list_tags": []}}), 403)
    with recorder.invalid_requests():
        check(api.post("/group_tags", json={"name": "no wrapper"}), 400)
        check(api.put(f"/group_tags/{tid}", json={"group_tag": {"name": 5}}), 400)
        check(api.put("/users/7", json={"user": {"list_tags": "Design"}}), 400)
    assert check(api.get(f"/group_tags/{tid}"), 200)["data"]["users_count"] == 1
    check(api.delete(f"/group_tags/{tid}"), 204)
    check(api.delete(f"/group_tags/{tid}"), 404)


def audit_scenario(
    api: httpx.Client, admin: httpx.Client, anonymous: httpx.Client, recorder: SpecRecorder, cid: int
) -> None:
    assert walk_pages(api, "/audit_events", 3) > 10
    by_chat = {"entity_type": "Chat", "entity_id": str(cid), "start_time": "2020-01-01T00:00:00.000Z"}
    check(api.get("/audit_events", params={**by_chat, "event_key": "chat_renamed"}), 200)
    check(api.get("/audit_events", params={"entity_type": "GroupTag", "actor_id": "1"}), 200)
    check(api.get("/audit_events", params={"event_key": "user_chat_leave", "end_time": "2999-01-01T00:00:00Z"}), 200)
    check(api.get("/audit_events", params={"cursor": "%%%"}), 400)
    check(admin.get("/audit_events"), 403)
    with recorder.invalid_requests():
        check(anonymous.get("/audit_events"), 401)


def covered(recorder: SpecRecorder) -> dict[str, set[int]]:
    adapter = URL_MAP.bind("emulator.test")
    result: dict[str, set[int]] = {}
    for exchange in recorder.exchanges:
        route, _ = adapter.match(API_PATH + exchange.path, method=exchange.method)
        result.setdefault(route, set()).add(exchange.status)
    return result


def recorder_for(emulator: Emulator, openapi_spec) -> SpecRecorder:
    return SpecRecorder(emulator.new_transport(), openapi_spec.get())


def test_spec_conformance_every_exchange_matches_the_spec(emulator, openapi_spec):
    recorder = recorder_for(emulator, openapi_spec)
    api = emulator.client(transport=recorder)
    anonymous = emulator.client(token=None, transport=recorder)
    cid = chat_scenario(api, anonymous, recorder)
    member_scenario(api, recorder, cid)
    third = emulator.client(token=THIRD_TOKEN, transport=recorder)
    since_spec_scenario(api, third, anonymous, recorder, cid)
    message_scenario(api, recorder, cid)
    directory_scenario(api, recorder)
    group_tag_scenario(api, emulator.client(token=THIRD_TOKEN, transport=recorder), recorder)
    audit_scenario(api, emulator.client(token=SECOND_TOKEN, transport=recorder), anonymous, recorder, cid)
    recorder.assert_clean()
    assert covered(recorder) == EXPECTED


def test_spec_conformance_scenario_reaches_every_route():
    assert set(EXPECTED) == set(ROUTES)


def test_spec_conformance_recorder_flags_a_bad_response(wsgi_emulator, openapi_spec):
    recorder = recorder_for(wsgi_emulator, openapi_spec)
    api = wsgi_emulator.client(transport=recorder)
    cid = check(api.post("/chats", json={"chat": {"name": "x"}}), 201)["data"]["id"]
    wsgi_emulator.faults.configure(malformed="missing_fields")
    check(api.get(f"/chats/{cid}"), 200)
    with pytest.raises(AssertionError, match="name"):
        recorder.assert_clean()


def test_spec_conformance_missing_spec_fails_clearly(tmp_path, monkeypatch):
    monkeypatch.setenv("PACHCA_OPENAPI_SPEC", str(tmp_path / "absent.yaml"))
    with pytest.raises(SpecNotFound, match="PACHCA_OPENAPI_SPEC"):
        load_openapi()


def test_spec_conformance_sdk_overlay_requires_the_create_meta(openapi_spec):
    chat = {
        "id": 1, "name": "x", "created_at": "2026-01-01T00:00:00.000Z", "owner_id": 1, "member_ids": [1],
        "group_tag_ids": [], "channel": False, "archived": False, "personal": False, "public": False,
        "last_message_at": "2026-01-01T00:00:00.000Z", "meet_room_url": "https://meet.pachca.com/x-0a1b2c3d",
        "avatar_url": None,
    }  # fmt: skip
    answer = httpx.MockTransport(lambda request: httpx.Response(201, json={"data": chat}))
    recorder = SpecRecorder(answer, openapi_spec.get())
    with httpx.Client(transport=recorder, base_url="http://emulator.test" + API_PATH) as client:
        client.post("/chats", json={"chat": {"name": "x"}}, headers={"Authorization": "Bearer t"})
    with pytest.raises(AssertionError, match="meta"):
        recorder.assert_clean()
