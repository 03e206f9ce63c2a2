"""Nothing lost, nothing duplicated: the real engine against an emulator that misbehaves."""

from __future__ import annotations

from collections import Counter

import pytest
from pulumi import automation as auto

from .conftest import Api, chats_program

pytestmark = pytest.mark.e2e


def _specs(count: int) -> dict[str, dict]:
    return {f"c{i:03}": {"name": f"Chat {i:03}", "member_ids": [2 + i % 60]} for i in range(count)}


def _chat_states(stack) -> list[dict]:
    keep = ("urn", "id", "inputs", "outputs")
    return [{k: r.get(k) for k in keep} for r in stack.export()["resources"] if r["type"].endswith("pachca:Chat")]


def _names(api: Api) -> Counter[str]:
    return Counter(chat["name"] for chat in api.chats())


def test_hundred_chats_survive_5xx_and_a_tight_rate_limit(make_stack, api: Api, emulator) -> None:
    specs = _specs(100)
    stack = make_stack(specs)
    emulator.faults.configure(error_rate=0.1, rate_limit=20)

    stack.up()
    refreshed = stack.refresh()
    stack.destroy()

    injected = emulator.faults.counter_values()
    emulator.faults.clear()
    names = _names(api)
    assert names == Counter({spec["name"]: 1 for spec in specs.values()})
    assert all(chat["archived"] for chat in api.chats())
    assert set((refreshed.summary.resource_changes or {}).keys()) == {"same"}
    assert injected["errors"] > 0 and injected["rate_limited"] > 0
    total = api.stats()["total_requests"]
    assert injected["rate_limited"] < 0.1 * total, (injected, total)


def test_lost_create_answers_do_not_create_a_second_chat(make_stack, api: Api, emulator) -> None:
    specs = _specs(8)
    stack = make_stack(specs)
    emulator.faults.configure(drop_after_create=1.0)

    stack.up()

    drops = emulator.faults.counter_values()["drops"]
    emulator.faults.clear()
    assert drops >= len(specs)
    assert _names(api) == Counter({spec["name"]: 1 for spec in specs.values()})
    assert set((stack.up().summary.resource_changes or {}).keys()) == {"same"}


@pytest.mark.parametrize(
    ("mode", "expected", "operation"),
    [
        ("html502", "HTTP 502", "get profile"),  # every route fails: check's token verification is first
        ("not_json", "is not JSON", "get chat {id}"),
        ("missing_fields", "name", "get chat {id}"),
        ("wrong_types", "does not match the spec", "get chat {id}"),
    ],
)
def test_malformed_answers_fail_with_the_operation_and_the_chat(make_stack, api: Api, emulator, mode, expected,
                                                                operation):
    stack = make_stack({"eng": {"name": "Engineering"}})
    stack.up()
    chat_id = api.chats()[0]["id"]
    before = _chat_states(stack)
    emulator.faults.configure(malformed=mode)

    stack.set_program(chats_program({"eng": {"name": "Platform"}}))

    with pytest.raises(auto.CommandError) as failed:
        stack.up()

    emulator.faults.clear()
    message = str(failed.value)
    assert expected in message
    assert operation.format(id=chat_id) in message and "'eng'" in message
    assert "Traceback" not in message
    assert _chat_states(stack) == before
