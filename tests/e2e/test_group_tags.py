"""Teams as code with the real engine: two `GroupTag`s and three chats that follow them, by id and by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from pachca_pulumi import Chat, GroupTag
from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.testing import LocalStack

from .conftest import TOKEN, Api

pytestmark = pytest.mark.e2e

CHIARA, NATALIA, NINO, CAMILLE = 3, 4, 5, 8  # seeded users (emails and nicknames in seed.json)
TEAMS = {"backend": [CHIARA, "natalia.lopez@example.com"], "frontend": ["@ninosilva"]}
MOVED = {"backend": [CHIARA], "frontend": ["@ninosilva", "natalia.lopez@example.com"]}


def teams_program(teams: dict[str, list[Any]]) -> Callable[[], None]:
    def program() -> None:
        backend = GroupTag("backend", name="Backend team", members=teams["backend"])
        frontend = GroupTag("frontend", name="Frontend team", members=teams["frontend"])
        Chat("engineering", name="Engineering", group_tag_ids=[backend.id, frontend.id])
        Chat("backend-chat", name="Backend", group_tags=[backend.name], member_ids=[CAMILLE], exclusive_members=True)
        Chat("frontend-chat", name="Frontend", group_tag_ids=[frontend.id], exclusive_members=True)

    return program


@pytest.fixture
def stack(tmp_path: Path, engine: Path, emulator: EmulatorServer) -> LocalStack:
    made = LocalStack(tmp_path / "teams", teams_program(TEAMS), engine_dir=engine)
    made.configure(token=TOKEN, base_url=emulator.base_url)
    return made


def _tags(api: Api) -> dict[str, dict[str, Any]]:
    body = api.http.get("group_tags", params={"names": ["Backend team", "Frontend team"]}).raise_for_status().json()
    return {tag["name"]: tag for tag in body["data"]}


def _tag_users(api: Api, tag_id: int) -> set[int]:
    return {u["id"] for u in api.http.get(f"group_tags/{tag_id}/users").raise_for_status().json()["data"]}


def _members(api: Api, name: str) -> set[int]:
    chat, = api.by_name(name)
    return set(chat["member_ids"])


def _changes(result: Any) -> dict[str, int]:
    return {k: v for k, v in (result.summary.resource_changes or {}).items() if k != "same"}


def test_group_tags_preview_then_up_gives_chats_their_teams(stack: LocalStack, api: Api) -> None:
    preview = stack.preview(diff=True, color="never")
    first = stack.up()
    second = stack.up()

    assert preview.change_summary == {"create": 6}
    assert _changes(first) == {"create": 6} and _changes(second) == {}
    tags = _tags(api)
    backend, frontend = tags["Backend team"]["id"], tags["Frontend team"]["id"]
    assert _tag_users(api, backend) == {CHIARA, NATALIA} and _tag_users(api, frontend) == {NINO}
    assert api.by_name("Engineering")[0]["group_tag_ids"] == sorted([backend, frontend])
    assert api.by_name("Backend")[0]["group_tag_ids"] == [backend]
    assert {CHIARA, NATALIA, NINO} <= _members(api, "Engineering")
    assert {CHIARA, NATALIA, CAMILLE} <= _members(api, "Backend") and NINO not in _members(api, "Backend")


def test_group_tags_person_moved_between_tags_reaches_chats_without_chat_diff(stack: LocalStack, api: Api) -> None:
    stack.up()
    stack.set_program(teams_program(MOVED))

    preview = stack.preview(diff=True, color="never")
    result = stack.up()

    assert preview.change_summary == {"same": 4, "update": 2}
    assert "- natalia.lopez@example.com: true" in preview.stdout and "+ natalia.lopez@example.com" in preview.stdout
    assert _changes(result) == {"update": 2}
    assert NATALIA not in _members(api, "Backend") and NATALIA in _members(api, "Frontend")
    stack.preview(refresh=True, expect_no_changes=True)


def test_group_tags_hand_made_tag_change_is_drift_and_up_undoes_it(stack: LocalStack, api: Api) -> None:
    stack.up()
    backend = _tags(api)["Backend team"]["id"]
    api.http.put(f"group_tags/{backend}", json={"group_tag": {"name": "Renamed by hand"}}).raise_for_status()
    api.http.put(f"users/{CHIARA}", json={"user": {"list_tags": []}}).raise_for_status()

    with pytest.raises(auto.CommandError) as drift:
        stack.preview(refresh=True, expect_no_changes=True, diff=True, color="never")
    stack.up(refresh=True)

    report = str(drift.value)
    assert "Renamed by hand" in report and "+ 3: true" in report
    assert api.http.get(f"group_tags/{backend}").json()["data"]["name"] == "Backend team"
    assert CHIARA in _tag_users(api, backend) and CHIARA in _members(api, "Backend")
    stack.preview(refresh=True, expect_no_changes=True)


def test_group_tags_destroy_archives_the_chats_and_deletes_the_tags(stack: LocalStack, api: Api) -> None:
    stack.up()
    tags = _tags(api)

    stack.destroy()

    assert all(chat["archived"] for chat in api.chats() if chat["name"] in ("Engineering", "Backend", "Frontend"))
    assert _tags(api) == {}
    assert all(api.http.get(f"group_tags/{tag['id']}").status_code == 404 for tag in tags.values())
