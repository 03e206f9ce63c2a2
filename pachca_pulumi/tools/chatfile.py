"""Chats as data: declare a workspace's chats in a YAML or JSON file instead of Python.

The one accepted format (the extension picks the parser: .yaml/.yml or .json)::

    chats:
      design-review:            # the Pulumi resource name
        name: Design review     # then any `Chat` input: member_ids, group_tag_ids, channel,
        member_ids: [6, 7, 23]  # public, archived, exclusive_members, adopt_id
        exclusive_members: true

Beside `chats`, the one other top-level key is `group_tags`: the workspace's teams as `GroupTag`
resources, which chats of the same file reference by key (see `tagfile.py`; `declare_data` declares
the tags first). Every chat is validated with the same model as the provider's `check` (`ChatInputs`),
every tag with `GroupTagInputs`, and every problem of the file is reported at once in one
`ChatFileError`, one line each: `<file>: chats.<resource-name>.<field>: <message>` (or
`group_tags.<key>.<field>`).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pydantic import ValidationError

from ..chat.avatar import AVATAR_DIGEST_PREFIX
from ..chat.resource import Chat
from ..chat.schema import PEOPLE, PROGRAM_INPUTS, ChatInputs, default, error_field, people_written, rule
from ..group_tag.resource import GroupTag
from ..kit.provider import declaring_from
from .dataparse import JSON_SUFFIXES, YAML_SUFFIXES, ChatFileError, parse  # noqa: F401 (re-exported)
from .tagfile import GROUP_TAGS_KEY, GroupTagSpec, split_tag_refs, tag_specs

__all__ = ["ChatFileError", "ChatSpec", "DataFile", "Declared", "GroupTagSpec", "declare_chats", "declare_data",
           "dump_chats", "load_chats", "load_data"]

CHATS_KEY = "chats"
_EXAMPLE = "chats: {design-review: {name: Design review, member_ids: [6, 7]}}"


@dataclass(frozen=True)
class ChatSpec:
    """One declared chat: its Pulumi resource name, its validated, normalised inputs, and the keys of
    the file's `group_tags:` it references (`inputs.group_tags` holds the other tag names)."""

    resource_name: str
    inputs: ChatInputs
    tag_keys: tuple[str, ...] = ()

    def program_inputs(self) -> dict[str, Any]:
        """The inputs as a program passes them to `Chat` (the avatar by its file, not its digest)."""
        entry = {field: getattr(self.inputs, field) for field in PROGRAM_INPUTS}
        entry = {field: people_written(field, value) if field in PEOPLE else value for field, value in entry.items()}
        return {**entry, "avatar": self.inputs.avatar_file}

    def declared(self) -> dict[str, Any]:
        """The inputs worth writing out: all of them, less those the schema leaves out at their
        default (`exclusive_members` when false, `adopt_id` when absent)."""
        raw = self.inputs.model_dump()
        entry = {field: value for field, value in self.program_inputs().items()
                 if rule(field).written_when_default or raw[field] != default(field)
                 or (field == GROUP_TAGS_KEY and self.tag_keys)}
        if self.tag_keys:
            entry[GROUP_TAGS_KEY] = [*self.tag_keys, *self.inputs.group_tags]
        return entry


@dataclass(frozen=True)
class DataFile:
    """A whole data file: its group tags and its chats, each in the file's order."""

    group_tags: list[GroupTagSpec]
    chats: list[ChatSpec]


@dataclass(frozen=True)
class Declared:
    """What `declare_data` declared, by resource name."""

    group_tags: dict[str, GroupTag]
    chats: dict[str, Chat]


def load_data(path: Path | str) -> DataFile:
    """Read and validate a data file (tags and chats); raises one `ChatFileError` listing every problem."""
    path = Path(path)
    data, problems = parse(path)
    problems += _top_level_problems(data)
    tags: list[GroupTagSpec] = []
    specs: list[ChatSpec] = []
    raw_tags: Mapping[Any, Any] = {}
    if isinstance(data, Mapping) and isinstance(data.get(GROUP_TAGS_KEY), Mapping):
        tags, tag_problems = tag_specs(data[GROUP_TAGS_KEY], _resource_name_problem)
        problems += tag_problems
        raw_tags = data[GROUP_TAGS_KEY]
    if isinstance(data, Mapping) and isinstance(data.get(CHATS_KEY), Mapping):
        specs, chat_problems = _specs(data[CHATS_KEY], path.parent, raw_tags)
        problems += chat_problems
    if problems:
        raise ChatFileError(path, problems)
    return DataFile(tags, specs)


def load_chats(path: Path | str) -> list[ChatSpec]:
    """Read and validate a chat file and return its chats; raises one `ChatFileError` listing every problem."""
    return load_data(path).chats


def declare_data(path: Path | str, *, opts: pulumi.ResourceOptions | None = None) -> Declared:
    """Declare one `GroupTag` per entry of `group_tags:` and one `Chat` per entry of `chats:`
    (resource name = key), all with `opts`. A chat referencing a tag by key gets that tag's `name`
    output, so it is created after the tag and destroyed before it."""
    data = load_data(path)
    with declaring_from(path):  # a failed check of one of them then lists the file's every problem
        tags = {spec.resource_name: GroupTag(spec.resource_name, **spec.program_inputs(), opts=opts)
                for spec in data.group_tags}
        chats = {spec.resource_name: Chat(spec.resource_name, **_chat_inputs(spec, tags), opts=opts)
                 for spec in data.chats}
    return Declared(tags, chats)


def declare_chats(path: Path | str, *, opts: pulumi.ResourceOptions | None = None) -> dict[str, Chat]:
    """Declare the file's resources as `declare_data` does (its group tags too) and return the chats."""
    return declare_data(path, opts=opts).chats


def _chat_inputs(spec: ChatSpec, tags: Mapping[str, GroupTag]) -> dict[str, Any]:
    entry = spec.program_inputs()
    if spec.tag_keys:
        entry[GROUP_TAGS_KEY] = [*(tags[key].name for key in spec.tag_keys), *entry[GROUP_TAGS_KEY]]
    return entry


def dump_chats(specs: Iterable[ChatSpec], file_format: str, *, header: str = "",
               group_tags: Iterable[GroupTagSpec] = ()) -> str:
    """The text of a data file (`yaml` or `json`) that `load_data` reads back to the same specs; the
    `group_tags:` section is written only when there are tags.

    `header` becomes leading `#` comment lines in YAML; JSON has no comments and ignores it.
    """
    tags = {spec.resource_name: spec.declared() for spec in group_tags}
    document = {GROUP_TAGS_KEY: tags} if tags else {}
    document[CHATS_KEY] = {spec.resource_name: spec.declared() for spec in specs}
    if file_format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if file_format != "yaml":
        raise ValueError(f"file_format must be 'yaml' or 'json', not {file_format!r}")
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    return comment + str(body)


# Validation


def _top_level_problems(data: Any) -> list[str]:
    if not isinstance(data, Mapping):
        return [f"the file must be a mapping with one key, `{CHATS_KEY}`, e.g. {_EXAMPLE}"]
    problems = [f"{key}: unknown top-level key; the only ones are `{CHATS_KEY}` and `{GROUP_TAGS_KEY}` "
                "(put each chat under `chats`, each tag under `group_tags`)"
                for key in data if key not in (CHATS_KEY, GROUP_TAGS_KEY)]
    if CHATS_KEY not in data and GROUP_TAGS_KEY not in data:
        problems.append(f"{CHATS_KEY}: missing; declare the chats under it, e.g. {_EXAMPLE}")
    elif CHATS_KEY in data and not isinstance(data[CHATS_KEY], Mapping):
        problems.append(f"{CHATS_KEY}: must be a mapping of resource name to chat, e.g. {_EXAMPLE} "
                        f"(write `{CHATS_KEY}: {{}}` for no chats)")
    if GROUP_TAGS_KEY in data and not isinstance(data[GROUP_TAGS_KEY], Mapping):
        problems.append(f"{GROUP_TAGS_KEY}: must be a mapping of resource name to group tag, e.g. "
                        f"{GROUP_TAGS_KEY}: {{backend: {{name: Backend, members: [3]}}}}")
    return problems


def _specs(chats: Mapping[Any, Any], folder: Path,
           tags: Mapping[Any, Any]) -> tuple[list[ChatSpec], list[str]]:
    specs: list[ChatSpec] = []
    problems: list[str] = []
    for key, entry in chats.items():
        where = f"{CHATS_KEY}.{key}"
        name_problem = _resource_name_problem(key)
        if name_problem:
            problems.append(f"{where}: {name_problem}")
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: must be a mapping of chat inputs, e.g. {{name: Engineering}}")
            continue
        entry, refs, ref_problems = split_tag_refs(entry, tags)
        problems += [f"{where}.{problem}" for problem in ref_problems]
        try:
            inputs = ChatInputs.model_validate(_beside(entry, folder))
        except ValidationError as exc:
            problems += [f"{where}.{_field(err)}: {_message(err)}" for err in exc.errors()]
            continue
        if not name_problem:
            specs.append(ChatSpec(str(key), inputs, refs))
    return specs, problems + _shared_adopt_ids(specs)


def _beside(entry: dict[str, Any], folder: Path) -> dict[str, Any]:
    """An `avatar` path in a file is relative to that file's folder."""
    avatar = entry.get("avatar")
    if isinstance(avatar, str) and not avatar.startswith(AVATAR_DIGEST_PREFIX):
        entry["avatar"] = str((folder / avatar).absolute())
    return entry


def _resource_name_problem(name: Any) -> str | None:
    """Why `name` cannot be a Pulumi resource name, or None when it can."""
    if not isinstance(name, str):
        return f"resource name {name!r} must be a string; quote it, e.g. \"{name}\""
    if not name.strip():
        return "resource name must not be empty or blank"
    if "::" in name:
        return "resource name must not contain '::' (it separates the parts of a Pulumi URN)"
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return "resource name must not contain control characters (such as newlines or tabs)"
    return None


def _shared_adopt_ids(specs: list[ChatSpec]) -> list[str]:
    owners: dict[int, str] = {}
    problems: list[str] = []
    for spec in specs:
        adopt_id = spec.inputs.adopt_id
        if adopt_id is None:
            continue
        if adopt_id in owners:
            problems.append(f"{CHATS_KEY}.{spec.resource_name}.adopt_id: chat {adopt_id} is already adopted "
                            f"by {CHATS_KEY}.{owners[adopt_id]}; a chat can be adopted by one resource only")
        owners.setdefault(adopt_id, spec.resource_name)
    return problems


def _field(err: Any) -> str:
    return error_field(err["loc"], str(err.get("msg", "")))


def _message(err: Any) -> str:
    field = _field(err)
    kind = err["type"]
    if kind == "missing":
        return f"{field} is required: give the chat a visible name, e.g. name: Engineering"
    if kind == "extra_forbidden":
        return f"unknown field; a chat takes: {', '.join(PROGRAM_INPUTS)}"
    if kind == "bool_type":
        return f"{field} must be true or false; got {err.get('input')!r}"
    return str(err.get("msg", "is invalid")).removeprefix("Value error, ")
