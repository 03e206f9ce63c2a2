"""The `Chat` resource in a Pulumi program (engine mocked): type token and registration at scale."""

from __future__ import annotations

import inspect
import pickle
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

from pachca_pulumi import Chat
from pachca_pulumi.chat.schema import OUTPUT_NAMES, PROGRAM_INPUTS, default


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

