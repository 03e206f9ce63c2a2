"""The `group_tags:` section of data files: tags beside chats, chats referencing them by key, every
problem named `group_tags.<key>.<field>`, and round trips through `dump_chats`."""

from __future__ import annotations

from pathlib import Path

import pytest

from pachca_pulumi.chat.schema import ChatInputs
from pachca_pulumi.group_tag.schema import GroupTagInputs
from pachca_pulumi.tools.chatfile import ChatFileError, ChatSpec, DataFile, dump_chats, load_chats, load_data
from pachca_pulumi.tools.tagfile import GroupTagSpec

from .test_chatfile import write

TEAMS_YAML = """\
group_tags:
  backend:
    name: " Backend team "
    members: [3, Natalia.Lopez@example.com, ninosilva]
    exclusive_members: true
  design: {name: Design, adopt_id: 9101}
chats:
  backend-chat:
    name: Backend
    group_tags: [backend, Managers]
  design-review: {name: Design review, group_tags: [design, backend], member_ids: [6]}
  plain: {name: Plain}
"""

BACKEND = GroupTagSpec("backend", GroupTagInputs(name="Backend team", exclusive_members=True,
                                                  members=[3, "natalia.lopez@example.com", "@ninosilva"]))
DESIGN = GroupTagSpec("design", GroupTagInputs(name="Design", adopt_id=9101))
EXPECTED = DataFile(
    group_tags=[BACKEND, DESIGN],
    chats=[
        ChatSpec("backend-chat", ChatInputs(name="Backend", group_tags=["Managers"]), ("backend",)),
        ChatSpec("design-review", ChatInputs(name="Design review", member_ids=[6]), ("design", "backend")),
        ChatSpec("plain", ChatInputs(name="Plain")),
    ],
)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ChatFileError) as failed:
        load_data(path)
    return failed.value.problems


def test_load_data_reads_tags_and_chats_referencing_them_by_key(tmp_path: Path) -> None:
    assert load_data(write(tmp_path, "teams.yaml", TEAMS_YAML)) == EXPECTED


def test_load_chats_of_a_file_with_tags_returns_its_chats(tmp_path: Path) -> None:
    assert load_chats(write(tmp_path, "teams.yaml", TEAMS_YAML)) == EXPECTED.chats


def test_a_file_of_tags_only_is_valid(tmp_path: Path) -> None:
    data = load_data(write(tmp_path, "teams.yml", "group_tags: {backend: {name: Backend}}\n"))

    assert data == DataFile([GroupTagSpec("backend", GroupTagInputs(name="Backend"))], [])


def test_tag_problems_are_all_named_by_key_and_field(tmp_path: Path) -> None:
    text = ("group_tags:\n"
            "  a: {name: Backend, members: [\"two words\"]}\n"
            "  b: {name: backend, adopt_id: 7}\n"
            "  c: {members: [3], colour: red}\n"
            "  d: {name: Dup, adopt_id: 7, exclusive_members: maybe}\n"
            "  e: [3]\n"
            "chats: {}\n")
    path = write(tmp_path, "teams.yaml", text)

    problems = [problem.removeprefix(f"{path}: ") for problem in problems_of(path)]

    assert problems[0].startswith("group_tags.a.members: members: 'two words' is not a user reference")
    assert problems[1:] == [
        "group_tags.c.name: name is required: give the tag its name, e.g. name: Backend",
        "group_tags.c.colour: unknown field; a group tag takes: name, members, exclusive_members, adopt_id, "
        "adopt_by_name",
        "group_tags.d.exclusive_members: exclusive_members must be true or false; got 'maybe'",
        "group_tags.e: must be a mapping of group tag inputs, e.g. {name: Backend, members: [3]}",
    ]


def test_two_tags_of_one_name_or_one_adopted_id_are_named(tmp_path: Path) -> None:
    text = ("group_tags:\n  a: {name: Backend, adopt_id: 7}\n  b: {name: backend}\n  c: {name: C, adopt_id: 7}\n"
            "chats: {}\n")
    path = write(tmp_path, "teams.yaml", text)

    assert problems_of(path) == [
        f"{path}: group_tags.b.name: 'backend' is also the name of group_tags.a; tag names are unique in a "
        "workspace: rename one, or merge them",
        f"{path}: group_tags.c.adopt_id: group tag 7 is already adopted by group_tags.a; a tag can be adopted "
        "by one resource only",
    ]


def test_a_chat_naming_a_declared_tag_by_its_name_is_told_to_use_the_key(tmp_path: Path) -> None:
    text = "group_tags:\n  backend: {name: Backend team}\nchats:\n  eng: {name: Eng, group_tags: [backend team]}\n"
    path = write(tmp_path, "teams.yaml", text)

    assert problems_of(path) == [
        f"{path}: chats.eng.group_tags: 'backend team' is the name of group_tags.backend in this file; write "
        "its key `backend` so the chat waits for the tag"]


def test_tag_and_chat_problems_are_reported_together(tmp_path: Path) -> None:
    text = "group_tags:\n  backend: {}\nchats:\n  eng: {name: Eng, group_tags: [backend], public: 3}\n"
    path = write(tmp_path, "teams.yaml", text)

    problems = problems_of(path)

    assert [problem.split(":")[1].strip() for problem in problems] == ["group_tags.backend.name", "chats.eng.public"]


@pytest.mark.parametrize("file_format", ["yaml", "json"])
def test_dump_with_group_tags_loads_back_to_the_same_data(tmp_path: Path, file_format: str) -> None:
    text = dump_chats(EXPECTED.chats, file_format, header="made by a test", group_tags=EXPECTED.group_tags)

    assert load_data(write(tmp_path, f"teams.{file_format}", text)) == EXPECTED


def test_dump_writes_tags_first_and_references_as_keys() -> None:
    text = dump_chats(EXPECTED.chats[:1], "yaml", group_tags=[BACKEND])

    assert text == (
        "group_tags:\n"
        "  backend:\n"
        "    name: Backend team\n"
        "    members: [3, '@ninosilva', natalia.lopez@example.com]\n"
        "    exclusive_members: true\n"
        "chats:\n"
        "  backend-chat:\n"
        "    name: Backend\n"
        "    member_ids: []\n"
        "    group_tag_ids: []\n"
        "    group_tags: [backend, Managers]\n"
        "    channel: false\n"
        "    public: false\n"
        "    archived: false\n"
    )


def test_a_chat_naming_an_invalid_declared_tag_is_named_with_the_tag_problem(tmp_path: Path) -> None:
    text = ("group_tags:\n  backend: {name: Backend team, members: [\"two words\"]}\n"
            "chats:\n  eng: {name: Eng, group_tags: [Backend team]}\n")
    path = write(tmp_path, "teams.yaml", text)

    problems = [problem.removeprefix(f"{path}: ").split(":")[0] for problem in problems_of(path)]

    assert problems == ["group_tags.backend.members", "chats.eng.group_tags"]
