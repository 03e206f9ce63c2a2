"""Fault injection: rate limit, server errors, latency, dropped connections, malformed answers."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from pachca_pulumi.emulator import Faults
from pachca_pulumi.emulator.errors import DroppedConnection
from tests.emulator.emulator_support import SECOND_TOKEN, create_chat


def test_faults_rate_limit_answers_429_with_retry_after(emulator, api):
    emulator.faults.configure(rate_limit=2)
    statuses = [api.get("/profile").status_code for _ in range(3)]
    limited = api.get("/profile")
    assert statuses[:2] == [200, 200] and limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["errors"][0]["code"] == "rate_limit"


def test_faults_rate_limit_is_per_token(emulator, api):
    emulator.faults.configure(rate_limit=1)
    api.get("/profile")
    assert api.get("/profile").status_code == 429
    assert emulator.client(token=SECOND_TOKEN).get("/profile").status_code == 200


def test_faults_rate_limit_allows_again_after_waiting(emulator, api):
    emulator.faults.configure(rate_limit=20)
    while api.get("/profile").status_code != 429:
        pass
    time.sleep(0.06)
    assert api.get("/profile").status_code == 200


def test_faults_error_rate_answers_503_before_applying(emulator, api):
    emulator.faults.configure(error_rate=1.0)
    response = api.post("/chats", json={"chat": {"name": "never"}})
    emulator.faults.configure(error_rate=0.0)
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "unhandled"
    assert api.get("/chats").json()["data"] == []


def test_faults_latency_delays_answers(emulator, api):
    emulator.faults.configure(latency_ms=150)
    started = time.monotonic()
    api.get("/profile")
    assert time.monotonic() - started >= 0.15


def test_faults_drop_after_create_closes_connection_after_creating(socket_emulator):
    api = socket_emulator.client()
    socket_emulator.faults.configure(drop_after_create=1.0)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.post("/chats", json={"chat": {"name": "ghost"}})
    socket_emulator.faults.configure(drop_after_create=0.0)
    assert [c["name"] for c in api.get("/chats").json()["data"]] == ["ghost"]


def test_faults_drop_after_create_in_process_raises_dropped_connection(wsgi_emulator):
    api = wsgi_emulator.client()
    wsgi_emulator.faults.configure(drop_after_create=1.0)
    with pytest.raises(DroppedConnection):
        api.post("/chats", json={"chat": {"name": "ghost"}})
    wsgi_emulator.faults.configure(drop_after_create=0.0)
    assert [c["name"] for c in api.get("/chats").json()["data"]] == ["ghost"]


def test_faults_drop_after_create_spares_other_routes(emulator, api):
    emulator.faults.configure(drop_after_create=1.0)
    assert api.get("/profile").status_code == 200


def test_faults_html502_answers_html(emulator, api):
    emulator.faults.configure(malformed="html502")
    response = api.get("/chats")
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<html>")


def test_faults_not_json_breaks_get_chat_body(emulator, api):
    chat = create_chat(api)
    emulator.faults.configure(malformed="not_json")
    response = api.get(f"/chats/{chat['id']}")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_faults_missing_fields_drops_chat_name(emulator, api):
    chat = create_chat(api)
    emulator.faults.configure(malformed="missing_fields")
    assert "name" not in api.get(f"/chats/{chat['id']}").json()["data"]


def test_faults_wrong_types_breaks_chat_field_types(emulator, api):
    chat = create_chat(api)
    emulator.faults.configure(malformed="wrong_types")
    data = api.get(f"/chats/{chat['id']}").json()["data"]
    assert (data["id"], data["archived"]) == (str(chat["id"]), "no")


def test_faults_bad_enum_puts_unknown_role(emulator, api):
    emulator.faults.configure(malformed="bad_enum")
    assert api.get("/profile").json()["data"]["role"] == "overlord"


def test_faults_counters_show_in_stats(emulator, api):
    emulator.faults.configure(error_rate=1.0)
    api.get("/profile")
    emulator.faults.configure(error_rate=0.0, rate_limit=1)
    api.get("/profile")
    api.get("/profile")
    stats = emulator.control().get("/_emulator/stats").json()
    assert (stats["server_errors"], stats["rate_limited"]) == (1, 1)
    assert stats["faults"]["errors"] == 1 and stats["faults"]["rate_limited"] == 1


def test_faults_stats_count_drops(socket_emulator):
    socket_emulator.faults.configure(drop_after_create=1.0)
    with pytest.raises(httpx.TransportError):
        socket_emulator.client().post("/chats", json={"chat": {"name": "ghost"}})
    stats = socket_emulator.control().get("/_emulator/stats").json()
    assert (stats["drops"], stats["by_status"]) == (1, {"dropped": 1})


def test_faults_control_endpoint_sets_and_shows_switches(emulator, api):
    control = emulator.control()
    response = control.put("/_emulator/faults", json={"error_rate": 1, "latency_ms": 5})
    assert response.status_code == 200
    assert control.get("/_emulator/faults").json()["error_rate"] == 1
    assert api.get("/profile").status_code == 503


@pytest.mark.parametrize(
    "switches",
    [{"error_rate": 2}, {"latency_ms": -1}, {"rate_limit": 0}, {"malformed": "gzip"}, {"coffee": 1}, [1]],
)
def test_faults_control_endpoint_rejects_bad_switches(emulator, switches):
    response = emulator.control().put("/_emulator/faults", json=switches)
    assert response.status_code == 400
    assert response.json()["error"]


def test_faults_control_endpoints_are_not_rate_limited(emulator, api):
    emulator.faults.configure(rate_limit=1, malformed="html502")
    control = emulator.control()
    assert [control.get("/_emulator/health").status_code for _ in range(3)] == [200, 200, 200]


def test_faults_clear_turns_everything_off():
    faults = Faults(rate_limit=3, error_rate=0.5, latency_ms=10, drop_after_create=1, malformed="not_json",
                    leave_on_create=[4])
    faults.clear()
    assert faults.settings() == {
        "rate_limit": None,
        "error_rate": 0.0,
        "error_methods": None,
        "error_status": 503,
        "latency_ms": 0,
        "drop_after_create": 0.0,
        "malformed": None,
        "leave_on_create": [],
        "hide_private": None,
    }


def test_faults_error_methods_limit_injected_errors_to_those_methods(emulator, api):
    emulator.faults.configure(error_rate=1.0, error_methods=["post", "PUT"])

    read = api.get("/chats")
    write = api.post("/chats", json={"chat": {"name": "refused"}})

    emulator.faults.clear()
    assert read.status_code == 200
    assert write.status_code == 503
    assert not [c for c in api.get("/chats").json()["data"] if c["name"] == "refused"]


def test_faults_error_status_422_is_an_api_error_clients_do_not_retry(emulator, api):
    emulator.faults.configure(error_rate=1.0, error_status=422)

    response = api.post("/chats", json={"chat": {"name": "refused"}})

    emulator.faults.clear()
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "invalid"


def test_faults_error_methods_must_name_http_methods():
    with pytest.raises(ValueError, match="error_methods must be null or a list of HTTP methods"):
        Faults(error_methods=["FETCH"])


def test_faults_leave_on_create_makes_named_users_leave_as_the_chat_is_made(emulator, api):
    emulator.faults.configure(leave_on_create=[4])
    assert api.get("/users/4").status_code == 200

    response = api.post("/chats", json={"chat": {"name": "race", "member_ids": [3, 4]}})

    assert response.status_code == 201
    assert response.json()["meta"]["not_found_member_ids"] == [4]
    assert 4 not in response.json()["data"]["member_ids"] and 3 in response.json()["data"]["member_ids"]
    assert api.get("/users/4").status_code == 404


def test_faults_leave_on_create_leaves_other_creates_alone(emulator, api):
    emulator.faults.configure(leave_on_create=[4])

    response = api.post("/chats", json={"chat": {"name": "calm", "member_ids": [3]}})

    assert response.json()["meta"]["not_found_member_ids"] == []
    assert api.get("/users/4").status_code == 200


def test_faults_leave_on_create_must_be_a_list_of_ids():
    with pytest.raises(ValueError, match="leave_on_create must be a list of user ids"):
        Faults(leave_on_create=4)
