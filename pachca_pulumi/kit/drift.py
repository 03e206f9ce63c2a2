"""Drift, written once for every kind: what a finding is, the drift of one resource, and the hooks a
kind gives the tools (`DriftHooks`, its provider's `drift`).

`pachca-pulumi drift` (`tools/drift.py`) runs one refresh preview and hands each refresh step to
the kind whose type token it carries (`kinds.py`): the kind's `compare` turns the inputs of the
last apply and the observed ones into `Finding`s, its `attribute` joins them to the audit log, and
its `unrecorded` says which findings the log has no event for. The report (`tools/drift_report.py`)
lists each kind under its `report_key`, with its id as `id_key`. Nothing here talks to the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from ..api.models import AuditEvent

__all__ = ["AuditRead", "DriftHooks", "Finding", "ResourceDrift", "latest", "people_findings", "who"]


@dataclass(frozen=True)
class Finding:
    """One difference: a scalar property (`declared` -> `actual`), or one person or tag (`subject`, an
    id; for people also the `reference` the program used) declared but absent (`missing`), present but
    not declared (`extra`), still a member without the declared role (`role lost`), or given a role
    nobody declared (`role given`, exclusive chats); `gone` when the target itself is. `consequence`
    says what the next `up` does about it where that is more than putting it back (people removed)."""

    property: str
    declared: Any
    actual: Any
    subject: int | None = None
    change: str = "changed"  # changed | missing | extra | role lost | role given | gone
    actor_id: int | None = None
    at: str | None = None
    reference: str | None = None
    consequence: str | None = None

    def attributed(self, actor_id: int | None, at: str | None) -> Finding:
        return replace(self, actor_id=actor_id, at=at)


@dataclass(frozen=True)
class ResourceDrift:
    """The drift of one resource: its resource name, URN, the target's id, declared name and findings.
    Each kind subclasses it (`ChatDrift`, `TagDrift`) and sets `kind`, the word messages use."""

    resource: str
    urn: str
    entity_id: int | None
    name: str
    findings: tuple[Finding, ...]
    kind: ClassVar[str] = "resource"


AuditRead = Callable[[str, int], "list[AuditEvent]"]  # (entity type, id) -> its events since the last apply
Compare = Callable[[Mapping[str, Any], Mapping[str, Any], Mapping[str, Any]], tuple[Finding, ...]]


@dataclass(frozen=True)
class DriftHooks:
    """What the drift tools need of a kind.

    - `drift_type`: its `ResourceDrift` subclass;
    - `report_key`, `id_key`: where the JSON report lists it (`"chats"`, `"chat_id"`);
    - `compare(declared, observed, outputs)`: the findings between the inputs of the last apply and
      the observed ones (`outputs`: the outputs of the last apply, for ids resolved then);
    - `attribute(drift, read)`: the drift with each finding the audit log explains attributed;
    - `unrecorded(finding)`: "the audit log has no event for ..." when it has none, else None.
    """

    drift_type: type[ResourceDrift]
    report_key: str
    id_key: str
    compare: Compare
    attribute: Callable[[ResourceDrift, AuditRead], ResourceDrift]
    unrecorded: Callable[[Finding], str | None]


def people_findings(prop: str, old: Mapping[str, int], new: Mapping[str, int]) -> list[Finding]:
    """One finding per person (reference -> user id maps): declared but gone, then present but undeclared."""
    missing = [Finding(prop, old, new, uid, "missing", reference=ref) for ref, uid in old.items()
               if uid not in new.values()]
    return missing + [Finding(prop, old, new, uid, "extra", reference=ref) for ref, uid in new.items()
                      if uid not in old.values()]


def latest(found: Iterable[AuditEvent], matches: Callable[[AuditEvent], bool]) -> AuditEvent | None:
    """The latest of the events that `matches`, or None."""
    chosen = [event for event in found if matches(event)]
    return max(chosen, key=lambda e: e.created_at) if chosen else None


def who(event: AuditEvent) -> int | None:
    """The person who made the change: joins and leaves name them in the details, others as actor."""
    for key in ("initiator_id", "inviter_id"):
        if isinstance(event.details.get(key), int):
            return int(event.details[key])
    return int(event.actor_id) if event.actor_id.isdigit() else None
