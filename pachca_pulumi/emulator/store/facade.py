"""The :class:`Store` facade: one lock, one save, and the API the handlers call (chat listings in
``listing_api.py``, users and group tags in ``people_api.py``, both mixed in)."""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from .. import errors as e
from ..persistence import locked, mutation, read_state, write_state
from ..seed import load_seed
from ..serializers import chat_json, message_json
from .audit import Actor, AuditFilter, AuditLog
from .avatars import Avatar, Avatars
from .chats import ChatRecord, ChatTable, name_problems
from .clock import Clock
from .directory import Directory
from .group_tags import GroupTags
from .listing_api import ChatListing
from .membership import Membership, unique_ids
from .messages import Messages, check_content
from .people_api import PeopleApi
from .tokens import CORPORATION, Tokens
from .workspace_tools import WorkspaceTools

Json = dict[str, Any]
SeedSource = str | os.PathLike[str] | Json | None


@dataclasses.dataclass(frozen=True)
class CreatedChat:
    """``POST /chats``: the new chat and the requested member ids that were unknown (left out)."""

    chat: Json
    not_found_member_ids: list[int]


class Part(Protocol):
    """A part of the store that owns some state: one section of the state file."""

    def dump(self) -> Json: ...

    def load(self, state: Json) -> None: ...


class Store(ChatListing, PeopleApi):
    """Thread-safe emulator state composed of parts that own their data, with optional JSON persistence.

    Every public method runs under one lock; methods that change state are ``@mutation``s, which
    write the state file (when ``path`` is given) before they return and only if they succeed.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        seed: SeedSource = None,
        tokens: Sequence[str] | Mapping[str, int] = ("test-token",),
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._seed = load_seed(seed)
        self.path = Path(path) if path is not None else None
        self.tokens = Tokens(tokens, self._seed)
        self.clock = Clock(clock)
        self.group_tags = GroupTags()
        self.directory = Directory(self.group_tags)
        self.chats = ChatTable()
        self.membership = Membership(self.directory)
        self.messages = Messages()
        self.avatars = Avatars()
        self.audit = AuditLog()
        self.workspace = WorkspaceTools(self._lock, self._save, self)
        self._parts: dict[str, Part] = {
            "directory": self.directory, "chats": self.chats,
            "membership": self.membership, "messages": self.messages, "avatars": self.avatars,
            "group_tags": self.group_tags, "audit": self.audit,
        }  # fmt: skip
        if self.path is not None and self.path.exists():
            self._load(self.path)
        else:
            self.reset()

    # ----- state ------------------------------------------------------------------------------
    @mutation
    def reset(self) -> None:
        """Forget every chat and message: back to the seed."""
        self.directory.reset(self._seed)
        self.group_tags.reset(self._seed["group_tags"])
        self.chats.reset(self._seed.get("first_chat_id", 1))
        self.membership.reset()
        self.messages.reset()
        self.avatars.reset()
        self.audit.reset()
        self.clock.reset()

    def _save(self) -> None:
        if self.path is not None:
            write_state(self.path, {name: part.dump() for name, part in self._parts.items()})

    def _load(self, path: Path) -> None:
        state = read_state(path, tuple(self._parts))
        for name, part in self._parts.items():
            part.load(state[name])
        for chat in self.chats:
            self.clock.observe(chat.last_message_at)

    def user_for_token(self, token: str) -> int | None:
        return self.tokens.user_for(token)

    @locked
    def authenticate(self, token: str) -> int | None:
        """The user a token acts as (None if unknown); notes the use for token info."""
        self.tokens.use(token, self.clock.wall())
        return self.tokens.user_for(token)

    @locked
    def token_info(self, token: str) -> Json:
        """``GET /oauth/token/info``: what the token is, whom it acts as, its scopes."""
        user_id = self.tokens.user_for(token)
        if user_id is None:
            raise e.invalid_token("Access token is invalid")
        return self.tokens.info(token, self.directory.raw_user(user_id))

    # ----- chats ------------------------------------------------------------------------------
    def _chat_json(self, chat: ChatRecord) -> Json:
        roster = self.membership.roster(chat.id)
        members = self.membership.members(chat.id)
        avatar = self.avatars.path(chat.id)
        return chat_json(dataclasses.asdict(chat), roster.owner_id, members, roster.group_tag_ids, avatar)

    @locked
    def can_see(self, chat_id: int, user_id: int) -> bool:
        """Whether a user sees a chat where private chats are hidden (``visibility.py``): it is public
        or they are a member (the owner is one); a chat that does not exist is left to its route's 404."""
        try:
            return self.chats.get(chat_id).public or self.membership.is_member(chat_id, user_id)
        except e.ApiError:
            return True

    @locked
    def get_chat(self, chat_id: int) -> Json:
        return self._chat_json(self.chats.get(chat_id))

    @mutation
    def create_chat(
        self,
        owner_id: int,
        name: str,
        member_ids: Iterable[int] = (),
        group_tag_ids: Iterable[int] = (),
        channel: bool = False,
        public: bool = False,
        actor: Actor | None = None,
    ) -> CreatedChat:
        """A new chat owned by ``owner_id``, without the unknown member ids (reported, as the SDK shows);
        a bad name or unknown tags are one 422 answer."""
        members, tags = unique_ids(member_ids), unique_ids(group_tag_ids)
        problems = name_problems(name) + self.directory.missing_tags(tags)
        if problems:
            raise e.ApiError(422, problems)
        unknown = [m for m in members if not self.directory.has_user(m)]
        chat = self.chats.insert(name, self.clock.now(), channel=channel, public=public)
        self.membership.open(chat.id, owner_id, [m for m in members if m not in unknown], tags)
        self.audit.chat_created(chat.created_at, actor, chat.id)
        return CreatedChat(self._chat_json(chat), unknown)

    @mutation
    def update_chat(
        self, chat_id: int, name: str | None = None, public: bool | None = None, actor: Actor | None = None
    ) -> Json:
        """Rename and/or open/close; what really changed is audited."""
        old = (self.chats.get(chat_id).name, self.chats.get(chat_id).public)
        chat = self.chats.update(chat_id, name=name, public=public)
        self.audit.chat_updated(self.clock.now(), actor, chat_id, old, (chat.name, chat.public))
        return self._chat_json(chat)

    @mutation
    def set_archived(self, chat_id: int, archived: bool) -> None:
        self.chats.set_archived(chat_id, archived)

    @mutation
    def delete_chat(self, chat_id: int) -> None:
        """Emulator-only (the API cannot delete chats): make a chat vanish, as if removed by the workspace."""
        self.chats.delete(chat_id)
        self.membership.close(chat_id)
        self.avatars.drop(chat_id)

    @mutation
    def set_chat_avatar(self, chat_id: int, data: bytes, content_type: str) -> str:
        """Store a new avatar (checked) for a group chat or channel; returns the path it is served at."""
        chat = self.chats.get(chat_id)
        if chat.personal:
            raise e.unprocessable("id", chat_id, "Personal chats have no avatar", e.PERSONAL_CHAT)
        return self.avatars.put(chat_id, data, content_type)

    @mutation
    def delete_chat_avatar(self, chat_id: int) -> None:
        """Remove a chat's avatar (a chat without one: no-op)."""
        self.chats.get(chat_id)
        self.avatars.drop(chat_id)

    @locked
    def avatar_file(self, path: str) -> Avatar | None:
        return self.avatars.file(path)

    @locked
    def chats_json(self, chat_ids: Iterable[int]) -> list[Json]:
        """``Chat`` objects of these ids, in the given order."""
        return [self._chat_json(self.chats.get(chat_id)) for chat_id in chat_ids]

    # ----- members and tags -------------------------------------------------------------------
    @locked
    def member_users(self, chat_id: int, role: str = "all") -> list[Json]:
        self.chats.get(chat_id)
        return self.directory.users_json(self.membership.with_role(chat_id, role))

    @mutation
    def add_members(self, chat_id: int, user_ids: Iterable[int], actor: Actor | None = None) -> None:
        """Add members; each user who was not a member is audited as ``user_chat_join``."""
        chat = self.chats.get(chat_id)
        before = set(self.membership.members(chat_id))
        self.membership.add_members(chat, user_ids)
        joined = sorted(set(self.membership.members(chat_id)) - before)
        self.audit.members_joined(self.clock.now(), actor, chat_id, joined)

    @mutation
    def remove_member(self, chat_id: int, user_id: int, actor: Actor | None = None) -> None:
        """Remove a member; one who really left is audited as ``user_chat_leave``."""
        self.membership.remove_member(self.chats.get(chat_id), user_id)
        if user_id not in self.membership.members(chat_id):
            self.audit.member_left(self.clock.now(), actor, chat_id, user_id)

    @mutation
    def set_member_role(self, chat_id: int, user_id: int, role: str) -> None:
        self.membership.set_role(self.chats.get(chat_id), user_id, role)

    @mutation
    def add_group_tags(self, chat_id: int, tag_ids: Iterable[int], actor: Actor | None = None) -> None:
        """Attach tags; each newly attached one is audited as ``tag_added_to_chat``."""
        before = set(self.membership.roster(self.chats.get(chat_id).id).group_tag_ids)
        self.membership.add_tags(self.chats.get(chat_id), tag_ids)
        added = [t for t in self.membership.roster(chat_id).group_tag_ids if t not in before]
        named = [(t, self.directory.tag_json(t)["name"]) for t in added]
        self.audit.tags_attached(self.clock.now(), actor, chat_id, named)

    @mutation
    def remove_group_tag(self, chat_id: int, tag_id: int, actor: Actor | None = None) -> None:
        self.membership.remove_tag(self.chats.get(chat_id), tag_id)
        self.audit.tag_detached(self.clock.now(), actor, chat_id, tag_id)

    # ----- messages ---------------------------------------------------------------------------
    @mutation
    def create_message(
        self, user_id: int, entity_type: str, entity_id: int, content: str, actor: Actor | None = None
    ) -> Json:
        """Post a message to a chat or a user (opening their personal chat); returns the ``Message``."""
        check_content(content)
        chat = self._message_target(user_id, entity_type, entity_id)
        now = self.clock.now()
        self.chats.touch(chat.id, now)
        message = self.messages.post(chat.id, entity_type, entity_id, content, user_id, now)
        self.audit.message_created(now, actor, message["id"])
        return message_json(message, self.directory.raw_user(user_id))

    def _message_target(self, user_id: int, entity_type: str, entity_id: int) -> ChatRecord:
        if entity_type == "user":
            return self._personal_chat(user_id, entity_id)
        if entity_type == "discussion":
            try:
                return self.chats.get(entity_id)
            except e.ApiError:
                pass
        what = entity_type.capitalize()
        raise e.unprocessable("entity_id", entity_id, f"{what} not found", e.NOT_FOUND)

    def _personal_chat(self, user_id: int, other_id: int) -> ChatRecord:
        if not self.directory.has_user(other_id):
            raise e.unprocessable("entity_id", other_id, "User not found", e.NOT_FOUND)
        found = self.membership.find_personal(self.chats, {user_id, other_id})
        if found is not None:
            return found
        name = self.directory.full_name(other_id)
        chat = self.chats.insert(name, self.clock.now(), personal=True)
        self.membership.open(chat.id, user_id, [other_id], [])
        return chat

    # ----- audit log --------------------------------------------------------------------------
    @locked
    def audit_events(self, user_id: int, wanted: AuditFilter) -> list[Json]:
        """``GET /audit_events``: the owner's token on the corporation plan only (else 402/403)."""
        self.tokens.check_audit_reader(user_id, self._seed.get("plan", CORPORATION))
        return self.audit.events(wanted)
