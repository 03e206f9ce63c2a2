"""`check` for `GroupTag`: validation and normalisation, with errors that name the field and the fix.

`check_inputs()` never raises. Values still unknown during a preview (computed from other
resources) pass through untouched, as for `Chat`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CheckFailure
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ..kit.schema import is_unknown, show_value
from .schema import INPUTS, GroupTagInputs

__all__ = ["check_inputs", "inputs_from"]


def inputs_from(props: Mapping[str, Any]) -> GroupTagInputs:
    """The checked inputs among a resource's properties (create/update receive inputs plus outputs)."""
    return GroupTagInputs.model_validate({k: v for k, v in props.items() if k in INPUTS})


def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Validate declared inputs: (normalised inputs, failures). Unknown values are left for apply time."""
    props = {k: v for k, v in news.items() if not k.startswith("__") and v is not None}
    failures = [CheckFailure(k, f"unknown property {k!r}; a GroupTag takes: {', '.join(INPUTS)}")
                for k in props if k not in INPUTS]
    known = {k: v for k, v in props.items() if k in INPUTS and not is_unknown(v)}
    pending = {k: v for k, v in props.items() if k in INPUTS and is_unknown(v)}
    if "name" in pending:
        known.setdefault("name", "pending")
    try:
        checked = GroupTagInputs.model_validate(known).model_dump()
    except ValidationError as exc:
        return dict(props), failures + [_failure(err) for err in exc.errors()]
    return {**checked, **pending}, failures


def _failure(err: ErrorDetails) -> CheckFailure:
    field = str(err["loc"][0]) if err["loc"] else "inputs"
    if err["type"] == "missing":
        return CheckFailure(field, f"{field} is required: give the tag a name, e.g. name=\"Backend\"")
    if err["type"] == "bool_type":
        return CheckFailure(field, f"{field} must be true or false; got {show_value(err.get('input'))}")
    message = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
    return CheckFailure(field, message if message.startswith(field) else f"{field}: {message}")
