"""The ``python -m pachca_pulumi.emulator`` command line."""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
from click.testing import CliRunner

from pachca_pulumi.emulator.__main__ import main

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "cli-secret-token-42"


def _first_line(proc: subprocess.Popen, timeout: float = 20) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        assert selector.select(timeout), "the emulator printed nothing"
    return proc.stdout.readline().strip()


@contextlib.contextmanager
def running(
    *args: str, env: dict | None = None, stdin: str | None = None
) -> Iterator[tuple[subprocess.Popen, str]]:
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {})}
    command = [sys.executable, "-m", "pachca_pulumi.emulator", "--port", "0", *args]
    with tempfile.TemporaryFile("w+") as feed:
        feed.write(stdin or "")
        feed.seek(0)
        with subprocess.Popen(
            command, cwd=REPO_ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            stdin=feed,
        ) as proc:
            try:
                yield proc, _first_line(proc)
            finally:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                proc.communicate(timeout=20)


def _client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)


def test_cli_prints_base_url_first_and_serves():
    with running("--quiet", env={"PACHCA_EMULATOR_TOKEN": TOKEN}) as (_, url), _client(url) as client:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/api/shared/v1")
        assert client.get("/profile").json()["data"]["id"] == 1


def test_cli_sigterm_exits_cleanly_and_state_survives_restart(tmp_path):
    state = tmp_path / "state.json"
    env = {"PACHCA_EMULATOR_TOKEN": TOKEN}
    with running("--state", str(state), "--quiet", env=env) as (proc, url), _client(url) as client:
        created = client.post("/chats", json={"chat": {"name": "Survivor"}}).json()["data"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    with running("--state", str(state), env=env) as (_, url), _client(url) as client:
        assert client.get(f"/chats/{created['id']}").json()["data"] == created


def test_cli_logs_method_path_and_status_but_never_the_token():
    with running(env={"PACHCA_EMULATOR_TOKEN": TOKEN}) as (proc, url), _client(url) as client:
        client.get("/chats", params={"limit": 1})
        client.get("/profile", headers={"Authorization": "Bearer another-secret"})
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=20)
    assert "GET /api/shared/v1/chats 200" in stderr
    assert "GET /api/shared/v1/profile 401" in stderr
    assert TOKEN not in stderr and "another-secret" not in stderr
    assert "process list" not in stderr


def test_cli_reads_tokens_from_stdin_with_dash():
    with running("--token", "-", "--quiet", stdin=f"{TOKEN}\nsecond-token-77\n") as (proc, url):
        with _client(url) as client:
            assert client.get("/profile").status_code == 200
        with httpx.Client(base_url=url, headers={"Authorization": "Bearer second-token-77"}) as second:
            assert second.get("/profile").status_code == 200
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=20)
    assert "process list" not in stderr


def test_cli_warns_once_about_a_literal_token_without_printing_it():
    with running("--token", TOKEN, "--quiet") as (proc, url), _client(url) as client:
        assert client.get("/profile").status_code == 200
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=20)
    assert stderr.count("--token on the command line is visible in the process list") == 1
    assert "PACHCA_EMULATOR_TOKEN" in stderr and TOKEN not in stderr


def test_cli_help_explains_the_token_to_user_mapping():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "token_user_ids[i]" in result.output and "token 1 -> user 1 @pachca-bot" in result.output
    assert "GET /company/chats" in result.output and "403" in result.output


def test_cli_help_token_table_is_the_default_seeds():
    seed = json.loads((REPO_ROOT / "pachca_pulumi" / "emulator" / "seed.json").read_text())
    nicknames = {user["id"]: user["nickname"] for user in seed["users"]}
    expected = [f"token {i} -> user {uid} @{nicknames[uid]} " for i, uid in enumerate(seed["token_user_ids"], 1)]

    shown = [line.strip() for line in CliRunner().invoke(main, ["--help"]).output.splitlines()]

    assert [line[:len(want)] for line, want in zip(
        [line for line in shown if line.startswith("token ")], expected, strict=True)] == expected
    assert "token 4 -> user 122 @ci-bot (CI Bot; a bot; role user; in no group tag)" in shown


def test_cli_refuses_non_loopback_host():
    result = CliRunner().invoke(main, ["--token", TOKEN, "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "--allow-remote" in result.output


def test_cli_requires_a_token():
    result = CliRunner().invoke(main, [], env={"PACHCA_EMULATOR_TOKEN": None})
    assert result.exit_code == 2 and "--token" in result.output


def test_cli_rejects_an_invalid_seed(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text('{"users": []}')
    result = CliRunner().invoke(main, ["--token", TOKEN, "--seed", str(seed)])
    assert result.exit_code == 1 and "at least one user" in result.output
