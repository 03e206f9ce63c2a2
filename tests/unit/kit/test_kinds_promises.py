"""Every resource class the package exports keeps every promise, because each is a kind of the kit
(`kit/provider.py`): a third resource cannot forget one. Against the emulator over real HTTP, through
each provider's production `connect` (the process's session for the token)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest, Resource
from pulumi.dynamic.dynamic import serialize_provider

import pachca_pulumi
from pachca_pulumi.api.errors import PachcaError
from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.kinds import kind_named, kind_of
from pachca_pulumi.kinds import kinds as registry
from pachca_pulumi.kit.drift import ResourceDrift
from pachca_pulumi.kit.provider import KINDS, KitProvider
from pachca_pulumi.tools.drift import resource_drift

TOKEN = "kinds-promise-token-3e9b"


def exported_resources() -> list[str]:
    return sorted(name for name in pachca_pulumi.__all__
                  if isinstance(obj := getattr(pachca_pulumi, name), type) and issubclass(obj, Resource))


def kinds() -> list[type[KitProvider[Any]]]:
    exported_resources()  # importing the resource classes registers their kinds
    assert registry() == sorted(KINDS.values(), key=lambda cls: cls.resource_type)
    return registry()


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(tokens=(TOKEN,), quiet=True) as running:
        yield running


def provider_of(cls: type[KitProvider[Any]], server: EmulatorServer, token: str = TOKEN) -> KitProvider[Any]:
    provider = cls()
    provider.configure(ConfigureRequest(Config({"pachca:token": token, "pachca:baseUrl": server.base_url}, "proj")))
    return provider


def declared(cls: type[KitProvider[Any]], resource: str, **extra: Any) -> dict[str, Any]:
    """The kind's example under a name of its own (a tag's name is unique in the workspace)."""
    return {**cls.example, "name": f"{cls.example['name']} {resource}", "__name": resource, **extra}


def one_line(error: BaseException | str, token: str = TOKEN) -> str:
    text = str(error)
    assert "\n" not in text and "Traceback" not in text and token not in text, text
    return text


def test_every_exported_resource_is_a_kind_of_the_kit() -> None:
    assert exported_resources() == ["Chat", "GroupTag"]
    assert [cls.resource_type for cls in kinds()] == exported_resources()


@pytest.mark.parametrize("cls", kinds(), ids=lambda cls: cls.resource_type)
def test_a_kind_is_pickled_by_reference_with_nothing_captured(cls: type[KitProvider[Any]],
                                                              server: EmulatorServer) -> None:
    serialized = serialize_provider(provider_of(cls, server))

    assert len(serialized) < 300 and TOKEN not in serialized


@pytest.mark.parametrize("cls", kinds(), ids=lambda cls: cls.resource_type)
def test_a_kind_names_an_unknown_property_and_what_it_takes(cls: type[KitProvider[Any]],
                                                            server: EmulatorServer) -> None:
    result = provider_of(cls, server).check({}, declared(cls, "x", colour="red"))

    [failure] = result.failures or []
    assert failure.property == "colour"
    assert one_line(failure.reason).startswith(f"unknown property 'colour'; a {cls.resource_type} takes: name")


@pytest.mark.parametrize("cls", kinds(), ids=lambda cls: cls.resource_type)
def test_a_kind_fails_a_refused_token_in_preview_as_the_stacks_problem(cls: type[KitProvider[Any]],
                                                                       server: EmulatorServer) -> None:
    refused = "refused-token-for-kinds-71c2"
    result = provider_of(cls, server, refused).check({}, declared(cls, "x"))

    [failure] = result.failures or []
    assert one_line(failure.reason, refused).startswith(
        f"the stack's Pachca API settings fail for every {cls.kind} (found checking {cls.kind} 'x'), so nothing "
        "was changed:")


@pytest.mark.parametrize("cls", kinds(), ids=lambda cls: cls.resource_type)
def test_a_kind_fails_a_hook_in_one_line_naming_the_operation_and_the_resource(cls: type[KitProvider[Any]],
                                                                               server: EmulatorServer) -> None:
    provider = provider_of(cls, server)
    checked = provider.check({}, declared(cls, "gone"))
    assert not checked.failures, [f.reason for f in checked.failures or []]

    with pytest.raises(PachcaError) as info:
        provider.update("999999", dict(checked.inputs), dict(checked.inputs))

    assert one_line(info.value).startswith(f"update {cls.kind} 'gone' (id 999999): ")


@pytest.mark.parametrize("cls", kinds(), ids=lambda cls: cls.resource_type)
def test_a_kind_keeps_one_owner_per_target(cls: type[KitProvider[Any]], server: EmulatorServer) -> None:
    provider = provider_of(cls, server)
    made = provider.create(dict(provider.check({}, declared(cls, "first")).inputs))
    outs = dict(made.outs or {})
    provider.diff(str(made.id), outs, {**outs, "__name": "first"})

    with pytest.raises(PachcaError) as info:
        provider.diff(str(made.id), outs, {**outs, "__name": "second"})

    assert one_line(info.value).startswith(
        f"{cls.kind} {made.id} is claimed by two resources, 'first' and 'second'; one {cls.kind} has one owner")


MISTAKES = """\
group_tags:
  team: {name: Team of mistakes, members: ["@nobody-in-tags"]}
chats:
  one: {name: One, member_ids: [99999]}
  two: {name: Two, members: ["@nobody-in-chats"]}
"""


@pytest.mark.parametrize("cls", kinds(), ids=lambda cls: cls.resource_type)
def test_a_kind_failing_its_check_lists_the_rest_of_its_data_file(cls: type[KitProvider[Any]], tmp_path,
                                                                  server: EmulatorServer) -> None:
    """The engine stops at the first failed check, so that one failure lists the file's other mistakes."""
    data_file = tmp_path / "teams.yaml"
    data_file.write_text(MISTAKES, encoding="utf-8")
    bad = {cls.people_field: ["@nobody-here"]}  # the kind's people field (a made-up third kind's differs)
    result = provider_of(cls, server).check({}, declared(cls, "x", **bad, __data_file=str(data_file)))

    own, rest = result.failures or []
    assert own.property == cls.people_field and "@nobody-here" in own.reason
    assert rest.reason.splitlines() == [
        "teams.yaml has 3 more problems in other resources (the engine stops at the first that fails, so they "
        "are listed here):",
        "  group_tags.team.members: @nobody-in-tags is not a user of this workspace (in members of group tag 'team')",
        "  chats.one.member_ids: 99999 is not a user of this workspace (in member_ids of chat 'one')",
        "  chats.two.members: @nobody-in-chats is not a user of this workspace (in members of chat 'two')",
    ]
    assert len(provider_of(cls, server).check({}, declared(cls, "x", __data_file=str(data_file))).failures) == 0


@pytest.mark.parametrize("cls", kinds(), ids=lambda cls: cls.resource_type)
def test_a_kinds_delete_says_what_it_did_in_its_own_words(cls: type[KitProvider[Any]], server: EmulatorServer,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """`destroy` says "deleted" for an archived chat and a tag deleted for good: each kind tells which."""
    provider = provider_of(cls, server)
    props = declared(cls, f"gone-{cls.resource_type}")
    created = provider.create(provider.check({}, props).inputs)
    destroying = provider_of(cls, server)  # another run: `destroy` creates nothing
    capsys.readouterr()

    destroying.delete(created.id, {**props, **created.outs})
    again = capsys.readouterr().err
    destroying.delete(created.id, {**props, **created.outs})
    twice = capsys.readouterr().err

    said = {"Chat": f"archived chat {created.id} (Pachca cannot delete chats",
            "GroupTag": f"deleted group tag {created.id} for good"}[cls.resource_type]
    assert again.startswith(f"{cls.kind} 'gone-{cls.resource_type}': {said}") and "warning" not in again
    gone = {"Chat": f"archived chat {created.id}", "GroupTag": f"group tag {created.id} was already gone"}
    assert gone[cls.resource_type] in twice


@pytest.mark.parametrize("cls", kinds(), ids=lambda cls: cls.resource_type)
def test_a_kind_is_in_the_tools_registry_with_its_own_drift(cls: type[KitProvider[Any]]) -> None:
    """`drift`, `inventory` and `import` find a kind by either type token and read its drift through
    its hooks: nothing in `tools/` names it."""
    from pulumi.automation import events

    assert all(kind_of(token) is cls for token in cls.type_tokens()) and kind_named(cls.kind) is cls
    hooks = cls.drift
    assert issubclass(hooks.drift_type, ResourceDrift) and hooks.drift_type.kind == cls.kind
    assert hooks.compare(dict(cls.example), dict(cls.example), {}) == ()
    [renamed] = hooks.compare(dict(cls.example), {**cls.example, "name": "Renamed by hand"}, {})
    assert (renamed.property, renamed.declared, renamed.actual) == ("name", cls.example["name"], "Renamed by hand")

    token = sorted(cls.type_tokens())[0]
    old = events.StepEventStateMetadata(type=token, urn="urn:x::it", id="4242", parent="", provider="",
                                        inputs=dict(cls.example), outputs={})
    gone = resource_drift(events.StepEventMetadata(op=events.OpType.DELETE, urn="urn:x::it", type=token,
                                                   old=old, new=None, provider=""), cls)
    assert isinstance(gone, hooks.drift_type) and (gone.entity_id, gone.name) == (4242, cls.example["name"])
    assert [(f.change, f.declared) for f in gone.findings] == [("gone", f"{cls.kind} 4242")]


def test_each_kind_has_its_own_place_in_the_drift_report() -> None:
    places = [(cls.drift.report_key, cls.drift.id_key, cls.drift.drift_type) for cls in kinds()]
    assert len({key for key, _id, _type in places}) == len({t for _key, _id, t in places}) == len(places)
