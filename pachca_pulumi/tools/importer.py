"""What `pachca-pulumi import` writes: existing chats turned into `Chat` declarations that adopt them.

`list_chats()` reads the workspace, `build_specs()` picks the chats a `Selection` asks for and
declares each as it is (with `adopt_id`, members less the implied ones), and `render()` writes the
specs as a Pulumi Python program or a YAML/JSON chat file under a `header()` comment. Resource
names come from `resource_names()`: readable slugs, unique and stable as chats are added.
Nothing here prints or reads the environment; the command line lives in `cli.py`.
"""

from __future__ import annotations

import json
import shlex
import textwrap
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from ..api._constants import PAGE_LIMIT
from ..api.client import PachcaClient
from ..api.errors import NotFoundError, PachcaError
from ..api.models import Chat as ApiChat
from ..chat.schema import PEOPLE, ChatInputs
from .chatfile import ChatSpec, dump_chats
from .import_people import PeopleNames, chat_people, py_people
from .listing import chats_by_id, visible_chats
from .names import resource_names, slugify
from .tag_import import ImportedTags, tag_expressions, tag_program, tag_variables

__all__ = [
    "DEFAULT_FORMAT",
    "FORMATS",
    "Selection",
    "SelectionError",
    "build_specs",
    "format_for_output",
    "header",
    "list_chats",
    "render",
    "resource_names",
    "slugify",
    "visible_chats",
]

FORMATS = ("program", "yaml", "json")
DEFAULT_FORMAT = "program"
FORMAT_BY_SUFFIX = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
LINE_WIDTH = 100

_THEN_DATA = "`pulumi up` a program calling declare_chats(<file>)"


class SelectionError(PachcaError):
    """An `--id` asked for a chat that is not among the listed group chats and channels."""


@dataclass(frozen=True)
class Selection:
    """Which listed chats to import: personal chats never; archived ones only when asked.

    With patterns or ids, a chat is taken when its name matches any pattern (case-insensitive
    glob) or its id is one of the ids; `channels_only` then narrows that to channels.
    """

    patterns: tuple[str, ...] = ()
    ids: tuple[int, ...] = ()
    channels_only: bool = False
    include_archived: bool = False

    def eligible(self, chat: ApiChat) -> bool:
        return not chat.personal and (self.include_archived or not chat.archived)

    def matches(self, chat: ApiChat) -> bool:
        if not self.eligible(chat) or (self.channels_only and not chat.channel):
            return False
        if not self.patterns and not self.ids:
            return True
        name = chat.name.casefold()
        return chat.id in self.ids or any(fnmatchcase(name, p.casefold()) for p in self.patterns)


# Reading the workspace


def list_chats(
    client: PachcaClient, selection: Selection, *, progress: Callable[[int], None] | None = None
) -> list[ApiChat]:
    """Every group chat and channel the token sees (archived ones if the selection wants them).

    `progress(count)` is called after each full page, for a "listed N chats..." line.
    """
    chats: list[ApiChat] = []
    for chat in visible_chats(client, include_archived=selection.include_archived):
        chats.append(chat)
        if progress is not None and len(chats) % PAGE_LIMIT == 0:
            progress(len(chats))
    return chats


def build_specs(
    client: PachcaClient, listed: list[ApiChat], selection: Selection, *, exclusive_members: bool = False,
    tags: ImportedTags | None = None, skip: Container[int] = (),
) -> list[ChatSpec]:
    """One spec per selected chat, sorted by id, declaring the chat as it is and adopting it; a tag
    among `tags` is referenced by its resource name (`tag_keys`) instead of its id. Chats in `skip`
    (those a stack already manages) are left out, even when asked for by `--id`.

    Raises SelectionError when an asked-for id is not among the eligible listed chats.
    """
    chats = [chat for chat in _choose(client, listed, selection) if chat.id not in skip]
    implied = _ImpliedMembers(client)
    names = resource_names(chats)
    tags = tags or ImportedTags()
    people = tags.people or PeopleNames(client)
    return [ImportedChat(names[chat.id], _inputs(chat, chat_people(client, chat, implied(chat), people),
                                                  exclusive_members, set(tags.keys)),
                         tags.keys_of(chat.group_tag_ids), people.ids) for chat in chats]


def _choose(client: PachcaClient, listed: list[ApiChat], selection: Selection) -> list[ApiChat]:
    """The listed chats the selection matches, plus those asked for by `--id` that no listing showed
    but `GET /chats/{id}` answers; an id that cannot be imported is a SelectionError saying why."""
    known = {chat.id for chat in listed}
    fetched, absent = chats_by_id(client, [i for i in selection.ids if i not in known])
    problems = [f"--id {i}: no chat with this id is visible to the token (GET /chats/{i}: 404)" for i in absent]
    problems += [_why_not(chat, selection) for chat in [*listed, *fetched]
                 if chat.id in selection.ids and not selection.eligible(chat)]
    if problems:
        raise SelectionError("; ".join(problems))
    return sorted((chat for chat in [*listed, *fetched] if selection.matches(chat)), key=lambda chat: chat.id)


def _why_not(chat: ApiChat, selection: Selection) -> str:
    if chat.personal:
        return f"--id {chat.id}: a personal chat, which is never imported"
    return f"--id {chat.id}: the chat is archived; add --include-archived to import it"


@dataclass(frozen=True)
class ImportedChat(ChatSpec):
    """A chat as import writes it: people by reference (`ids` maps each back to its id, for the
    program's comments), `member_ids` left out."""

    ids: Mapping[str, int] = field(default_factory=dict, compare=False)

    def declared(self) -> dict[str, Any]:
        entry = super().declared()
        entry.pop("member_ids", None)
        people = {"members": entry.pop("members", [])}
        return {"name": entry.pop("name"), **people, **entry}


def _inputs(chat: ApiChat, people: dict[str, Any], exclusive_members: bool, by_resource: set[int]) -> ChatInputs:
    """The chat as it is, people from `chat_people` (implied members left out: the provider neither
    adds nor removes those), tags less those declared as resources (`by_resource`), referenced by name."""
    return ChatInputs(
        name=chat.name,
        **people,
        group_tag_ids=sorted(set(chat.group_tag_ids) - by_resource),
        channel=chat.channel,
        public=chat.public,
        archived=chat.archived,
        exclusive_members=exclusive_members,
        adopt_id=chat.id,
    )


class _ImpliedMembers:
    """Members a chat has without being declared: owner, token user, its group tags' users (cached)."""

    def __init__(self, client: PachcaClient) -> None:
        self._client = client
        self._token_user: int | None = None
        self._tags: dict[int, frozenset[int]] = {}

    def __call__(self, chat: ApiChat) -> set[int]:
        if self._token_user is None:
            self._token_user = self._client.get_profile().id
        implied = {chat.owner_id, self._token_user}
        for tag_id in chat.group_tag_ids:
            implied |= self._tag_users(tag_id)
        return implied

    def _tag_users(self, tag_id: int) -> frozenset[int]:
        if tag_id not in self._tags:
            try:
                self._tags[tag_id] = frozenset(user.id for user in self._client.list_tag_users(tag_id))
            except NotFoundError:
                self._tags[tag_id] = frozenset()
        return self._tags[tag_id]


# Rendering


def format_for_output(output: str) -> str:
    """The format an output path implies: yaml for .yaml/.yml, json for .json, else DEFAULT_FORMAT."""
    return FORMAT_BY_SUFFIX.get(Path(output).suffix.lower(), DEFAULT_FORMAT)


def render(specs: list[ChatSpec], file_format: str, header: str, tags: ImportedTags | None = None) -> str:
    """The output text: a Pulumi Python program ("program"), or a YAML/JSON chat file ("yaml"/"json");
    `tags` (from `--group-tags`) come first, as `GroupTag` resources or the `group_tags:` section."""
    tags = tags or ImportedTags()
    if file_format == "program":
        return _render_program(specs, tags, header=header)
    return dump_chats(specs, file_format, header=header, group_tags=tags.specs)


def _render_program(specs: list[ChatSpec], tags: ImportedTags, *, header: str) -> str:
    """A Pulumi Python program with one `GroupTag(...)` per tag, then one `Chat(...)` per spec."""
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    variables = tag_variables(spec.resource_name for spec in tags.specs)
    ids = tags.people.ids if tags.people else {}
    blocks = tag_program(tags.specs, variables, ids) + [_chat_call(spec, variables) for spec in specs]
    imports = "Chat, GroupTag" if tags.specs else "Chat"
    return comment + f"\nfrom pachca_pulumi import {imports}\n" + "".join(f"\n{block}\n" for block in blocks)


def _chat_call(spec: ChatSpec, variables: dict[str, str]) -> str:
    lines = [f"Chat(\n    {_py_str(spec.resource_name)},"]
    ids: Mapping[str, int] = spec.ids if isinstance(spec, ImportedChat) else {}
    for key, value in spec.declared().items():
        if key == "group_tags" and spec.tag_keys:
            lines.append(f"    group_tags={tag_expressions(spec.tag_keys, variables)},")
        elif key in PEOPLE:
            lines.append(py_people(key, value, ids))
        elif isinstance(value, list):
            lines.append(_py_list(key, value))
        else:
            lines.append(f"    {key}={_py_str(value) if isinstance(value, str) else repr(value)},")
    return "\n".join(lines) + "\n)"


def _py_str(text: str) -> str:
    """A double-quoted Python literal (JSON's string escapes are all valid Python escapes)."""
    return json.dumps(text, ensure_ascii=False)


def _py_list(key: str, ids: list[int]) -> str:
    one_line = f"    {key}={ids!r},"
    if len(one_line) <= LINE_WIDTH:
        return one_line
    wrapped = textwrap.wrap(", ".join(map(str, ids)) + ",", width=LINE_WIDTH - 8, break_on_hyphens=False)
    return f"    {key}=[\n" + "".join(f"        {line}\n" for line in wrapped) + "    ],"


def header(
    base_url: str, count: int, selection: Selection, file_format: str, *, exclusive_members: bool,
    tag_count: int | None = None,
) -> str:
    """The comment atop the output: the command that made it, the source, and what to do next.
    `tag_count` is the number of group tags imported with `--group-tags` (None without it)."""
    words = _option_words(selection, file_format, exclusive_members) + ([] if tag_count is None else ["--group-tags"])
    command = " ".join(["pachca-pulumi import", *words])
    then = "run `pulumi up`" if file_format == "program" else _THEN_DATA
    tags = "" if tag_count is None else f"{tag_count} group tag{'s' if tag_count != 1 else ''} (adopted, with " \
        "their members) and "
    return (
        f"Generated by `{command}`\nfrom {base_url}: {tags}{count} chat{'s' if count != 1 else ''}, sorted by id.\n"
        f"Review, then {then}:\neach chat is adopted (adopt_id) and nothing in the workspace changes.\n"
        "members leaves out implied members (the owner, the token's own user, members brought by the\n"
        "chat's group tags): the provider never removes those. admins and editors hold the chat's roles.\n"
        "Once adopted, adopt_id may be removed.\n"
    )


def _option_words(selection: Selection, file_format: str, exclusive: bool) -> list[str]:
    words = [] if file_format == DEFAULT_FORMAT else [f"--format {file_format}"]
    words += [f"--name-pattern {shlex.quote(p)}" for p in selection.patterns]
    words += [f"--id {i}" for i in selection.ids]
    flags = (("--channels-only", selection.channels_only), ("--include-archived", selection.include_archived),
             ("--exclusive-members", exclusive))
    return words + [flag for flag, on in flags if on]
