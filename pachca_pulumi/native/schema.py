"""The package schema `pulumi-resource-pachca` serves, generated from the resources' schema tables.

Nothing here is written per property: each resource's inputs come from its pydantic input model
(`ChatInputs`, `GroupTagInputs`; the fields a program sets, `Rule.from_program`), its outputs
from the same model plus `OUTPUTS`, and every description from the field docs. Types follow
from the annotations, except that people fields are what a program writes (a list of references)
as inputs and what state keeps (reference -> user id) as outputs. Names are camelCase, as in every
Pulumi package; `values.py` maps them to the tables' fields.
"""

from __future__ import annotations

import functools
import json
import types
import typing
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from pydantic import BaseModel

from ..chat import schema as chat_schema
from ..chat.schema import Compare, Output
from ..group_tag import schema as tag_schema
from .values import camel

__all__ = ["CHAT_TOKEN", "GROUP_TAG_TOKEN", "PACKAGE", "TABLES", "Table", "package_schema", "package_version",
           "schema_type"]

PACKAGE = "pachca"
CHAT_TOKEN = "pachca:index:Chat"
GROUP_TAG_TOKEN = "pachca:index:GroupTag"

_INTEGER: dict[str, Any] = {"type": "integer"}
_REFERENCE: dict[str, Any] = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
_SCALARS: dict[Any, dict[str, Any]] = {str: {"type": "string"}, int: _INTEGER, bool: {"type": "boolean"},
                                       float: {"type": "number"}}


@dataclass(frozen=True)
class Table:
    """One resource's schema table: its token, input model, rule lookup and extra outputs."""

    token: str
    description: str
    model: type[BaseModel]
    outputs: tuple[Output, ...]
    output_types: dict[str, dict[str, Any]]

    def program_inputs(self) -> tuple[str, ...]:
        """The input fields a program sets (the others `check` derives)."""
        return tuple(name for name in self.model.model_fields if _rule(self.model, name).from_program)


TABLES: tuple[Table, ...] = (
    Table(CHAT_TOKEN, "A Pachca chat or channel; removing it from the program archives it.",
          chat_schema.ChatInputs, chat_schema.OUTPUTS,
          {"named_tag_ids": {"type": "object", "additionalProperties": _INTEGER},
           "created_at": {"type": "string"}, "meet_room_url": {"type": "string"},
           "avatar_url": {"type": "string"}, "personal": {"type": "boolean"}}),
    Table(GROUP_TAG_TOKEN, "A Pachca group tag and its people; removing it from the program deletes it.",
          tag_schema.GroupTagInputs, tag_schema.OUTPUTS,
          {"resolved_members": {"type": "object", "additionalProperties": _INTEGER},
           "users_count": _INTEGER}),
)


def package_version() -> str:
    """The provider's version: the installed package's."""
    return version("pachca-pulumi")


@functools.cache
def package_schema() -> str:
    """The schema as JSON text (what GetSchema returns)."""
    return json.dumps(_package(), indent=2, sort_keys=True)


def _package() -> dict[str, Any]:
    from .functions import FUNCTIONS  # the functions' signatures live beside their code

    return {
        "name": PACKAGE,
        "displayName": "Pachca",
        "version": package_version(),
        "description": "Pachca chats, channels and group tags as code (native provider of pachca-pulumi).",
        "keywords": ["pulumi", "pachca", "category/utility", "kind/native"],
        "license": "MIT",
        "config": {"variables": _config()},
        "provider": {"inputProperties": _config(), "description": "The Pachca provider."},
        "resources": {table.token: _resource(table) for table in TABLES},
        "functions": {fn.token: fn.spec for fn in FUNCTIONS},
        "language": {"python": {"packageName": "pachca_pulumi_sdk"},
                     "nodejs": {"packageName": "@pachca-pulumi/pachca"},
                     "csharp": {"rootNamespace": "PachcaPulumi"},
                     "go": {"importBasePath": "example.com/pachca-pulumi/sdk/go/pachca"}},
    }


def _config() -> dict[str, Any]:
    return {
        "token": {"type": "string", "secret": True,
                  "description": "The Pachca API token (else the PACHCA_TOKEN environment variable)."},
        "baseUrl": {"type": "string", "description": "The API's base URL (else PACHCA_BASE_URL, else the "
                                                     "public API); plain http only to loopback hosts."},
    }


def _resource(table: Table) -> dict[str, Any]:
    inputs = {camel(name): _input(table, name) for name in table.program_inputs()}
    outputs = {camel(name): _output(table, name) for name in table.model.model_fields}
    outputs.update({camel(out.name): {**_output_type(table, out), "description": out.doc}
                    for out in table.outputs})
    return {
        "description": table.description,
        "inputProperties": inputs,
        "requiredInputs": [camel(n) for n in table.program_inputs()
                           if table.model.model_fields[n].is_required()],
        "properties": outputs,
        "required": [camel(n) for n in table.model.model_fields if table.model.model_fields[n].is_required()],
    }


def _input(table: Table, name: str) -> dict[str, Any]:
    field = table.model.model_fields[name]
    rule = _rule(table.model, name)
    people = rule.compare is Compare.PEOPLE
    spec = {"type": "array", "items": _REFERENCE} if people else schema_type(field.annotation)
    if rule.replaces:
        spec = {**spec, "willReplaceOnChanges": True}
    return {**spec, "description": field.description or ""}


def _output(table: Table, name: str) -> dict[str, Any]:
    field = table.model.model_fields[name]
    if _rule(table.model, name).compare is Compare.PEOPLE:
        return {"type": "object", "additionalProperties": _INTEGER,
                "description": f"{field.description} As state keeps it: each reference's user id."}
    return {**schema_type(field.annotation), "description": field.description or ""}


def _output_type(table: Table, out: Output) -> dict[str, Any]:
    if out.name in table.output_types:
        return table.output_types[out.name]
    if out.id_set:  # state keeps id sets as maps, `{"7": 7}` (diffed by id, `kit/schema.py`)
        return {"type": "object", "additionalProperties": _INTEGER}
    if out.name.endswith("_ids"):
        return {"type": "array", "items": _INTEGER}
    if out.name.endswith("_id"):
        return _INTEGER
    raise ValueError(f"output {out.name!r} of {table.token}: "
                     "add its type to the native schema's output_types")


def schema_type(annotation: Any) -> dict[str, Any]:
    """The schema type of a field's annotation (Optional unwrapped; people maps handled by callers)."""
    origin = typing.get_origin(annotation)
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    if origin is typing.Annotated:
        return schema_type(args[0])
    if origin in (typing.Union, types.UnionType):
        return schema_type(args[0])
    if origin is list:
        return {"type": "array", "items": schema_type(args[0])}
    if origin is dict:
        return {"type": "object", "additionalProperties": schema_type(args[1])}
    return _SCALARS[annotation]


def _rule(model: type[BaseModel], name: str) -> chat_schema.Rule:
    return next(item for item in model.model_fields[name].metadata if isinstance(item, chat_schema.Rule))
