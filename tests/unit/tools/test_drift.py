"""Drift without the engine: the declared-versus-actual comparison, the audit join and the report formats.

The audit join runs against the emulator in process (its WSGI app through the client's transport seam).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from pydantic import SecretStr

from pachca_pulumi.api.client import PachcaClient
from pachca_pulumi.api.config import ProviderConfig
from pachca_pulumi.chat.drift import ChatDrift, compare
from pachca_pulumi.emulator import Store, create_app
from pachca_pulumi.emulator.store.audit import Actor
from pachca_pulumi.tools.attribution import attribute
from pachca_pulumi.tools.drift import Finding, StackDrift
from pachca_pulumi.tools.drift_report import People, render

DECLARED = {"name": "Engineering", "member_ids": [4, 3], "group_tag_ids": [], "channel": False,
            "public": False, "archived": False, "exclusive_members": False, "adopt_id": 1001}


def test_compare_same_chat_in_another_order_is_no_drift():
    assert compare(DECLARED, {**DECLARED, "member_ids": [3, 4], "adopt_id": None}) == ()


def test_compare_rename_is_one_finding_with_both_values():
    [finding] = compare(DECLARED, {**DECLARED, "name": "Eng"})
    assert (finding.property, finding.declared, finding.actual, finding.change) == ("name", "Engineering", "Eng",
                                                                                   "changed")


def test_compare_members_become_one_finding_per_person():
    found = compare(DECLARED, {**DECLARED, "member_ids": [3, 9]})
    assert [(f.property, f.subject, f.change) for f in found] == [("member_ids", 4, "missing"),
                                                                  ("member_ids", 9, "extra")]


def test_compare_people_keep_the_references_the_program_used():
    declared = {**DECLARED, "members": {"@natalialopez": 4, "chiara.nielsen@example.com": 3}}
    [finding] = compare(declared, {**declared, "members": {"chiara.nielsen@example.com": 3}})
    assert (finding.property, finding.subject, finding.reference, finding.change) == (
        "members", 4, "@natalialopez", "missing")


def test_compare_program_settings_never_drift():
    assert compare(DECLARED, {**DECLARED, "exclusive_members": True}) == ()


def test_compare_a_lost_role_is_reported_as_a_role_while_the_person_stays():
    declared = {**DECLARED, "admins": {"@natalialopez": 4}}
    observed = {**DECLARED, "admins": {}, "undeclared_members": {"@natalialopez": 4}}
    [finding] = compare(declared, observed)
    assert (finding.property, finding.subject, finding.change) == ("admins", 4, "role lost")
    assert finding.consequence == "`pulumi up --refresh` gives the admin role back"


def test_compare_people_added_by_hand_to_an_exclusive_chat_are_findings_with_their_removal():
    declared = {**DECLARED, "exclusive_members": True}
    [finding] = compare(declared, {**declared, "undeclared_members": {"@luciafischer": 50}})
    assert (finding.property, finding.subject, finding.reference, finding.change) == (
        "members", 50, "@luciafischer", "extra")
    assert finding.consequence is not None and "removes them from the chat" in finding.consequence


def test_compare_people_added_by_hand_to_a_tolerant_chat_are_no_drift():
    assert compare(DECLARED, {**DECLARED, "undeclared_members": {"@luciafischer": 50}}) == ()


def test_compare_a_role_given_by_hand_in_an_exclusive_chat_is_taken_back():
    declared = {**DECLARED, "exclusive_members": True}
    observed = {**declared, "admins": {"@chiaranielsen": 3}, "undeclared_members": {}}
    [finding] = compare(declared, observed)
    assert (finding.property, finding.subject, finding.change) == ("admins", 3, "role given")


def test_render_a_lost_role_and_an_exclusive_removal_in_words():
    findings = (Finding("admins", {}, {}, 4, "role lost", reference="@natalialopez",
                        consequence="`pulumi up --refresh` gives the admin role back"),
                Finding("members", None, None, 50, "extra", reference="@luciafischer", consequence="removes them"))
    text = render(StackDrift("dev", None, [ChatDrift("eng", "urn:eng", 1001, "Engineering", findings)]),
                  People(None), "text", None)
    assert ("  admins: declared @natalialopez (user 4) as admin, actual a member without the admin role\n"
            "    next: `pulumi up --refresh` gives the admin role back\n"
            "    changed by: unknown (the audit log has no event for chat roles)\n") in text
    assert "  members: declared not declared, actual @luciafischer (user 50)\n    next: removes them\n" in text


def emulator_client(store: Store, token: str) -> PachcaClient:
    config = ProviderConfig(token=SecretStr(token), base_url="https://emulator.test/api/shared/v1")
    return PachcaClient(config, transport=httpx.WSGITransport(app=create_app(store)))


def _drift(chat_id: int) -> StackDrift:
    findings = (Finding("name", "Engineering", "Eng"), Finding("member_ids", [3, 4], [3], 4, "missing"),
                Finding("archived", False, True))
    return StackDrift("dev", None, [ChatDrift("eng", "urn:eng", chat_id, "Engineering", findings)])


def _hand_made_changes(store: Store) -> int:
    chat_id = int(store.create_chat(1, "Engineering", member_ids=[3, 4], actor=Actor(1)).chat["id"])
    store.update_chat(chat_id, name="Eng", actor=Actor(2))
    store.remove_member(chat_id, 4, actor=Actor(2))
    store.set_archived(chat_id, True)
    return chat_id


def test_attribute_takes_who_and_when_from_the_audit_log(emulator):
    drift = _drift(_hand_made_changes(emulator))
    with emulator_client(emulator, "owner") as client:
        note = attribute(drift, client)
    name, member, archived = drift.resources[0].findings
    assert note is None
    assert (name.actor_id, member.actor_id, archived.actor_id) == (2, 2, None)
    assert name.at is not None and member.at is not None and name.at <= member.at


def test_attribute_without_the_owner_token_says_why_and_keeps_the_findings(emulator):
    drift = _drift(_hand_made_changes(emulator))
    with emulator_client(emulator, "admin") as client:
        note = attribute(drift, client)
    assert note is not None and "workspace owner's token" in note
    assert all(f.actor_id is None for f in drift.resources[0].findings)


def test_render_names_people_in_every_format(emulator):
    drift = _drift(_hand_made_changes(emulator))
    with emulator_client(emulator, "owner") as client:
        attribute(drift, client)
        people = People(client)
        text, markdown, raw = (render(drift, people, f, None) for f in ("text", "markdown", "json"))
    assert "changed by Tatiana Moreau <tatiana.moreau@example.com> at" in text
    assert "| `eng` (" in markdown and "Natalia Lopez &lt;natalia.lopez@example.com&gt;" in markdown
    record = json.loads(raw)["chats"][0]["changes"][1]
    assert record["declared"] == "Natalia Lopez <natalia.lopez@example.com>" and record["changed_by"]["id"] == 2


def test_render_no_drift_is_one_line():
    text = render(StackDrift("dev", "2026-01-01T00:00:00.000Z"), People(None), "text", None)
    assert text == ("No drift in stack dev: every chat is as the last `pulumi up` (at 2026-01-01T00:00:00.000Z)"
                    " left it.\n")


def test_drift_command_without_the_pulumi_cli_fails_with_the_fix(tmp_path):
    from click.testing import CliRunner

    from pachca_pulumi.tools.cli import main

    result = CliRunner().invoke(main, ["drift", "--cwd", str(tmp_path)], env={"PATH": str(tmp_path)})

    assert result.exit_code == 1
    assert "cannot run the pulumi CLI" in result.stderr and "put it on PATH" in result.stderr
    assert "Traceback" not in result.output


def test_inventory_command_help_names_the_ci_gates():
    from click.testing import CliRunner

    from pachca_pulumi.tools.cli import main

    result = CliRunner().invoke(main, ["inventory", "--help"])

    assert result.exit_code == 0
    assert all(word in result.stdout for word in ("--fail-on-unmanaged", "--fail-on-unmanaged-public", "--write"))


def test_a_native_resources_camelcase_step_reads_as_the_table_names() -> None:
    """`drift` on a YAML stack: the native provider's properties are camelCase; findings are the same."""
    from pulumi.automation import events

    from pachca_pulumi.kinds import kind_of
    from pachca_pulumi.tools.drift import resource_drift, step_properties

    def state(inputs: dict[str, Any], outputs: dict[str, Any]) -> events.StepEventStateMetadata:
        return events.StepEventStateMetadata(type="pachca:index:Chat", urn="urn:x::eng", id="1001", parent="",
                                             provider="", inputs=inputs, outputs=outputs)

    old = state({"name": "Eng", "memberIds": {"3": 3, "8": 8}, "exclusiveMembers": False}, {"tagMemberIds": {}})
    new = state({"name": "Eng", "memberIds": {"3": 3}}, {})
    step = events.StepEventMetadata(op=events.OpType.UPDATE, urn="urn:x::eng", type="pachca:index:Chat", old=old,
                                    new=new, provider="")

    declared, outputs, observed = step_properties(step)

    kind = kind_of("pachca:index:Chat")
    assert kind is not None and kind is kind_of("pulumi-python:dynamic/pachca:Chat")
    assert declared["member_ids"] == {"3": 3, "8": 8} and "tag_member_ids" in outputs
    drift = resource_drift(step, kind)
    assert isinstance(drift, ChatDrift) and drift.chat_id == 1001
    assert [(f.property, f.subject, f.change) for f in drift.findings] == [("member_ids", 8, "missing")]
