"""Adoption with `adopt_id`, secrets kept out of state, and bad input stopped before any API call."""

from __future__ import annotations

import logging

import pytest
from pulumi import automation as auto

from .conftest import FRONT_ENDS, TOKEN, Api

pytestmark = pytest.mark.e2e


def _create_by_hand(api: Api, name: str, **extra) -> int:
    body = {"chat": {"name": name, **extra}}
    return int(api.http.post("chats", json=body).raise_for_status().json()["data"]["id"])


@pytest.mark.parametrize("front_end", FRONT_ENDS)
@pytest.mark.parametrize("archived_before", [False, True])
def test_adopt_id_takes_over_an_existing_chat_without_creating_one(make_stack, api: Api, archived_before,
                                                                   front_end: str) -> None:
    chat_id = _create_by_hand(api, "old name", member_ids=[11])
    if archived_before:
        api.http.put(f"chats/{chat_id}/archive").raise_for_status()
    before = len(api.chats())
    stack = make_stack({"team": {"name": "Team", "member_ids": [12], "public": True, "adopt_id": chat_id}},
                       front_end=front_end)

    stack.up()
    again = stack.up()

    assert len(api.chats()) == before
    chat = api.chat(chat_id)
    assert chat["name"] == "Team" and chat["public"] is True and chat["archived"] is False
    assert {11, 12} <= set(chat["member_ids"])
    assert set((again.summary.resource_changes or {}).keys()) == {"same"}


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_token_from_stack_config_is_never_plaintext_in_state(make_stack, front_end: str) -> None:
    stack = make_stack({"eng": {"name": "Engineering"}}, front_end=front_end)
    stack.up()

    assert TOKEN not in stack.export_text()


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_token_from_environment_is_nowhere_in_state_even_with_show_secrets(make_stack, front_end: str) -> None:
    stack = make_stack({"eng": {"name": "Engineering"}}, token_in_config=False, front_end=front_end)
    stack.up()

    assert TOKEN not in stack.export_text(show_secrets=True)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"name": "ok", "member_ids": ["alice"]}, "member_ids"),
        ({"name": "ok", "public": "yes"}, "public"),
    ],
)
def test_bad_input_fails_preview_naming_the_field_without_api_calls(make_stack, api: Api, args, field) -> None:
    stack = make_stack({"bad": args})
    calls_before = api.request_count()

    with pytest.raises(auto.CommandError) as failed:
        stack.preview()

    assert f"{field}" in str(failed.value)
    assert api.request_count() == calls_before


@pytest.mark.parametrize(
    ("token_in_config", "verbosity"),
    # At -v=9 the engine itself logs the decrypted values of *stack config* secrets it hands to
    # providers; a token from PACHCA_TOKEN never passes through it (README, "Security").
    [(False, 9), (True, 8)],
)
def test_token_is_absent_from_verbose_engine_logs(make_stack, token_in_config, verbosity) -> None:
    stack = make_stack({"eng": {"name": "Engineering", "member_ids": [3]}}, token_in_config=token_in_config)
    captured: list[str] = []
    verbose = {"log_verbosity": verbosity, "log_to_std_err": True, "debug": True, "on_output": captured.append}

    result = stack.up(**verbose)
    stack.set_program(_rename("Platform"))
    update = stack.up(**verbose)

    logs = result.stdout + result.stderr + update.stdout + update.stderr + "".join(captured)
    assert f'"v":{verbosity}' in logs, "verbose engine logging did not run"
    assert TOKEN not in logs


def test_token_is_absent_from_emulator_logs(make_stack, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="pachca_pulumi.emulator")
    stack = make_stack({"eng": {"name": "Engineering"}})
    stack.up()

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "POST /api/shared/v1/chats 201" in logged  # the emulator did log the requests
    assert TOKEN not in logged


def _rename(name: str):
    from .conftest import chats_program

    return chats_program({"eng": {"name": name, "member_ids": [3]}})


def test_renaming_an_adopting_resource_keeps_the_chat_active(make_stack, api: Api) -> None:
    chat_id = _create_by_hand(api, "Support")
    stack = make_stack({"support": {"name": "Support", "adopt_id": chat_id}})
    stack.up()
    stack.set_program(_program({"helpdesk": {"name": "Support", "adopt_id": chat_id}}))

    result = stack.up()

    assert result.summary.resource_changes == {"create": 1, "delete": 1, "same": 1}
    assert api.chat(chat_id)["archived"] is False
    assert len(api.by_name("Support")) == 1
    assert set((stack.up().summary.resource_changes or {}).keys()) == {"same"}


def _program(specs):
    from .conftest import chats_program

    return chats_program(specs)


def test_missing_token_fails_preview_with_the_fix(tmp_path, engine, api: Api) -> None:
    from pachca_pulumi.testing import LocalStack

    from .conftest import chats_program

    program = chats_program({"eng": {"name": "Engineering"}})
    stack = LocalStack(tmp_path / "no-token", program, engine_dir=engine)
    calls_before = api.request_count()

    with pytest.raises(auto.CommandError) as failed:
        stack.preview()

    message = str(failed.value)
    assert "pulumi config set --secret pachca:token" in message and "PACHCA_TOKEN" in message
    assert api.request_count() == calls_before
