"""A group tag's stored outputs: the lean, versioned shape state keeps (`kit/state.py`), and the
older shape upgraded here, in one place: before keyed id sets, `user_ids` and `declared_user_ids`
were sorted lists. Version 1 leaves out outputs at their absent value."""
from __future__ import annotations

from typing import Any

from ..kit.schema import Source, id_map
from ..kit.state import StateShape
from .schema import INPUTS, OUTPUTS, default, rule

__all__ = ["GROUP_TAG_STATE", "ID_SETS", "upgraded"]

ID_SETS = tuple(output.name for output in OUTPUTS if output.id_set)


def upgraded(stored: dict[str, Any]) -> dict[str, Any]:
    """Full outputs of an earlier release in today's shape (a state already in it is unchanged)."""
    return {key: id_map(value) if key in ID_SETS and isinstance(value, list) else value
            for key, value in stored.items()}


def _omitted() -> dict[str, Any]:
    """Only inputs whose output echoes the declaration (see chat/state.py)."""
    absent: dict[str, Any] = {field: default(field) for field in INPUTS if rule(field).output is Source.DECLARED}
    absent.update({output.name: None for output in OUTPUTS})
    absent.update({"user_ids": {}, "resolved_members": {}, "declared_user_ids": {}})
    return absent


GROUP_TAG_STATE = StateShape(version=1, omitted=_omitted(), upgrade=upgraded)
