"""`pachca-pulumi drift` in a project directory: the real `pulumi` CLI and engine, the emulator over HTTP.

A managed chat is changed by hand with a second user's token; the report names that user, the property,
the declared and actual values and the time the audit log recorded. Without audit access the drift is
still reported, without the who. A base URL fixed in config (the emulator moved) is the one used.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.testing import engine_env

pytestmark = pytest.mark.e2e

OWNER, ADMIN = "owner-token-e2e-9c1", "admin-token-e2e-4b7"
CLI = str(Path(sys.executable).parent / "pachca-pulumi")
TIMEOUT = 300
MAIN = '''\
from pachca_pulumi import Chat

Chat("eng", name="Engineering", member_ids=[3, 4])
Chat("ops", name="Ops", member_ids=[8])
'''


class Project:
    """A Pulumi project directory with its own file backend, run with the real CLI."""

    def __init__(self, root: Path, engine: Path, base_url: str) -> None:
        self.dir = root / "chats"
        self.dir.mkdir(parents=True)
        (self.dir / "Pulumi.yaml").write_text("name: chats\nruntime: python\n")
        (self.dir / "__main__.py").write_text(MAIN)
        self.env = engine_env(engine, root)
        self.pulumi("stack", "init", "dev")
        self.pulumi("config", "set", "--secret", "pachca:token", OWNER)
        self.set_base_url(base_url)

    def set_base_url(self, base_url: str) -> None:
        self.pulumi("config", "set", "pachca:baseUrl", base_url)

    def pulumi(self, *args: str) -> str:
        out = subprocess.run(["pulumi", *args, "--non-interactive"], cwd=self.dir, env=self.env,
                             capture_output=True, text=True, timeout=TIMEOUT)
        assert out.returncode == 0, f"pulumi {' '.join(args)}:\n{out.stdout}\n{out.stderr}"
        return out.stdout

    def drift(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return self.cli("drift", *args, **env)

    def cli(self, command: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([CLI, command, "--cwd", str(self.dir), *args], env={**self.env, **env},
                              capture_output=True, text=True, timeout=TIMEOUT)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(tmp_path / "emulator.json", tokens=(OWNER, ADMIN), quiet=True) as emulator:
        yield emulator


def _http(server: EmulatorServer, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.base_url + "/", headers={"Authorization": f"Bearer {token}"})


def _chat_ids(server: EmulatorServer) -> dict[str, int]:
    with _http(server, OWNER) as api:
        return {c["name"]: c["id"] for c in api.get("chats").raise_for_status().json()["data"]}


def _audit(server: EmulatorServer, **params: str) -> list[dict[str, Any]]:
    with _http(server, OWNER) as api:
        return list(api.get("audit_events", params=params).raise_for_status().json()["data"])


def _change_by_hand(server: EmulatorServer) -> int:
    chat_id = _chat_ids(server)["Engineering"]
    with _http(server, ADMIN) as admin:
        admin.put(f"chats/{chat_id}", json={"chat": {"name": "Renamed by Tatiana"}}).raise_for_status()
        admin.delete(f"chats/{chat_id}/members/4").raise_for_status()
    return chat_id


def test_drift_names_the_user_the_property_the_values_and_the_time(tmp_path, engine, server) -> None:
    project = Project(tmp_path, engine, server.base_url)
    project.pulumi("up", "--yes")
    chat_id = _change_by_hand(server)
    [renamed] = _audit(server, event_key="chat_renamed", entity_id=str(chat_id))
    [left] = _audit(server, event_key="user_chat_leave", entity_id=str(chat_id))

    text = project.drift()
    report = project.drift("--format", "json")
    markdown = project.drift("--format", "markdown")

    assert text.returncode == 3, text.stderr
    assert 'name: declared "Engineering", actual "Renamed by Tatiana"' in text.stdout
    assert f"changed by Tatiana Moreau <tatiana.moreau@example.com> at {renamed['created_at']}" in text.stdout
    assert "member_ids: declared Natalia Lopez <natalia.lopez@example.com>, actual not a member" in text.stdout
    assert f"at {left['created_at']}" in text.stdout and "ops" not in text.stdout.split("\n\n")[1]
    changes = json.loads(report.stdout)["chats"][0]["changes"]
    assert report.returncode == 3 and json.loads(report.stdout)["audit"]["available"] is True
    assert {(c["property"], c["changed_by"]["id"], c["changed_at"]) for c in changes} == {
        ("name", 2, renamed["created_at"]), ("member_ids", 2, left["created_at"])}
    assert markdown.returncode == 3 and "| `eng` (" in markdown.stdout and "Tatiana Moreau" in markdown.stdout
    assert OWNER not in text.stdout + text.stderr + report.stdout + markdown.stdout


def test_drift_without_audit_access_reports_the_drift_without_the_who(tmp_path, engine, server) -> None:
    project = Project(tmp_path, engine, server.base_url)
    project.pulumi("up", "--yes")
    _change_by_hand(server)

    result = project.drift(PACHCA_AUDIT_TOKEN=ADMIN)

    assert result.returncode == 3, result.stderr
    assert "Renamed by Tatiana" in result.stdout and "Natalia Lopez" in result.stdout
    assert (result.stdout + result.stderr).count("needs the workspace owner's token") == 1
    assert "changed by Tatiana" not in result.stdout and "changed by: not shown (see the note)" in result.stdout


def test_drift_after_up_refresh_is_clean(tmp_path, engine, server) -> None:
    project = Project(tmp_path, engine, server.base_url)
    project.pulumi("up", "--yes")
    _change_by_hand(server)
    project.pulumi("up", "--refresh", "--yes")

    result = project.drift()

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("No drift in stack dev")


def test_drift_uses_the_base_url_fixed_in_config_not_the_one_in_state(tmp_path, engine) -> None:
    state = tmp_path / "emulator.json"
    with EmulatorServer(state, tokens=(OWNER, ADMIN), quiet=True) as first:
        project = Project(tmp_path, engine, first.base_url)
        project.pulumi("up", "--yes")
    with EmulatorServer(state, tokens=(OWNER, ADMIN), quiet=True) as moved:
        project.set_base_url(moved.base_url)
        _change_by_hand(moved)

        result = project.drift("--format", "json")
        refreshed = project.pulumi("refresh", "--run-program", "--preview-only", "--diff")

    assert result.returncode == 3, result.stderr
    assert {c["property"] for c in json.loads(result.stdout)["chats"][0]["changes"]} == {"name", "member_ids"}
    assert "Renamed by Tatiana" in refreshed


def test_inventory_lists_a_public_chat_nobody_manages(tmp_path, engine, server) -> None:
    project = Project(tmp_path, engine, server.base_url)
    project.pulumi("up", "--yes")
    with _http(server, ADMIN) as admin:
        lobby = admin.post("chats", json={"chat": {"name": "Lobby", "public": True, "channel": True}})
    lobby_id = lobby.raise_for_status().json()["data"]["id"]
    adoption = tmp_path / "unmanaged.yaml"

    listed = project.cli("inventory")
    gate = project.cli("inventory", "--fail-on-unmanaged-public", "--format", "json", "--write", str(adoption))

    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("1 chat visible to the token is managed by no stack (dev):")
    assert f'#{lobby_id} "Lobby"  channel public' in listed.stdout
    assert gate.returncode == 4 and [c["id"] for c in json.loads(gate.stdout)["unmanaged"]] == [lobby_id]
    assert f"adopt_id: {lobby_id}" in adoption.read_text()


def test_every_command_reads_the_stacks_config_in_its_project_directory(tmp_path, engine, server) -> None:
    """`users` and `tags` as `drift` does: the token in stack config is enough, with the real CLI."""
    project = Project(tmp_path, engine, server.base_url)
    env = {key: value for key, value in project.env.items() if key not in ("PACHCA_TOKEN", "PACHCA_BASE_URL")}

    users = subprocess.run([CLI, "users", "--query", "nino", "--cwd", str(project.dir)], env=env,
                           capture_output=True, text=True, timeout=TIMEOUT)
    tags = subprocess.run([CLI, "tags", "--cwd", str(project.dir), "--format", "json"], env=env,
                          capture_output=True, text=True, timeout=TIMEOUT)

    assert users.returncode == 0, users.stderr
    assert "@ninosilva" in users.stdout and OWNER not in users.stdout + users.stderr
    assert tags.returncode == 0 and json.loads(tags.stdout)[0]["name"] == "Engineering", tags.stderr
