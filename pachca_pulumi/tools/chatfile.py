"""Chats as data: declare a workspace's chats in a YAML or JSON file instead of Python.

The one accepted format (the extension picks the parser: .yaml/.yml or .json)::

    chats:
      design-review:            # the Pulumi resource name
        name: Design review     # then any `Chat` input: member_ids, group_tag_ids, channel,
        member_ids: [6, 7, 23]  # public, archived, exclusive_members, adopt_id
        exclusive_members: true

`chats` is the only top-level key. Every chat is validated with the same model as the provider's
`check` (`ChatInputs`), and every problem of the file is reported at once in one `ChatFileError`,
one line each: `<file>: chats.<resource-name>.<field>: <message>`.
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

from ..api.errors import PachcaError
from ..chat.resource import Chat
from ..chat.avatar import AVATAR_DIGEST_PREFIX
from ..chat.schema import INPUTS, PEOPLE, PROGRAM_INPUTS, ChatInputs, default, error_field, people_written, rule

__all__ = ["ChatFileError", "ChatSpec", "declare_chats", "dump_chats", "load_chats"]

CHATS_KEY = "chats"
YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)
_EXAMPLE = "chats: {design-review: {name: Design review, member_ids: [6, 7]}}"
_DUPLICATE_FIX = "keep one, or rename one (resource names must be unique)"


class ChatFileError(PachcaError):
    """A chat file that cannot be used; `problems` holds one line per problem, each naming where."""

    def __init__(self, path: Path | str, problems: Iterable[str]) -> None:
        self.path = str(path)
        self.problems = [f"{self.path}: {problem}" for problem in problems]
        count = len(self.problems)
        title = f"{count} problem{'s' if count != 1 else ''} in {self.path}:"
        super().__init__("\n".join([title, *self.problems]))


@dataclass(frozen=True)
class ChatSpec:
    """One declared chat: its Pulumi resource name and its validated, normalised inputs."""

    resource_name: str
    inputs: ChatInputs

    def program_inputs(self) -> dict[str, Any]:
        """The inputs as a program passes them to `Chat` (the avatar by its file, not its digest)."""
        entry = {field: getattr(self.inputs, field) for field in PROGRAM_INPUTS}
        entry = {field: people_written(field, value) if field in PEOPLE else value for field, value in entry.items()}
        return {**entry, "avatar": self.inputs.avatar_file}

    def declared(self) -> dict[str, Any]:
        """The inputs worth writing out: all of them, less those the schema leaves out at their
        default (`exclusive_members` when false, `adopt_id` when absent)."""
        raw = self.inputs.model_dump()
        return {field: value for field, value in self.program_inputs().items()
                if rule(field).written_when_default or raw[field] != default(field)}


def load_chats(path: Path | str) -> list[ChatSpec]:
    """Read and validate a chat file; raises one `ChatFileError` listing every problem found."""
    path = Path(path)
    data, problems = _parse(path)
    problems += _top_level_problems(data)
    specs: list[ChatSpec] = []
    if isinstance(data, Mapping) and isinstance(data.get(CHATS_KEY), Mapping):
        specs, chat_problems = _specs(data[CHATS_KEY], path.parent)
        problems += chat_problems
    if problems:
        raise ChatFileError(path, problems)
    return specs


def declare_chats(path: Path | str, *, opts: pulumi.ResourceOptions | None = None) -> dict[str, Chat]:
    """Declare one `Chat` per entry of the file (resource name = key), all with `opts`."""
    return {spec.resource_name: Chat(spec.resource_name, **spec.program_inputs(), opts=opts)
            for spec in load_chats(path)}


def dump_chats(specs: Iterable[ChatSpec], file_format: str, *, header: str = "") -> str:
    """The text of a chat file (`yaml` or `json`) that `load_chats` reads back to the same specs.

    `header` becomes leading `#` comment lines in YAML; JSON has no comments and ignores it.
    """
    document = {CHATS_KEY: {spec.resource_name: spec.declared() for spec in specs}}
    if file_format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if file_format != "yaml":
        raise ValueError(f"file_format must be 'yaml' or 'json', not {file_format!r}")
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    return comment + str(body)


# Parsing


def _parse(path: Path) -> tuple[Any, list[str]]:
    """The document and its duplicate-key problems; syntax errors raise at once (nothing else is known)."""
    suffix = path.suffix.lower()
    if suffix not in YAML_SUFFIXES + JSON_SUFFIXES:
        shown = suffix or "(none)"
        raise ChatFileError(path, [f"unsupported extension {shown!r}: name the file *.yaml, *.yml or *.json"])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChatFileError(path, [f"cannot read the file: {exc}"]) from None
    return _parse_json(path, text) if suffix in JSON_SUFFIXES else _parse_yaml(path, text)


def _parse_yaml(path: Path, text: str) -> tuple[Any, list[str]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        duplicates = list(_yaml_duplicates(node, ""))
        return (loader.construct_document(node) if node is not None else None), duplicates
    except yaml.MarkedYAMLError as exc:
        raise ChatFileError(path, [_yaml_problem(exc)]) from None
    except yaml.YAMLError as exc:
        raise ChatFileError(path, [f"YAML syntax error: {exc}"]) from None
    finally:
        loader.dispose()


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    problem = f"YAML syntax error: {exc.problem or exc.context or 'invalid document'}"
    if exc.context and exc.problem:
        start = exc.context_mark
        at = f" at line {start.line + 1}, column {start.column + 1}" if start is not None else ""
        problem += f" ({exc.context}{at})"
    return where + problem


def _yaml_duplicates(node: yaml.Node | None, prefix: str) -> Iterable[str]:
    """`<path>: duplicate key ...` for every mapping key written twice (PyYAML keeps the last silently)."""
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _yaml_duplicates(item, f"{prefix}[{index}]")
    if not isinstance(node, yaml.MappingNode):
        return
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        where = f"{prefix}.{key}" if prefix else key
        line = key_node.start_mark.line + 1
        if key in first_line:
            yield f"{where}: duplicate key (lines {first_line[key]} and {line}); {_DUPLICATE_FIX}"
        first_line.setdefault(key, line)
        yield from _yaml_duplicates(value_node, where)


def _parse_json(path: Path, text: str) -> tuple[Any, list[str]]:
    duplicates: list[str] = []
    try:
        data = json.loads(text, object_pairs_hook=lambda pairs: _json_object(pairs, duplicates))
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise ChatFileError(path, [f"{where}: JSON syntax error: {exc.msg}"]) from None
    return data, duplicates


def _json_object(pairs: list[tuple[str, Any]], duplicates: list[str]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            duplicates.append(f"{key}: duplicate key; {_DUPLICATE_FIX}")
        seen[key] = value
    return seen


# Validation


def _top_level_problems(data: Any) -> list[str]:
    if not isinstance(data, Mapping):
        return [f"the file must be a mapping with one key, `{CHATS_KEY}`, e.g. {_EXAMPLE}"]
    problems = [f"{key}: unknown top-level key; the only one is `{CHATS_KEY}` (put each chat under it)"
                for key in data if key != CHATS_KEY]
    if CHATS_KEY not in data:
        problems.append(f"{CHATS_KEY}: missing; declare the chats under it, e.g. {_EXAMPLE}")
    elif not isinstance(data[CHATS_KEY], Mapping):
        problems.append(f"{CHATS_KEY}: must be a mapping of resource name to chat, e.g. {_EXAMPLE} "
                        f"(write `{CHATS_KEY}: {{}}` for no chats)")
    return problems


def _specs(chats: Mapping[Any, Any], folder: Path) -> tuple[list[ChatSpec], list[str]]:
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
        try:
            inputs = ChatInputs.model_validate(_beside(dict(entry), folder))
        except ValidationError as exc:
            problems += [f"{where}.{_field(err)}: {_message(err)}" for err in exc.errors()]
            continue
        if not name_problem:
            specs.append(ChatSpec(str(key), inputs))
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
        return f"unknown field; a chat takes: {', '.join(INPUTS)}"
    if kind == "bool_type":
        return f"{field} must be true or false; got {err.get('input')!r}"
    return str(err.get("msg", "is invalid")).removeprefix("Value error, ")
