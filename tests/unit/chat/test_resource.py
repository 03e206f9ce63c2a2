"""The `Chat` resource in a Pulumi program (engine mocked): type token and registration at scale."""

from __future__ import annotations

import asyncio
import inspect
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import pulumi
import pytest

from pachca_pulumi import Chat
from pachca_pulumi.chat.schema import OUTPUT_NAMES, PEOPLE, PROGRAM_INPUTS, default


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return {}, []


@pytest.fixture
def mocked_engine() -> Iterator[None]:
    pulumi.runtime.set_mocks(_Mocks(), project="proj", stack="dev", preview=False)
    yield
    pulumi.runtime.settings.reset_options()


def test_resource_registration_leaves_the_pickler_as_it_found_it(mocked_engine: None) -> None:
    before = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]

    Chat("one", name="One")

    assert pickle._Pickler._batch_setitems is before  # type: ignore[attr-defined]


def test_resource_registration_survives_more_than_a_thousand_chats(mocked_engine: None) -> None:
    chats = [Chat(f"c{i}", name=f"Chat {i}", member_ids=[i + 1]) for i in range(1200)]

    assert len(chats) == 1200  # pulumi.dynamic alone fails with RecursionError near 960


def test_resource_type_token_reads_pachca_chat() -> None:
    assert Chat._resource_type_name == "dynamic/pachca:Chat"


def test_resource_signature_takes_exactly_the_schema_inputs_with_their_defaults() -> None:
    parameters = inspect.signature(Chat.__init__).parameters
    declared = {name: p.default for name, p in parameters.items() if name not in ("self", "resource_name", "opts")}

    assert list(declared) == list(PROGRAM_INPUTS)
    assert declared.pop("name") is inspect.Parameter.empty  # the one required input
    for field, value in declared.items():  # collections default to None (no shared mutable default)
        assert value == (None if isinstance(default(field), (list, dict)) else default(field)), field


def test_resource_annotates_every_schema_output() -> None:
    annotations = Chat.__annotations__

    assert set(OUTPUT_NAMES) <= set(annotations)
    assert all(str(annotations[name]).startswith("pulumi.Output[") for name in OUTPUT_NAMES)



class _MissingUser4(_Mocks):
    """The engine's answer when the API left user 4 out of every chat it created."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        outputs = {key: {str(ref): ref for ref in value} if key in PEOPLE and isinstance(value, list) else value
                   for key, value in args.inputs.items()}
        return f"{args.name}-id", {**outputs, "missing_member_ids": {"4": 4}}


def _on_a_fresh_loop(mocks: pulumi.runtime.Mocks) -> Iterator[None]:
    """The engine mocked by `mocks`, on a fresh event loop: these programs run to the end, and must not
    run what registrations earlier tests left queued on the shared loop."""
    previous, loop = asyncio.get_event_loop(), asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_mocks(mocks, project="proj", stack="dev", preview=False)
    yield
    pulumi.runtime.settings.reset_options()
    asyncio.set_event_loop(previous)
    loop.close()


@pytest.fixture
def api_left_out_user_4() -> Iterator[None]:
    yield from _on_a_fresh_loop(_MissingUser4())


@pytest.mark.parametrize("members", [
    lambda: [3, 4],
    lambda: pulumi.Output.from_input([3, 4]),
    lambda: [3, pulumi.Output.from_input(4)],
], ids=["written out", "an output", "one output"])
def test_resource_fails_the_run_when_the_api_left_out_a_declared_member(api_left_out_user_4: None,
                                                                        members: Callable[[], Any]) -> None:
    @pulumi.runtime.test
    def program() -> pulumi.Output[str]:
        return Chat("eng", name="Eng", member_ids=members()).id

    with pytest.raises(pulumi.RunError, match="Chat 'eng': the API created the chat without members 4"):
        program()


def test_resource_passes_when_the_member_left_out_is_no_longer_declared(api_left_out_user_4: None) -> None:
    @pulumi.runtime.test
    def program() -> pulumi.Output[str]:
        return Chat("eng", name="Eng", member_ids=[3]).id

    assert program() is None


class _LeanState(_Mocks):
    """The engine's answer as lean state keeps it (`chat/state.py`): outputs at their absent value left out."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.name == "old":  # as a release before keyed id sets stored it (numbers come back as floats)
            return "old-id", {"name": "Old", "present_member_ids": [1.0, 5.0], "member_ids": {"5": 5.0}}
        return f"{args.name}-id", {"name": "Eng", "__schema": 1, "present_member_ids": {"1": 1}, "owner_id": 1}


@pytest.fixture
def lean_state() -> Iterator[None]:
    yield from _on_a_fresh_loop(_LeanState())


def test_resource_outputs_state_leaves_out_read_as_their_value_not_none(lean_state: None) -> None:
    seen: list[Any] = []

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        chat = Chat("eng", name="Eng")
        return pulumi.Output.all(chat.exclusive_members, chat.editors, chat.group_tags, chat.tag_member_ids,
                                 chat.admin_ids, chat.adopt_id, chat.present_member_ids).apply(seen.extend)

    program()
    exclusive, editors, group_tags, tag_members, admin_ids, adopt_id, present = seen
    assert (exclusive, editors, group_tags, tag_members) == (False, {}, [], {})
    assert admin_ids is None and adopt_id is None  # unread roles and no adoption stay None
    assert present == {"1": 1}


def test_resource_outputs_an_earlier_release_stored_as_lists_read_as_keyed_maps(lean_state: None) -> None:
    seen: list[Any] = []

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        chat = Chat("old", name="Old")
        return pulumi.Output.all(chat.present_member_ids, chat.member_ids).apply(seen.extend)

    program()
    assert seen == [{"1": 1, "5": 5}, {"5": 5}]


def test_resource_output_left_out_reads_as_its_value_though_the_sdk_falls_back_to_the_input(
        lean_state: None) -> None:
    """For an output state leaves out, the SDK hands the program its own input (here a list, where
    the output is a map): it used to fail the program with `Expected 'list' got 'dict[str, int]'`."""
    seen: list[Any] = []

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        chat = Chat("eng", name="Eng", editors=pulumi.Output.from_input([]), members=[])
        return pulumi.Output.all(chat.editors, chat.members).apply(seen.extend)

    program()
    assert seen == [{}, {}]
