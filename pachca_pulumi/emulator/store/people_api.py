"""The :class:`~.facade.Store`'s directory and group-tag operations: users, tags, tag people and
``PUT /users/{id}`` (a mixin: it runs under the store's one lock and saves through it)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from .. import errors as e
from ..persistence import locked, mutation
from ..serializers import tag_json
from .audit import Actor, AuditLog
from .clock import Clock
from .directory import Directory
from .group_tags import GroupTags
from .membership import Membership

Json = dict[str, Any]
USER_ADMIN_ROLES = ("owner", "admin")


class PeopleApi:
    """Users and group tags as the API serves them."""

    _lock: threading.RLock
    directory: Directory
    group_tags: GroupTags
    membership: Membership
    audit: AuditLog
    clock: Clock

    def _save(self) -> None:
        raise NotImplementedError

    # ----- directory --------------------------------------------------------------------------
    @locked
    def user_json(self, user_id: int) -> Json:
        return self.directory.user_json(user_id)

    @locked
    def list_users(self, query: str | None = None) -> list[Json]:
        return self.directory.search(query)

    @locked
    def list_group_tags(self, names: Iterable[str] = ()) -> list[Json]:
        return self.directory.tags_json(names)

    @locked
    def group_tag_json(self, tag_id: int) -> Json:
        return self.directory.tag_json(tag_id)

    @locked
    def group_tag_users(self, tag_id: int) -> list[Json]:
        return self.directory.tag_users_json(tag_id)

    # ----- group tags and users' tags ---------------------------------------------------------
    @mutation
    def create_group_tag(self, name: str) -> Json:
        return tag_json(self.group_tags.create(name))

    @mutation
    def rename_group_tag(self, tag_id: int, name: str) -> Json:
        return tag_json(self.group_tags.rename(tag_id, name))

    @mutation
    def delete_group_tag(self, tag_id: int) -> None:
        """The tag goes, and leaves every chat it was attached to (with the members it brought)."""
        self.group_tags.delete(tag_id)
        self.membership.forget_tag(tag_id)

    @mutation
    def update_user(self, acting_user_id: int, user_id: int, list_tags: list[str] | None,
                    actor: Actor | None = None) -> Json:
        """``PUT /users/{id}``: only owners and admins may (scope ``users:update``); of the
        fields, ``list_tags`` is applied (it replaces the user's tags); each tag the user really got
        or lost is audited as ``user_added_to_tag``/``user_removed_from_tag``."""
        if self.directory.raw_user(acting_user_id).get("role") not in USER_ADMIN_ROLES:
            raise e.OAuthError(403, "insufficient_scope", "users:update needs an owner or admin token")
        self.directory.user_json(user_id)
        if list_tags is not None:
            added, removed = self.group_tags.set_user_tags(user_id, list_tags)
            self.audit.user_tags_changed(self.clock.now(), actor, user_id, added, removed)
        return self.directory.user_json(user_id)

    @mutation
    def remove_users(self, user_ids: Iterable[int]) -> None:
        """Users leave the workspace (the ``leave_on_create`` fault); their chats keep their ids."""
        self.directory.remove_users(user_ids)
