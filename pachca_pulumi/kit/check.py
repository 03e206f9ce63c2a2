"""One `check` for every resource: validate declared inputs with the schema model, turning each
pydantic error into a `CheckFailure` that names the field, the resource kind and the fix.

It never raises. A value still unknown during a preview (wholly, or one element of a list) stays
unknown: the engine shows it as computed, and `check` runs again at apply time with it known.
Hidden `__` keys (the resource's name) are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi.dynamic import CheckFailure
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .schema import UNKNOWN, is_unknown, show_value

__all__ = ["check_model", "error_field"]


def check_model(model: type[BaseModel], news: Mapping[str, Any], *, kind: str, missing_fix: str,
                stand_ins: Mapping[str, Any] | None = None,
                field_of: Callable[[tuple[int | str, ...], str], str] | None = None
                ) -> tuple[dict[str, Any], list[CheckFailure]]:
    """(normalised inputs, failures) for `news` against `model`.

    `kind` names the resource type in messages (`Chat`), `missing_fix` the fix for a missing name;
    `stand_ins` are values that let rules reading an unknown field pass until it is known;
    `field_of` finds the field of a whole-model error (default: `error_field`).
    """
    inputs = tuple(model.model_fields)
    hidden = {k: v for k, v in news.items() if k.startswith("__") and k != "__provider"}
    props = {k: v for k, v in news.items() if not k.startswith("__") and v is not None}
    failures = [CheckFailure(k, f"unknown property {k!r}; a {kind} takes: {', '.join(inputs)}")
                for k in props if k not in inputs]
    known = {k: v for k, v in props.items() if k in inputs and not is_unknown(v)}
    pending = {k: UNKNOWN for k, v in props.items() if k in inputs and is_unknown(v)}
    known.update({k: v for k, v in (stand_ins or {"name": "pending"}).items() if k in pending})
    try:
        checked = model.model_validate(known).model_dump()
    except ValidationError as exc:
        locate = field_of or (lambda loc, message: error_field(model, loc, message))
        failures += [_failure(err, locate, missing_fix) for err in exc.errors()]
        return {**hidden, **{k: UNKNOWN if is_unknown(v) else v for k, v in props.items()}}, failures
    return {**hidden, **checked, **pending}, failures


def error_field(model: type[BaseModel], loc: tuple[int | str, ...], message: str) -> str:
    """The input a validation error is about: its location, or for a whole-model error the field
    its message starts with (`avatar: ...`), else `inputs`."""
    if loc:
        return str(loc[0])
    named = message.removeprefix("Value error, ").split(":", 1)[0]
    return named if named in model.model_fields else "inputs"


def _failure(err: ErrorDetails, locate: Callable[[tuple[int | str, ...], str], str], missing_fix: str) -> CheckFailure:
    field = locate(err["loc"], str(err.get("msg", "")))
    if err["type"] == "missing":
        return CheckFailure(field, f"{field} is required: {missing_fix}")
    if err["type"] == "bool_type":
        return CheckFailure(field, f"{field} must be true or false; got {show_value(err.get('input'))}")
    message = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
    return CheckFailure(field, message if message.startswith(field) else f"{field}: {message}")
