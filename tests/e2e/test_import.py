"""`pachca-pulumi import` end to end: 120 chats made by hand are adopted by the generated program (or
chat file) with the real engine, and the workspace is exactly as it was, then and after a second `up`."""

from __future__ import annotations

import re
import runpy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.testing import LocalStack
from pachca_pulumi.tools.chatfile import declare_chats
from pachca_pulumi.tools.cli import main

from .conftest import TOKEN, Api

pytestmark = pytest.mark.e2e

CHATS = 120  # more than two pages of 50
ARCHIVED = (17, 93)  # positions among the chats made by hand
TAGS = (9101, 9102, 9103, 9104, 9105, 9106)
NAMES = ("Standup", "Design review", "Отдел продаж", "  Q3 planning: budget & hiring ")  # spaces kept as sent

Snapshot = dict[int, dict[str, Any]]


def _chat_body(n: int) -> dict[str, Any]:
    """A varied chat: channels, public ones, members, tags; some names repeat."""
    body: dict[str, Any] = {
        "name": NAMES[n % len(NAMES)] if n % 10 == 0 else f"Team {n:03d}",
        "channel": n % 7 == 0,
        "public": n % 3 == 0,
        "member_ids": sorted({2 + (n * k) % 118 for k in range(n % 6)}),
    }
    if n % 5 == 0:
        body["group_tag_ids"] = [TAGS[n % len(TAGS)]]
    return body


def _make_by_hand(api: Api) -> None:
    for n in range(CHATS):
        chat = api.http.post("chats", json={"chat": _chat_body(n)}).raise_for_status().json()["data"]
        if n in ARCHIVED:
            api.http.put(f"chats/{chat['id']}/archive").raise_for_status()
    message = {"entity_type": "user", "entity_id": 5, "content": "a personal chat, never imported"}
    api.http.post("messages", json={"message": message}).raise_for_status()


def _snapshot(api: Api) -> Snapshot:
    keep = ("name", "owner_id", "channel", "public", "archived", "personal")
    return {chat["id"]: {**{k: chat[k] for k in keep}, "member_ids": set(chat["member_ids"]),
                         "group_tag_ids": set(chat["group_tag_ids"])} for chat in api.chats()}


def _import(emulator: EmulatorServer, target: Path, *args: str) -> None:
    env = {"PACHCA_TOKEN": TOKEN, "PACHCA_BASE_URL": emulator.base_url}
    args = ("import", "--include-archived", "--output", str(target), *args)
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output
    assert f"imported {CHATS} of {CHATS} listed chats" in result.stderr


def _stack(workdir: Path, engine: Path, emulator: EmulatorServer, program: Callable[[], None]) -> LocalStack:
    stack = LocalStack(workdir, program, engine_dir=engine)
    stack.configure(token=TOKEN, base_url=emulator.base_url)
    return stack


def _routes_during(api: Api, operation: Callable[[], Any]) -> tuple[Any, set[str]]:
    api.http.post(api.server.root_url + "/_emulator/stats/reset").raise_for_status()
    result = operation()
    return result, set(api.stats()["by_route"])


def _changes(result: Any) -> dict[str, int]:
    return dict(result.summary.resource_changes or {})


def _assert_adopts_without_change(stack: LocalStack, api: Api, before: Snapshot) -> None:
    first, routes = _routes_during(api, stack.up)

    assert _changes(first) == {"create": CHATS + 1}  # the chats and the stack
    assert {route.split()[0] for route in routes} == {"GET"}, routes
    assert _snapshot(api) == before
    assert _changes(stack.up()) == {"same": CHATS + 1}
    assert _snapshot(api) == before


def test_import_program_adopts_every_chat_and_changes_nothing(tmp_path: Path, engine: Path,
                                                              emulator: EmulatorServer, api: Api) -> None:
    _make_by_hand(api)
    before = _snapshot(api)
    program = tmp_path / "chats.py"
    _import(emulator, program)

    def run_program() -> None:
        runpy.run_path(str(program), run_name="__main__")

    stack = _stack(tmp_path / "stack", engine, emulator, run_program)

    _assert_adopts_without_change(stack, api, before)

    program.write_text(re.sub(r"\n    adopt_id=\d+,", "", program.read_text()))
    assert "adopt_id" not in program.read_text().split("from pachca_pulumi import Chat")[1]
    assert _changes(stack.up()) == {"same": CHATS + 1}
    assert _snapshot(api) == before


def test_import_chat_file_adopts_every_chat_and_changes_nothing(tmp_path: Path, engine: Path,
                                                                emulator: EmulatorServer, api: Api) -> None:
    _make_by_hand(api)
    before = _snapshot(api)
    chat_file = tmp_path / "chats.yaml"
    _import(emulator, chat_file, "--exclusive-members")

    def program() -> None:
        declare_chats(chat_file)

    stack = _stack(tmp_path / "stack", engine, emulator, program)

    _assert_adopts_without_change(stack, api, before)
