"""`pachca-pulumi import --group-tags` end to end: the workspace's tags (seeded ones and one made by hand)
and chats using them are adopted by the generated program (or data file) with the real engine; the
first `up` only reads, and the workspace is exactly as it was, then and after a second `up`."""

from __future__ import annotations

import runpy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.testing import LocalStack
from pachca_pulumi.tools.chatfile import declare_data
from pachca_pulumi.tools.cli import main

from .conftest import TOKEN, Api

pytestmark = pytest.mark.e2e

SEEDED_TAGS = 10  # seed.json's group tags, 9101-9110
PLATFORM_PEOPLE = (3, 8, 40)
CHATS = (
    {"name": "Backend", "group_tag_ids": [9107], "member_ids": [8]},
    {"name": "Design review", "group_tag_ids": [9102, 9106], "channel": True},
    {"name": "Platform"},  # gets the hand-made tag below
    {"name": "No tags", "member_ids": [5, 6], "public": True},
)


def _make_by_hand(api: Api) -> None:
    tag = api.http.post("group_tags", json={"group_tag": {"name": "Platform team"}}).raise_for_status().json()
    for user_id in PLATFORM_PEOPLE:
        tags = api.http.get(f"users/{user_id}").raise_for_status().json()["data"]["list_tags"]
        body = {"user": {"list_tags": [*tags, "Platform team"]}}
        api.http.put(f"users/{user_id}", json=body).raise_for_status()
    for chat in CHATS:
        if chat["name"] == "Platform":
            chat = {**chat, "group_tag_ids": [tag["data"]["id"]]}
        api.http.post("chats", json={"chat": chat}).raise_for_status()


def _nickname(api: Api, user_id: int) -> str:
    return "@" + api.http.get(f"users/{user_id}").raise_for_status().json()["data"]["nickname"]


def _snapshot(api: Api) -> dict[str, Any]:
    keep = ("name", "owner_id", "channel", "public", "archived")
    chats = {chat["id"]: {**{k: chat[k] for k in keep}, "member_ids": set(chat["member_ids"]),
                          "group_tag_ids": set(chat["group_tag_ids"])} for chat in api.chats()}
    tags = api.http.get("group_tags", params={"limit": 50}).raise_for_status().json()["data"]
    users = {tag["id"]: (tag["name"], {u["id"] for u in api.http.get(f"group_tags/{tag['id']}/users",
                                                                          params={"limit": 50}).json()["data"]})
             for tag in tags}
    return {"chats": chats, "tags": users}


def _import(emulator: EmulatorServer, target: Path) -> str:
    env = {"PACHCA_TOKEN": TOKEN, "PACHCA_BASE_URL": emulator.base_url}
    result = CliRunner().invoke(main, ["import", "--group-tags", "--output", str(target)], env=env)
    assert result.exit_code == 0, result.output
    assert f"imported {len(CHATS)} of {len(CHATS)} listed chats and {SEEDED_TAGS + 1} group tags" in result.stderr
    return target.read_text(encoding="utf-8")


def _assert_adopts_without_change(workdir: Path, engine: Path, emulator: EmulatorServer, api: Api,
                                  program: Callable[[], None]) -> None:
    before = _snapshot(api)
    stack = LocalStack(workdir, program, engine_dir=engine)
    stack.configure(token=TOKEN, base_url=emulator.base_url)
    api.http.post(api.server.root_url + "/_emulator/stats/reset").raise_for_status()

    first = stack.up()

    routes = set(api.stats()["by_route"])
    assert dict(first.summary.resource_changes or {}) == {"create": len(CHATS) + SEEDED_TAGS + 2}
    assert {route.split()[0] for route in routes} == {"GET"}, routes
    assert _snapshot(api) == before
    assert dict(stack.up().summary.resource_changes or {}) == {"same": len(CHATS) + SEEDED_TAGS + 2}
    assert _snapshot(api) == before


def test_import_group_tags_program_adopts_tags_and_chats_by_resource(tmp_path: Path, engine: Path,
                                                                     emulator: EmulatorServer, api: Api) -> None:
    _make_by_hand(api)
    program = tmp_path / "teams.py"
    text = _import(emulator, program)

    assert "from pachca_pulumi import Chat, GroupTag" in text
    named = sorted((_nickname(api, uid), uid) for uid in PLATFORM_PEOPLE)  # a tag's people sort by name
    people = "".join(f'        "{nick}",  # {uid}\n' for nick, uid in named)
    assert 'platform_team = GroupTag(\n    "platform-team",\n    name="Platform team",\n' \
           f"    members=[\n{people}    ],\n" in text
    assert "    group_tags=[design.name, managers.name],\n" in text

    def run_program() -> None:
        runpy.run_path(str(program), run_name="__main__")

    _assert_adopts_without_change(tmp_path / "stack", engine, emulator, api, run_program)


def test_import_group_tags_data_file_adopts_tags_and_chats_by_key(tmp_path: Path, engine: Path,
                                                                  emulator: EmulatorServer, api: Api) -> None:
    _make_by_hand(api)
    data_file = tmp_path / "teams.yaml"
    text = _import(emulator, data_file)

    people = ", ".join(f"'{nick}'" for nick in sorted(_nickname(api, uid) for uid in PLATFORM_PEOPLE))
    assert f"  platform-team:\n    name: Platform team\n    members: [{people}]\n" in text
    assert "    group_tags: [platform-team]\n" in text

    def program() -> None:
        declare_data(data_file)

    _assert_adopts_without_change(tmp_path / "stack", engine, emulator, api, program)
