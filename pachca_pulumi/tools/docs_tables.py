"""The schema tables as the reference pages read them: the ONE place the docs touch the schemas.

Each resource's inputs come from its pydantic model (`model_fields`: type, default, docstring as
description) and its `rule()` (how a change is compared, whether it replaces, where the output comes
from); its extra outputs from `OUTPUTS`; the Python types a program writes from the resource's own
signature and annotations (held to the schema by tests/unit/chat/test_resource.py). When the schema
helpers move, only the imports of this module change.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..chat import schema as chat_schema
from ..chat.resource import Chat
from ..group_tag import schema as tag_schema
from ..group_tag.resource import GroupTag

__all__ = ["FieldDoc", "OutputDoc", "RESOURCES", "ResourceTable", "python_type"]

_COMPARE_TEXT = {
    chat_schema.Compare.VALUE: "Updatable.",
    chat_schema.Compare.TEXT: "Updatable; compared after trimming (the API keeps a name as sent).",
    chat_schema.Compare.ID_SET: "Updatable; an exact set (order and duplicates do not matter).",
    chat_schema.Compare.PEOPLE: "Updatable; previews show people added and removed, by the reference written.",
    chat_schema.Compare.NEVER: "Read on create only; changing or dropping it later is no change.",
}
_SOURCE_TEXT = {
    chat_schema.Source.CHAT: "as the API last reported it",
    chat_schema.Source.DECLARED: "as declared at the last apply",
    chat_schema.Source.RUN: "what the last apply or refresh found",
}


@dataclass(frozen=True)
class FieldDoc:
    """One input: what a program writes, its default, the rules `check` and `diff` apply, its doc."""

    name: str
    type: str
    default: str
    rules: tuple[str, ...]
    description: str
    from_program: bool
    output: str


@dataclass(frozen=True)
class OutputDoc:
    """One output that is not an input."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class ResourceTable:
    """A resource's schema table, read through the schema's public names."""

    title: str
    model: type[BaseModel]
    rule: Callable[[str], Any]
    default: Callable[[str], Any]
    outputs: tuple[Any, ...]
    resource: type

    @property
    def python_token(self) -> str:
        """The type token a dynamic resource gets (`pulumi-python:dynamic/pachca:Chat`)."""
        return f"pulumi-python:dynamic/pachca:{self.title}"

    @property
    def native_token(self) -> str:
        """The native provider's type token (`pachca:index:Chat`), for YAML and other languages."""
        return f"pachca:index:{self.title}"

    def inputs(self) -> list[FieldDoc]:
        """Every input field, in the schema's order."""
        return [self._field(name, info) for name, info in self.model.model_fields.items()]

    def extra_outputs(self) -> list[OutputDoc]:
        """The outputs that are not inputs, in the schema's order."""
        hints = _annotations(self.resource)
        return [OutputDoc(out.name, python_type(hints.get(out.name, "")), out.doc) for out in self.outputs]

    def _field(self, name: str, info: Any) -> FieldDoc:
        rule = self.rule(name)
        rules = [_COMPARE_TEXT[rule.compare]]
        if rule.replaces:
            rules = ["Changing it **replaces** the resource."]
        if getattr(rule, "role", None) in ("admin", "editor"):
            rules.append(f"Grants the chat role `{rule.role}`.")
        if not rule.from_program:
            rules = ["Not a program input: `check` sets it."]
        return FieldDoc(
            name=name,
            type=self._input_type(name),
            default="required" if info.is_required() else _literal(self.default(name)),
            rules=tuple(rules),
            description=" ".join((info.description or "").split()),
            from_program=rule.from_program,
            output=_SOURCE_TEXT[rule.output],
        )

    def _input_type(self, name: str) -> str:
        parameter = inspect.signature(self.resource).parameters.get(name)
        if parameter is not None:
            return python_type(str(parameter.annotation))
        return python_type(_annotations(self.resource).get(name, ""))


def _annotations(cls: type) -> dict[str, str]:
    """A class's annotations as written (the modules use `from __future__ import annotations`)."""
    return {name: str(text) for name, text in inspect.get_annotations(cls).items()}


def _literal(value: Any) -> str:
    """A default as a program would write it: `False`, `None`, `[]` (people maps are written as lists)."""
    if isinstance(value, (dict, list)) and not value:
        return "[]"
    return repr(value) if not isinstance(value, str) else json.dumps(value)


_MAP_ALIASES = {"IdMap": "dict[str,int]", "PeopleMap": "dict[str,int]", "FlagMap": "dict[str,bool]"}


def python_type(annotation: str) -> str:
    """`pulumi.Input[Sequence[pulumi.Input[UserRef]]] | None` -> `list[UserRef]`: the type as a program
    writes it, without the Input/Output wrappers and the optional `None`."""
    text = annotation.replace(" ", "")
    for alias, spelled in _MAP_ALIASES.items():  # kit/state.py's aliases
        text = text.replace(alias, spelled)
    for wrapper in ("pulumi.Input[", "pulumi.Output[", "Mapping[", "Sequence["):
        text = _unwrap(text, wrapper, "list[" if wrapper == "Sequence[" else "dict[" if wrapper == "Mapping[" else "")
    parts = [part for part in _split_union(text) if part != "None"]
    return "|".join(parts).replace("os.PathLike[str]", "PathLike").replace(",", ", ").replace("|", " | ")


def _unwrap(text: str, wrapper: str, replacement: str) -> str:
    """Replace every `wrapper...]` by `replacement...]` (or by its content alone when replacement is empty)."""
    while (start := text.find(wrapper)) != -1:
        depth, end = 1, start + len(wrapper)
        while depth:
            depth += {"[": 1, "]": -1}.get(text[end], 0)
            end += 1
        inner = text[start + len(wrapper):end - 1]
        text = text[:start] + (f"{replacement}{inner}]" if replacement else inner) + text[end:]
    return text


def _split_union(text: str) -> list[str]:
    """Top-level `|` alternatives of a type (not those inside brackets), without duplicates."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return list(dict.fromkeys([*parts, current]))


RESOURCES: tuple[ResourceTable, ...] = (
    ResourceTable("Chat", chat_schema.ChatInputs, chat_schema.rule, chat_schema.default, chat_schema.OUTPUTS, Chat),
    ResourceTable("GroupTag", tag_schema.GroupTagInputs, tag_schema.rule, tag_schema.default, tag_schema.OUTPUTS,
                  GroupTag),
)
