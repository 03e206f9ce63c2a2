"""The `GroupTag` resource: a Pachca group tag (a team) and its people, declared in a program."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from ..kit.pickling import pickler_restored
from ..kit.provider import NAME_KEY, declared_in
from ..kit.state import FilledOutput, FlagMap, IdMap
from .provider import GroupTagProvider
from .schema import INPUTS, OUTPUTS
from .state import GROUP_TAG_STATE, ID_SETS

__all__ = ["GroupTag"]


class GroupTag(Resource, module="pachca", name="GroupTag"):
    """A Pachca group tag and who has it. Removing it from the program DELETES the tag (the API has
    no archive): keep one with `opts=pulumi.ResourceOptions(protect=True)` or `retain_on_delete=True`.

    Previews show it as `pachca:GroupTag`. Inputs and outputs are the schema's
    (`group_tag/schema.py`); a test holds this signature to it.
    """

    name: pulumi.Output[str]
    members: pulumi.Output[FlagMap]
    exclusive_members: pulumi.Output[bool]
    adopt_id: pulumi.Output[int | None]
    adopt_by_name: pulumi.Output[bool]
    tag_id: pulumi.Output[int]
    user_ids: pulumi.Output[IdMap]
    users_count: pulumi.Output[int]
    resolved_members: pulumi.Output[Mapping[str, int]]
    declared_user_ids: pulumi.Output[IdMap]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        members: pulumi.Input[Sequence[pulumi.Input[int | str]]] | None = None,
        exclusive_members: pulumi.Input[bool] = False,
        adopt_id: pulumi.Input[int] | None = None,
        adopt_by_name: pulumi.Input[bool] = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`members` are user references: ids, emails or nicknames (`@oleg` or `oleg`)."""
        declared = locals()  # the keyword parameters are the schema's inputs, by name
        # An input not given is not sent (check fills in its default), as for `Chat`.
        props: dict[str, Any] = {key: declared.get(key) for key in INPUTS}
        props.update({output.name: None for output in OUTPUTS})
        props[NAME_KEY] = resource_name  # how messages and the one-owner rule name the resource
        props.update(declared_in())  # the data file that declares it, if one does
        with pickler_restored():
            super().__init__(GroupTagProvider(), resource_name, props, opts)


# State leaves out outputs at their absent value, and earlier releases stored sets of ids as lists
# (`group_tag/state.py`): programs read the value, and the keyed map.
FilledOutput.attach(GroupTag, GROUP_TAG_STATE.omitted, ID_SETS)
