"""The `GroupTag` schema, declared once: every input and output, its default, how `diff` compares
it, and where each output comes from (the same `Rule`s as the `Chat` schema).

`members` is normalised by `check` into a map keyed by canonical reference (`{"@oleg": true,
"anna@corp.ru": true}`), so `pulumi preview --diff` reads as people added and removed.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from ..kit.schema import (
    NAME_MAX,
    Compare,
    Output,
    Rule,
    Source,
    default_of,
    name_validator,
    rule_of,
    show_value,
)
from .people import canonical_reference

__all__ = [
    "ADOPTION",
    "INPUTS",
    "NAME_MAX",
    "OUTPUTS",
    "OUTPUT_NAMES",
    "GroupTagInputs",
    "default",
    "normalise_members",
    "rule",
]

ADOPTION = "adopt_id or adopt_by_name"  # the inputs that adopt an existing tag, for messages

_name = name_validator('give the tag a name, e.g. name="Backend"')


def normalise_members(value: Any) -> dict[str, bool]:
    """`members` as a map of canonical references (a list from a program, or a map already)."""
    if value is None:
        return {}
    if isinstance(value, dict):
        value = list(value)
    if not isinstance(value, (list, tuple)):
        raise ValueError("members must be a list of user references, e.g. members=[186, \"anna@corp.ru\", "
                         f"\"@oleg\"]; got {show_value(value)}")
    return {ref: True for ref in sorted({canonical_reference(item, "members") for item in value})}


def _optional_id(value: Any) -> int | None:
    if value is None:
        return None
    reference = canonical_reference(value, "adopt_id")
    if not reference.isdigit():
        raise ValueError(f"adopt_id must be a group tag id (a positive integer); got {show_value(value)}")
    return int(reference)


class GroupTagInputs(BaseModel):
    """The declared state of one group tag, normalised (trimmed name, canonical references)."""

    # Each field's docstring is its description (the reference pages and the native schema read it).
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    name: Annotated[str, BeforeValidator(_name), Rule(Compare.VALUE)]
    """The tag's name: 1..255 characters after trimming, no control characters, unique in the workspace
    (regardless of case). A rename keeps the tag's people."""
    members: Annotated[
        dict[str, bool], BeforeValidator(normalise_members), Rule(Compare.PEOPLE, output=Source.DECLARED)
    ] = Field(default_factory=dict)
    """People who must have the tag: ids (`186` or `"186"`), emails, or nicknames (`@oleg` or `oleg`), each
    verified at preview; an unknown one fails naming the closest match."""
    exclusive_members: Annotated[
        StrictBool, Rule(Compare.VALUE, output=Source.DECLARED, written_when_default=False)
    ] = False
    """`False`: people given the tag by hand are tolerated, and people the program declared at the last apply
    and no longer declares lose it. `True`: everyone not declared loses it."""
    adopt_id: Annotated[
        int | None, BeforeValidator(_optional_id),
        Rule(Compare.NEVER, output=Source.DECLARED, written_when_default=False),
    ] = None
    """On create, take over this existing tag (then reconcile its name and people) instead of creating one."""
    adopt_by_name: Annotated[
        StrictBool, Rule(Compare.NEVER, output=Source.DECLARED, written_when_default=False)
    ] = False
    """On create, take over the workspace's tag of this `name` if there is one (else create it). Without it, a
    taken name fails with the tag's id and both fixes."""


def rule(field: str) -> Rule:
    """The `Rule` of one input field."""
    return rule_of(GroupTagInputs, field)


def default(field: str) -> Any:
    """An input's default value (None for a required one), a fresh copy on each call."""
    return default_of(GroupTagInputs, field)


INPUTS: tuple[str, ...] = tuple(GroupTagInputs.model_fields)

OUTPUTS: tuple[Output, ...] = (
    Output("tag_id", Source.CHAT, "id", "the tag's id as a number (for Chat group_tag_ids)"),
    Output("user_ids", Source.RUN, "user_ids", "the tag's users, as the API reports them", True),
    Output("users_count", Source.CHAT, "users_count", "how many users have the tag"),
    Output("resolved_members", Source.RUN, "resolved_members",
           "each declared reference's user id at the last apply"),
    Output("declared_user_ids", Source.RUN, "declared_user_ids",
           "the users the program declared at the last apply (removed when no longer declared)", True),
)

OUTPUT_NAMES: tuple[str, ...] = (*INPUTS, *(output.name for output in OUTPUTS))
