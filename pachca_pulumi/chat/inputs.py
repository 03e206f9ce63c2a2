"""Validation and normalisation of `Chat` inputs, with errors that name the field and the fix.

`check_inputs()` never raises: any mapping yields normalised inputs plus failures. Values that are
still unknown during a preview (computed from other resources) pass through untouched.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CheckFailure
from pulumi.runtime.rpc import UNKNOWN  # the engine's placeholder for a value known only at apply time
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator

__all__ = ["ChatInputs", "UNKNOWN", "check_inputs", "is_unknown", "normalise_ids"]


NAME_MAX = 255
_FIELDS = ("name", "member_ids", "group_tag_ids", "channel", "public", "archived", "exclusive_members", "adopt_id")


def is_unknown(value: Any) -> bool:
    """True for a preview-time unknown, or a list that still holds one."""
    if isinstance(value, list):
        return any(is_unknown(v) for v in value)
    return isinstance(value, str) and value == UNKNOWN


def normalise_ids(value: Any, field: str) -> list[int]:
    """Sorted, de-duplicated positive integer ids; the engine sends numbers as floats."""
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{field} must be a list of integer ids, e.g. {field}=[186, 187]; got {_show(value)}")
    return sorted({_to_id(item, field) for item in value})


def _to_id(item: Any, field: str) -> int:
    if isinstance(item, bool) or not isinstance(item, (int, float)):
        raise ValueError(f"{field} must hold integer ids only; {_show(item)} is not one")
    if isinstance(item, float) and (not math.isfinite(item) or not item.is_integer()):
        raise ValueError(f"{field} must hold integer ids only; {_show(item)} is not a whole number")
    if int(item) <= 0 or int(item) > 2**31 - 1:
        raise ValueError(f"{field} ids are positive 32-bit integers; {_show(item)} is out of range")
    return int(item)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class ChatInputs(BaseModel):
    """The declared state of one chat, normalised (trimmed name, sorted unique id lists)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    member_ids: list[int] = Field(default_factory=list)
    group_tag_ids: list[int] = Field(default_factory=list)
    channel: StrictBool = False
    public: StrictBool = False
    archived: StrictBool = False
    exclusive_members: StrictBool = False
    adopt_id: int | None = None

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"name must be a string of 1 to {NAME_MAX} characters; got {_show(value)}")
        name = value.strip()
        if not name:
            raise ValueError("name must not be empty or blank: give the chat a visible name")
        if len(name) > NAME_MAX:
            raise ValueError(f"name is {len(name)} characters long; shorten it to at most {NAME_MAX}")
        if any(unicodedata.category(ch) == "Cc" for ch in name):
            raise ValueError("name contains control characters (such as newlines or tabs); remove them")
        return name

    @field_validator("member_ids", "group_tag_ids", mode="before")
    @classmethod
    def _ids(cls, value: Any, info: Any) -> list[int]:
        return [] if value is None else normalise_ids(value, info.field_name)

    @field_validator("adopt_id", mode="before")
    @classmethod
    def _adopt_id(cls, value: Any) -> int | None:
        return None if value is None else _to_id(value, "adopt_id")

    def to_props(self) -> dict[str, Any]:
        return self.model_dump()


def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Validate declared inputs: (normalised inputs, failures). Unknown values are left for apply time."""
    props = {k: v for k, v in news.items() if not k.startswith("__") and v is not None}
    failures = [CheckFailure(k, _unknown_property(k)) for k in props if k not in _FIELDS]
    known = {k: v for k, v in props.items() if k in _FIELDS and not is_unknown(v) and v is not None}
    pending = {k: v for k, v in props.items() if k in _FIELDS and is_unknown(v)}
    if "name" in pending:
        known.setdefault("name", "pending")
    try:
        checked = ChatInputs.model_validate(known).to_props()
    except ValidationError as exc:
        failures += [_failure(err) for err in exc.errors()]
        return dict(props), failures
    return {**checked, **pending}, failures


def _failure(err: Any) -> CheckFailure:
    field = str(err["loc"][0]) if err["loc"] else "inputs"
    if err["type"] == "missing":
        return CheckFailure(field, f"{field} is required: give the chat a name, e.g. name=\"Engineering\"")
    if err["type"] == "bool_type":
        return CheckFailure(field, f"{field} must be true or false; got {_show(err.get('input'))}")
    message = str(err.get("msg", "is invalid"))
    message = message.removeprefix("Value error, ")
    if not message.startswith(field):
        message = f"{field}: {message}"
    return CheckFailure(field, message)


def _unknown_property(key: str) -> str:
    return f"unknown property {key!r}; a Chat takes: {', '.join(_FIELDS)}"
