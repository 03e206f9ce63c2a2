"""A chat's stored outputs read back: every older state shape is upgraded here, in one place.

The engine keeps numbers as floats, and states written before people maps kept `declared_member_ids` as a list.
First step of the typed, versioned state (issue 20.4): the readers below are what chat/service.py used inline.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .schema import INPUTS, ChatInputs


def declared(stored: Mapping[str, Any]) -> ChatInputs:
    """The inputs a resource declared, as far as its stored outputs keep them (any earlier shape)."""
    values = {field: whole(stored.get(field)) for field in INPUTS}
    if not isinstance(values.get("member_ids"), dict):  # a state written before people maps
        values["member_ids"] = {str(uid): uid for uid in whole(stored.get("declared_member_ids") or [])}
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
