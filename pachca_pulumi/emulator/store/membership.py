"""Who is in each chat: the owner, direct members, attached group tags and roles, and the rules about them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import errors as e
from .chats import ChatRecord
from .directory import Directory

Json = dict[str, Any]
ROLES = ("admin", "editor", "member")
EDITOR, MEMBER = "editor", "member"


@dataclass
class Roster:
    """The people of one chat as stored: tag-implied members are derived from the tags."""

    owner_id: int
    member_ids: list[int] = field(default_factory=list)  # direct members, never the owner
    group_tag_ids: list[int] = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)  # admin/editor of members; absent = member


class Membership:
    """Owns one roster per chat; reads tag users from the :class:`Directory`."""

    def __init__(self, directory: Directory) -> None:
        self._directory = directory
        self._rosters: dict[int, Roster] = {}

    # ----- state ------------------------------------------------------------------------------
    def reset(self) -> None:
        self._rosters = {}

    def dump(self) -> Json:
        return {"rosters": [{"chat_id": i, **dataclasses.asdict(r)} for i, r in self._rosters.items()]}

    def load(self, state: Json) -> None:
        self._rosters = {r["chat_id"]: _roster(r) for r in state["rosters"]}

    # ----- reading ----------------------------------------------------------------------------
    def roster(self, chat_id: int) -> Roster:
        return self._rosters[chat_id]

    def members(self, chat_id: int) -> list[int]:
        """Effective members: owner, direct members and the users of attached tags (sorted ids)."""
        roster = self._rosters[chat_id]
        people = {roster.owner_id, *roster.member_ids}
        for tag_id in roster.group_tag_ids:
            people.update(self._directory.tag_user_ids(tag_id))
        return sorted(people)

    def with_role(self, chat_id: int, role: str) -> list[int]:
        """Members by role filter: ``all``, ``owner``, or those whose role is ``admin``/``editor``/``member``.

        The owner is only ``owner`` (never also ``admin``); everyone without a role is ``member``.
        """
        roster, members = self._rosters[chat_id], self.members(chat_id)
        if role == "all":
            return members
        if role == "owner":
            return [roster.owner_id]
        others = [m for m in members if m != roster.owner_id]
        return [m for m in others if roster.roles.get(m, MEMBER) == role]

    def find_personal(self, chats: Iterable[ChatRecord], pair: set[int]) -> ChatRecord | None:
        """The personal chat whose people are exactly ``pair``, if there is one."""
        for chat in chats:
            roster = self._rosters[chat.id]
            if chat.personal and {roster.owner_id, *roster.member_ids} == pair:
                return chat
        return None

    # ----- changes ----------------------------------------------------------------------------
    def open(self, chat_id: int, owner_id: int, member_ids: list[int], group_tag_ids: list[int]) -> None:
        """The roster of a new chat (ids already checked and deduplicated)."""
        direct = [m for m in member_ids if m != owner_id]
        self._rosters[chat_id] = Roster(owner_id, direct, list(group_tag_ids))

    def close(self, chat_id: int) -> None:
        self._rosters.pop(chat_id, None)

    def add_members(self, chat: ChatRecord, user_ids: Iterable[int]) -> None:
        """Add direct members; unknown users are 422 ``not_found``, present ones a no-op."""
        roster = self._changeable(chat, "member_ids")
        user_ids = unique_ids(user_ids)
        problems = self._directory.missing_users(user_ids)
        if problems:
            raise e.ApiError(422, problems)
        roster.member_ids += [u for u in user_ids if u not in roster.member_ids and u != roster.owner_id]

    def remove_member(self, chat: ChatRecord, user_id: int) -> None:
        """Drop a direct membership; a user kept by a tag stays. Owner and personal chats: 403."""
        roster = self._rosters[chat.id]
        if user_id not in self.members(chat.id):
            raise e.not_found("user_id", user_id, "Chat member")
        if chat.personal:
            raise e.ForbiddenError("user_id", user_id, "Personal chats cannot lose members", e.PERSONAL_CHAT)
        if user_id == roster.owner_id:
            message = "The chat owner cannot be removed"
            raise e.ForbiddenError("user_id", user_id, message, e.CANNOT_KICK_OWNER)
        if user_id in roster.member_ids:
            roster.member_ids.remove(user_id)
        self._prune_roles(chat.id)

    def add_tags(self, chat: ChatRecord, tag_ids: Iterable[int]) -> None:
        """Attach tags; unknown tags are 422 ``not_found``, attached ones a no-op."""
        roster = self._changeable(chat, "group_tag_ids")
        tag_ids = unique_ids(tag_ids)
        problems = self._directory.missing_tags(tag_ids)
        if problems:
            raise e.ApiError(422, problems)
        roster.group_tag_ids += [t for t in tag_ids if t not in roster.group_tag_ids]

    def remove_tag(self, chat: ChatRecord, tag_id: int) -> None:
        """Detach a tag (its users who are not members otherwise leave); not attached: 404."""
        roster = self._rosters[chat.id]
        if tag_id not in roster.group_tag_ids:
            raise e.not_found("tag_id", tag_id, "Group tag of the chat")
        roster.group_tag_ids.remove(tag_id)
        self._prune_roles(chat.id)

    def set_role(self, chat: ChatRecord, user_id: int, role: str) -> None:
        """Give a member a role: not a member 404; the owner 403 ``owner_protected``; ``editor`` only
        in channels (422 ``not_applicable``); personal chats have no roles (422 ``personal_chat``)."""
        roster = self._changeable(chat, "role")
        if user_id not in self.members(chat.id):
            raise e.not_found("user_id", user_id, "Chat member")
        if user_id == roster.owner_id:
            message = "The chat owner's role cannot be changed: the owner is always an admin"
            raise e.ForbiddenError("user_id", user_id, message, e.OWNER_PROTECTED)
        if role == EDITOR and not chat.channel:
            raise e.unprocessable("role", role, "The editor role exists only in channels", e.NOT_APPLICABLE)
        if role == MEMBER:
            roster.roles.pop(user_id, None)
        else:
            roster.roles[user_id] = role

    def _prune_roles(self, chat_id: int) -> None:
        """Roles end with membership (a user still kept by a tag keeps theirs)."""
        roster, members = self._rosters[chat_id], set(self.members(chat_id))
        roster.roles = {u: r for u, r in roster.roles.items() if u in members}

    def _changeable(self, chat: ChatRecord, key: str) -> Roster:
        if chat.personal:
            raise e.unprocessable(key, chat.id, "Personal chats cannot be changed", e.PERSONAL_CHAT)
        return self._rosters[chat.id]


def _roster(stored: Json) -> Roster:
    fields = {k: v for k, v in stored.items() if k != "chat_id"}
    roles = {int(user_id): role for user_id, role in fields.pop("roles", {}).items()}
    return Roster(**fields, roles=roles)


def unique_ids(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))
