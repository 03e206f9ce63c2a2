"""Group tag drift for `pachca-pulumi drift`: a `GroupTag` renamed, or a declared person who lost the
tag (and, with `exclusive_members`, a person given it), by hand since the last apply.

A refresh step of a `GroupTag` carries the inputs of the last apply (old) and those observed (new):
`members` maps references to `true`, and the old outputs' `resolved_members` give each reference's user
id; a reference that is an id stands for itself. The findings are those of a chat's people, under
`members`, so the report and the audit log (`user_added_to_tag` / `user_removed_from_tag`) treat them
alike. The API has no audit event for a rename: a renamed tag is reported without the who.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from pulumi.automation import events

from ..group_tag.provider import GroupTagProvider
from .drift import Finding, people_findings, step_properties

__all__ = ["TAG_KIND", "TAG_TYPES", "TagDrift", "compare_tag", "tag_drift"]

TAG_TYPES = GroupTagProvider.type_tokens()  # a Python program's and a YAML program's
TAG_KIND = "group tag"
_TAKEN = ("the next `pulumi up --refresh` (or any `up` that changes this tag) takes the tag from them"
          " (exclusive_members)")


@dataclass(frozen=True)
class TagDrift:
    """The drift of one `GroupTag` resource: its resource name, tag id, declared name and findings."""

    resource: str
    urn: str
    tag_id: int | None
    name: str
    findings: tuple[Finding, ...]
    kind: ClassVar[str] = TAG_KIND

    @property
    def entity_id(self) -> int | None:
        return self.tag_id


def tag_drift(step: events.StepEventMetadata) -> TagDrift:
    """The drift of one `GroupTag` refresh step."""
    declared, outputs, observed = step_properties(step)
    tag_id = int(step.old.id) if step.old and str(step.old.id).isdigit() else None
    resource = step.urn.rsplit("::", 1)[-1]
    name = str(declared.get("name", resource))
    if step.op == events.OpType.DELETE or step.new is None:
        gone = Finding("group tag", f"tag {tag_id}", None, change="gone")
        return TagDrift(resource, step.urn, tag_id, name, (gone,))
    return TagDrift(resource, step.urn, tag_id, name, compare_tag(declared, observed, outputs))


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
