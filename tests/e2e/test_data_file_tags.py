"""A data file with a `group_tags:` section, with the real engine: the tag is created before the chat
that references it by key, the chat gets the tag's people, a second `up` changes nothing, and destroy
archives the chat and deletes the tag."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.testing import LocalStack
from pachca_pulumi.tools.chatfile import declare_data

from .conftest import TOKEN, Api

pytestmark = pytest.mark.e2e

CHIARA, NATALIA, NINO = 3, 4, 5  # seeded users (emails and nicknames in seed.json)

TEAMS = """\
group_tags:
  backend:
    name: Backend team
    members: [3, natalia.lopez@example.com]
chats:
  backend-chat:
    name: Backend
    group_tags: [backend]
    members: ["@ninosilva"]
"""


def _changes(result: Any) -> dict[str, int]:
    return {k: v for k, v in (result.summary.resource_changes or {}).items() if k != "same"}


def _tag(api: Api) -> dict[str, Any]:
    body = api.http.get("group_tags", params={"names": ["Backend team"]}).raise_for_status().json()
    (tag,) = body["data"]
    return dict(tag)


def test_data_file_with_a_tag_and_a_chat_using_it(tmp_path: Path, engine: Path,
                                                  emulator: EmulatorServer, api: Api) -> None:
    data_file = tmp_path / "teams.yaml"
    data_file.write_text(TEAMS, encoding="utf-8")

    def program() -> None:
        declare_data(data_file)

    stack = LocalStack(tmp_path / "stack", program, engine_dir=engine)
    stack.configure(token=TOKEN, base_url=emulator.base_url)

    preview = stack.preview()
    first = stack.up()
    second = stack.up()

    assert preview.change_summary == {"create": 3}  # the tag, the chat and the stack
    assert _changes(first) == {"create": 3} and _changes(second) == {}
    tag = _tag(api)
    (chat,) = api.by_name("Backend")
    assert chat["group_tag_ids"] == [tag["id"]]
    assert {CHIARA, NATALIA, NINO} <= set(chat["member_ids"])

    destroyed = stack.destroy()

    assert _changes(destroyed) == {"delete": 3}
    assert api.chat(chat["id"])["archived"] is True
    assert api.http.get(f"group_tags/{tag['id']}").status_code == 404


def test_a_bad_data_file_stops_the_preview_with_its_problems_and_no_traceback(
        tmp_path: Path, engine: Path, emulator: EmulatorServer) -> None:
    data_file = tmp_path / "teams.yaml"
    data_file.write_text("chats:\n  eng:\n    name: Engineering\n    public: maybe\n  ops:\n    members: [3]\n",
                         encoding="utf-8")

    def program() -> None:
        declare_data(data_file)

    stack = LocalStack(tmp_path / "stack", program, engine_dir=engine)
    stack.configure(token=TOKEN, base_url=emulator.base_url)

    with pytest.raises(auto.CommandError) as info:
        stack.preview()

    text = str(info.value)
    assert "2 problems in" in text
    assert "chats.eng.public" in text and "chats.ops.name" in text
    assert "Traceback" not in text and "unhandled exception" not in text


MISTAKES = """\
group_tags:
  backend:
    name: Backend team
    members: [3, "@nosuchtagmember"]
chats:
  eng:
    name: Engineering
    member_ids: [2, 9999]
  ops:
    name: Ops
    members: ["@nosuchperson", natalia.lopez@example.com]
  fine:
    name: Fine
    group_tags: [backend]
    members: ["@ninosilva"]
"""


def test_one_preview_lists_every_mistake_of_a_data_file_once(tmp_path: Path, engine: Path,
                                                               emulator: EmulatorServer, api: Api) -> None:
    """The engine stops at the first resource whose check fails; that failure lists the rest of the
    file's mistakes, each once, with where it is in the file, and nothing is written."""
    data_file = tmp_path / "teams.yaml"
    data_file.write_text(MISTAKES, encoding="utf-8")
    stack = LocalStack(tmp_path / "stack", lambda: declare_data(data_file), engine_dir=engine)
    stack.configure(token=TOKEN, base_url=emulator.base_url)
    api.http.post(api.server.root_url + "/_emulator/stats/reset").raise_for_status()

    with pytest.raises(auto.CommandError) as info:
        stack.preview()

    text = str(info.value)
    diagnostics = text[text.index("Diagnostics:"):text.index("Resources:")] if "Resources:" in text else text
    for mistake in ("@nosuchtagmember is not a user", "9999 is not a user", "@nosuchperson is not a user"):
        assert diagnostics.count(mistake) == 1, text  # each once, however the engine orders the resources
    assert "teams.yaml has 2 more problems" in diagnostics
    listed = [line.strip() for line in diagnostics.splitlines() if line.strip().startswith(("chats.", "group_tags."))]
    assert len(listed) == 2 and all(": " in line for line in listed), text  # `chats.ops.members: ...`
    assert "Traceback" not in text and TOKEN not in text
    assert {route.split()[0] for route in api.stats()["by_route"]} <= {"GET"}  # nothing written


def test_the_data_files_path_is_never_stored_or_diffed(tmp_path: Path, engine: Path, emulator: EmulatorServer) -> None:
    """Another checkout (the file at another path) previews no change, and state holds no path."""
    here = tmp_path / "a" / "teams.yaml"
    here.parent.mkdir()
    here.write_text(TEAMS, encoding="utf-8")
    where = {"file": here}
    stack = LocalStack(tmp_path / "stack", lambda: declare_data(where["file"]), engine_dir=engine)
    stack.configure(token=TOKEN, base_url=emulator.base_url)
    stack.up()
    there = tmp_path / "b" / "teams.yaml"
    there.parent.mkdir()
    there.write_text(TEAMS.replace("name: Backend\n", "name: Backend chat\n"), encoding="utf-8")
    where["file"] = there

    preview = stack.preview(diff=True, color="never").stdout
    stack.up()

    assert "__data_file" not in preview and str(tmp_path) not in preview, preview
    assert '~ name: "Backend" => "Backend chat"' in preview, preview
    assert str(tmp_path) not in stack.export_text()
    stack.preview(expect_no_changes=True)
