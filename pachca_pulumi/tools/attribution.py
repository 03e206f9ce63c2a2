"""Who made each drift, and when: findings joined to the workspace audit log (`GET /audit_events`).

Per drifted resource, one read of its events since the last apply (`entity_type=Chat`,
`entity_type=GroupTag`, ...), cached per entity; each kind's `attribute` hook (`kit/drift.py`;
the tables of events in `chat/drift.py` and `group_tag/drift.py`) gives each finding the latest
event that explains it, and its `unrecorded` hook names what the log has no event for.

The log needs the workspace owner's token on the corporation plan: without them `attribute()` leaves
the findings as they are and returns one note saying why (`AuditUnavailable`).
"""

from __future__ import annotations

from ..api.client import PachcaClient
from ..api.errors import NotFoundError, PaymentRequiredError, PermissionDeniedError
from ..api.models import AuditEvent
from ..kinds import Kind, kind_named
from ..kit.drift import Finding, ResourceDrift
from .drift import StackDrift

__all__ = ["AUDIT_NEEDS", "attribute", "unrecorded"]

AUDIT_NEEDS = ("the audit log (GET /audit_events) needs the workspace owner's token (scope audit_events:read) "
               "on the corporation plan")
_NO_OWNER = f"who made each change is not shown: {AUDIT_NEEDS}; pass --audit-token or set PACHCA_AUDIT_TOKEN"
_NO_PLAN = "who made each change is not shown: the workspace is not on the corporation plan, which the audit log needs"
_NO_LOG = "who made each change is not shown: this API has no audit log (GET /audit_events answered 404)"

Events = list[AuditEvent]


def unrecorded(resource: ResourceDrift, finding: Finding) -> str | None:
    """What the audit log cannot tell about `finding` of `resource` ("the audit log has no event for
    ..."), or None: the kind's own answer."""
    return _kind(resource).drift.unrecorded(finding)


def attribute(drift: StackDrift, client: PachcaClient) -> str | None:
    """Fill in `actor_id`/`at` of every finding the audit log explains; a note when it cannot be read."""
    read = _Reader(client, drift.since)
    try:
        drift.resources = [_kind(item).drift.attribute(item, read) for item in drift.resources]
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


def _kind(resource: ResourceDrift) -> Kind:
    return kind_named(resource.kind)
