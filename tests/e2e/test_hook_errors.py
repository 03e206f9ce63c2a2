"""Every hook that fails reaches the terminal as one readable line, with the real engine, for every
resource: create, update, refresh (read) and destroy (delete) of a `Chat` and a `GroupTag`, and a
configuration error. `make test` runs this file under the pinned SDK and again under the newest one
(whose dynamic host aborts with `traceback.format_exc()`; `kit/oneline.py`). The emulator refuses the
chosen methods with a 422 (`error_status`), which the client does not retry, so each failure is at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pulumi import automation as auto

from pachca_pulumi import Chat, GroupTag
from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.testing import LocalStack

from .conftest import TOKEN

pytestmark = pytest.mark.e2e


def _program(*, chat: str = "Engineering", tag: str = "SRE crew", extra_chat: bool = False) -> Callable[[], None]:
    def program() -> None:
        GroupTag("sre", name=tag, members=[3])
        Chat("eng", name=chat, members=["@ninosilva"])
        if extra_chat:
            Chat("ops", name="Ops")

    return program


def _failure(run: Callable[[], object]) -> str:
    with pytest.raises(auto.CommandError) as info:
        run()
    return str(info.value)


def assert_readable(text: str, *expected: str) -> None:
    """Each expected message stands on one line; no provider traceback (no `error: Traceback` line, no
    frame of this package or of the SDK's dynamic host), no token. (A failed inline run can add the
    Automation API's own server traceback, which is the test harness, not what a CLI user sees.)"""
    lines = text.splitlines()
    for message in expected:
        assert any(message in line for line in lines), f"{message!r} is not on one line of:\n{text}"
    assert not [line for line in lines if "error: Traceback" in line or "pachca_pulumi/" in line
                or "pulumi/dynamic/" in line], text
    assert TOKEN not in text


def test_every_failing_hook_is_one_line(tmp_path: Path, engine: Path) -> None:
    """One failure per run: the engine stops the other steps of a run once one fails."""
    with EmulatorServer(tokens=(TOKEN,), quiet=True) as server:
        stack = LocalStack(tmp_path / "hooks", _program(), engine_dir=engine)
        stack.configure(token=TOKEN, base_url=server.base_url)
        stack.up()

        def failing(program: Callable[[], None], run: str, methods: list[str]) -> str:
            server.faults.configure(error_rate=1.0, error_status=422, error_methods=methods)
            stack.set_program(program)
            try:
                return _failure(getattr(stack, run))
            finally:
                server.faults.clear()

        writes = ["POST", "PUT", "DELETE"]
        updated = failing(_program(chat="Engineering 2"), "up", writes)
        created = failing(_program(extra_chat=True), "up", writes)
        renamed_tag = failing(_program(tag="SRE crew 2"), "up", writes)
        refreshed = failing(_program(), "refresh", ["GET"])
        destroyed = failing(_program(), "destroy", ["PUT", "DELETE"])

    assert_readable(updated, "update chat 'eng' (id ", "HTTP 422")
    assert_readable(created, "create chat 'ops'", "HTTP 422")
    assert_readable(renamed_tag, "group tag", "HTTP 422")
    assert_readable(refreshed, "HTTP 422")
    assert_readable(destroyed, "HTTP 422")


def test_a_missing_token_is_one_line(tmp_path: Path, engine: Path) -> None:
    with EmulatorServer(tokens=(TOKEN,), quiet=True) as server:
        stack = LocalStack(tmp_path / "no-token", _program(), engine_dir=engine,
                           extra_env={"PACHCA_BASE_URL": server.base_url})

        text = _failure(stack.preview)

    assert_readable(text, "pachca:token")
