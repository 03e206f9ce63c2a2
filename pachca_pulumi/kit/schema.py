"""Schema helpers every resource's table uses: rules, outputs, defaults, the name validator and
the id parser. A resource's schema is a pydantic model whose fields carry a `Rule` as metadata.
"""

from __future__ import annotations

import copy
import functools
import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN  # the engine's placeholder for a value known only at apply time
from pydantic import BaseModel

__all__ = [
    "ID_MAX", "NAME_KEY", "NAME_MAX", "UNKNOWN", "Compare", "Output", "Role", "Rule", "Source", "default_of",
    "field_defaults", "id_map", "id_set", "is_unknown", "name_validator", "outputs_of", "parse_id", "rule_of",
    "show_value",
]

NAME_MAX = 255
ID_MAX = 2**31 - 1  # ids are positive 32-bit integers in the spec

Role = Literal["admin", "editor", "member"]


class Compare(Enum):
    """How `diff` compares a declared input with the stored state."""

    VALUE = "value"  # plain equality
    TEXT = "text"  # equality after trimming: the API keeps " Ops " as sent, the program declares "Ops"
    ID_SET = "id_set"  # ids as a set: order, duplicates and 186.0 vs 186 do not matter
    PEOPLE = "people"  # people compared as a membership plan (`kit/members.py`)
    NEVER = "never"  # read on create only; changing it later is no change


class Source(Enum):
    """Where an output's value comes from."""

    CHAT = "chat"  # the object as the API last reported it (attribute of the same name)
    DECLARED = "declared"  # the declared input
    RUN = "run"  # what the service learnt during the run (token user, tag members, roles)


@dataclass(frozen=True)
class Rule:
    """Per-input metadata that pydantic does not have a place for."""

    compare: Compare
    output: Source = Source.CHAT
    replaces: bool = False
    written_when_default: bool = True  # data files and imports show it even at its default
    from_program: bool = True  # False: `check` derives it from another input; programs do not set it
    role: Role | None = None  # for people: the chat role the field grants


@dataclass(frozen=True)
class Output:
    """An output that is not an input: its name, source and the attribute it is read from."""

    name: str
    source: Source
    attribute: str
    doc: str
    id_set: bool = False  # a set of ids: state keeps it as a keyed map (`id_map`), diffed by id


NAME_KEY = "__name"  # the resource's name in the program, a hidden input every kind carries

def outputs_of(fields: Iterable[str], outputs: Iterable[Output], rule: Callable[[str], Rule],
               sources: Mapping[Source, Callable[[str], Any]]) -> dict[str, Any]:
    """Every output of a resource, each read from its source: the inputs by their rule, then the
    table's outputs; an id set as a keyed map."""
    values = {field: sources[rule(field).output](field) for field in fields}
    for out in outputs:
        value = sources[out.source](out.attribute)
        values[out.name] = id_map(value) if out.id_set and value is not None else value
    return values


def id_map(ids: Iterable[Any]) -> dict[str, int]:
    """A set of ids as state keeps it, `{"7": 7}`: the engine diffs a map by key, so a refresh that
    finds someone new prints `+ 50: 50`, never every later position of a sorted list shifting."""
    return {str(uid): uid for uid in sorted({int(uid) for uid in ids})}


def id_set(value: Any) -> list[int]:
    """The ids of an id set in any stored shape: a keyed map, or the list states kept before maps
    (numbers may come back as floats); none for None."""
    items = value.values() if isinstance(value, Mapping) else value or []
    return sorted({int(uid) for uid in items})


def is_unknown(value: Any) -> bool:
    """True for a preview-time unknown (the SDK's `Unknown` or the wire sentinel), or a list or map
    that still holds one."""
    if isinstance(value, (list, tuple)):
        return any(is_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(is_unknown(v) for v in value.values())
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def show_value(value: Any) -> str:
    """A value as an error message shows it: its repr, cut at 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def rule_of(model: type[BaseModel], field: str) -> Rule:
    """The `Rule` of one input field of a schema model."""
    return next(item for item in model.model_fields[field].metadata if isinstance(item, Rule))


def default_of(model: type[BaseModel], field: str) -> Any:
    """An input's default value (None for a required one), a fresh copy on each call."""
    return copy.deepcopy(field_defaults(model)[field])


@functools.cache
def field_defaults(model: type[BaseModel]) -> dict[str, Any]:
    """Every field's default (None for a required one), worked out once per model: pydantic's
    `get_default` inspects the default factory's signature on every call (0.2 s of the 2.0 s that
    a program's 1000 `Chat(...)` calls took, delaying the engine's first create as much)."""
    return {field: None if info.is_required() else info.get_default(call_default_factory=True)
            for field, info in model.model_fields.items()}


def name_validator(blank_fix: str) -> Callable[[Any], str]:
    """The one rule for a visible name (1..255 characters after trimming, no control characters);
    errors name the field and the fix (`blank_fix`: what to do about an empty name)."""

    def validate(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"name must be a string of 1 to {NAME_MAX} characters; got {show_value(value)}")
        name = value.strip()
        if not name:
            raise ValueError(f"name must not be empty or blank: {blank_fix}")
        if len(name) > NAME_MAX:
            raise ValueError(f"name is {len(name)} characters long; shorten it to at most {NAME_MAX}")
        if any(unicodedata.category(ch) == "Cc" for ch in name):
            raise ValueError("name contains control characters (such as newlines or tabs); remove them")
        return name

    return validate


def parse_id(item: Any, field: str) -> int:
    """One positive 32-bit id from a program or from state (numbers arrive as floats, other
    resources' ids as strings); ValueError naming `field` otherwise."""
    if isinstance(item, str) and item.strip().isdigit():
        item = int(item.strip())
    if isinstance(item, bool) or not isinstance(item, (int, float)):
        raise ValueError(f"{field} must hold integer ids only; {show_value(item)} is not one")
    if isinstance(item, float) and (not math.isfinite(item) or not item.is_integer()):
        raise ValueError(f"{field} must hold integer ids only; {show_value(item)} is not a whole number")
    if int(item) <= 0 or int(item) > ID_MAX:
        raise ValueError(f"{field} ids are positive 32-bit integers; {show_value(item)} is out of range")
    return int(item)
