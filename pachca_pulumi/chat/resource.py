"""The `Chat` resource: a Pachca group chat or channel declared in a Pulumi program."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from ..kit.pickling import pickler_restored
from ..kit.provider import declared_in
from ..kit.schema import id_set
from ..kit.state import FilledOutput, IdMap, PeopleMap
from .avatar import avatar_path
from .provider import NAME_KEY, ChatProvider
from .schema import INPUTS, OUTPUTS, default
from .state import CHAT_STATE, ID_SETS

__all__ = ["Chat", "UserRef"]

UserRef = int | str
"""A user reference: an id (int or numeric string), an email, or a nickname (`@oleg` or `oleg`)."""


class Chat(Resource, module="pachca", name="Chat"):
    """A Pachca chat. Removing it from the program archives the chat; nothing is ever deleted.

    People (`members`, `admins`, `editors`) are user references; admins and editors are members too,
    and `editors` is for channels only. Previews show people added and removed by these references.
    Previews show it as `pachca:Chat` (type token `pulumi-python:dynamic/pachca:Chat`). The inputs
    and outputs are the schema's (`chat/schema.py`); the signature and annotations below spell them
    out for type checkers, and a test holds them to the schema.
    """

    name: pulumi.Output[str]
    member_ids: pulumi.Output[IdMap]
    members: pulumi.Output[PeopleMap]
    admins: pulumi.Output[PeopleMap]
    editors: pulumi.Output[PeopleMap]
    group_tag_ids: pulumi.Output[list[int]]
    group_tags: pulumi.Output[list[str]]
    named_tag_ids: pulumi.Output[dict[str, int]]
    channel: pulumi.Output[bool]
    public: pulumi.Output[bool]
    archived: pulumi.Output[bool]
    exclusive_members: pulumi.Output[bool]
    adopt_id: pulumi.Output[int | None]
    present_member_ids: pulumi.Output[IdMap]
    admin_ids: pulumi.Output[IdMap | None]
    editor_ids: pulumi.Output[IdMap | None]
    owner_id: pulumi.Output[int]
    token_user_id: pulumi.Output[int]
    tag_member_ids: pulumi.Output[IdMap]
    created_at: pulumi.Output[str]
    personal: pulumi.Output[bool]
    meet_room_url: pulumi.Output[str]
    avatar: pulumi.Output[str | None]
    avatar_file: pulumi.Output[str | None]
    undeclared_members: pulumi.Output[PeopleMap]
    avatar_url: pulumi.Output[str | None]
    missing_member_ids: pulumi.Output[IdMap]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        member_ids: pulumi.Input[Sequence[pulumi.Input[int]]] | None = None,
        members: pulumi.Input[Sequence[pulumi.Input[UserRef]]] | None = None,
        admins: pulumi.Input[Sequence[pulumi.Input[UserRef]]] | None = None,
        editors: pulumi.Input[Sequence[pulumi.Input[UserRef]]] | None = None,
        group_tag_ids: pulumi.Input[Sequence[pulumi.Input[int | str]]] | None = None,
        group_tags: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        channel: pulumi.Input[bool] = False,
        public: pulumi.Input[bool] = False,
        archived: pulumi.Input[bool] = False,
        exclusive_members: pulumi.Input[bool] = False,
        adopt_id: pulumi.Input[int | str] | None = None,
        avatar: pulumi.Input[str | bytes | os.PathLike[str]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`avatar` is an image file's path (relative to the program's directory) or its bytes.
        `group_tag_ids` takes ids (a `GroupTag`'s `id` too); `group_tags` takes tag names (pass a
        `GroupTag`'s `name` output, so the chat waits for the tag)."""
        declared = locals()  # the keyword parameters are the schema's program inputs, by name
        # An input at its default is not sent (check fills it in): the engine records less per chat.
        props: dict[str, Any] = {key: None if _at_default(key, declared.get(key)) else declared[key] for key in INPUTS}
        props["avatar"] = _avatar_input(avatar)
        props.update({output.name: None for output in OUTPUTS if output.name not in props})
        props[NAME_KEY] = resource_name
        props.update(declared_in())  # the data file that declares it, if one does
        with pickler_restored():
            super().__init__(ChatProvider(), resource_name, props, opts)
        _fail_when_members_missing(self, resource_name, (member_ids, members, admins, editors))


# State leaves out outputs at their absent value, and earlier releases stored sets of ids as lists
# (`chat/state.py`): programs read the value, and the keyed map.
FilledOutput.attach(Chat, CHAT_STATE.omitted, ID_SETS)


def _at_default(key: str, value: Any) -> bool:
    """Not given, or given as its default (an empty list for an empty map too); an Output is not known yet."""
    if value is None:
        return True
    if isinstance(value, pulumi.Output):
        return False
    return bool(value == default(key) or (isinstance(value, (list, tuple)) and not value))


def _avatar_input(value: Any) -> Any:
    """A path or bytes known now becomes the absolute path `check` reads; an Output is resolved later."""
    if isinstance(value, (str, bytes, os.PathLike)):
        return avatar_path(value)
    if isinstance(value, pulumi.Output):
        return value.apply(lambda known: None if known is None else avatar_path(known))
    return value


def _fail_when_members_missing(chat: Chat, resource_name: str, groups: tuple[Any, ...]) -> None:
    """Once the chat is made, fail the run if the API left out people the program still declares.
    People written out in the program (the usual case) need no Output of their own: fewer futures
    per chat, and the engine sees a large program's first chat sooner."""
    if all(_written_out(group) for group in groups):
        declared = [ref for group in groups for ref in group or []]
        chat.missing_member_ids.apply(lambda missing: _fail_if_missing(resource_name, missing, declared))
        return
    people = [pulumi.Output.from_input(group or []) for group in groups]
    pulumi.Output.all(chat.missing_member_ids, *people).apply(
        lambda known: _fail_if_missing(resource_name, known[0], [ref for group in known[1:] for ref in group]))


def _written_out(group: Any) -> bool:
    return group is None or (isinstance(group, (list, tuple)) and all(isinstance(ref, (int, str)) for ref in group))


def _fail_if_missing(resource_name: str, missing: Any, declared: list[Any] | None) -> None:
    """Fail the run, after the chat is safely in state, when the API created it without members the
    program still declares (`meta.not_found_member_ids`); the next `up` adds them once they exist."""
    still_declared = {int(ref) for ref in declared or [] if isinstance(ref, int) or str(ref).strip().isdigit()}
    absent = [uid for uid in id_set(missing) if uid in still_declared]
    if absent:
        ids = ", ".join(str(uid) for uid in absent)
        raise pulumi.RunError(
            f"Chat {resource_name!r}: the API created the chat without members {ids}: no such users. The chat "
            "is tracked (nothing will be created twice); fix member_ids (`pachca-pulumi users` lists "
            "people) and run `pulumi up` again."
        )
