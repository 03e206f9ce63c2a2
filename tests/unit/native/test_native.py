"""The native provider's own parts: the schema held to the tables, the wire shape, detailed diffs
by person, one-line errors, and the plugin archive. The engine round trips are tests/e2e/test_yaml.py."""

from __future__ import annotations

import asyncio
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from pulumi.provider.experimental import provider as px
from pulumi.provider.experimental.property_value import PropertyValue

from pachca_pulumi.api.redact import REDACTOR
from pachca_pulumi.chat.inputs import UNKNOWN
from pachca_pulumi.chat.members import MemberPlan
from pachca_pulumi.kit.provider import tell, warn
from pachca_pulumi.native.detailed import chat_entries, kept_entries, people_entries
from pachca_pulumi.native.functions import FUNCTIONS
from pachca_pulumi.native.group_tag import member_entries
from pachca_pulumi.native.plugin import LAUNCHER, plugin_archive
from pachca_pulumi.native.provider import PachcaProvider, ProviderError
from pachca_pulumi.native.results import Checked
from pachca_pulumi.native.schema import TABLES, package_schema, package_version
from pachca_pulumi.native.values import camel, from_wire, snake, to_wire

SCHEMA = json.loads(package_schema())
URN = "urn:pulumi:dev::chats::pachca:index:Chat::eng"


def _run(coro: Any) -> Any:
    """Run a hook on a loop of its own, leaving the thread's current loop as it was (asyncio.run
    would unset it, and the mocks-based tests that follow read it)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.token)
def test_schema_inputs_are_the_tables_program_inputs(table: Any) -> None:
    served = SCHEMA["resources"][table.token]
    assert set(served["inputProperties"]) == {camel(name) for name in table.program_inputs()}
    for name in table.program_inputs():
        doc = table.model.model_fields[name].description
        assert served["inputProperties"][camel(name)]["description"] == doc


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.token)
def test_schema_outputs_are_every_field_and_output(table: Any) -> None:
    served = SCHEMA["resources"][table.token]["properties"]
    assert set(served) == {*map(camel, table.model.model_fields), *(camel(out.name) for out in table.outputs)}
    assert all(served[camel(out.name)]["description"] == out.doc for out in table.outputs)


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.token)
def test_schema_every_input_has_a_field_doc(table: Any) -> None:
    assert all(table.model.model_fields[name].description for name in table.model.model_fields)


def test_schema_marks_channel_as_replacing() -> None:
    inputs = SCHEMA["resources"]["pachca:index:Chat"]["inputProperties"]
    assert [name for name, spec in inputs.items() if spec.get("willReplaceOnChanges")] == ["channel"]


def test_schema_people_are_reference_lists_in_and_maps_out() -> None:
    chat = SCHEMA["resources"]["pachca:index:Chat"]
    assert chat["inputProperties"]["members"]["items"] == {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    assert chat["properties"]["members"]["additionalProperties"] == {"type": "integer"}


def test_schema_token_is_secret_config_and_version_is_the_packages() -> None:
    assert SCHEMA["config"]["variables"]["token"]["secret"] is True
    assert SCHEMA["version"] == package_version()
    assert set(SCHEMA["functions"]) == {fn.token for fn in FUNCTIONS}


def test_values_names_round_trip() -> None:
    assert camel("exclusive_members") == "exclusiveMembers"
    assert snake("exclusiveMembers") == "exclusive_members"


def test_values_wire_round_trip_keeps_references_and_unknowns() -> None:
    plain = {"members": {"anna@corp.ru": 55.0}, "group_tag_ids": [9101.0], "name": UNKNOWN, "public": True}
    wire = to_wire({**plain, "__name": "eng"})
    assert set(wire) == {"members", "groupTagIds", "name", "public"}
    # the engine's unknown; SDK 3.259 cannot marshal its own Computed
    assert wire["name"].marshal().string_value == UNKNOWN
    assert from_wire(wire) == plain
    assert from_wire({"name": PropertyValue.computed()}) == {"name": UNKNOWN}


def test_people_entries_name_each_person_and_role() -> None:
    olds = {"members": {"@oleg": 12, "anna@corp.ru": 55}, "admins": {}}
    news = {"members": {"anna@corp.ru": 55, "eve@corp.ru": 70}, "admins": {"anna@corp.ru": 55}}
    plan = MemberPlan(add=(70,), remove=(12,), roles=((55, "admin"),))
    entries = people_entries(plan, olds, news, str)
    assert {path: diff.kind for path, diff in entries.items()} == {
        'members["eve@corp.ru"]': px.PropertyDiffKind.ADD,
        'members["@oleg"]': px.PropertyDiffKind.DELETE,
        'admins["anna@corp.ru"]': px.PropertyDiffKind.ADD,
    }


def test_people_entries_name_removed_strangers_through_name_of() -> None:
    entries = people_entries(MemberPlan(remove=(10,)), {"members": {}}, {"members": {}}, lambda uid: "@pavel")
    assert list(entries) == ['undeclaredMembers["@pavel"]']


def test_chat_entries_tags_one_by_one_and_channel_replaces() -> None:
    olds = {"group_tag_ids": [9101], "channel": False}
    news = {"group_tag_ids": [9101, 9102], "channel": True}
    entries = chat_entries(("channel", "group_tag_ids"), ("channel",), None, olds, news, str)
    assert {path: diff.kind for path, diff in entries.items()} == {
        "channel": px.PropertyDiffKind.UPDATE_REPLACE, "groupTagIds[1]": px.PropertyDiffKind.ADD}


def test_tag_member_entries_by_reference() -> None:
    olds = {"members": {"8": True, "@oleg": True}, "resolved_members": {"8": 8, "@oleg": 12},
            "user_ids": [8, 12]}
    news = {"members": {"8": True, "anna@corp.ru": True}}
    entries = member_entries(olds, news)
    assert {path: diff.kind for path, diff in entries.items()} == {
        'members["anna@corp.ru"]': px.PropertyDiffKind.ADD, 'members["@oleg"]': px.PropertyDiffKind.DELETE}


def test_provider_check_failure_names_the_field() -> None:
    request = px.CheckRequest(URN, {}, {"name": PropertyValue(" ")}, b"")
    response = _run(PachcaProvider().check(request))
    assert [(f.property, f.reason) for f in response.failures or []] == [
        ("name", "name must not be empty or blank: give the chat a visible name")]


def test_provider_configure_without_token_is_one_line_naming_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PACHCA_TOKEN", raising=False)
    with pytest.raises(ProviderError) as raised:
        _run(PachcaProvider().configure(px.ConfigureRequest({}, {}, True, True)))
    assert "pulumi config set --secret pachca:token" in str(raised.value) and "\n" not in str(raised.value)


def test_provider_configure_refuses_plain_http_to_a_remote_host() -> None:
    request = px.ConfigureRequest({"pachca:token": "t0ken-value", "pachca:baseUrl": "http://api.example.com"},
                                  {}, True, True)
    with pytest.raises(ProviderError, match="Refusing plain http to api.example.com"):
        _run(PachcaProvider().configure(request))


def test_plugin_archive_holds_an_executable_launcher(tmp_path: Path) -> None:
    archive = plugin_archive(tmp_path / "plugin.tar.gz", python="/opt/venv/bin/python")
    with tarfile.open(archive) as opened:
        member = opened.getmember(LAUNCHER)
        script = opened.extractfile(member)
        assert script is not None and member.mode == 0o755
        assert script.read().decode() == '#!/bin/sh\nexec /opt/venv/bin/python -m pachca_pulumi.native "$@"\n'


def test_provider_warnings_go_to_the_engine_log_under_the_resource_redacted() -> None:
    """The engine does not show a plugin's stderr: a hook's warnings are sent to its log, per resource."""
    logged: list[tuple[str, str, str]] = []

    async def log(message: str, urn: str, severity: str) -> None:
        logged.append((message, urn, severity))

    class Warns:
        def check(self, name: str, olds: dict[str, Any], news: dict[str, Any]) -> Checked:
            warn(f"chat {name!r}: 7 (@camille) stays; token t0ken-secret-value")
            tell(f"chat {name!r}: noted")
            return Checked(news, [])

    REDACTOR.register("t0ken-secret-value")
    provider = PachcaProvider({"pachca:index:Chat": Warns()}, log=log)  # type: ignore[dict-item]
    _run(provider.check(px.CheckRequest(URN, {}, {"name": PropertyValue("Eng")}, b"")))

    assert logged == [("chat 'eng': 7 (@camille) stays; token [redacted]", URN, "warning"),
                      ("chat 'eng': noted", URN, "info")]


def test_kept_entries_show_the_dropped_reference_as_an_input_change() -> None:
    olds = {"member_ids": {"2": 2, "7": 7}}
    entries = kept_entries(MemberPlan(kept=(7,)), olds)
    assert {p: (d.kind, d.input_diff) for p, d in entries.items()} == {
        'memberIds["7"]': (px.PropertyDiffKind.DELETE, True)}
