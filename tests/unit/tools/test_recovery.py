"""`recover_pending_creates` on exported deployments, against a respx-mocked Pachca API."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from pydantic import SecretStr

from pachca_pulumi.api.client import PachcaClient
from pachca_pulumi.api.config import ProviderConfig
from pachca_pulumi.api.models import Chat as ApiChat
from pachca_pulumi.chat.schema import ChatInputs
from pachca_pulumi.chat.service import ChatService, chat_outputs
from pachca_pulumi.tools.recovery import RecoveryReport, recover_pending_creates

pytestmark = pytest.mark.usefixtures("stamina_testing")

BASE_URL = "https://api.pachca.test/api/shared/v1"
TOKEN_USER = 100
OTHER_USER = 200
CHAT_TYPE = "pulumi-python:dynamic/pachca:Chat"
PET_TYPE = "random:index/randomPet:RandomPet"
PREFIX = "urn:pulumi:dev::crashtest::"
STACK_URN = f"{PREFIX}pulumi:pulumi:Stack::crashtest-dev"
PROVIDER_URN = f"{PREFIX}pulumi:providers:pulumi-python::default"
PROVIDER_REF = f"{PROVIDER_URN}::5a1c3f0e-0d4f-4c43-9a8e-2b7f0b5d3c21"
SERIALIZED_PROVIDER = "gASVIwAAAAAAAACMFnBhY2hjYV9wdWx1bWkucHJvdmlkZXKU"


# Exported deployments, shaped like `pulumi stack export`


def urn(resource_name: str, resource_type: str = CHAT_TYPE) -> str:
    return f"{PREFIX}{resource_type}::{resource_name}"


def chat_inputs(name: str, **overrides: Any) -> dict[str, Any]:
    props = {"name": name, "member_ids": [], "group_tag_ids": [], "channel": False, "public": False,
             "archived": False, "exclusive_members": False, "adopt_id": None, **overrides}
    return {**props, "__provider": SERIALIZED_PROVIDER}


def pending_resource(resource_name: str, name: str, **overrides: Any) -> dict[str, Any]:
    """A resource as a pending operation holds it: no id, no outputs."""
    return {"urn": urn(resource_name), "custom": True, "type": CHAT_TYPE,
            "inputs": chat_inputs(name, **overrides), "parent": STACK_URN, "provider": PROVIDER_REF}


def creating(resource_name: str, name: str, **overrides: Any) -> dict[str, Any]:
    return {"resource": pending_resource(resource_name, name, **overrides), "type": "creating"}


def tracked(resource_name: str, chat_id: int, name: str) -> dict[str, Any]:
    resource = pending_resource(resource_name, name)
    return {**resource, "id": str(chat_id), "outputs": {"name": name, "__provider": SERIALIZED_PROVIDER}}


Items = tuple[dict[str, Any], ...]


def deployment(*, resources: Items = (), pending: Items = ()) -> dict[str, Any]:
    stack = {"urn": STACK_URN, "custom": False, "type": "pulumi:pulumi:Stack", "outputs": {}}
    provider = {"urn": PROVIDER_URN, "custom": True, "id": PROVIDER_REF.split("::")[-1],
                "type": "pulumi:providers:pulumi-python", "inputs": {}, "outputs": {}}
    return {"manifest": {"time": "2024-05-01T10:00:00Z", "magic": "", "version": "v3.259.0"},
            "resources": [stack, provider, *resources], "pending_operations": list(pending)}


# The API


def chat_json(chat_id: int, name: str, **overrides: Any) -> dict[str, Any]:
    chat = {"id": chat_id, "name": name, "created_at": "2024-05-01T10:00:00.000Z", "owner_id": TOKEN_USER,
            "member_ids": [TOKEN_USER], "group_tag_ids": [], "channel": False, "archived": False,
            "personal": False, "public": False, "last_message_at": "2024-05-01T10:00:00.000Z",
            "meet_room_url": f"https://meet.pachca.com/chat-{chat_id}"}
    return {**chat, **overrides}


def page(items: list[dict[str, Any]]) -> httpx.Response:
    meta = {"paginate": {"next_page": "end", "has_next": False}}
    return httpx.Response(200, json={"data": items, "meta": meta})


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        profile = {"id": TOKEN_USER, "first_name": "Ира", "last_name": "Ли", "nickname": "ira",
                   "email": "ira@example.com", "role": "admin", "suspended": False, "bot": False}
        router.get("/profile").respond(200, json={"data": profile})
        yield router


def chats_on_server(api: respx.MockRouter, *chats: dict[str, Any]) -> respx.Route:
    """The chats GET /chats lists, already in the requested order (newest first)."""
    return api.get("/chats").mock(return_value=page(list(chats)))


@pytest.fixture
def service() -> Iterator[ChatService]:
    # One token per test: the client's rate limiter is per token and per process.
    config = ProviderConfig(token=SecretStr(f"recovery-test-token-{uuid.uuid4().hex}"), base_url=BASE_URL)
    with PachcaClient(config) as client:
        yield ChatService(client)


def chat_resources(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["urn"]: r for r in state["resources"] if r["type"] == CHAT_TYPE}


# Binding and dropping


def test_recover_pending_creates_binds_a_create_to_the_chat_it_made(
    api: respx.MockRouter, service: ChatService
) -> None:
    made = chat_json(501, "Crash 00", member_ids=[TOKEN_USER, 7])
    chats_on_server(api, made)
    op = creating("c00", "Crash 00", member_ids=[7])

    repaired, report = recover_pending_creates(deployment(pending=(op,)), service)

    expected_outputs = chat_outputs(ApiChat.model_validate(made), ChatInputs(name="Crash 00", member_ids=[7]),
                                    {"token_user_id": TOKEN_USER})
    assert chat_resources(repaired) == {urn("c00"): {
        **op["resource"], "id": "501", "outputs": {**expected_outputs, "__provider": SERIALIZED_PROVIDER}}}
    assert repaired["pending_operations"] == []
    assert report.adopted == [(urn("c00"), 501)]


def test_recover_pending_creates_binds_a_yaml_programs_chat_with_its_camelcase_state(
    api: respx.MockRouter, service: ChatService
) -> None:
    """A native `pachca:index:Chat` (YAML and other languages) keeps camelCase properties and no pickled
    provider; its pending create is bound the same way."""
    made = chat_json(502, "Crash yaml", member_ids=[TOKEN_USER, 7])
    chats_on_server(api, made)
    inputs = {"name": "Crash yaml", "memberIds": {"7": 7}, "groupTagIds": [], "channel": False, "public": False,
              "archived": False, "exclusiveMembers": False}
    resource = {"urn": urn("cy", "pachca:index:Chat"), "custom": True, "type": "pachca:index:Chat",
                "inputs": inputs, "parent": STACK_URN, "provider": PROVIDER_REF}

    repaired, report = recover_pending_creates(deployment(pending=({"resource": resource, "type": "creating"},)),
                                               service)

    [bound] = [r for r in repaired["resources"] if r["type"] == "pachca:index:Chat"]
    assert bound["id"] == "502" and report.adopted == [(urn("cy", "pachca:index:Chat"), 502)]
    assert bound["outputs"]["memberIds"] == {"7": 7} and bound["outputs"]["presentMemberIds"] == {"7": 7, "100": 100}
    assert not any(key.startswith("__") or "_" in key for key in bound["outputs"])
    assert repaired["pending_operations"] == []


def test_recover_pending_creates_asks_for_the_newest_chats_first(
    api: respx.MockRouter, service: ChatService
) -> None:
    route = chats_on_server(api, chat_json(501, "Crash 00"))

    recover_pending_creates(deployment(pending=(creating("c00", "Crash 00"),)), service)

    params = route.calls.last.request.url.params
    assert (params["sort"], params["order"]) == ("id", "desc")


def test_recover_pending_creates_drops_a_create_without_a_matching_chat(
    api: respx.MockRouter, service: ChatService
) -> None:
    chats_on_server(api, chat_json(501, "Something else"))
    state = deployment(pending=(creating("c00", "Crash 00"),))

    repaired, report = recover_pending_creates(state, service)

    assert repaired["resources"] == state["resources"]
    assert repaired["pending_operations"] == []
    assert report.dropped == [urn("c00")]
    assert report.adopted == []


def test_recover_pending_creates_never_binds_an_already_tracked_chat(
    api: respx.MockRouter, service: ChatService
) -> None:
    chats_on_server(api, chat_json(501, "Crash 00"))
    state = deployment(resources=(tracked("c00", 501, "Crash 00"),), pending=(creating("c01", "Crash 00"),))

    repaired, report = recover_pending_creates(state, service)

    assert {u: r["id"] for u, r in chat_resources(repaired).items()} == {urn("c00"): "501"}
    assert report.dropped == [urn("c01")]


def test_recover_pending_creates_binds_same_named_creates_to_different_chats_newest_first(
    api: respx.MockRouter, service: ChatService
) -> None:
    chats_on_server(api, chat_json(602, "Standup"), chat_json(601, "Standup"))
    state = deployment(pending=(creating("first", "Standup"), creating("second", "Standup")))

    repaired, report = recover_pending_creates(state, service)

    assert report.adopted == [(urn("first"), 602), (urn("second"), 601)]
    bound = {resource_urn: r["id"] for resource_urn, r in chat_resources(repaired).items()}
    assert bound == {urn("first"): "602", urn("second"): "601"}


@pytest.mark.parametrize(
    "difference",
    [
        {"owner_id": OTHER_USER},
        {"archived": True},
        {"personal": True},
        {"channel": True},
        {"public": True},
    ],
    ids=["owned-by-someone-else", "archived", "personal", "other-kind", "other-visibility"],
)
def test_recover_pending_creates_does_not_bind_a_chat_that_differs(
    api: respx.MockRouter, service: ChatService, difference: dict[str, Any]
) -> None:
    chats_on_server(api, chat_json(501, "Crash 00", **difference))

    repaired, report = recover_pending_creates(deployment(pending=(creating("c00", "Crash 00"),)), service)

    assert chat_resources(repaired) == {}
    assert report.dropped == [urn("c00")]


# What recovery leaves alone


def test_recover_pending_creates_keeps_other_pending_operations(
    api: respx.MockRouter, service: ChatService
) -> None:
    chats_on_server(api, chat_json(501, "Crash 00"))
    updating: dict[str, Any] = {"resource": tracked("c05", 505, "Crash 05"), "type": "updating"}
    deleting: dict[str, Any] = {"resource": tracked("c06", 506, "Crash 06"), "type": "deleting"}
    pet = {"urn": urn("pet", PET_TYPE), "custom": True, "type": PET_TYPE, "inputs": {}}
    other_create: dict[str, Any] = {"resource": pet, "type": "creating"}
    others = (updating, deleting, other_create)
    state = deployment(pending=(updating, creating("c00", "Crash 00"), deleting, other_create))

    repaired, report = recover_pending_creates(state, service)

    assert repaired["pending_operations"] == list(others)
    assert report.untouched == [op["resource"]["urn"] for op in others]
    assert report.adopted == [(urn("c00"), 501)]


def test_recover_pending_creates_without_chat_creates_makes_no_request(
    api: respx.MockRouter, service: ChatService
) -> None:
    updating = {"resource": tracked("c05", 505, "Crash 05"), "type": "updating"}
    state = deployment(resources=(tracked("c05", 505, "Crash 05"),), pending=(updating,))

    repaired, report = recover_pending_creates(state, service)

    assert repaired == state
    assert report.adopted == []
    assert report.dropped == []
    assert api.calls.call_count == 0


def test_recover_pending_creates_does_not_mutate_its_input(
    api: respx.MockRouter, service: ChatService
) -> None:
    chats_on_server(api, chat_json(502, "Crash 01"))
    state = deployment(resources=(tracked("c00", 501, "Crash 00"),),
                       pending=(creating("c01", "Crash 01"), creating("c02", "Crash 02")))
    before = copy.deepcopy(state)

    recover_pending_creates(state, service)

    assert state == before


# The report


def test_recovery_report_lines_mention_each_outcome(
    api: respx.MockRouter, service: ChatService
) -> None:
    chats_on_server(api, chat_json(503, "Crash 00"), chat_json(502, "Crash 00"))
    updating = {"resource": tracked("c09", 509, "Crash 09"), "type": "updating"}
    state = deployment(pending=(creating("c00", "Crash 00"), creating("c01", "Crash 01"), updating))

    _, report = recover_pending_creates(state, service)

    assert report.lines() == [
        f"bound {urn('c00')} to existing chat 503",
        f"dropped {urn('c01')}: its create never reached Pachca; `pulumi up` will create it",
        f"left {urn('c09')}: not a pachca:Chat pending create",
        ("untracked chats with a pending create's name remain: [502]; "
         "archive them if they are leftovers of earlier crashes"),
    ]


def test_recovery_report_lines_say_when_there_is_nothing_to_recover() -> None:
    assert RecoveryReport().lines() == ["no pending creates: nothing to recover"]
