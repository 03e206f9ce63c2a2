"""`check` for `GroupTag`: validation and normalisation, with errors that name the field and the fix.

`check_inputs()` never raises. Values still unknown during a preview (computed from other
resources) pass through untouched, as for `Chat`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CheckFailure

from ..kit.check import check_model
from .schema import INPUTS, GroupTagInputs

__all__ = ["check_inputs", "inputs_from"]


def inputs_from(props: Mapping[str, Any]) -> GroupTagInputs:
    """The checked inputs among a resource's properties (create/update receive inputs plus outputs)."""
    return GroupTagInputs.model_validate({k: v for k, v in props.items() if k in INPUTS})


def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Validate declared inputs: (normalised inputs, failures), the kit's one check (`kit/check.py`).
    Unknown values are left for apply time; hidden `__` inputs (the resource's name) are kept."""
    return check_model(GroupTagInputs, news, kind="GroupTag", missing_fix='give the tag a name, e.g. name="Backend"')
