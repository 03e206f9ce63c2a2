"""Who made each drift, and when: `Finding`s joined to the workspace audit log (`GET /audit_events`).

Per drifted chat, one read of the chat's events (`entity_type=Chat`) since the last apply, and one
per drifted group tag (`entity_type=GroupTag`); each finding takes the latest event that explains it:

| finding                         | event                    | who                    |
| ------------------------------- | ------------------------ | ---------------------- |
| `name`                          | `chat_renamed`           | the actor              |
| `public`                        | `chat_permission_changed`| the actor              |
| member declared but gone        | `user_chat_leave`        | `details.initiator_id` |
| member present, not declared    | `user_chat_join`         | `details.inviter_id`   |
| tag attached / detached by hand | `tag_added_to_chat` / `tag_removed_from_chat` | the actor |
| a tag's person lost / given     | `user_removed_from_tag` / `user_added_to_tag` | `details.initiator_id` |

A group tag's findings are read from the tag's own events (`entity_type=GroupTag`). The API has no
event key for archiving a chat, changing a chat role or renaming a tag: those findings stay without the
who, and `unrecorded()` says so in the report's words.

The log needs the workspace owner's token on the corporation plan: without them `attribute()` leaves
the findings as they are and returns one note saying why (`AuditUnavailable`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from ..api.client import PachcaClient
from ..api.errors import NotFoundError, PaymentRequiredError, PermissionDeniedError
from ..api.models import AuditEvent
from ..chat.schema import PEOPLE
from .drift import ChatDrift, Finding, StackDrift
from .tag_drift import TagDrift

__all__ = ["AUDIT_NEEDS", "attribute", "unrecorded"]

AUDIT_NEEDS = ("the audit log (GET /audit_events) needs the workspace owner's token (scope audit_events:read) "
               "on the corporation plan")
_NO_OWNER = f"who made each change is not shown: {AUDIT_NEEDS}; pass --audit-token or set PACHCA_AUDIT_TOKEN"
_NO_PLAN = "who made each change is not shown: the workspace is not on the corporation plan, which the audit log needs"
_NO_LOG = "who made each change is not shown: this API has no audit log (GET /audit_events answered 404)"

Events = list[AuditEvent]
# Findings the audit log has no event for (`AuditEventKey` in the spec), by resource kind and property.
_NO_EVENT = {("chat", "archived"): "archiving a chat", ("group tag", "name"): "renaming a tag"}


def unrecorded(kind: str, finding: Finding) -> str | None:
    """What the audit log cannot tell about `finding` ("the audit log has no event for ..."), or None."""
    if finding.change in ("role lost", "role given"):
        what: str | None = "chat roles"
    else:
        what = _NO_EVENT.get((kind, finding.property))
    return None if what is None else f"the audit log has no event for {what}"


def attribute(drift: StackDrift, client: PachcaClient) -> str | None:
    """Fill in `actor_id`/`at` of every finding the audit log explains; a note when it cannot be read."""
    read = _Reader(client, drift.since)
    try:
        drift.chats = [_attribute_chat(chat, read) for chat in drift.chats]
        drift.group_tags = [_attribute_tag(tag, read) for tag in drift.group_tags]
    except PermissionDeniedError:
        return _NO_OWNER
    except PaymentRequiredError:
        return _NO_PLAN
    except NotFoundError:
        return _NO_LOG
    return None


class _Reader:
    """Audit events since the last apply, read once per entity."""

    def __init__(self, client: PachcaClient, since: str | None) -> None:
        self._client, self._since = client, since
        self._cache: dict[tuple[str, int], Events] = {}

    def __call__(self, entity_type: str, entity_id: int) -> Events:
        key = (entity_type, entity_id)
        if key not in self._cache:
            found = self._client.list_audit_events(start_time=self._since, entity_type=entity_type,
                                                   entity_id=str(entity_id))
            self._cache[key] = list(found)
        return self._cache[key]


def _attribute_chat(chat: ChatDrift, read: _Reader) -> ChatDrift:
    if chat.chat_id is None:
        return chat
    chat_events = read("Chat", chat.chat_id)
    findings = [_explain(f, chat.chat_id, chat_events, read) for f in chat.findings]
    return replace(chat, findings=tuple(findings))


def _explain(finding: Finding, chat_id: int, chat_events: Events, read: _Reader) -> Finding:
    if unrecorded("chat", finding):
        return finding
    event = _latest(_candidates(finding, chat_id, chat_events, read), _matcher(finding, chat_id))
    if event is None:
        return finding
    return finding.attributed(_who(event), event.created_at)


def _candidates(finding: Finding, chat_id: int, chat_events: Events, read: _Reader) -> Events:
    if finding.property == "group_tag_ids" and finding.subject is not None:
        return read("GroupTag", finding.subject)
    return chat_events


def _matcher(finding: Finding, chat_id: int) -> Callable[[AuditEvent], bool]:
    """Which events explain the finding (the latest such event is taken)."""
    prop, subject, change = finding.property, finding.subject, finding.change
    if prop == "name":
        return lambda e: e.event_key == "chat_renamed" and e.details.get("new_name") == finding.actual
    if prop == "public":
        return lambda e: e.event_key == "chat_permission_changed" and e.details.get("public_access") == finding.actual
    if prop in PEOPLE:
        key = "user_chat_leave" if change == "missing" else "user_chat_join"
        return lambda e: e.event_key == key and e.actor_id == str(subject)
    if prop == "group_tag_ids":
        key = "tag_removed_from_chat" if change == "missing" else "tag_added_to_chat"
        return lambda e: e.event_key == key and e.details.get("chat_id") == chat_id
    return lambda _e: False


def _attribute_tag(tag: TagDrift, read: _Reader) -> TagDrift:
    """People who lost or got the tag, from the tag's `user_removed_from_tag`/`user_added_to_tag` events."""
    if tag.tag_id is None:
        return tag
    tag_events = read("GroupTag", tag.tag_id)
    findings = []
    for finding in tag.findings:
        key = "user_removed_from_tag" if finding.change == "missing" else "user_added_to_tag"
        subject = str(finding.subject)
        matching = [e for e in tag_events
                    if finding.property == "members" and e.event_key == key and e.actor_id == subject]
        event = max(matching, key=lambda e: e.created_at, default=None)
        findings.append(finding if event is None else finding.attributed(_who(event), event.created_at))
    return replace(tag, findings=tuple(findings))


def _latest(found: Iterable[AuditEvent], matches: Callable[[AuditEvent], bool]) -> AuditEvent | None:
    chosen = [event for event in found if matches(event)]
    return max(chosen, key=lambda e: e.created_at) if chosen else None


def _who(event: AuditEvent) -> int | None:
    """The person who made the change: joins and leaves name them in the details, others as actor."""
    for key in ("initiator_id", "inviter_id"):
        if isinstance(event.details.get(key), int):
            return int(event.details[key])
    return int(event.actor_id) if event.actor_id.isdigit() else None
