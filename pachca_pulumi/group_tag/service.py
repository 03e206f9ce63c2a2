"""Bringing one group tag to its declared state through the API: create, adopt, read, update, delete.

A `GroupTagService` is built once per provider process over the process's `Session` for the token
(`kit/session.py`, shared with `Chat`): people resolve through its `Directory` (each person read
once), tag names through its `TagNames`, and every write tells the session, so chats that follow
the tag read no more. Users' tags change through `membership.UserTags`, serialised per user. Every
write is safe to repeat.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from ..api.client import PachcaClient
from ..api.directory import Directory
from ..api.errors import NotFoundError, PachcaError, UnprocessableEntityError
from ..api.models import GroupTag, GroupTagFields
from ..kit.schema import Source, id_set, outputs_of
from ..kit.session import Session, may_adopt
from .diff import diff_tag, users_to_change
from .membership import UserTags
from .people import resolve_people
from .schema import ADOPTION, INPUTS, OUTPUTS, GroupTagInputs, rule

__all__ = ["GroupTagService", "tag_outputs"]


def tag_outputs(tag: GroupTag, inputs: GroupTagInputs, run: Mapping[str, Any]) -> dict[str, Any]:
    """Every output of a `GroupTag` resource: the tag as the API reports it, the declared inputs,
    and what the run learnt (`run`: its users, the references resolved, the users declared)."""
    sources = {Source.CHAT: lambda attr: getattr(tag, attr), Source.DECLARED: lambda attr: getattr(inputs, attr),
               Source.RUN: lambda attr: run[attr]}
    return outputs_of(INPUTS, OUTPUTS, rule, sources)


class GroupTagService:
    """The provider's API-facing half: every method returns the tag's outputs or raises PachcaError."""

    def __init__(self, client: PachcaClient | Session) -> None:
        """Over the process's `Session` for the token, or over a client alone (a session of its own)."""
        self.session = client if isinstance(client, Session) else Session(client)
        self.client = self.session.client
        self.people: Directory = self.session.directory
        self.user_tags = UserTags(self.client)
        self._lock = threading.Lock()
        # The tags this run created, adopted or updated: a delete leaves them alone (a resource
        # renamed while keeping its adopt_id).
        self._written_this_run: set[int] = set()

    # Lifecycle

    def create(self, inputs: GroupTagInputs, resource: str | None = None) -> tuple[int, dict[str, Any]]:
        """Create the tag (or adopt `adopt_id`, or with `adopt_by_name` the tag of that name), then
        give it its people: (id, outputs). `resource` is the resource's name in the program: an
        adopted tag that another resource of the run claims too is not written."""
        resolved = self._resolve(inputs)
        tag = self._adopted(inputs)
        if tag is not None and resource is not None:
            self._may_write(tag.id, resource)
        tag = tag or self._create_once(inputs)
        return tag.id, self._reconcile(tag, inputs, resolved, {})

    def tag(self, tag_id: int) -> GroupTag | None:
        """The tag with this id, or None when there is none."""
        try:
            return self.client.get_tag(tag_id)
        except NotFoundError:
            return None

    def claim(self, tag_id: int, resource: str) -> str | None:
        """Bind a tag to one resource of this run; the other resource if another already holds it."""
        return self.session.claims.claim("group tag", tag_id, resource)

    def named(self, name: str) -> GroupTag | None:
        """The tag of this name, case aside (names are unique in a workspace regardless of case)."""
        return self.session.tag_names.named(name)

    def read(self, tag_id: int, stored: Mapping[str, Any]) -> dict[str, Any] | None:
        """The tag's current outputs, or None when it is gone (the engine drops it from state)."""
        try:
            tag = self.client.get_tag(tag_id)
        except NotFoundError:
            return None
        users = sorted(user.id for user in self.client.list_tag_users(tag_id))
        resolved = {ref: int(uid) for ref, uid in (stored.get("resolved_members") or {}).items()}
        run = {"user_ids": users, "resolved_members": resolved,
               "declared_user_ids": _whole(stored.get("declared_user_ids"))}
        return tag_outputs(tag, _declared(stored), run)

    def update(self, tag_id: int, inputs: GroupTagInputs, stored: Mapping[str, Any]) -> dict[str, Any]:
        """Rename the tag and reconcile its people against a fresh read; `stored` are the outputs
        of the last apply or refresh."""
        resolved = self._resolve(inputs)
        return self._reconcile(self.client.get_tag(tag_id), inputs, resolved, stored)

    def delete(self, tag_id: int) -> str:
        """Delete the tag (the API has no archive); one already gone counts as done. A tag another
        resource created or adopted in this same run (a renamed resource keeping `adopt_id`) stays.
        Returns what was done."""
        with self._lock:
            if tag_id in self._written_this_run:
                return f"left group tag {tag_id} as it is: another resource of this run manages it now"
        try:
            self.client.delete_tag(tag_id)
            done = (f"deleted group tag {tag_id} for good (the API has no archive for tags); the chats it was "
                    "attached to lose the people it brought, unless they are members otherwise")
        except NotFoundError:
            done = f"group tag {tag_id} was already gone"
        self.session.tag_deleted(tag_id)
        return done

    # Steps

    def _resolve(self, inputs: GroupTagInputs) -> dict[str, int]:
        return resolve_people(self.people, inputs.members, f"group tag {inputs.name!r}")

    def _adopted(self, inputs: GroupTagInputs) -> GroupTag | None:
        if inputs.adopt_id is not None:
            try:
                return self.client.get_tag(inputs.adopt_id)
            except NotFoundError:
                raise PachcaError(
                    f"adopt_id {inputs.adopt_id}: no such group tag; check the id (`GET /group_tags` lists "
                    "them) or remove adopt_id to create a new tag") from None
        return self._named(inputs.name) if inputs.adopt_by_name else None

    def _create_once(self, inputs: GroupTagInputs) -> GroupTag:
        try:
            return self.client.create_tag(GroupTagFields(name=inputs.name))
        except UnprocessableEntityError:
            taken = self._named(inputs.name)
            if taken is None:
                raise
            raise PachcaError(
                f"create group tag {inputs.name!r}: the name is taken by group tag {taken.id} (names are "
                f"unique in the workspace); to manage that tag set adopt_id={taken.id} or adopt_by_name=True, "
                "or choose another name") from None

    def _named(self, name: str) -> GroupTag | None:
        return self.session.tag_names.named(name, fresh=True)

    def _may_write(self, tag_id: int, resource: str) -> None:
        """Wait for the run to settle; refuse a tag two resources adopt, or a run already invalid."""
        may_adopt(self.session.claims, "group tag", tag_id, resource, ADOPTION)

    def _reconcile(self, tag: GroupTag, inputs: GroupTagInputs, resolved: dict[str, int],
                   stored: Mapping[str, Any]) -> dict[str, Any]:
        self._claim(tag.id)
        if tag.name != inputs.name:
            tag = self.client.update_tag(tag.id, GroupTagFields(name=inputs.name))
        actual = {user.id for user in self.client.list_tag_users(tag.id)}
        wanted = set(resolved.values())
        previously = set(_whole(stored.get("declared_user_ids")))
        add, remove = users_to_change(actual, wanted, previously, inputs.exclusive_members)
        for user_id in sorted(add):
            self.user_tags.add(user_id, tag.name)
        for user_id in sorted(remove):
            self.user_tags.remove(user_id, tag.name)
        if add or remove:
            tag = self.client.get_tag(tag.id)
            actual = {user.id for user in self.client.list_tag_users(tag.id)}
        self.session.tag_written(tag, actual)
        run = {"user_ids": sorted(actual), "resolved_members": resolved, "declared_user_ids": sorted(wanted)}
        outputs = tag_outputs(tag, inputs, run)
        _verify_converged(tag.id, outputs, inputs)
        return outputs

    def _claim(self, tag_id: int) -> None:
        with self._lock:
            self._written_this_run.add(tag_id)


def _verify_converged(tag_id: int, outputs: dict[str, Any], inputs: GroupTagInputs) -> None:
    """Fail loudly when the API did not apply what it accepted, rather than store a state that lies."""
    left = diff_tag(outputs, inputs.model_dump())
    if left:
        raise PachcaError(
            f"group tag {tag_id}: after the update the API still reports different {', '.join(left)}; check "
            "that the token may update users (scope users:update: an owner or admin token) and run `pulumi up` "
            "again")


def _declared(stored: Mapping[str, Any]) -> GroupTagInputs:
    """The inputs a resource declared, as far as its stored outputs keep them."""
    values = {field: stored.get(field) for field in INPUTS}
    values["adopt_id"] = None if values["adopt_id"] is None else int(values["adopt_id"])
    return GroupTagInputs.model_construct(**{k: v for k, v in values.items() if v is not None})


def _whole(values: Any) -> list[int]:
    """An id set as any version stored it (state keeps numbers as floats)."""
    return id_set(values)
