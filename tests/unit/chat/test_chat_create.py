"""What `ChatService.create` asks of the API (the emulator in process): one POST, then only what the
inputs need."""

from __future__ import annotations

import uuid

import httpx
from pydantic import SecretStr

from pachca_pulumi.api.client import PachcaClient
from pachca_pulumi.api.config import ProviderConfig
from pachca_pulumi.chat.schema import ChatInputs
from pachca_pulumi.chat.service import ChatService
from pachca_pulumi.emulator import Store
from pachca_pulumi.emulator.app import EmulatorApp, create_app
from pachca_pulumi.kit.schema import id_map


def _service() -> tuple[ChatService, EmulatorApp]:
    token = f"create-test-{uuid.uuid4().hex}"
    app = create_app(Store(tokens=(token,)))
    config = ProviderConfig(token=SecretStr(token), base_url="http://127.0.0.1/api/shared/v1")
    return ChatService(PachcaClient(config, transport=httpx.WSGITransport(app=app))), app


def test_create_with_an_admin_reads_the_roles_only_after_writing_them_and_not_the_chat_again():
    service, app = _service()

    chat_id, outputs = service.create(ChatInputs(name="Eng", member_ids=[3], admins=[4]))

    assert outputs["admin_ids"] == id_map([4])
    assert app.stats.snapshot()["by_route"] == {
        "POST /chats": 1, "PUT /chats/{id}/members/{user_id}": 1, "GET /chats/{id}/members": 1, "GET /profile": 1}


def test_create_without_roles_is_one_post():
    service, app = _service()

    service.create(ChatInputs(name="Eng", member_ids=[3, 4]))

    assert app.stats.snapshot()["by_route"] == {"POST /chats": 1, "GET /profile": 1}
