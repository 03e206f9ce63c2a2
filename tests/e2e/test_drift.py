"""Drift made by hand is reported by `preview --refresh --expect-no-changes` and undone by `up --refresh`."""

from __future__ import annotations

import httpx
import pytest
from pulumi import automation as auto

from .conftest import FRONT_ENDS, TOKEN_USER, Api

pytestmark = pytest.mark.e2e

SPECS = {
    "eng": {"name": "Engineering", "member_ids": [3, 4]},
    "ops": {"name": "Ops", "member_ids": [8]},
    "core": {"name": "Core", "member_ids": [9, 10], "exclusive_members": True},
}


def _ids(api: Api) -> dict[str, int]:
    return {c["name"]: c["id"] for c in api.chats()}


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_hand_made_drift_is_reported_then_undone_by_up_refresh(make_stack, api: Api, front_end: str) -> None:
    stack = make_stack(SPECS, front_end=front_end)
    stack.up()
    ids = _ids(api)
    api.http.put(f"chats/{ids['Engineering']}", json={"chat": {"name": "Renamed by hand"}}).raise_for_status()
    api.http.put(f"chats/{ids['Ops']}/archive").raise_for_status()
    api.http.delete(f"chats/{ids['Engineering']}/members/4").raise_for_status()
    api.http.post(f"chats/{ids['Core']}/members", json={"member_ids": [42]}).raise_for_status()

    with pytest.raises(auto.CommandError) as drift:
        stack.preview(refresh=True, expect_no_changes=True, diff=True, color="never")
    stack.up(refresh=True)

    report = str(drift.value)
    assert "Renamed by hand" in report and "archived" in report
    eng, ops, core = api.chat(ids["Engineering"]), api.chat(ids["Ops"]), api.chat(ids["Core"])
    assert eng["name"] == "Engineering" and 4 in eng["member_ids"]
    assert ops["archived"] is False
    assert 42 not in core["member_ids"] and {9, 10, TOKEN_USER} <= set(core["member_ids"])
    stack.preview(refresh=True, expect_no_changes=True)


def test_tolerated_member_added_by_hand_is_not_drift(make_stack, api: Api) -> None:
    stack = make_stack({"eng": SPECS["eng"]})
    stack.up()
    api.http.post(f"chats/{_ids(api)['Engineering']}/members", json={"member_ids": [42]}).raise_for_status()

    stack.preview(refresh=True, expect_no_changes=True)

    assert 42 in api.by_name("Engineering")[0]["member_ids"]


def test_refresh_of_a_chat_that_only_got_messages_reports_no_change(make_stack, api: Api) -> None:
    stack = make_stack({"eng": SPECS["eng"]})
    stack.up()
    chat_id = _ids(api)["Engineering"]
    before = api.chat(chat_id)["last_message_at"]
    body = {"message": {"entity_type": "discussion", "entity_id": chat_id, "content": "hello"}}
    api.http.post("messages", json=body).raise_for_status()

    result = stack.refresh(expect_no_changes=True)

    assert api.chat(chat_id)["last_message_at"] != before
    assert set((result.summary.resource_changes or {}).keys()) == {"same"}


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_chat_deleted_outside_pulumi_leaves_state_on_refresh(make_stack, api: Api, emulator, front_end: str) -> None:
    stack = make_stack({"eng": SPECS["eng"], "ops": SPECS["ops"]}, front_end=front_end)
    stack.up()
    httpx.delete(f"{emulator.root_url}/_emulator/chats/{_ids(api)['Ops']}").raise_for_status()

    stack.refresh()

    urns = [r["urn"] for r in stack.export()["resources"]]
    assert not any(urn.endswith("::ops") for urn in urns)
    assert any(urn.endswith("::eng") for urn in urns)
