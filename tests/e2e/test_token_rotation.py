"""Token rotation, end to end (issue 18): the real engine, the emulator hiding private chats from
outsiders (404 or 403), and owner, admin, regular and bot tokens taking turns through plain
`pulumi refresh` (the settings saved in state), `refresh --run-program`, `up --refresh` and the drift
check (`tools/drift.py`'s refresh_preview, what `pachca-pulumi drift` runs). After every cell each
declared chat exists exactly once in the workspace and is in state: nothing duplicated, nothing dropped.
A token that cannot prove a chat gone fails in one line instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from pulumi import automation as auto

from pachca_pulumi import Chat
from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.testing import LocalStack
from pachca_pulumi.tools.drift import DriftError, refresh_preview

pytestmark = pytest.mark.e2e

TOKENS = {"owner": "rot-owner-token-0001", "admin": "rot-admin-token-0002",
          "regular": "rot-regular-token-0003", "bot": "rot-bot-token-0004"}  # users 1, 2, 3 and 122
CHATS = {"solo": dict(name="Solo", member_ids=[8]),  # only its owner (user 1) and user 8
         "with_regular": dict(name="With regular", member_ids=[3, 8]),
         "open": dict(name="Open", member_ids=[8], public=True)}
FAILS = "neither its owner nor a member"
# (token in pachca:token, path, whether it succeeds). Plain refresh and the refresh of `up --refresh`
# read with the settings saved in state: those of the last `up` or `refresh --run-program`, even one
# that failed (the engine saves the program's provider settings before the reads).
CELLS: list[tuple[str, str, bool]] = [
    ("admin", "refresh --run-program", True),    # admin finds the private chats through the listing
    ("owner", "up --refresh", True),             # refresh reads with the saved admin token (issue 18)
    ("admin", "up, then refresh", True),         # admin read twice in a row: the first is no proof
    ("regular", "refresh --run-program", False),  # Solo hidden, no listing: one line, nothing dropped
    ("owner", "refresh", False),                 # saved: the regular token of the failed refresh
    ("owner", "refresh --run-program", True),    # the way out the message names
    ("bot", "drift", False),
    ("admin", "drift", True),
    ("bot", "up, then refresh", False),          # up saves the bot's token; its refresh cannot prove
    ("admin", "up --refresh", False),            # saved: the bot's
    ("admin", "refresh --run-program", True),
    ("owner", "up --refresh", True),             # saved: admin's
    ("owner", "refresh", True),                  # saved: owner's
]


def program() -> None:
    for resource, args in CHATS.items():
        Chat(resource, **args)


def _workspace(server: EmulatorServer) -> list[dict[str, Any]]:
    with httpx.Client(base_url=server.base_url + "/", headers={"Authorization": f"Bearer {TOKENS['owner']}"}) as api:
        pages = [api.get("company/chats", params={"activity": a, "limit": 50}).raise_for_status().json()
                 for a in ("active", "archived")]
        return [c for page in pages for c in page["data"]]


def _assert_once_and_tracked(server: EmulatorServer, stack: LocalStack) -> None:
    names = [c["name"] for c in _workspace(server)]
    state = {r["urn"].rsplit("::", 1)[-1]: r["id"] for r in stack.export()["resources"] if r["type"].endswith("Chat")}
    ids = {c["name"]: str(c["id"]) for c in _workspace(server)}
    assert sorted(names) == sorted(a["name"] for a in CHATS.values()), names
    assert state == {res: ids[args["name"]] for res, args in CHATS.items()}


def _run(stack: LocalStack, path: str) -> None:
    steps: dict[str, Callable[[], Any]] = {
        "refresh": lambda: stack.refresh(),
        "refresh --run-program": lambda: stack.refresh(run_program=True),
        "up --refresh": lambda: stack.up(refresh=True),
        "up, then refresh": lambda: (stack.up(), stack.refresh()),
        "drift": lambda: _no_gone(refresh_preview(stack.stack)),
    }
    steps[path]()


def _no_gone(drift: Any) -> None:
    assert [f for chat in drift.resources for f in chat.findings if f.change == "gone"] == []


@pytest.mark.parametrize("hide", [404, 403])
def test_token_rotation_never_duplicates_or_drops_a_chat(tmp_path: Path, engine: Path, hide: int) -> None:
    with EmulatorServer(tokens=tuple(TOKENS.values()), quiet=True) as server:
        stack = LocalStack(tmp_path, program, engine_dir=engine)
        stack.configure(token=TOKENS["owner"], base_url=server.base_url)
        stack.up()
        server.faults.configure(hide_private=hide)
        for token, path, succeeds in CELLS:
            stack.configure(token=TOKENS[token])
            if succeeds:
                _run(stack, path)
            else:
                with pytest.raises((auto.CommandError, DriftError)) as failure:
                    _run(stack, path)
                text = str(failure.value)
                assert FAILS in text and "Traceback" not in text, (token, path, text[-2000:])
                assert f"answered {hide}" in text and "--run-program" in text
            _assert_once_and_tracked(server, stack)


def test_a_revoked_old_token_fails_plain_refresh_naming_the_fix_and_drops_nothing(tmp_path: Path,
                                                                                  engine: Path) -> None:
    """After a rotation the old token is revoked: plain refresh still reads with it (the settings saved
    in state), fails in one line that names `refresh --run-program`, and that command then works."""
    with EmulatorServer(tokens=tuple(TOKENS.values()), quiet=True) as server:
        stack = LocalStack(tmp_path, program, engine_dir=engine)
        stack.configure(token=TOKENS["admin"], base_url=server.base_url)
        stack.up()  # the admin token is saved in state with the provider's settings
        stack.configure(token=TOKENS["owner"])  # rotated: the stack now has the owner's token
        server.store.tokens.revoke(TOKENS["admin"], datetime.now(timezone.utc))

        with pytest.raises(auto.CommandError) as refused:
            stack.refresh()
        text = str(refused.value)
        stack.refresh(run_program=True)
        stack.refresh()  # later plain refreshes use the token the last one saved

        assert "HTTP 401" in text and "uses the token saved in state" in text and "--run-program" in text
        assert "Traceback" not in text and TOKENS["admin"] not in text and TOKENS["owner"] not in text
        _assert_once_and_tracked(server, stack)
