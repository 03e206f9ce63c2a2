"""Chat files (YAML/JSON): loading, one error per problem naming file, chat and field, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from pachca_pulumi.api.errors import PachcaError
from pachca_pulumi.chat.schema import PROGRAM_INPUTS, ChatInputs
from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.tools.chatfile import ChatFileError, ChatSpec, dump_chats, load_chats
from pachca_pulumi.tools.cli import main

TOKEN = "chatfile-token-41aa"

VALID_YAML = """\
# the team's chats
chats:
  design-review:
    name: "  Design review "
    member_ids: [23, 6, 7, 6]
    exclusive_members: true
  announcements: {name: Announcements, channel: true, public: true}
  old-project:
    name: Old project
    archived: true
    adopt_id: 1042
"""

EXPECTED = [
    ChatSpec("design-review",
             ChatInputs(name="Design review", member_ids=[6, 7, 23], exclusive_members=True)),
    ChatSpec("announcements", ChatInputs(name="Announcements", channel=True, public=True)),
    ChatSpec("old-project", ChatInputs(name="Old project", archived=True, adopt_id=1042)),
]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ChatFileError) as failed:
        load_chats(path)
    return failed.value.problems


# Loading


def test_load_chats_reads_yaml_in_order_and_normalised(tmp_path: Path) -> None:
    assert load_chats(write(tmp_path, "chats.yaml", VALID_YAML)) == EXPECTED


def test_load_chats_reads_json(tmp_path: Path) -> None:
    document = {"chats": {
        "design-review": {"name": "Design review", "member_ids": [7, 6, 23], "exclusive_members": True},
        "announcements": {"name": "Announcements", "channel": True, "public": True},
        "old-project": {"name": "Old project", "archived": True, "adopt_id": 1042},
    }}

    assert load_chats(write(tmp_path, "chats.json", json.dumps(document))) == EXPECTED


def test_load_chats_accepts_yml_extension_and_no_chats(tmp_path: Path) -> None:
    assert load_chats(write(tmp_path, "chats.yml", "chats: {}\n")) == []


def test_chat_file_error_is_a_pachca_error_listing_every_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "chats.yaml", "chats:\n  a: {name: ''}\n  b: {name: B, public: maybe}\n")

    with pytest.raises(PachcaError) as failed:
        load_chats(path)

    assert isinstance(failed.value, ChatFileError)
    assert failed.value.problems == [
        f"{path}: chats.a.name: name must not be empty or blank: give the chat a visible name",
        f"{path}: chats.b.public: public must be true or false; got 'maybe'",
    ]
    assert str(failed.value).startswith(f"2 problems in {path}:\n")


def test_load_chats_reports_problems_of_every_kind_together(tmp_path: Path) -> None:
    text = "chats:\n  a: {name: A}\n  a: {name: A2}\n  b: {name: B, topic: x}\nversion: 2\n"
    path = write(tmp_path, "chats.yaml", text)

    wheres = [problem.split(": ")[1] for problem in problems_of(path)]

    assert wheres == ["chats.a", "version", "chats.b.topic"]


# Every kind of problem names the file, the chat and the field


@pytest.mark.parametrize(
    ("chat", "where", "fix"),
    [
        ("{member_ids: [1]}", "chats.eng.name", "name is required"),
        ("{name: Eng, topic: x}", "chats.eng.topic", "unknown field; a chat takes: name, member_ids"),
        ("{name: Eng, member_ids: [alice]}", "chats.eng.member_ids", "integer ids only"),
        ("{name: Eng, member_ids: 5}", "chats.eng.member_ids", "member_ids must be a list, e.g. member_ids=[186, 187]"),
        ("{name: Eng, group_tag_ids: [-1]}", "chats.eng.group_tag_ids", "positive 32-bit integers"),
        ("{name: Eng, channel: 'yes'}", "chats.eng.channel", "must be true or false"),
        ("{name: Eng, adopt_id: 1.5}", "chats.eng.adopt_id", "whole number"),
        (f"{{name: {'x' * 256}}}", "chats.eng.name", "shorten it to at most 255"),
        ("Engineering", "chats.eng", "must be a mapping of chat inputs"),
    ],
)
def test_load_chats_field_problem_names_file_chat_and_field(tmp_path: Path, chat: str, where: str,
                                                            fix: str) -> None:
    path = write(tmp_path, "chats.yaml", f"chats:\n  eng: {chat}\n")

    (problem,) = problems_of(path)

    assert problem.startswith(f"{path}: {where}: ")
    assert fix in problem


@pytest.mark.parametrize(
    ("key", "fix"),
    [
        ("''", "must not be empty"),
        ("'a::b'", "must not contain '::'"),
        ("2024", "must be a string; quote it"),
    ],
)
def test_load_chats_bad_resource_name_is_named(tmp_path: Path, key: str, fix: str) -> None:
    path = write(tmp_path, "chats.yaml", f"chats:\n  {key}: {{name: Eng}}\n")

    (problem,) = problems_of(path)

    assert problem.startswith(f"{path}: chats.{key.strip(chr(39))}: resource name ")
    assert fix in problem


def test_load_chats_one_chat_adopted_twice_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "chats.yaml", "chats:\n  a: {name: A, adopt_id: 7}\n  b: {name: B, adopt_id: 7}\n")

    (problem,) = problems_of(path)

    assert problem == (f"{path}: chats.b.adopt_id: chat 7 is already adopted by chats.a; "
                       "a chat can be adopted by one resource only")


def test_load_chats_yaml_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "chats.yaml", "chats:\n  eng: {name: A}\n  ops: {name: B}\n  eng: {name: C}\n")

    (problem,) = problems_of(path)

    assert problem.startswith(f"{path}: chats.eng: duplicate key (lines 2 and 4)")


def test_load_chats_yaml_duplicate_field_names_chat_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, "chats.yaml", "chats:\n  eng:\n    name: A\n    name: B\n")

    assert problems_of(path)[0].startswith(f"{path}: chats.eng.name: duplicate key (lines 3 and 4)")


def test_load_chats_json_duplicate_key_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "chats.json", '{"chats": {"eng": {"name": "A"}, "eng": {"name": "B"}}}')

    assert problems_of(path)[0].startswith(f"{path}: eng: duplicate key")


def test_load_chats_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "chats.yaml", "chats:\n  eng:\n    name: [Eng\n  ops: {name: Ops}\n")

    (problem,) = problems_of(path)

    assert problem.startswith(f"{path}: line 4, column 6: YAML syntax error: ")


def test_load_chats_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "chats.json", '{"chats": {\n  "eng": {"name": "A",}\n}}')

    (problem,) = problems_of(path)

    assert problem.startswith(f"{path}: line 2, column 23: JSON syntax error: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- name: Eng\n", "the file must be a mapping with one key, `chats`"),
        ("", "the file must be a mapping with one key, `chats`"),
        ("eng: {name: Eng}\n", "chats: missing; declare the chats under it"),
        ("chats:\n", "chats: must be a mapping of resource name to chat"),
        ("chats: {}\nversion: 2\n", "version: unknown top-level key; the only ones are `chats` and `group_tags`"),
        ("group_tags: [backend]\n", "group_tags: must be a mapping of resource name to group tag"),
    ],
)
def test_load_chats_top_level_problem_is_named(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, "chats.yaml", text)

    assert any(problem.startswith(f"{path}: {expected}") for problem in problems_of(path))


def test_load_chats_unsupported_extension_names_the_fix(tmp_path: Path) -> None:
    path = write(tmp_path, "chats.toml", "")

    (problem,) = problems_of(path)

    assert problem == f"{path}: unsupported extension '.toml': name the file *.yaml, *.yml or *.json"


def test_load_chats_missing_file_is_a_chat_file_error(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path / "nowhere.yaml")

    assert problem.startswith(f"{tmp_path / 'nowhere.yaml'}: cannot read the file: ")


# Round trips


@pytest.mark.parametrize("file_format", ["yaml", "json"])
def test_dump_chats_loads_back_to_the_same_specs(tmp_path: Path, file_format: str) -> None:
    text = dump_chats(EXPECTED, file_format, header="made by a test\nsecond line")

    assert load_chats(write(tmp_path, f"chats.{file_format}", text)) == EXPECTED


def test_dump_chats_writes_the_header_as_yaml_comments() -> None:
    assert dump_chats([], "yaml", header="made by a test").startswith("# made by a test\nchats: {}\n")


def test_import_yaml_output_loads_back_to_the_inputs_of_the_chats(tmp_path: Path) -> None:
    with EmulatorServer(tokens=(TOKEN,), quiet=True) as server, _http(server) as http:
        ids = [_create(http, {"name": "Design review", "member_ids": [6, 7, 23]}),
               _create(http, {"name": "Отдел продаж", "channel": True, "public": True, "member_ids": [10]}),
               _create(http, {"name": "Design review", "group_tag_ids": [9102], "member_ids": [30]})]
        target = tmp_path / "chats.yaml"
        result = CliRunner().invoke(main, ["import", "--format", "yaml", "--output", str(target)],
                                    env={"PACHCA_TOKEN": TOKEN, "PACHCA_BASE_URL": server.base_url})
        people = {uid: f"@{http.get(f'users/{uid}').json()['data']['nickname']}" for uid in (6, 7, 23, 10, 30)}

    assert result.exit_code == 0, result.output
    assert load_chats(target) == [
        ChatSpec("design-review", ChatInputs(name="Design review", members=[people[6], people[7], people[23]],
                                             adopt_id=ids[0])),
        ChatSpec("отдел-продаж", ChatInputs(name="Отдел продаж", members=[people[10]], channel=True, public=True,
                                            adopt_id=ids[1])),
        ChatSpec(f"design-review-{ids[2]}", ChatInputs(name="Design review", members=[people[30]],
                                                       group_tag_ids=[9102], adopt_id=ids[2])),
    ]


def _http(server: EmulatorServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url + "/", headers={"Authorization": f"Bearer {TOKEN}"})


def _create(http: httpx.Client, chat: dict[str, object]) -> int:
    return int(http.post("chats", json={"chat": chat}).raise_for_status().json()["data"]["id"])


def test_unknown_field_lists_only_what_a_program_may_write(tmp_path: Path) -> None:
    path = write(tmp_path, "chats.yaml", "chats:\n  eng: {name: Eng, topic: x}\n")

    (problem,) = problems_of(path)
    listed = problem.split("a chat takes: ", 1)[1].split(", ")

    assert listed == list(PROGRAM_INPUTS)
    assert "avatar_file" not in listed and "undeclared_members" not in listed and "avatar" in listed
