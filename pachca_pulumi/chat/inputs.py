"""`check`: validation and normalisation of `Chat` inputs, with errors that name the field and the fix.

`check_inputs()` never raises: any mapping yields normalised inputs plus failures. Values that are
still unknown during a preview (computed from other resources) pass through untouched. The fields
and their rules are the schema's (`schema.ChatInputs`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CheckFailure
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ..kit.schema import UNKNOWN, is_unknown
from .schema import INPUTS, ChatInputs, error_field, show_value

__all__ = ["UNKNOWN", "check_inputs", "inputs_from", "is_unknown"]


def inputs_from(props: Mapping[str, Any]) -> ChatInputs:
    """The checked inputs among a resource's properties (create/update receive inputs plus outputs)."""
    return ChatInputs.model_validate({k: v for k, v in props.items() if k in INPUTS})


def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Validate declared inputs: (normalised inputs, failures).

    A value that is still unknown (wholly, or one element of a list) stays unknown: the engine shows
    it as computed, and `check` runs again at apply time with the value known. Hidden `__` keys (the
    resource's name) are kept.
    """
    hidden = {k: v for k, v in news.items() if k.startswith("__") and k != "__provider"}
    props = {k: v for k, v in news.items() if not k.startswith("__") and v is not None}
    failures = [CheckFailure(k, _unknown_property(k)) for k in props if k not in INPUTS]
    known = {k: v for k, v in props.items() if k in INPUTS and not is_unknown(v)}
    pending = {k: UNKNOWN for k, v in props.items() if k in INPUTS and is_unknown(v)}
    stand_ins = {"name": "pending", "channel": True}  # so rules that read them pass until they are known
    known.update({k: v for k, v in stand_ins.items() if k in pending})
    try:
        checked = ChatInputs.model_validate(known).model_dump()
    except ValidationError as exc:
        failures += [_failure(err) for err in exc.errors()]
        return {**hidden, **{k: UNKNOWN if is_unknown(v) else v for k, v in props.items()}}, failures
    return {**hidden, **checked, **pending}, failures


def _failure(err: ErrorDetails) -> CheckFailure:
    field = error_field(err["loc"], str(err.get("msg", "")))
    if err["type"] == "missing":
        return CheckFailure(field, f"{field} is required: give the chat a name, e.g. name=\"Engineering\"")
    if err["type"] == "bool_type":
        return CheckFailure(field, f"{field} must be true or false; got {show_value(err.get('input'))}")
    message = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
    if not message.startswith(field):
        message = f"{field}: {message}"
    return CheckFailure(field, message)


def _unknown_property(key: str) -> str:
    return f"unknown property {key!r}; a Chat takes: {', '.join(INPUTS)}"
