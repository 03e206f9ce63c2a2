"""Group tag drift: findings from a tag's refresh step, who from the audit log, and the report."""

from __future__ import annotations

import json

from pachca_pulumi.emulator import Store
from pachca_pulumi.emulator.store.audit import Actor
from pachca_pulumi.group_tag.drift import TagDrift, compare_tag
from pachca_pulumi.tools.attribution import attribute
from pachca_pulumi.tools.drift import Finding, StackDrift
from pachca_pulumi.tools.drift_report import People, render

from .test_drift import emulator_client

DECLARED = {"name": "Backend", "members": {"3": True, "natalia.lopez@example.com": True}, "exclusive_members": True}
OUTPUTS = {"resolved_members": {"3": 3, "natalia.lopez@example.com": 4}}


def test_compare_tag_same_people_and_name_is_no_drift() -> None:
    assert compare_tag(DECLARED, dict(DECLARED), OUTPUTS) == ()


def test_compare_tag_rename_and_people_moved_are_one_finding_each() -> None:
    observed = {**DECLARED, "name": "Renamed", "members": {"3": True, "8": True}}

    found = compare_tag(DECLARED, observed, OUTPUTS)

    assert [(f.property, f.change, f.subject, f.reference) for f in found] == [
        ("name", "changed", None, None),
        ("members", "missing", 4, "natalia.lopez@example.com"),
        ("members", "extra", 8, "8"),
    ]


def test_tag_findings_take_who_and_when_from_the_tag_events(emulator: Store) -> None:
    emulator.update_user(2, 7, [], actor=Actor(2))  # user 7 loses Design (9102) and Managers (9106)
    findings = (Finding("name", "Design", "Design!"), Finding("members", {}, {}, 7, "missing"))
    drift = StackDrift("dev", None, [TagDrift("design", "urn:design", 9102, "Design", findings)])

    with emulator_client(emulator, "owner") as client:
        attribute(drift, client)
        text, raw = (render(drift, People(client), f, None) for f in ("text", "json"))

    renamed, lost = drift.resources[0].findings
    assert (renamed.actor_id, lost.actor_id) == (None, 2) and lost.at is not None
    assert text.startswith("Drift in stack dev: 1 group tag changed since the last `pulumi up`.\n\n"
                           'design: group tag 9102 "Design"\n')
    body = json.loads(raw)
    assert body["chats"] == [] and body["group_tags"][0]["tag_id"] == 9102
