"""Shared test support for the emulator tests: the Emulator handle, tokens, small helpers."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from pachca_pulumi.emulator import Faults, Store
from pachca_pulumi.emulator.app import EmulatorApp

TOKEN = "test-token"  # acts as seed user 1 (pachca-bot, admin)
SECOND_TOKEN = "second-token"  # acts as seed user 2 (a workspace admin)
THIRD_TOKEN = "third-token"  # acts as seed user 3 (role user: no company-wide chat listing)
BOT_TOKEN = "bot-token"  # acts as seed user 122 (ci-bot, a bot in no chat)
TOKENS = (TOKEN, SECOND_TOKEN, THIRD_TOKEN, BOT_TOKEN)
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


def png(width: int = 1, height: int = 1, rgb: tuple[int, int, int] = (0, 128, 255)) -> bytes:
    """A real (decodable) PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def upload_avatar(
    client: httpx.Client, chat_id: int, data: bytes, content_type: str = "image/png"
) -> httpx.Response:
    return client.post(f"/chats/{chat_id}/avatar", files={"image": ("avatar", data, content_type)})
