"""A group tag's drift (`kit/drift.py`): a `GroupTag` renamed, or a declared person who lost the tag
(and, with `exclusive_members`, a person given it), by hand since the last apply.

A refresh step of a `GroupTag` carries the inputs of the last apply (declared) and those observed:
`members` maps references to `true`, and the outputs of the last apply (`resolved_members`) give each
reference's user id; a reference that is an id stands for itself. The findings are those of a chat's
people, under `members`, and the tag's own audit events (`user_added_to_tag` /
`user_removed_from_tag`, `entity_type=GroupTag`) say who. The API has no audit event for a rename:
a renamed tag is reported without the who.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from ..kit.drift import AuditRead, DriftHooks, Finding, ResourceDrift, latest, people_findings, who

if TYPE_CHECKING:
    from ..api.models import AuditEvent

__all__ = ["TAG_DRIFT", "TagDrift", "compare_tag"]

_TAKEN = ("the next `pulumi up --refresh` (or any `up` that changes this tag) takes the tag from them"
          " (exclusive_members)")


@dataclass(frozen=True)
class TagDrift(ResourceDrift):
    """The drift of one `GroupTag` resource; `entity_id` is the tag id."""

    kind: ClassVar[str] = "group tag"

    @property
    def tag_id(self) -> int | None:
        return self.entity_id


def compare_tag(declared: Mapping[str, Any], observed: Mapping[str, Any],
                outputs: Mapping[str, Any]) -> tuple[Finding, ...]:
    """The findings between a tag's inputs at the last apply and the observed ones."""
    found: list[Finding] = []
    if observed.get("name") is not None and observed.get("name") != declared.get("name"):
        found.append(Finding("name", declared.get("name"), observed.get("name")))
    resolved = {str(ref): int(uid) for ref, uid in (outputs.get("resolved_members") or {}).items()}
    old, new = _people(declared.get("members"), resolved), _people(observed.get("members"), resolved)
    if old != new:
        people = people_findings("members", old, new)
        exclusive = bool(declared.get("exclusive_members"))
        found += [replace(f, consequence=_TAKEN) if exclusive and f.change == "extra" else f for f in people]
    return tuple(found)


def _people(members: Any, resolved: Mapping[str, int]) -> dict[str, int]:
    refs = list(members or {})
    pairs = ((str(ref), resolved.get(str(ref), int(ref) if str(ref).isdigit() else None)) for ref in refs)
    return {ref: uid for ref, uid in pairs if uid is not None}


def unrecorded(finding: Finding) -> str | None:
    """What the audit log cannot tell about a tag's `finding`, or None."""
    return "the audit log has no event for renaming a tag" if finding.property == "name" else None


def attribute(drift: ResourceDrift, read: AuditRead) -> ResourceDrift:
    """People who lost or got the tag, from the tag's `user_removed_from_tag`/`user_added_to_tag` events."""
    if drift.entity_id is None:
        return drift
    tag_events = read("GroupTag", drift.entity_id)
    found = []
    for finding in drift.findings:
        event = latest(tag_events, _matcher(finding))
        found.append(finding if event is None else finding.attributed(who(event), event.created_at))
    return replace(drift, findings=tuple(found))


def _matcher(finding: Finding) -> Callable[[AuditEvent], bool]:
    if finding.property != "members":
        return lambda _e: False
    key = "user_removed_from_tag" if finding.change == "missing" else "user_added_to_tag"
    return lambda e: e.event_key == key and e.actor_id == str(finding.subject)


TAG_DRIFT = DriftHooks(TagDrift, "group_tags", "tag_id", compare_tag, attribute, unrecorded)
