"""`import` sees what the token can see: public chats, chats asked for by id, and an explained empty listing;
it reads the stack's config in a project directory; `recover --dry-run` with nothing to do says so."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.tools.cli import main

OWNER, ADMIN, USER, BOT = "owner-tok-1", "admin-tok-2", "user-tok-3", "bot-tok-4"  # bot: user 122, in no chat


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(tokens=(OWNER, ADMIN, USER, BOT), quiet=True) as emulator:
        yield emulator


def _chat(server: EmulatorServer, name: str, **fields: Any) -> int:
    with httpx.Client(base_url=server.base_url + "/", headers={"Authorization": f"Bearer {OWNER}"}) as api:
        return int(api.post("chats", json={"chat": {"name": name, **fields}}).raise_for_status().json()["data"]["id"])


def _import(server: EmulatorServer, token: str, *args: str) -> Result:
    env = {"PACHCA_TOKEN": token, "PACHCA_BASE_URL": server.base_url}
    return CliRunner().invoke(main, ["import", *args], env=env)


def _adopted(program: str) -> list[int]:
    calls = [n for n in ast.walk(ast.parse(program)) if isinstance(n, ast.Call)]
    return [int(k.value.value) for c in calls for k in c.keywords  # type: ignore[attr-defined]
            if k.arg == "adopt_id"]


def test_import_with_a_bot_in_no_chat_lists_public_chats(server):
    lobby = _chat(server, "Lobby", public=True)
    _chat(server, "Private")

    result = _import(server, BOT)

    assert result.exit_code == 0, result.output
    assert _adopted(result.stdout) == [lobby]


def test_import_with_nothing_visible_explains_why_and_what_to_do(server):
    _chat(server, "Private")

    result = _import(server, BOT)

    assert result.exit_code == 0, result.output
    assert "ci-bot" in result.stderr and "(a bot)" in result.stderr and "member of no group chat" in result.stderr
    assert "admin's token" in result.stderr and "imported 0 of 0 listed chats" in result.stderr


def test_import_by_id_takes_a_chat_that_answers_although_it_is_not_listed(server):
    private = _chat(server, "Private", member_ids=[5])

    result = _import(server, USER, "--id", str(private))

    assert result.exit_code == 0, result.output
    assert _adopted(result.stdout) == [private]


def test_import_by_id_of_an_absent_chat_names_the_404(server):
    result = _import(server, USER, "--id", "424242")

    assert result.exit_code == 1
    assert "--id 424242: no chat with this id is visible to the token (GET /chats/424242: 404)" in result.stderr


def test_import_keeps_a_name_with_spaces_adoptable(server):
    spaced = _chat(server, "  Spaced out ", public=True)

    result = _import(server, OWNER)

    assert _adopted(result.stdout) == [spaced] and 'name="Spaced out"' in result.stdout


def _fake_pulumi(tmp_path: Path, config: str, managed: tuple[tuple[str, int], ...] = ()) -> Path:
    """A `pulumi` on PATH for a project with one stack `dev`: `stack ls` lists it, `stack export`
    holds a resource per `(type, id)` of `managed`, and `config --json --show-secrets` is `config`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    resources = ",".join(f'{{"urn": "urn:x::{i}", "type": "{t}", "id": "{i}"}}' for t, i in managed)
    export = f'{{"version": 3, "deployment": {{"resources": [{resources}]}}}}'
    script = bin_dir / "pulumi"
    script.write_text("#!/bin/sh\ncase \"$*\" in\n"
                      "  *'stack ls'*) echo '[{\"name\": \"dev\", \"current\": true}]' ;;\n"
                      "  *'stack select'*) ;;\n"
                      f"  *'stack export'*) cat <<'EOF'\n{export}\nEOF\n ;;\n"
                      f"  *) cat <<'EOF'\n{config}\nEOF\n ;;\nesac\n")
    script.chmod(0o755)
    return bin_dir


def _project(tmp_path: Path, server: EmulatorServer) -> tuple[Path, str]:
    """A project directory, and its stack's config as `pulumi config --json --show-secrets` prints it."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: chats\nruntime: python\n")
    config = (f'{{"pachca:token": {{"value": "{OWNER}", "secret": true}}, '
              f'"pachca:baseUrl": {{"value": "{server.base_url}"}}}}')
    return project, config


def test_import_in_a_project_directory_reads_the_stack_config(server, tmp_path, monkeypatch):
    lobby = _chat(server, "Lobby", public=True)
    project, config = _project(tmp_path, server)
    monkeypatch.setenv("PATH", f"{_fake_pulumi(tmp_path, config)}:{__import__('os').environ['PATH']}")

    result = CliRunner().invoke(main, ["import", "--cwd", str(project)], env={"PACHCA_TOKEN": None,
                                                                            "PACHCA_BASE_URL": None})

    assert result.exit_code == 0, result.output
    assert _adopted(result.stdout) == [lobby] and OWNER not in result.output


def test_import_pointed_at_a_stack_leaves_out_what_it_manages(server, tmp_path, monkeypatch):
    managed_chat, lobby = _chat(server, "Managed", public=True), _chat(server, "Lobby", public=True)
    project, config = _project(tmp_path, server)
    fake = _fake_pulumi(tmp_path, config, (("pulumi-python:dynamic/pachca:Chat", managed_chat),
                                           ("pachca:index:GroupTag", 9101)))
    monkeypatch.setenv("PATH", f"{fake}:{__import__('os').environ['PATH']}")
    env = {"PACHCA_TOKEN": None, "PACHCA_BASE_URL": None}

    left_out = CliRunner().invoke(main, ["import", "--cwd", str(project), "--group-tags"], env=env)
    everything = CliRunner().invoke(main, ["import", "--cwd", str(project), "--include-managed"], env=env)

    assert left_out.exit_code == 0, left_out.output
    adopted = _adopted(left_out.stdout)  # chats and, with --group-tags, the tags
    assert lobby in adopted and managed_chat not in adopted and 9101 not in adopted and 9102 in adopted
    assert ("left out 1 chat and 1 group tag that stack dev already manages (--include-managed writes them too)"
            in left_out.stderr)
    assert everything.exit_code == 0, everything.output
    assert _adopted(everything.stdout) == [managed_chat, lobby] and "left out" not in everything.stderr


@pytest.mark.parametrize("command", ["users", "tags"])
def test_listings_read_the_stack_config_before_the_environment(server, tmp_path, monkeypatch, command: str):
    """`users` and `tags` in a project directory use the stack's pachca:token and pachca:baseUrl, as
    `pulumi up` and `drift` do, even with another PACHCA_TOKEN exported."""
    project, config = _project(tmp_path, server)
    monkeypatch.setenv("PATH", f"{_fake_pulumi(tmp_path, config)}:{__import__('os').environ['PATH']}")

    result = CliRunner().invoke(main, [command, "--cwd", str(project), "--format", "json"],
                                env={"PACHCA_TOKEN": "not-this-token-91c2", "PACHCA_BASE_URL": None})

    assert result.exit_code == 0, result.output
    assert "not-this-token-91c2" not in result.output and OWNER not in result.output
    assert "--stack" in CliRunner().invoke(main, [command, "--help"]).output


def test_a_listing_whose_stack_config_cannot_be_read_says_so_and_uses_pachca_token(server, tmp_path, monkeypatch):
    project, _config = _project(tmp_path, server)
    monkeypatch.setenv("PATH", str(tmp_path / "no-pulumi-here"))

    result = CliRunner().invoke(main, ["tags", "--cwd", str(project)],
                                env={"PACHCA_TOKEN": OWNER, "PACHCA_BASE_URL": server.base_url})

    assert result.exit_code == 0, result.output
    assert "note: the stack's config in" in result.stderr and "PACHCA_TOKEN is used" in result.stderr
    assert "Engineering" in result.stdout and OWNER not in result.output
