"""`GroupTag` keeps `Chat`'s promises, with the real engine and both front ends: a mistake in a tag (or
in a chat's tag by name) fails before any write, in one line with the fix and no traceback, even
through the Automation API's `up`, which skips the preview (as `pulumi up --skip-preview` does); and
two resources adopting one chat or one tag write nothing to it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from pachca_pulumi import Chat, GroupTag
from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.native.values import camel
from pachca_pulumi.testing import LocalStack

from .conftest import FRONT_ENDS, TOKEN, Api
from .yaml_project import install_native_plugin

pytestmark = pytest.mark.e2e

Declared = list[tuple[str, str, dict[str, Any]]]  # (kind, resource name, inputs)


def program_of(declared: Declared, front_end: str) -> Callable[[], None]:
    """The program declaring these resources through one front end (native: by type token)."""
    def program() -> None:
        for kind, name, args in declared:
            if front_end == "native":
                pulumi.CustomResource(f"pachca:index:{kind}", name, {camel(k): v for k, v in args.items()})
            else:
                {"Chat": Chat, "GroupTag": GroupTag}[kind](name, **args)

    return program


def _stack(tmp_path: Path, engine: Path, emulator: EmulatorServer, declared: Declared, front_end: str) -> LocalStack:
    stack = LocalStack(tmp_path / front_end, program_of(declared, front_end), engine_dir=engine)
    if front_end == "native":
        install_native_plugin(engine, stack.env)
    stack.configure(token=TOKEN, base_url=emulator.base_url)
    return stack


def _failed_up(stack: LocalStack) -> str:
    printed: list[str] = []
    with pytest.raises(auto.CommandError) as info:
        stack.up(on_output=printed.append)
    return "\n".join(printed) + "\n" + str(info.value)


MISTAKES: dict[str, tuple[Declared, str]] = {
    "unknown member": (
        [("GroupTag", "platform", {"name": "Platform", "members": ["@ninosilv"]})],
        "@ninosilv is not a user of this workspace; did you mean @ninosilva? (in members of group tag 'platform')"),
    "name taken in another case": (
        [("GroupTag", "backend", {"name": "backend", "members": [3]})],
        "name 'backend': group tag 9107 is already named 'Backend' (names are unique in the workspace, regardless "
        "of case; in group tag 'backend'); to manage that tag set adopt_id=9107 or adopt_by_name=True"),
    "chat's tag by name mistyped": (
        [("Chat", "review", {"name": "Design review", "group_tags": ["Desing"]})],
        "chat 'review': no group tags named 'Desing' (did you mean 'Design'?)"),
}


@pytest.mark.parametrize("front_end", FRONT_ENDS)
@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_a_tag_mistake_fails_before_any_write_in_one_line(tmp_path: Path, engine: Path, emulator: EmulatorServer,
                                                          api: Api, mistake: str, front_end: str) -> None:
    declared, said = MISTAKES[mistake]
    stack = _stack(tmp_path, engine, emulator, declared, front_end)
    api.http.post(api.server.root_url + "/_emulator/stats/reset").raise_for_status()

    text = _failed_up(stack)

    assert said in text, text
    line = next(line for line in text.splitlines() if said in line)
    assert "Traceback" not in text and TOKEN not in text, text
    assert len(line) < 600, line
    assert {route.split()[0] for route in api.stats()["by_route"]} <= {"GET"}, api.stats()  # nothing written


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_two_resources_adopting_one_chat_or_tag_write_nothing_even_without_a_preview(
        tmp_path: Path, engine: Path, emulator: EmulatorServer, api: Api, front_end: str) -> None:
    chat = api.http.post("chats", json={"chat": {"name": "Shared room"}}).raise_for_status().json()["data"]
    declared: Declared = [
        ("Chat", "room", {"name": "Room A", "adopt_id": chat["id"]}),
        ("Chat", "room-too", {"name": "Room B", "adopt_id": chat["id"]}),
        ("GroupTag", "support", {"name": "Support team", "adopt_id": 9105}),
        ("GroupTag", "support-too", {"name": "Helpdesk", "adopt_id": 9105}),
    ]
    stack = _stack(tmp_path, engine, emulator, declared, front_end)

    text = _failed_up(stack)

    assert "claimed by two resources" in text and "Traceback" not in text, text
    assert api.chat(chat["id"])["name"] == "Shared room"
    tag = api.http.get("group_tags/9105").raise_for_status().json()["data"]
    assert tag["name"] == "Support"
