"""A chat's drift (`kit/drift.py`): the findings of one `Chat` refresh step, and who made them.

`compare()` turns the inputs of the last apply and the observed ones into `Finding`s with
`deepdiff`, one per property, or per person or tag for id lists. `attribute()` reads the chat's
audit events (`entity_type=Chat`) and, for a tag attached or detached, the tag's:

| finding                         | event                    | who                    |
| ------------------------------- | ------------------------ | ---------------------- |
| `name`                          | `chat_renamed`           | the actor              |
| `public`                        | `chat_permission_changed`| the actor              |
| member declared but gone        | `user_chat_leave`        | `details.initiator_id` |
| member present, not declared    | `user_chat_join`         | `details.inviter_id`   |
| tag attached / detached by hand | `tag_added_to_chat` / `tag_removed_from_chat` | the actor |

The API has no event key for archiving a chat or changing a chat role: `unrecorded()` says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from ..kit.drift import AuditRead, DriftHooks, Finding, ResourceDrift, latest, people_findings, who
from .schema import INPUTS, PEOPLE, Compare, rule

if TYPE_CHECKING:
    from ..api.models import AuditEvent

__all__ = ["CHAT_DRIFT", "ChatDrift", "compare"]

ID_LISTS = ("group_tag_ids",)
# Inputs that never drift: read on create only, or settings of the program rather than of the chat.
_NOT_CHAT_STATE = {"exclusive_members", "avatar_file"}
_NEXT_UP = "the next `pulumi up --refresh` (or any `up` that changes this chat)"


@dataclass(frozen=True)
class ChatDrift(ResourceDrift):
    """The drift of one `Chat` resource; `entity_id` is the chat id."""

    kind: ClassVar[str] = "chat"

    @property
    def chat_id(self) -> int | None:
        return self.entity_id


def compare(declared: Mapping[str, Any], observed: Mapping[str, Any],
            outputs: Mapping[str, Any] | None = None) -> tuple[Finding, ...]:
    """The findings between the inputs of the last apply and the observed ones (deepdiff decides
    which properties differ; order of ids never matters). Unknown or program-only inputs are skipped,
    except the people an exclusive chat has that nothing declares: `up --refresh` removes them."""
    from deepdiff import DeepDiff  # imported when drift is read, not when a provider starts

    fields = [f for f in INPUTS if f not in _NOT_CHAT_STATE and rule(f).compare is not Compare.NEVER]
    old = {f: _comparable(f, declared.get(f)) for f in fields}
    new = {f: _comparable(f, observed.get(f)) for f in fields}
    changed = DeepDiff(old, new, ignore_order=True).affected_root_keys
    present = _present(observed)
    found: list[Finding] = []
    for prop in fields:
        if prop in changed:
            found += _findings(prop, old[prop], new[prop], present)
    if declared.get("exclusive_members"):
        found = [_removal(f, old) for f in found] + _undeclared(declared, observed, found)
    return tuple(found)


def _present(observed: Mapping[str, Any]) -> set[int]:
    """Everyone the refresh saw in the chat: the people maps and `undeclared_members`."""
    return {uid for name in (*PEOPLE, "undeclared_members") for uid in _comparable(name, observed.get(name)).values()}


def _comparable(prop: str, value: Any) -> Any:
    if prop in ID_LISTS:
        return sorted({int(v) for v in value or []})
    if prop in PEOPLE or prop == "undeclared_members":
        pairs = value.items() if isinstance(value, dict) else ((str(v), v) for v in value or [])
        return {str(ref): int(uid) for ref, uid in pairs if uid is not None}
    return value


def _findings(prop: str, old: Any, new: Any, present: set[int]) -> list[Finding]:
    if prop in PEOPLE:
        return [_role_lost(f, present) for f in people_findings(prop, old, new)]
    if prop not in ID_LISTS:
        return [Finding(prop, old, new)]
    missing = [Finding(prop, old, new, subject=i, change="missing") for i in old if i not in new]
    return missing + [Finding(prop, old, new, subject=i, change="extra") for i in new if i not in old]


def _role_lost(finding: Finding, present: set[int]) -> Finding:
    """A declared admin or editor who is still in the chat lost the role, not the membership."""
    role = rule(finding.property).role
    if finding.change != "missing" or role in (None, "member") or finding.subject not in present:
        return finding
    return replace(finding, change="role lost", consequence=f"`pulumi up --refresh` gives the {role} role back")


def _removal(finding: Finding, old: Mapping[str, Any]) -> Finding:
    """In an exclusive chat, a role holder nobody declared loses the role, or the chat when undeclared."""
    if finding.change != "extra" or finding.property not in PEOPLE:
        return finding
    declared = {uid for name in PEOPLE for uid in old.get(name, {}).values()}
    if finding.subject in declared:
        return replace(finding, change="role given",
                       consequence=f"{_NEXT_UP} takes the role back (the chat has exclusive_members)")
    return replace(finding, consequence=f"{_NEXT_UP} removes them from the chat (it has exclusive_members)")


def _undeclared(declared: Mapping[str, Any], observed: Mapping[str, Any], found: list[Finding]) -> list[Finding]:
    """People added by hand to an exclusive chat: nothing declares them, so the next `up` removes them."""
    seen = {f.subject for f in found}
    before = _comparable("undeclared_members", declared.get("undeclared_members"))
    people = [(ref, uid) for ref, uid in _comparable("undeclared_members", observed.get("undeclared_members")).items()
              if uid not in seen and uid not in before.values()]
    return [Finding("members", None, None, uid, "extra", reference=ref,
                    consequence=f"{_NEXT_UP} removes them from the chat (it has exclusive_members)")
            for ref, uid in people]


# ----- who and when --------------------------------------------------------------------------------
def unrecorded(finding: Finding) -> str | None:
    """What the audit log cannot tell about a chat's `finding`, or None."""
    if finding.change in ("role lost", "role given"):
        return "the audit log has no event for chat roles"
    if finding.property == "archived":
        return "the audit log has no event for archiving a chat"
    return None


def attribute(drift: ResourceDrift, read: AuditRead) -> ResourceDrift:
    """The chat's findings with who and when, from the chat's events (a tag's from the tag's)."""
    chat_id = drift.entity_id
    if chat_id is None:
        return drift
    chat_events = read("Chat", chat_id)
    found = []
    for finding in drift.findings:
        tagged = finding.property == "group_tag_ids" and finding.subject is not None
        events = read("GroupTag", finding.subject) if tagged and finding.subject is not None else chat_events
        event = None if unrecorded(finding) else latest(events, _matcher(finding, chat_id))
        found.append(finding if event is None else finding.attributed(who(event), event.created_at))
    return replace(drift, findings=tuple(found))


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


CHAT_DRIFT = DriftHooks(ChatDrift, "chats", "chat_id", compare, attribute, unrecorded)
