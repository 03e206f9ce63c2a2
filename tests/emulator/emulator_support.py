"""Shared test support for the emulator tests: the Emulator handle, tokens, small helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import httpx

from pachca_pulumi.emulator import Faults, Store
from pachca_pulumi.emulator.app import EmulatorApp

TOKEN = "test-token"  # acts as seed user 1 (pachca-bot, admin)
SECOND_TOKEN = "second-token"  # acts as seed user 2 (Tatiana Moreau, admin)
BOT_TOKEN = "bot-token"  # acts as seed user 122 (ci-bot, in no chat)
TOKENS = (TOKEN, SECOND_TOKEN, BOT_TOKEN)
API_PATH = "/api/shared/v1"


@dataclass
class Emulator:
    """One emulator under test and a factory of httpx clients talking to it."""

    kind: str  # "socket" or "wsgi"
    root_url: str
    store: Store
    faults: Faults
    app: EmulatorApp
    new_transport: Callable[[], httpx.BaseTransport]
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.root_url + API_PATH

    def client(self, token: str | None = TOKEN, transport: httpx.BaseTransport | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = httpx.Client(
            base_url=self.base_url, headers=headers, transport=transport or self.new_transport(), timeout=10
        )
        self.clients.append(client)
        return client

    def control(self) -> httpx.Client:
        client = httpx.Client(base_url=self.root_url, transport=self.new_transport(), timeout=10)
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()


def create_chat(client: httpx.Client, name: str = "Team chat", **fields) -> dict:
    response = client.post("/chats", json={"chat": {"name": name, **fields}})
    assert response.status_code == 201, response.text
    return response.json()["data"]


def post_message(client: httpx.Client, entity_id: int, entity_type: str = "discussion") -> dict:
    body = {"message": {"entity_type": entity_type, "entity_id": entity_id, "content": "hello"}}
    response = client.post("/messages", json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def error_codes(response: httpx.Response) -> list[tuple[str, str]]:
    return [(item["key"], item["code"]) for item in response.json()["errors"]]
