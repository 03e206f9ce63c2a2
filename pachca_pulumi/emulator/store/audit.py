"""The workspace audit log: one ``AuditEvent`` per change, with the user who made it.

Events are answered oldest first (``created_at``, then ``id``), filtered as ``GET /audit_events``
asks. Who may read them is decided by :class:`~.tokens.Tokens` (the workspace owner) and the seed's
plan (``corporation``); this part only keeps and filters the events.

Shapes invented where the spec is silent (README.md, "The emulator", lists them too):

* Chat events (``chat_created``, ``chat_renamed``, ``chat_permission_changed``) have entity
  ``Chat`` and the acting user as actor.
* ``user_chat_join``/``user_chat_leave`` have entity ``Chat``, the user who joined or left as
  actor, and the acting user in ``details.inviter_id``/``details.initiator_id``.
* ``tag_added_to_chat``/``tag_removed_from_chat`` have entity ``GroupTag`` (the tag) and the chat
  in ``details.chat_id``; ``message_created`` has entity ``Message``.
* ``user_added_to_tag``/``user_removed_from_tag`` (a user's ``list_tags`` changed by ``PUT
  /users/{id}``) have entity ``GroupTag`` (the tag), the user who got or lost it as actor, and the
  acting user in ``details.initiator_id`` (the spec's ``AuditDetailsInitiator``), like a chat leave.
* Archiving and unarchiving have no event key in the spec and are not recorded.
* Ids are UUID-shaped strings that grow with each event.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]
USER_AGENT_MAX = 255
# The spec's AuditEventKey values (the event_key filter accepts these).
EVENT_KEYS = (
    "user_login", "user_logout", "user_2fa_fail", "user_2fa_success", "user_created", "user_deleted",
    "user_role_changed", "user_updated", "tag_created", "tag_deleted", "user_added_to_tag",
    "user_removed_from_tag", "chat_created", "chat_renamed", "chat_permission_changed",
    "user_chat_join", "user_chat_leave", "tag_added_to_chat", "tag_removed_from_chat",
    "message_updated", "message_deleted", "message_created", "reaction_created", "reaction_deleted",
    "thread_created", "access_token_created", "access_token_updated", "access_token_destroy",
    "kms_encrypt", "kms_decrypt", "audit_events_accessed", "dlp_violation_detected",
    "search_users_api", "search_chats_api", "search_messages_api", "bot_scopes_updated",
    "bot_webhook_settings_updated", "bot_token_recreated", "bot_deleted", "bot_oauth_client_updated",
    "oauth_authorization_granted", "oauth_authorization_revoked", "video_call_started",
    "video_call_finished", "video_call_recording_ready",
)


@dataclass(frozen=True)
class Actor:
    """Who made a request: the token's user, and where it came from (``None`` when not known)."""

    user_id: int
    ip_address: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class AuditFilter:
    """The filters of ``GET /audit_events``; ``None`` means "any". Times are ``format_time`` strings."""

    start_time: str | None = None
    end_time: str | None = None
    event_key: str | None = None
    actor_id: str | None = None
    actor_type: str | None = None
    entity_id: str | None = None
    entity_type: str | None = None

    def matches(self, event: Json) -> bool:
        exact = ("event_key", "actor_id", "actor_type", "entity_id", "entity_type")
        if any(getattr(self, k) is not None and event[k] != getattr(self, k) for k in exact):
            return False
        if self.start_time is not None and event["created_at"] < self.start_time:
            return False
        return self.end_time is None or event["created_at"] <= self.end_time


class AuditLog:
    """Owns the recorded events (persisted with the rest of the state) and the next event number."""

    def __init__(self) -> None:
        self._events: list[Json] = []
        self._next = 1

    # ----- state ------------------------------------------------------------------------------
    def reset(self) -> None:
        self._events, self._next = [], 1

    def dump(self) -> Json:
        return {"next": self._next, "events": list(self._events)}

    def load(self, state: Json) -> None:
        """A state file written before the audit log existed has no section: start empty."""
        self._events = list(state.get("events", []))
        self._next = int(state.get("next", len(self._events) + 1))

    # ----- events -----------------------------------------------------------------------------
    def record(
        self, now: str, actor: Actor, event_key: str, entity: tuple[str, int], details: Json | None = None,
        *, actor_id: int | None = None,
    ) -> None:  # fmt: skip
        """Append one event; ``actor_id`` overrides the actor's user (joins and leaves)."""
        entity_type, entity_id = entity
        self._events.append({
            "id": str(uuid.UUID(int=self._next)),
            "created_at": now,
            "event_key": event_key,
            "entity_id": str(entity_id),
            "entity_type": entity_type,
            "actor_id": str(actor.user_id if actor_id is None else actor_id),
            "actor_type": "User",
            "details": dict(details or {}),
            "ip_address": actor.ip_address,
            "user_agent": actor.user_agent[:USER_AGENT_MAX] if actor.user_agent else actor.user_agent,
        })  # fmt: skip
        self._next += 1

    # ----- what each change records (no actor: a change not made through the API, nothing) ------
    def chat_created(self, now: str, actor: Actor | None, chat_id: int) -> None:
        if actor is not None:
            self.record(now, actor, "chat_created", ("Chat", chat_id))

    def chat_updated(self, now: str, actor: Actor | None, chat_id: int, old: tuple[str, bool],
                     new: tuple[str, bool]) -> None:
        """``chat_renamed`` and/or ``chat_permission_changed`` for what really changed."""
        if actor is None:
            return
        if new[0] != old[0]:
            self.record(now, actor, "chat_renamed", ("Chat", chat_id), {"old_name": old[0], "new_name": new[0]})
        if new[1] != old[1]:
            self.record(now, actor, "chat_permission_changed", ("Chat", chat_id), {"public_access": new[1]})

    def members_joined(self, now: str, actor: Actor | None, chat_id: int, user_ids: Iterable[int]) -> None:
        if actor is None:
            return
        for user_id in user_ids:
            details = {"inviter_id": actor.user_id}
            self.record(now, actor, "user_chat_join", ("Chat", chat_id), details, actor_id=user_id)

    def member_left(self, now: str, actor: Actor | None, chat_id: int, user_id: int) -> None:
        if actor is not None:
            details = {"initiator_id": actor.user_id}
            self.record(now, actor, "user_chat_leave", ("Chat", chat_id), details, actor_id=user_id)

    def tags_attached(self, now: str, actor: Actor | None, chat_id: int, tags: Iterable[tuple[int, str]]) -> None:
        if actor is None:
            return
        for tag_id, name in tags:
            self.record(now, actor, "tag_added_to_chat", ("GroupTag", tag_id), {"chat_id": chat_id, "tag_name": name})

    def tag_detached(self, now: str, actor: Actor | None, chat_id: int, tag_id: int) -> None:
        if actor is not None:
            self.record(now, actor, "tag_removed_from_chat", ("GroupTag", tag_id), {"chat_id": chat_id})

    def user_tags_changed(self, now: str, actor: Actor | None, user_id: int, added: Iterable[int],
                          removed: Iterable[int]) -> None:
        if actor is None:
            return
        details = {"initiator_id": actor.user_id}
        for key, tag_ids in (("user_added_to_tag", added), ("user_removed_from_tag", removed)):
            for tag_id in tag_ids:
                self.record(now, actor, key, ("GroupTag", tag_id), details, actor_id=user_id)

    def message_created(self, now: str, actor: Actor | None, message_id: int) -> None:
        if actor is not None:
            self.record(now, actor, "message_created", ("Message", message_id))

    def events(self, wanted: AuditFilter) -> list[Json]:
        """Copies of the events the filter selects, oldest first."""
        return [dict(event) for event in self._events if wanted.matches(event)]
