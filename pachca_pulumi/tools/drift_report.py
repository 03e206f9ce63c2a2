"""The drift report in people's words: text for a terminal, Markdown for a PR or job summary, JSON.

Ids become names: people as "First Last <email>" from the directory (`GET /users`), tags by name
(`GET /group_tags`); `People` reads each listing once, only when a report needs it. Rendering is pure.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..api.client import PachcaClient
from ..api.errors import PachcaError
from ..kinds import kinds
from ..kit.drift import Finding, ResourceDrift
from .attribution import unrecorded
from .drift import StackDrift

__all__ = ["FORMATS", "People", "render"]

FORMATS = ("text", "markdown", "json")
FIX = "`pulumi up --refresh` puts the declared state back; or declare what you see to keep it."
_NOT_SHOWN = "—"


class People:
    """Names for user and tag ids, read from the directory once; an id stays an id when unreadable."""

    def __init__(self, client: PachcaClient | None) -> None:
        self._client = client
        self._users: dict[int, Any] | None = None
        self._tags: dict[int, str] | None = None

    def person(self, user_id: int) -> dict[str, Any]:
        """`{"id", "name", "email"}` for a user id (name and email None when unknown)."""
        user = self._user_table().get(user_id)
        if user is None:
            return {"id": user_id, "name": None, "email": None}
        name = " ".join(p for p in (user.first_name, user.last_name) if p) or user.nickname or None
        return {"id": user_id, "name": name, "email": user.email}

    def tag(self, tag_id: int) -> str:
        name = self._tag_table().get(tag_id)
        return f"{name} (tag {tag_id})" if name else f"tag {tag_id}"

    def _user_table(self) -> dict[int, Any]:
        if self._users is None:
            self._users = self._read(lambda c: {u.id: u for u in c.list_users()})
        return self._users

    def _tag_table(self) -> dict[int, str]:
        if self._tags is None:
            self._tags = self._read(lambda c: {t.id: t.name for t in c.list_tags()})
        return self._tags

    def _read(self, reader: Callable[[PachcaClient], dict[int, Any]]) -> dict[int, Any]:
        if self._client is None:
            return {}
        try:
            return reader(self._client)
        except PachcaError:
            return {}


def person_text(person: dict[str, Any] | None) -> str:
    if person is None:
        return _NOT_SHOWN
    if person["name"] and person["email"]:
        return f"{person['name']} <{person['email']}>"
    return person["name"] or person["email"] or f"user {person['id']}"


# ----- one finding in words --------------------------------------------------------------------
def _values(finding: Finding, people: People) -> tuple[str, str]:
    """(declared, actual) as a person reads them."""
    if finding.change == "gone":
        return finding.declared, "gone: deleted, or no longer visible to the token"
    if finding.subject is None:
        return _scalar(finding.declared), _scalar(finding.actual)
    subject = _subject(finding, people)
    role = _ROLES.get(finding.property, "")
    if finding.change == "missing":
        return subject, "not there" if finding.property == "group_tag_ids" else "not a member"
    if finding.change == "role lost":
        return f"{subject} as {role}", f"a member without the {role} role"
    if finding.change == "role given":
        return f"{subject} without the {role} role", f"{subject} as {role}"
    return "not declared", subject


def _subject(finding: Finding, people: People) -> str:
    assert finding.subject is not None
    if finding.property == "group_tag_ids":
        return people.tag(finding.subject)
    person = person_text(people.person(finding.subject))
    ref = finding.reference
    return f"{ref} ({person})" if ref and ref != str(finding.subject) and ref not in person else person


_ROLES = {"admins": "admin", "editors": "editor"}


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _record(resource: ResourceDrift, finding: Finding, people: People) -> dict[str, Any]:
    declared, actual = _values(finding, people)
    by = people.person(finding.actor_id) if finding.actor_id is not None else None
    return {"property": finding.property, "change": finding.change, "declared": declared, "actual": actual,
            "subject": finding.subject, "reference": finding.reference, "changed_by": by,
            "changed_at": finding.at, "next_up": finding.consequence,
            "unrecorded": unrecorded(resource, finding)}


# ----- the three formats -----------------------------------------------------------------------
def render(drift: StackDrift, people: People, file_format: str, note: str | None) -> str:
    """The report in `file_format` (text, markdown or json); `note` says why "who" is missing."""
    rows = [(item, [_record(item, f, people) for f in item.findings]) for item in drift.resources]
    if file_format == "json":
        return _json(drift, rows, note)
    return (_markdown if file_format == "markdown" else _text)(drift, rows, note)


Rows = list[tuple[ResourceDrift, list[dict[str, Any]]]]


def _headline(drift: StackDrift) -> str:
    since = f" (at {drift.since})" if drift.since else ""
    if not drift.drifted:
        return f"No drift in stack {drift.stack}: every chat is as the last `pulumi up`{since} left it."
    counts = [(len(drift.of(kind)), kind.kind) for kind in kinds()]
    what = " and ".join(f"{n} {kind}{'s' if n != 1 else ''}" for n, kind in counts if n)
    return f"Drift in stack {drift.stack}: {what} changed since the last `pulumi up`{since}."


def _text(drift: StackDrift, rows: Rows, note: str | None) -> str:
    lines = [_headline(drift)] + ([f"Note: {note}."] if note and drift.drifted else [])
    for item, records in rows:
        lines += ["", f"{item.resource}: {item.kind} {item.entity_id} {_scalar(item.name)}"]
        for r in records:
            lines.append(f"  {r['property']}: declared {r['declared']}, actual {r['actual']}")
            lines += [f"    next: {r['next_up']}"] if r["next_up"] else []
            lines.append(f"    {_by_text(r, note)}")
    if drift.drifted:
        lines += ["", FIX]
    return "\n".join(lines) + "\n"


def _by_text(record: dict[str, Any], note: str | None) -> str:
    if record["changed_by"] is None and record["unrecorded"]:
        return f"changed by: unknown ({record['unrecorded']})"
    if record["changed_by"] is None:
        return "changed by: not shown (see the note)" if note else "changed by: unknown (not in the audit log)"
    return f"changed by {person_text(record['changed_by'])} at {record['changed_at']}"


def _markdown(drift: StackDrift, rows: Rows, note: str | None) -> str:
    lines = [f"### Pachca drift: stack `{drift.stack}`", "", _headline(drift)]
    if not drift.drifted:
        return "\n".join(lines) + "\n"
    lines += ["", "| Chat | Property | Declared | Actual | Changed by | When |",
              "| --- | --- | --- | --- | --- | --- |"]
    for item, records in rows:
        kind = "" if item.kind == "chat" else f"{item.kind} "
        where = f"`{item.resource}` ({kind}{item.entity_id}, {_cell(item.name)})"
        for r in records:
            actual = _cell(r["actual"] + (f"; next: {r['next_up']}" if r["next_up"] else ""))
            cells = [where, f"`{r['property']}`", _cell(r["declared"]), actual, _by_cell(r, note),
                     r["changed_at"] or _NOT_SHOWN]
            lines.append("| " + " | ".join(cells) + " |")
    lines += ([""] + [f"> {note}."] if note else []) + ["", FIX]
    return "\n".join(lines) + "\n"


def _by_cell(record: dict[str, Any], note: str | None) -> str:
    if record["changed_by"]:
        return _cell(person_text(record["changed_by"]))
    if record["unrecorded"]:
        return f"unknown ({record['unrecorded']})"
    return "not shown" if note else "unknown"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _json(drift: StackDrift, rows: Rows, note: str | None) -> str:
    body: dict[str, Any] = {
        "stack": drift.stack,
        "drift": drift.drifted,
        "since": drift.since,
        "audit": {"available": note is None, "note": note},
    }
    for kind in kinds():  # each kind under its own key ("chats", "group_tags"), its id as "chat_id", ...
        hooks = kind.drift
        body[hooks.report_key] = [
            {"resource": item.resource, "urn": item.urn, hooks.id_key: item.entity_id, "name": item.name, "changes": r}
            for item, r in rows if isinstance(item, hooks.drift_type)]
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
