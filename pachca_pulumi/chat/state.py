"""A chat's stored outputs: the lean, versioned shape state keeps (`kit/state.py`), and every older
shape upgraded here, in one place, before any hook reads it.

Shapes written by earlier releases (no `__schema`):
- before people maps: `member_ids` held the chat's actual members (a list) and
  `declared_member_ids` the declared ones;
- before keyed id sets: `present_member_ids`, `tag_member_ids`, `admin_ids`, `editor_ids` and
  `missing_member_ids` were sorted lists.
Both are full outputs. Version 1 is the lean form: outputs at their absent value are left out.
The engine keeps numbers as floats (`whole`).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..kit.schema import id_map
from ..kit.state import StateShape
from .schema import INPUTS, OUTPUTS, ChatInputs, Source, default, rule

__all__ = ["CHAT_STATE", "ID_SETS", "declared", "named", "upgraded", "whole"]

_OUTPUT_ID_SETS = tuple(output.name for output in OUTPUTS if output.id_set)
ID_SETS = ("member_ids", *_OUTPUT_ID_SETS)  # every one a list in some earlier release


def upgraded(stored: dict[str, Any]) -> dict[str, Any]:
    """Full outputs of an earlier release in today's shape (a state already in it is unchanged)."""
    values = dict(stored)
    declared_ids = values.pop("declared_member_ids", None) or []
    if isinstance(values.get("member_ids"), list):  # before people maps: member_ids held the actual list
        if values.get("present_member_ids") is None:
            values["present_member_ids"] = values["member_ids"]
        values["member_ids"] = id_map(declared_ids)
    for name in _OUTPUT_ID_SETS:
        if isinstance(values.get(name), list):  # before keyed id sets
            values[name] = id_map(values[name])
    return values


def _omitted() -> dict[str, Any]:
    """Each output's value when state leaves it out: an input's default, an empty id set, no value.
    Only inputs whose output echoes the declaration are left out: for an output left out, the SDK gives
    the program its own input instead, which for `archived`, `public`, `channel`, `group_tag_ids` and
    `avatar` (the chat as it is) could differ from the truth."""
    absent: dict[str, Any] = {field: default(field) for field in INPUTS if rule(field).output is Source.DECLARED}
    absent.update({output.name: None for output in OUTPUTS})
    absent.update({"present_member_ids": {}, "tag_member_ids": {}, "missing_member_ids": {},
                   "named_tag_ids": {}, "personal": False})
    return absent


CHAT_STATE = StateShape(version=1, omitted=_omitted(), upgrade=upgraded)


def declared(stored: Mapping[str, Any]) -> ChatInputs:
    """The inputs a resource declared, as its (loaded) stored outputs keep them."""
    values = {field: whole(stored.get(field)) for field in INPUTS}
    return ChatInputs.model_construct(**{field: value for field, value in values.items() if value is not None})


def whole(value: Any) -> Any:
    """State keeps numbers as floats: ids come back as ints, lists and maps of ids likewise."""
    if isinstance(value, list):
        return [whole(item) for item in value]
    if isinstance(value, dict):
        return {key: whole(item) for key, item in value.items()}
    return int(value) if isinstance(value, float) else value


def named(stored: Mapping[str, Any]) -> dict[str, int]:
    """The tag ids the stored outputs resolved from `group_tags` names, by name."""
    return {name: int(tag_id) for name, tag_id in (stored.get("named_tag_ids") or {}).items()}
