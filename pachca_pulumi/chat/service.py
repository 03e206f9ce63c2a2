"""Bringing one chat to its declared state through the API: create, adopt, read, update, archive.

A `ChatService` is built once per provider process around one `PachcaClient`; it caches what does
not change during a run (the token's own user, group-tag members) and the chat snapshot used by
refresh. Every write is safe to repeat: re-running an update that failed half-way converges.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from ..api.client import PachcaClient
from ..api.errors import NotFoundError, PachcaError
from ..api.models import Chat, ChatCreated, ChatCreateFields, ChatUpdateFields
from .avatar import observed_avatar, read_declared
from .diff import diff_chat
from .schema import INPUTS, OUTPUTS, ChatInputs, Source, rule
from .snapshot import ChatSnapshot

__all__ = ["ChatService", "chat_outputs"]

# How far back (server clock) a chat may have been created to count as our own lost create.
RECOVERY_WINDOW = timedelta(minutes=10)


def chat_outputs(chat: Chat, inputs: ChatInputs, run: Mapping[str, Any]) -> dict[str, Any]:
    """Every output of a `Chat` resource, as the schema sources them: the actual chat, the declared
    inputs, and what this run learnt (`run`: the token's user, tag members, the avatar applied, the
    members the API could not add) for later diffs."""
    sources = {Source.CHAT: lambda attr: _actual(chat, attr), Source.DECLARED: lambda attr: getattr(inputs, attr),
               Source.RUN: lambda attr: run.get(attr, _RUN_DEFAULTS.get(attr))}
    outputs = {field: sources[rule(field).output](field) for field in INPUTS}
    outputs.update({out.name: sources[out.source](out.attribute) for out in OUTPUTS})
    return outputs


_RUN_DEFAULTS: dict[str, Any] = {"tag_member_ids": [], "missing_member_ids": []}


def _actual(chat: Chat, attribute: str) -> Any:
    value = getattr(chat, attribute)
    return sorted(set(value)) if isinstance(value, list) else value


class ChatService:
    """The provider's API-facing half: every method returns the chat's outputs or raises PachcaError."""

    def __init__(self, client: PachcaClient) -> None:
        self.client = client
        self.snapshot = ChatSnapshot(client)
        self._lock = threading.Lock()
        self._token_user_id: int | None = None
        self._tag_members: dict[int, frozenset[int]] = {}
        self._claimed: set[int] = set()

    # Lifecycle

    def create(self, inputs: ChatInputs) -> tuple[int, dict[str, Any]]:
        """Create the chat with one POST (members and tags included), or adopt `adopt_id`: (id, outputs)."""
        if inputs.adopt_id is not None:
            return inputs.adopt_id, self.adopt(inputs)
        created = self._create_once(inputs)
        chat = self._avatar_new(created.data, inputs)
        if inputs.archived:
            chat = self._archive_new(chat)
        missing = sorted(set(created.not_found_member_ids) | (set(inputs.member_ids) - set(chat.member_ids)))
        return chat.id, self._remember(chat, inputs, missing_member_ids=missing)

    def adopt(self, inputs: ChatInputs) -> dict[str, Any]:
        """Take over an existing chat (unarchiving it if needed) and reconcile it to the inputs."""
        assert inputs.adopt_id is not None
        try:
            chat = self.client.get_chat(inputs.adopt_id)
        except NotFoundError:
            raise PachcaError(
                f"adopt_id {inputs.adopt_id}: no such chat is visible to this token; check the id "
                "(`pachca-pulumi import` lists existing chats) or remove adopt_id to create a new chat"
            ) from None
        _check_adoptable(chat, inputs)
        return self._reconcile(chat, inputs, {})

    def read(self, chat_id: int, stored: dict[str, Any]) -> dict[str, Any] | None:
        """The chat's current outputs, or None when it is gone (the engine drops it from state)."""
        chat = self.snapshot.get(chat_id)
        if chat is None:
            return None
        return self.outputs_for(chat, _declared(stored), avatar=observed_avatar(chat, stored))

    def update(self, chat_id: int, inputs: ChatInputs, stored: Mapping[str, Any]) -> dict[str, Any]:
        """Reconcile name, public, tags, members, avatar and archived state against a fresh read;
        `stored` are the outputs of the last apply or refresh."""
        return self._reconcile(self.client.get_chat(chat_id), inputs, stored)

    def archive(self, chat_id: int) -> None:
        """Archive the chat; one already archived or gone counts as done.

        A chat that another resource created, adopted or updated earlier in this same run is left
        alone: that is a resource renamed while keeping its `adopt_id` (create-then-delete), and
        archiving would take the chat away from the resource that now manages it.
        """
        with self._lock:
            if chat_id in self._claimed:
                return
        try:
            self.client.archive_chat(chat_id)
        except NotFoundError:
            pass
        self.snapshot.forget(chat_id)

    # Steps

    def _create_once(self, inputs: ChatInputs) -> ChatCreated:
        fields = ChatCreateFields(name=inputs.name, member_ids=inputs.member_ids,
                                  group_tag_ids=inputs.group_tag_ids, channel=inputs.channel, public=inputs.public)
        started = datetime.now(timezone.utc)
        return self.client.create_chat(fields, find_lost=lambda: self._find_lost_create(fields, started))

    def _archive_new(self, chat: Chat) -> Chat:
        """Archive a chat just created; if that fails, keep the chat tracked (not archived) rather than
        fail the create and leave it untracked: the next `up` archives it."""
        try:
            self.client.archive_chat(chat.id)
        except PachcaError:
            return chat
        return chat.model_copy(update={"archived": True})

    def _find_lost_create(self, fields: ChatCreateFields, started: datetime) -> ChatCreated | None:
        """Look for the chat a create whose answer was lost may have made (newest chats first)."""
        token_user = self.token_user_id()
        since = started - RECOVERY_WINDOW
        for chat in self.client.list_chats(sort="id", order="desc"):
            if _created_at(chat) < since:
                return None
            if (chat.name == fields.name and chat.owner_id == token_user and chat.channel == fields.channel
                    and chat.public == fields.public and self._claim(chat.id)):
                return ChatCreated(data=chat)
        return None

    def _avatar_new(self, chat: Chat, inputs: ChatInputs) -> Chat:
        """Give a chat just created its avatar; if that fails, keep the chat tracked without it (the
        next `up` uploads it) rather than fail the create and leave the chat untracked."""
        try:
            return self._sync_avatar(chat, inputs, {}) or chat
        except PachcaError:
            return chat

    def _sync_avatar(self, chat: Chat, inputs: ChatInputs, stored: Mapping[str, Any]) -> Chat | None:
        """Upload the declared avatar unless it is the one applied and untouched; delete one the
        program declared before and no longer does. An avatar never declared is left alone.
        Returns the chat with its new `avatar_url`, or None when nothing was done."""
        applied = stored.get("avatar")
        if inputs.avatar is not None:
            if inputs.avatar == applied and chat.avatar_url == stored.get("avatar_url"):
                return None
            image = read_declared(inputs.avatar_file or "", inputs.avatar)
            url = self.client.set_chat_avatar(chat.id, image.content, image.content_type)
            return chat.model_copy(update={"avatar_url": url})
        if applied is None or chat.avatar_url is None:
            return None
        self.client.delete_chat_avatar(chat.id)
        return chat.model_copy(update={"avatar_url": None})

    def _reconcile(self, chat: Chat, inputs: ChatInputs, stored: Mapping[str, Any]) -> dict[str, Any]:
        cid = chat.id
        edits = _chat_edits(chat, inputs)
        tags_add = sorted(set(inputs.group_tag_ids) - set(chat.group_tag_ids))
        tags_remove = sorted(set(chat.group_tag_ids) - set(inputs.group_tag_ids))
        members_add = sorted(set(inputs.member_ids) - set(chat.member_ids))
        members_remove = self._extra_members(chat, inputs)
        touch = bool(edits.model_dump(exclude_none=True) or tags_add or tags_remove or members_add or members_remove)
        if chat.archived and (touch or not inputs.archived):
            self.client.unarchive_chat(cid)
        if edits.model_dump(exclude_none=True):
            self.client.update_chat(cid, edits)
        if tags_add:
            self.client.add_tags(cid, tags_add)
        for tag_id in tags_remove:
            _ignore_missing(self.client.remove_tag, cid, tag_id)
        if members_add:
            self.client.add_members(cid, members_add)
        for user_id in members_remove:
            _ignore_missing(self.client.remove_member, cid, user_id)
        touch = self._sync_avatar(chat, inputs, stored) is not None or touch
        if inputs.archived and (touch or not chat.archived):
            self.client.archive_chat(cid)
        fresh = self.client.get_chat(cid) if (touch or chat.archived != inputs.archived) else chat
        outputs = self._remember(fresh, inputs)
        _verify_converged(cid, outputs, inputs)
        return outputs

    def _extra_members(self, chat: Chat, inputs: ChatInputs) -> list[int]:
        if not inputs.exclusive_members:
            return []
        implied = {chat.owner_id, self.token_user_id()} | self.tag_members(inputs.group_tag_ids)
        return sorted(set(chat.member_ids) - set(inputs.member_ids) - implied)

    def _remember(self, chat: Chat, inputs: ChatInputs, **run: Any) -> dict[str, Any]:
        self._claim(chat.id)
        self.snapshot.put(chat)
        return self.outputs_for(chat, inputs, avatar=inputs.avatar, **run)

    def outputs_for(self, chat: Chat, inputs: ChatInputs, **run: Any) -> dict[str, Any]:
        """The outputs a resource declared with `inputs` has when bound to `chat`; `run` adds what
        the caller learnt (the avatar applied, members the API could not add).

        Group-tag members matter only to `exclusive_members` (elsewhere extra members are
        tolerated anyway), so only exclusive chats pay the `GET /group_tags/{id}/users` lookups.
        """
        tag_members = self.tag_members(chat.group_tag_ids) if inputs.exclusive_members else set()
        return chat_outputs(chat, inputs, {"token_user_id": self.token_user_id(),
                                           "tag_member_ids": sorted(tag_members), **run})

    def _claim(self, chat_id: int) -> bool:
        with self._lock:
            if chat_id in self._claimed:
                return False
            self._claimed.add(chat_id)
            return True

    # Per-run caches

    def token_user_id(self) -> int:
        """The id of the token's own user (`GET /profile`, once per process)."""
        with self._lock:
            if self._token_user_id is None:
                self._token_user_id = self.client.get_profile().id
            return self._token_user_id

    def tag_members(self, tag_ids: list[int]) -> set[int]:
        """Users of these group tags (`GET /group_tags/{id}/users`, once per tag per process)."""
        members: set[int] = set()
        for tag_id in tag_ids:
            cached = self._tag_members.get(tag_id)
            if cached is None:
                try:
                    cached = frozenset(user.id for user in self.client.list_tag_users(tag_id))
                except NotFoundError:
                    cached = frozenset()
                self._tag_members[tag_id] = cached
            members |= cached
        return members


def _verify_converged(chat_id: int, outputs: dict[str, Any], inputs: ChatInputs) -> None:
    """Fail loudly when the API did not apply what it accepted, rather than store a state that lies."""
    left = diff_chat(outputs, inputs.model_dump()).changed
    if left:
        raise PachcaError(
            f"chat {chat_id}: after the update the API still reports different {', '.join(left)}; "
            "check that the token may change this chat (admin or owner) and run `pulumi up` again"
        )


def _chat_edits(chat: Chat, inputs: ChatInputs) -> ChatUpdateFields:
    return ChatUpdateFields(
        name=inputs.name if chat.name.strip() != inputs.name else None,
        public=inputs.public if chat.public != inputs.public else None,
    )


def _check_adoptable(chat: Chat, inputs: ChatInputs) -> None:
    if chat.personal:
        raise PachcaError(f"adopt_id {chat.id}: personal chats cannot be managed; pick a group chat or channel")
    if chat.channel != inputs.channel:
        kind = "a channel" if chat.channel else "a group chat"
        raise PachcaError(
            f"adopt_id {chat.id}: the chat is {kind} but channel={inputs.channel}; the API cannot convert "
            f"a chat, so set channel={chat.channel} or remove adopt_id to create a new chat"
        )


def _declared(stored: dict[str, Any]) -> ChatInputs:
    """The inputs a resource declared, as far as its stored outputs keep them."""
    values = {field: _whole(stored.get(rule(field).declared_as or field)) for field in INPUTS}
    return ChatInputs.model_construct(**{field: value for field, value in values.items() if value is not None})


def _whole(value: Any) -> Any:
    """State keeps numbers as floats: ids come back as ints, lists of ids as lists of ints."""
    if isinstance(value, list):
        return [_whole(item) for item in value]
    return int(value) if isinstance(value, float) else value


def _ignore_missing(call: Any, chat_id: int, item_id: int) -> None:
    try:
        call(chat_id, item_id)
    except NotFoundError:
        pass


def _created_at(chat: Chat) -> datetime:
    try:
        return datetime.fromisoformat(chat.created_at.replace("Z", "+00:00"))
    except ValueError:
        return datetime.max.replace(tzinfo=timezone.utc)
