"""End-to-end fixtures: the real pulumi engine (Automation API, file backend) against the emulator.

The engine comes from $PACHCA_PULUMI_ENGINE (`make test` sets it) or scripts/ensure-pulumi-cli.
Assertions read the emulator's state through its HTTP API with plain httpx, never through the
code under test.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pulumi
import pytest

from pachca_pulumi import Chat
from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.native.values import camel
from pachca_pulumi.testing import ENGINE_DIR_ENV, LocalStack

from .yaml_project import install_native_plugin

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "e2e-secret-token-6f1d"
TOKEN_USER = 1  # the emulator maps the first token to seeded user 1

ChatSpecs = dict[str, dict[str, Any]]


@pytest.fixture(scope="session")
def engine() -> Path:
    configured = os.environ.get(ENGINE_DIR_ENV)
    if configured:
        return Path(configured)
    out = subprocess.run([str(ROOT / "scripts" / "ensure-pulumi-cli")], capture_output=True, text=True)
    assert out.returncode == 0, f"scripts/ensure-pulumi-cli failed:\n{out.stderr[-3000:]}"
    return Path(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(tokens=(TOKEN,)) as server:
        yield server


class Api:
    """Plain-httpx view of the emulator, independent of pachca_pulumi's client."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.base_url + "/", headers={"Authorization": f"Bearer {TOKEN}"})

    def chats(self, *, archived: bool = True) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 50, "archived": str(archived).lower()}
        while True:
            body = self.http.get("chats", params=params).raise_for_status().json()
            found += body["data"]
            paginate = body["meta"]["paginate"]
            if not body["data"] or not paginate.get("has_next"):
                return found
            params["cursor"] = paginate["next_page"]

    def chat(self, chat_id: int | str) -> dict[str, Any]:
        return self.http.get(f"chats/{chat_id}").raise_for_status().json()["data"]

    def by_name(self, name: str) -> list[dict[str, Any]]:
        return [c for c in self.chats() if c["name"] == name]

    def stats(self) -> dict[str, Any]:
        return httpx.get(self.server.root_url + "/_emulator/stats").raise_for_status().json()

    def request_count(self) -> int:
        return int(self.stats()["total_requests"])

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def api(emulator: EmulatorServer) -> Iterator[Api]:
    client = Api(emulator)
    yield client
    client.close()


# `Chat` (Python) and `pachca:index:Chat` (what YAML and every other language declare)
FRONT_ENDS = ("dynamic", "native")


def chats_program(specs: ChatSpecs, front_end: str = "dynamic") -> Callable[[], None]:
    """The program declaring these chats through one front end (the native one by its type token,
    as any language does; its property names are the schema's camelCase)."""
    def program() -> None:
        for resource_name, args in specs.items():
            if front_end == "native":
                properties = {camel(k): v for k, v in args.items()}
                pulumi.CustomResource("pachca:index:Chat", resource_name, properties)
            else:
                Chat(resource_name, **args)

    return program


@pytest.fixture
def make_stack(tmp_path: Path, engine: Path, emulator: EmulatorServer) -> Callable[..., LocalStack]:
    def make(specs: ChatSpecs, *, token_in_config: bool = True, name: str = "dev",
             front_end: str = "dynamic") -> LocalStack:
        extra = {} if token_in_config else {"PACHCA_TOKEN": TOKEN, "PACHCA_BASE_URL": emulator.base_url}
        stack = LocalStack(tmp_path / name, chats_program(specs, front_end), stack=name, engine_dir=engine,
                           extra_env=extra)
        if front_end == "native":
            install_native_plugin(engine, stack.env)
        if token_in_config:
            stack.configure(token=TOKEN, base_url=emulator.base_url)
        return stack

    return make
