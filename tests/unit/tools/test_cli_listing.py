"""`pachca-pulumi users` and `pachca-pulumi tags` against a real emulator on a socket."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from pachca_pulumi.emulator import EmulatorServer

from .test_cli import TOKEN, run


@pytest.fixture(scope="module")
def env() -> Iterator[dict[str, str | None]]:
    with EmulatorServer(tokens=(TOKEN,), quiet=True) as server:
        yield {"PACHCA_TOKEN": TOKEN, "PACHCA_BASE_URL": server.base_url}


def test_users_lists_ids_nicknames_emails_and_names_aligned(env: dict[str, str | None]) -> None:
    result = run("users", env=env)

    lines = result.stdout.splitlines()
    assert result.exit_code == 0, result.output
    assert lines[0].split() == ["id", "nickname", "email", "name", "note"]
    assert lines[1].split() == ["1", "@pachca-bot", "pachca-bot@example.com", "Pachca", "Bot", "bot"]
    assert len(lines) == 1 + 124 and len({line.index("@") for line in lines[1:]}) == 1


def test_users_query_narrows_the_list_as_json(env: dict[str, str | None]) -> None:
    result = run("users", "--query", "nino", "--format", "json", env=env)

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"id": 5, "nickname": "@ninosilva", "email": "nino.silva@example.com", "name": "Nino Silva", "note": ""},
        {"id": 113, "nickname": "@ninozhang", "email": "nino.zhang@example.com", "name": "Nino Zhang", "note": ""},
    ]


def test_tags_lists_ids_names_and_sizes(env: dict[str, str | None]) -> None:
    text = run("tags", env=env).stdout
    listed = json.loads(run("tags", "--format", "json", env=env).stdout)

    assert text.splitlines()[:2] == ["id    name         users_count", "9101  Engineering  43"]
    assert listed[0] == {"id": 9101, "name": "Engineering", "users_count": 43}


def test_users_reads_the_token_from_stdin_and_never_prints_it(env: dict[str, str | None]) -> None:
    result = run("users", "--token", "-", "-q", "sofia", env={**env, "PACHCA_TOKEN": None}, stdin=f"{TOKEN}\n")

    assert result.exit_code == 0, result.output
    assert "@sofiakozlova" in result.stdout and TOKEN not in result.output


def test_tags_without_a_token_is_a_usage_error_naming_the_fixes(env: dict[str, str | None]) -> None:
    result = run("tags", env={**env, "PACHCA_TOKEN": None})

    assert result.exit_code == 2
    assert "PACHCA_TOKEN" in result.stderr and "Traceback" not in result.output
