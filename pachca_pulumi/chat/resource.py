"""The `Chat` resource: a Pachca group chat or channel declared in a Pulumi program."""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from .provider import NAME_KEY, ChatProvider
from .schema import INPUTS, OUTPUTS, default

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
    member_ids: pulumi.Output[dict[str, int]]
    members: pulumi.Output[dict[str, int]]
    admins: pulumi.Output[dict[str, int]]
    editors: pulumi.Output[dict[str, int]]
    group_tag_ids: pulumi.Output[list[int]]
    channel: pulumi.Output[bool]
    public: pulumi.Output[bool]
    archived: pulumi.Output[bool]
    exclusive_members: pulumi.Output[bool]
    adopt_id: pulumi.Output[int | None]
    present_member_ids: pulumi.Output[list[int]]
    admin_ids: pulumi.Output[list[int] | None]
    editor_ids: pulumi.Output[list[int] | None]
    owner_id: pulumi.Output[int]
    token_user_id: pulumi.Output[int]
    tag_member_ids: pulumi.Output[list[int]]
    created_at: pulumi.Output[str]
    personal: pulumi.Output[bool]
    meet_room_url: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        member_ids: pulumi.Input[Sequence[pulumi.Input[int]]] | None = None,
        members: pulumi.Input[Sequence[pulumi.Input[UserRef]]] | None = None,
        admins: pulumi.Input[Sequence[pulumi.Input[UserRef]]] | None = None,
        editors: pulumi.Input[Sequence[pulumi.Input[UserRef]]] | None = None,
        group_tag_ids: pulumi.Input[Sequence[pulumi.Input[int]]] | None = None,
        channel: pulumi.Input[bool] = False,
        public: pulumi.Input[bool] = False,
        archived: pulumi.Input[bool] = False,
        exclusive_members: pulumi.Input[bool] = False,
        adopt_id: pulumi.Input[int | str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        declared = locals()  # the keyword parameters are the schema's inputs, by name
        props: dict[str, Any] = {key: default(key) if declared[key] is None else declared[key] for key in INPUTS}
        props.update({output.name: None for output in OUTPUTS if output.name not in props})
        props[NAME_KEY] = resource_name
        with _pickler_restored():
            super().__init__(ChatProvider(), resource_name, props, opts)


@contextmanager
def _pickler_restored() -> Iterator[None]:
    """Undo what pulumi.dynamic's serialize_provider leaves behind on every resource.

    It wraps `pickle._Pickler._batch_setitems` in one more sorting function each time and never
    restores it (pulumi SDK 3.259, pulumi/dynamic/dynamic.py), so a program with ~960 dynamic
    resources dies with RecursionError. Restoring the method after each registration keeps the
    wrapper depth at one; the serialized provider is byte-for-byte the same.
    """
    batch_setitems = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    save_dict = pickle._Pickler.save_dict  # type: ignore[attr-defined]
    try:
        yield
    finally:
        pickle._Pickler._batch_setitems = batch_setitems  # type: ignore[attr-defined]
        pickle._Pickler.save_dict = save_dict  # type: ignore[attr-defined]
