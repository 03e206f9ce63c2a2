"""Errors a person can read, with the real engine: an unreachable API names the URL and the setting that
chose it, in one line, with no Python traceback and no retry chatter in the output of `up`; warnings
about suspended people and bots reach the terminal."""

from __future__ import annotations

import socket

import pytest
from pulumi import automation as auto

from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.emulator.seed import load_seed
from pachca_pulumi.emulator.store.tokens import ADMIN_SCOPES
from pachca_pulumi.testing import LocalStack

from .conftest import FRONT_ENDS, TOKEN, chats_program

pytestmark = pytest.mark.e2e


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _failed_up(stack) -> str:
    """Everything `up` printed (its streamed output and the error), for a run that must fail."""
    printed: list[str] = []
    with pytest.raises(auto.CommandError) as info:
        stack.up(on_output=printed.append)
    return "\n".join(printed) + "\n" + str(info.value)


def _assert_quiet(text: str) -> None:
    assert "Traceback" not in text and "retry_scheduled" not in text and "stamina" not in text
    assert TOKEN not in text


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_unreachable_api_from_stack_config_names_the_url_and_pachca_base_url(make_stack,
                                                                            front_end: str) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/api/shared/v1"
    stack = make_stack({"eng": {"name": "Engineering", "members": ["@ninosilva"]}}, front_end=front_end)
    stack.configure(base_url=url)

    text = _failed_up(stack)

    line = next(line for line in text.splitlines() if "could not reach" in line)
    assert f"could not reach the Pachca API at {url} (set by the stack config pachca:baseUrl)" in line
    assert "chat 'eng'" in line
    _assert_quiet(text)


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_a_refused_token_is_the_stacks_problem_said_once_in_one_line(make_stack, emulator, api,
                                                                     front_end: str) -> None:
    stack = make_stack({"eng": {"name": "Engineering"}, "ops": {"name": "Ops"}}, front_end=front_end)
    stack.configure(token="refused-token-5c1e9a77", base_url=emulator.base_url)
    api.http.post(api.server.root_url + "/_emulator/stats/reset").raise_for_status()

    text = _failed_up(stack)

    lines = [line for line in text.splitlines() if "the stack's Pachca API settings fail for every chat" in line]
    assert lines and all("401" in line for line in lines), text
    assert len({line.split("settings fail")[1] for line in lines}) == 1  # one problem, however many chats
    assert "refused-token-5c1e9a77" not in text
    _assert_quiet(text)
    assert {route.split()[0] for route in api.stats()["by_route"]} <= {"GET"}  # nothing written


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_a_base_url_off_the_api_is_the_stacks_problem_naming_the_url(make_stack, emulator, front_end: str) -> None:
    url = emulator.root_url  # the API's path left off: the server answers 404 to everything
    stack = make_stack({"eng": {"name": "Engineering"}, "ops": {"name": "Ops"}}, front_end=front_end)
    stack.configure(base_url=url)

    text = _failed_up(stack)

    lines = [line for line in text.splitlines() if "does not serve the Pachca API" in line]
    assert lines and all("the stack's Pachca API settings fail for every chat" in line for line in lines), text
    assert f"{url} (set by the stack config pachca:baseUrl) does not serve the Pachca API" in lines[0]
    assert "/api/shared/v1" in lines[0] and "cannot verify chat" not in text
    _assert_quiet(text)


def test_unreachable_api_from_the_environment_names_pachca_base_url(make_stack, emulator) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/api/shared/v1"
    stack = make_stack({"eng": {"name": "Engineering"}}, token_in_config=False)
    stack.stack.workspace.env_vars["PACHCA_BASE_URL"] = url

    text = _failed_up(stack)

    assert f"could not reach the Pachca API at {url} (set by the environment variable PACHCA_BASE_URL)" in text
    _assert_quiet(text)


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_api_errors_during_up_show_no_retry_lines_or_traceback(make_stack, emulator, front_end: str) -> None:
    stack = make_stack({"eng": {"name": "Engineering"}}, front_end=front_end)
    emulator.faults.configure(error_rate=1.0)

    text = _failed_up(stack)

    emulator.faults.clear()
    assert "HTTP 503" in text and "chat 'eng'" in text
    _assert_quiet(text)


def test_a_bot_among_members_is_a_warning_the_engine_shows(make_stack, api) -> None:
    stack = make_stack({"eng": {"name": "Engineering", "members": ["@ci-bot", "@ninosilva"]}})
    expected = "warning: chat 'eng': @ci-bot (CI Bot) in members is a bot"

    preview = stack.preview(diff=True, color="never")
    printed: list[str] = []
    stack.up(on_output=printed.append, color="never")

    assert expected in preview.stderr  # `preview --diff` prints the provider's stderr on stderr
    assert expected in "\n".join(printed)  # `up` shows it under Diagnostics, attributed to the stack
    assert len(api.by_name("Engineering")) == 1


def test_a_token_short_of_a_scope_fails_preview_naming_it_with_no_write(tmp_path, engine) -> None:
    seed = load_seed()
    seed["users"][0]["token_scopes"] = [s for s in ADMIN_SCOPES if s not in ("chat_members:write", "chats:archive")]
    with EmulatorServer(tokens=(TOKEN,), seed=seed, quiet=True) as server:
        stack = LocalStack(tmp_path / "scopes", chats_program({"eng": {"name": "Engineering", "members": [5]}}),
                           engine_dir=engine)
        stack.configure(token=TOKEN, base_url=server.base_url)

        text = _failed_up(stack)

        writes = [route for route in server.stats.snapshot()["by_route"] if not route.startswith("GET")]
    assert ("the token lacks scopes chat 'eng' needs: chat_members:write (changing members and group tags), "
            "chats:archive (archiving a chat removed from the program)") in text
    _assert_quiet(text)
    assert writes == []
