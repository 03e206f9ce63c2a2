"""ChatProvider hooks driven directly against a respx-mocked Pachca API; assertions are on the requests."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import dill
import httpx
import pytest
import respx
from pulumi.dynamic import ConfigureRequest, DiffResult, ReadResult
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

from pachca_pulumi.api.client import PachcaClient
from pachca_pulumi.api.config import ProviderConfig
from pachca_pulumi.api.errors import PachcaError
from pachca_pulumi.chat.avatar import CHANGED_BY_HAND
from pachca_pulumi.chat.inputs import check_inputs
from pachca_pulumi.chat.provider import ChatError, ChatProvider
from pachca_pulumi.chat.schema import INPUTS, OUTPUT_NAMES, ChatInputs, default
from pachca_pulumi.chat.service import ChatService
from pachca_pulumi.chat.state import CHAT_STATE
from pachca_pulumi.kit.schema import id_map

from ...conftest import TEST_RETRY_ATTEMPTS
from ..payloads import chat_json, not_found, stored_outputs

pytestmark = pytest.mark.usefixtures("stamina_testing")

BASE_URL = "https://api.pachca.test/api/shared/v1"
CHAT_ID = 334
OWNER = 185
TOKEN_USER = 100
TAG = 86
TAG_MEMBER = 300

OUTPUT_KEYS = set(OUTPUT_NAMES)


def full(result: Any) -> dict[str, Any]:
    """A hook's outputs as every later hook reads them back from state (`chat/state.py`)."""
    return CHAT_STATE.loaded(result.outs or {})


ALL_SCOPES = ("chats:read", "chats:create", "chats:update", "chats:archive", "chat_members:read",
              "chat_members:write", "users:read", "group_tags:read", "profile:read")


def user_json(user_id: int) -> dict[str, Any]:
    return {
        "id": user_id,
        "first_name": "Олег",
        "last_name": "Петров",
        "nickname": f"user{user_id}",
        "email": f"user{user_id}@example.com",
        "role": "admin",
        "suspended": False,
        "bot": False,
    }


def one(data: dict[str, Any], status: int = 200) -> httpx.Response:
    return httpx.Response(status, json={"data": data})


def page(items: list[dict[str, Any]]) -> httpx.Response:
    return httpx.Response(
        200, json={"data": items, "meta": {"paginate": {"next_page": "end", "has_next": False}}}
    )


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sent_json(call: respx.models.Call) -> Any:
    return json.loads(call.request.content)


DIRECTORY_READS = {("GET", "/profile"), ("GET", "/oauth/token/info"), ("GET", "/users"), ("GET", "/group_tags")}


def requests_made(api: respx.MockRouter) -> list[tuple[str, str]]:
    """Requests other than the per-process directory reads (token profile and scopes, users, group tags)."""
    prefix = "/api/shared/v1"
    made = [(call.request.method, call.request.url.path.removeprefix(prefix)) for call in api.calls]
    return [request for request in made if request not in DIRECTORY_READS]


def reports_change(result: DiffResult) -> bool:
    """True for DIFF_SOME and DIFF_UNKNOWN (`None`: the engine then diffs the inputs itself); False only
    for an explicit "no change"."""
    return result.changes is not False


def inputs(**overrides: Any) -> dict[str, Any]:
    """Checked inputs, as the engine passes them to create/update: the schema's defaults plus a name
    and two members."""
    news = {field: default(field) for field in INPUTS}
    news.update({"name": "🤿 aqua", "member_ids": [186, 187]})
    news.update(overrides)
    return ChatInputs.model_validate(news).model_dump()


def stored(**overrides: Any) -> dict[str, Any]:
    """Outputs in state after a create of `inputs()`."""
    return stored_outputs(chat_json(CHAT_ID), inputs(), TOKEN_USER, [], **overrides)


@pytest.fixture
def token() -> str:
    # One token per test: the client's rate limiter is per token and per process.
    return f"provider-test-token-{uuid.uuid4().hex}"


@pytest.fixture
def api() -> respx.MockRouter:
    """The mocked API, reached through the client's `transport=` seam (nothing is patched)."""
    router = respx.MockRouter(base_url=BASE_URL, assert_all_called=False)
    router.get("/profile").mock(return_value=one(user_json(TOKEN_USER)))
    router.get("/oauth/token/info").mock(return_value=one({"user_id": TOKEN_USER, "scopes": list(ALL_SCOPES)}))
    users = [user_json(uid) for uid in (OWNER, 186, 187, 188, 999, TOKEN_USER)]
    router.get("/users").mock(return_value=page([*users, {**user_json(TAG_MEMBER), "list_tags": ["Ops"]}]))
    router.get("/group_tags").mock(return_value=page([{"id": TAG, "name": "Ops", "users_count": 1}]))
    # writes read a tag's people afresh (a GroupTag may have changed them earlier in the run)
    router.get(f"/group_tags/{TAG}/users").mock(return_value=page([user_json(TAG_MEMBER)]))
    router.get(path__regex=r"/group_tags/\d+/users$").mock(return_value=page([]))
    return router


@pytest.fixture
def provider(token: str, api: respx.MockRouter) -> ChatProvider:
    def connect(config: ProviderConfig) -> ChatService:
        return ChatService(PachcaClient(config, transport=httpx.MockTransport(api.handler)))

    chat_provider = ChatProvider(connect=connect)
    chat_provider.configure(
        ConfigureRequest(Config({"pachca:token": token, "pachca:baseUrl": BASE_URL}, "proj"))
    )
    return chat_provider


# configure and pickling


def test_provider_configure_without_token_fails_in_one_line_naming_both_settings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PACHCA_TOKEN", raising=False)

    with pytest.raises(ChatError) as info:
        ChatProvider().configure(ConfigureRequest(Config({}, "proj")))

    assert str(info.value).startswith("configure the Chat resources: No Pachca API token")
    assert "\n" not in str(info.value)

    assert "pulumi config set --secret pachca:token" in str(info.value)
    assert "PACHCA_TOKEN" in str(info.value)


def test_provider_serialized_is_small_and_has_no_token(provider: ChatProvider, token: str) -> None:
    serialized = serialize_provider(provider)

    assert len(serialized) < 200
    assert token not in serialized


# What `serialize_provider` wrote into state before the package had folders (module
# `pachca_pulumi.provider`); deployed stacks carry it and must keep loading.
_STATE_BEFORE_FOLDERS = "gASVMQAAAAAAAACMFnBhY2hjYV9wdWx1bWkucHJvdmlkZXKUjAxDaGF0UHJvdmlkZXKUk5QpgZR9lGIu"


def test_provider_from_state_written_before_the_layout_change_loads() -> None:
    provider = dill.loads(base64.b64decode(_STATE_BEFORE_FOLDERS))  # as pulumi.dynamic.__main__ does

    assert isinstance(provider, ChatProvider)


def test_provider_serialized_after_use_has_no_token(
    api: respx.MockRouter, provider: ChatProvider, token: str
) -> None:
    api.put(f"/chats/{CHAT_ID}/archive").respond(204)
    provider.delete(str(CHAT_ID), stored())

    serialized = serialize_provider(provider)

    assert len(serialized) < 200
    assert token not in serialized


# check and diff: validation and comparison only, never a request


def test_provider_check_normalises_without_http(api: respx.MockRouter, provider: ChatProvider) -> None:
    result = provider.check({}, {"name": "  Ops ", "member_ids": [187.0, 186.0, 187.0], "__provider": "x"})

    assert result.failures == []
    assert result.inputs["name"] == "Ops"
    assert result.inputs["member_ids"] == {"186": 186, "187": 187}
    assert requests_made(api) == []


def test_provider_check_ignores_output_placeholders_of_chat_resource(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    news = {**inputs(), **{key: None for key in OUTPUT_KEYS - set(inputs())}}

    result = provider.check({}, news)

    assert result.failures == []
    assert requests_made(api) == []


def test_provider_check_reports_failures_without_http(api: respx.MockRouter, provider: ChatProvider) -> None:
    result = provider.check({}, {"name": "", "public": "yes"})

    assert {failure.property for failure in result.failures} == {"name", "public"}
    assert requests_made(api) == []


def test_provider_diff_reports_no_change_for_reordered_members(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    result = provider.diff(str(CHAT_ID), stored(), inputs(member_ids=[187, 186]))

    assert result.changes is False
    assert requests_made(api) == []


def test_provider_diff_channel_change_replaces_without_http(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    result = provider.diff(str(CHAT_ID), stored(), inputs(channel=True))

    assert reports_change(result)
    assert result.replaces == ["channel"]
    assert result.delete_before_replace is False
    assert requests_made(api) == []


def test_provider_diff_exclusive_extra_member_is_change_without_http(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    olds = stored(present_member_ids=[OWNER, TOKEN_USER, 186, 187, 999], exclusive_members=True)

    result = provider.diff(str(CHAT_ID), olds, inputs(exclusive_members=True))

    assert reports_change(result)
    assert result.replaces == []
    assert requests_made(api) == []


# create


def test_provider_create_posts_once_with_members_and_tags(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    create = api.post("/chats").mock(return_value=one(chat_json(group_tag_ids=[TAG]), 201))

    provider.create(inputs(group_tag_ids=[TAG], public=True))

    assert requests_made(api) == [("POST", "/chats"), ("GET", f"/group_tags/{TAG}/users")]
    assert sent_json(create.calls.last) == {
        "chat": {
            "name": "🤿 aqua",
            "member_ids": [186, 187],
            "group_tag_ids": [TAG],
            "channel": False,
            "public": True,
        }
    }


def test_provider_create_returns_every_output(api: respx.MockRouter, provider: ChatProvider) -> None:
    members = [OWNER, 186, 187, TAG_MEMBER]
    api.post("/chats").mock(return_value=one(chat_json(member_ids=members, group_tag_ids=[TAG]), 201))

    result = provider.create(inputs(group_tag_ids=[TAG], exclusive_members=True))

    assert result.id == str(CHAT_ID)
    assert set(full(result)) == OUTPUT_KEYS
    assert full(result)["owner_id"] == OWNER
    assert full(result)["token_user_id"] == TOKEN_USER
    assert full(result)["tag_member_ids"] == id_map([TAG_MEMBER])
    assert full(result)["present_member_ids"] == id_map(members)
    assert full(result)["member_ids"] == {"186": 186, "187": 187}
    assert full(result)["created_at"] == "2021-08-28T15:56:53.000Z"
    assert full(result)["personal"] is False
    assert full(result)["meet_room_url"] == "https://meet.pachca.com/aqua-94bb21b5"
    # what the engine stores is lean: nothing at its absent value, the state version beside the name
    assert result.outs is not None and result.outs["__schema"] == CHAT_STATE.version
    assert not {"members", "editors", "group_tags", "undeclared_members", "missing_member_ids", "named_tag_ids",
                "admin_ids", "adopt_id", "avatar_file"} & set(result.outs)


def test_provider_create_outputs_diff_clean_against_inputs(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.post("/chats").mock(
        return_value=one(chat_json(member_ids=[OWNER, 186, 187, TAG_MEMBER], group_tag_ids=[TAG]), 201)
    )
    declared = inputs(group_tag_ids=[TAG], exclusive_members=True)

    outs = full(provider.create(declared))

    assert provider.diff(str(CHAT_ID), outs, declared).changes is False


def test_provider_create_archived_archives_after_post(api: respx.MockRouter, provider: ChatProvider) -> None:
    api.post("/chats").mock(return_value=one(chat_json(), 201))
    archive = api.put(f"/chats/{CHAT_ID}/archive").respond(204)

    result = provider.create(inputs(archived=True))

    assert archive.call_count == 1
    assert requests_made(api).index(("POST", "/chats")) < requests_made(api).index(
        ("PUT", "/chats/334/archive")
    )
    assert full(result)["archived"] is True


def test_provider_create_adopts_archived_chat_without_creating(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    post = api.post("/chats")
    api.get("/chats/500").mock(
        side_effect=[
            one(chat_json(500, name="old name", archived=True, member_ids=[OWNER, 186])),
            one(chat_json(500, member_ids=[OWNER, 186, 187])),
        ]
    )
    api.put("/chats/500/unarchive").respond(204)
    api.put("/chats/500").mock(return_value=one(chat_json(500, archived=False)))
    api.post("/chats/500/members").respond(204)

    result = provider.create(inputs(adopt_id=500))

    assert post.call_count == 0
    assert result.id == "500"
    assert full(result)["adopt_id"] == 500
    assert requests_made(api)[1:4] == [
        ("PUT", "/chats/500/unarchive"),
        ("PUT", "/chats/500"),
        ("POST", "/chats/500/members"),
    ]
    add, = [call for call in api.calls if call.request.url.path.endswith("/members")]
    assert sent_json(add) == {"member_ids": [187], "silent": True}


def test_provider_create_adopts_chat_already_in_shape_without_writes(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.get("/chats/500").mock(return_value=one(chat_json(500)))

    result = provider.create(inputs(adopt_id=500))

    assert result.id == "500"
    assert [method for method, _ in requests_made(api)] == ["GET"] * len(requests_made(api))


def test_provider_create_adopting_channel_as_group_chat_fails(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.get("/chats/500").mock(return_value=one(chat_json(500, channel=True)))

    with pytest.raises(PachcaError) as info:
        provider.create(inputs(adopt_id=500, channel=False))

    assert "adopt_id" in str(info.value)
    assert "channel" in str(info.value)
    assert [method for method, _ in requests_made(api)] == ["GET"]


def test_provider_create_adopting_personal_chat_fails(api: respx.MockRouter, provider: ChatProvider) -> None:
    api.get("/chats/500").mock(return_value=one(chat_json(500, personal=True, member_ids=[OWNER, 186])))

    with pytest.raises(PachcaError) as info:
        provider.create(inputs(adopt_id=500))

    assert "adopt_id 500" in str(info.value)
    assert "personal" in str(info.value)


def test_provider_create_adopting_missing_chat_names_adopt_id(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.get("/chats/500").respond(
        404,
        json=not_found("id", 500),
    )

    with pytest.raises(PachcaError) as info:
        provider.create(inputs(adopt_id=500))

    assert "adopt_id 500" in str(info.value)


@pytest.mark.parametrize(
    "lost",
    [httpx.ReadTimeout("timed out"), httpx.RemoteProtocolError("server disconnected without a response")],
    ids=["read-timeout", "connection-dropped"],
)
def test_provider_create_after_lost_response_finds_chat_without_second_post(
    api: respx.MockRouter, provider: ChatProvider, lost: Exception
) -> None:
    created = chat_json(777, owner_id=TOKEN_USER, member_ids=[TOKEN_USER, 186, 187], created_at=now_iso())
    post = api.post("/chats").mock(side_effect=[lost, one(chat_json(778), 201)])
    api.get("/chats").mock(return_value=page([created, chat_json(700, created_at=now_iso())]))

    result = provider.create(inputs())

    assert post.call_count == 1
    assert result.id == "777"


def test_provider_create_after_503_and_nothing_listed_posts_again(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    old_namesake = chat_json(90, owner_id=TOKEN_USER, created_at="2021-08-28T15:56:53.000Z")
    post = api.post("/chats").mock(side_effect=[httpx.Response(503), one(chat_json(778), 201)])
    api.get("/chats").mock(return_value=page([old_namesake]))

    result = provider.create(inputs())

    assert post.call_count == 2
    assert result.id == "778"


# read


def test_provider_read_gone_chat_returns_no_id(api: respx.MockRouter, provider: ChatProvider) -> None:
    api.get("/chats").mock(return_value=page([]))
    api.get(f"/chats/{CHAT_ID}").respond(
        404,
        json=not_found("id", 334),
    )

    result = provider.read(str(CHAT_ID), stored(owner_id=TOKEN_USER))  # its owner's 404 proves it gone

    assert isinstance(result, ReadResult)
    assert result.id is None
    assert full(result) == {}


def test_provider_read_returns_outputs_and_observed_inputs(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.get("/chats").mock(
        return_value=page([chat_json(member_ids=[OWNER, 186, 999], name="renamed by hand")])
    )

    result = provider.read(str(CHAT_ID), stored())

    assert result.id == str(CHAT_ID)
    assert set(full(result)) == OUTPUT_KEYS
    assert full(result)["present_member_ids"] == id_map([OWNER, 186, 999])
    assert result.inputs is not None
    assert result.inputs["member_ids"] == {"186": 186}
    assert result.inputs["name"] == "renamed by hand"


def test_provider_read_drift_shows_in_next_diff(api: respx.MockRouter, provider: ChatProvider) -> None:
    api.get("/chats").mock(return_value=page([chat_json(member_ids=[OWNER, 186])]))

    result = provider.read(str(CHAT_ID), stored())

    assert reports_change(provider.diff(str(CHAT_ID), full(result), inputs()))


def test_provider_read_untouched_chat_has_no_drift(api: respx.MockRouter, provider: ChatProvider) -> None:
    api.get("/chats").mock(return_value=page([chat_json(last_message_at=now_iso())]))

    result = provider.read(str(CHAT_ID), stored())

    assert full(result) == stored()
    assert provider.diff(str(CHAT_ID), full(result), inputs()).changes is False


def test_provider_read_uses_list_page_without_get(api: respx.MockRouter, provider: ChatProvider) -> None:
    listing = api.get("/chats").mock(return_value=page([chat_json(), chat_json(900)]))
    get = api.get(f"/chats/{CHAT_ID}")

    provider.read(str(CHAT_ID), stored())

    assert get.call_count == 0
    params = listing.calls.last.request.url.params
    assert (params["archived"], params["sort"], params["order"]) == ("true", "id", "asc")


def test_provider_read_chat_missing_from_list_falls_back_to_get(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.get("/chats").mock(return_value=page([chat_json(100), chat_json(900)]))
    get = api.get(f"/chats/{CHAT_ID}").mock(return_value=one(chat_json(public=True)))

    result = provider.read(str(CHAT_ID), stored())

    assert get.call_count == 1
    assert full(result)["public"] is True


# update


def test_provider_update_puts_name_and_public(api: respx.MockRouter, provider: ChatProvider) -> None:
    api.get(f"/chats/{CHAT_ID}").mock(
        side_effect=[one(chat_json()), one(chat_json(name="Бассейн", public=True))]
    )
    put = api.put(f"/chats/{CHAT_ID}").mock(return_value=one(chat_json(name="Бассейн", public=True)))

    result = provider.update(str(CHAT_ID), stored(), inputs(name="Бассейн", public=True))

    assert sent_json(put.calls.last) == {"chat": {"name": "Бассейн", "public": True}}
    assert full(result)["name"] == "Бассейн"
    assert set(full(result)) == OUTPUT_KEYS


def test_provider_update_sends_only_changed_field(api: respx.MockRouter, provider: ChatProvider) -> None:
    api.get(f"/chats/{CHAT_ID}").mock(side_effect=[one(chat_json()), one(chat_json(public=True))])
    put = api.put(f"/chats/{CHAT_ID}").mock(return_value=one(chat_json(public=True)))

    provider.update(str(CHAT_ID), stored(), inputs(public=True))

    assert sent_json(put.calls.last) == {"chat": {"public": True}}


def test_provider_update_adds_missing_members_in_one_post(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.get(f"/chats/{CHAT_ID}").mock(
        side_effect=[
            one(chat_json(member_ids=[OWNER, 186])),
            one(chat_json(member_ids=[OWNER, 186, 187, 188])),
        ]
    )
    add = api.post(f"/chats/{CHAT_ID}/members").respond(204)

    provider.update(str(CHAT_ID), stored(), inputs(member_ids=[186, 187, 188]))

    assert add.call_count == 1
    assert sent_json(add.calls.last)["member_ids"] == [187, 188]


def test_provider_update_exclusive_removes_only_undeclared_unimplied_members(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    members = [OWNER, TOKEN_USER, TAG_MEMBER, 186, 998, 999]
    api.get(f"/chats/{CHAT_ID}").mock(
        side_effect=[
            one(chat_json(member_ids=members, group_tag_ids=[TAG])),
            one(chat_json(member_ids=[OWNER, TOKEN_USER, TAG_MEMBER, 186], group_tag_ids=[TAG])),
        ]
    )
    remove = api.delete(path__regex=rf"/chats/{CHAT_ID}/members/\d+$").respond(204)

    provider.update(
        str(CHAT_ID), stored(), inputs(member_ids=[186], group_tag_ids=[TAG], exclusive_members=True)
    )

    removed = sorted(call.request.url.path.rsplit("/", 1)[1] for call in remove.calls)
    assert removed == ["998", "999"]


def test_provider_update_non_exclusive_keeps_extra_members(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.get(f"/chats/{CHAT_ID}").mock(return_value=one(chat_json(member_ids=[OWNER, 186, 187, 999])))
    remove = api.delete(path__regex=rf"/chats/{CHAT_ID}/members/\d+$").respond(204)

    provider.update(str(CHAT_ID), stored(), inputs())

    assert remove.call_count == 0


def test_provider_update_member_already_gone_still_succeeds(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.get(f"/chats/{CHAT_ID}").mock(
        side_effect=[
            one(chat_json(member_ids=[OWNER, 186, 187, 999])),
            one(chat_json(member_ids=[OWNER, 186, 187])),
        ]
    )
    api.delete(f"/chats/{CHAT_ID}/members/999").respond(
        404,
        json={
            "errors": [
                {
                    "key": "user_id",
                    "value": "999",
                    "message": "Не найдено",
                    "code": "not_found",
                    "payload": None,
                }
            ]
        },
    )

    result = provider.update(str(CHAT_ID), stored(), inputs(exclusive_members=True))

    assert full(result)["present_member_ids"] == id_map([OWNER, 186, 187])


def test_provider_update_reconciles_tags(api: respx.MockRouter, provider: ChatProvider) -> None:
    api.get(f"/chats/{CHAT_ID}").mock(
        side_effect=[one(chat_json(group_tag_ids=[18])), one(chat_json(group_tag_ids=[TAG]))]
    )
    add = api.post(f"/chats/{CHAT_ID}/group_tags").respond(204)
    remove = api.delete(f"/chats/{CHAT_ID}/group_tags/18").respond(204)

    provider.update(str(CHAT_ID), stored(), inputs(group_tag_ids=[TAG]))

    assert sent_json(add.calls.last) == {"group_tag_ids": [TAG]}
    assert remove.call_count == 1


def test_provider_update_archived_desired_archives(api: respx.MockRouter, provider: ChatProvider) -> None:
    api.get(f"/chats/{CHAT_ID}").mock(side_effect=[one(chat_json()), one(chat_json(archived=True))])
    archive = api.put(f"/chats/{CHAT_ID}/archive").respond(204)

    result = provider.update(str(CHAT_ID), stored(), inputs(archived=True))

    assert archive.call_count == 1
    assert full(result)["archived"] is True


def test_provider_update_unarchives_when_archived_by_hand(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.get(f"/chats/{CHAT_ID}").mock(side_effect=[one(chat_json(archived=True)), one(chat_json())])
    unarchive = api.put(f"/chats/{CHAT_ID}/unarchive").respond(204)

    result = provider.update(str(CHAT_ID), stored(archived=True), inputs())

    assert unarchive.call_count == 1
    assert full(result)["archived"] is False


def test_provider_update_archived_chat_is_edited_then_archived_again(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.get(f"/chats/{CHAT_ID}").mock(
        side_effect=[one(chat_json(archived=True)), one(chat_json(name="Бассейн", archived=True))]
    )
    api.put(f"/chats/{CHAT_ID}/unarchive").respond(204)
    api.put(f"/chats/{CHAT_ID}").mock(return_value=one(chat_json(name="Бассейн")))
    api.put(f"/chats/{CHAT_ID}/archive").respond(204)

    result = provider.update(str(CHAT_ID), stored(archived=True), inputs(name="Бассейн", archived=True))

    writes = [request for request in requests_made(api) if request[0] != "GET"]
    assert writes == [("PUT", "/chats/334/unarchive"), ("PUT", "/chats/334"), ("PUT", "/chats/334/archive")]
    assert full(result)["archived"] is True


def test_provider_update_of_chat_in_shape_makes_no_write(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.get(f"/chats/{CHAT_ID}").mock(return_value=one(chat_json(member_ids=[OWNER, 186, 187, 999])))

    result = provider.update(str(CHAT_ID), stored(), inputs())

    assert {method for method, _ in requests_made(api)} == {"GET"}
    assert set(full(result)) == OUTPUT_KEYS


def test_provider_update_not_applied_by_api_fails_loudly(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.get(f"/chats/{CHAT_ID}").mock(return_value=one(chat_json(member_ids=[OWNER, 186])))
    api.post(f"/chats/{CHAT_ID}/members").respond(204)

    with pytest.raises(PachcaError) as info:
        provider.update(str(CHAT_ID), stored(), inputs())

    assert "members" in str(info.value)
    assert f"chat {CHAT_ID}" in str(info.value)


# delete


def test_provider_delete_archives_chat(api: respx.MockRouter, provider: ChatProvider) -> None:
    archive = api.put(f"/chats/{CHAT_ID}/archive").respond(204)

    provider.delete(str(CHAT_ID), stored())

    assert archive.call_count == 1
    assert [method for method, _ in requests_made(api)] == ["PUT"]


def test_provider_delete_of_gone_chat_succeeds(api: respx.MockRouter, provider: ChatProvider) -> None:
    archive = api.put(f"/chats/{CHAT_ID}/archive").respond(
        404,
        json=not_found("id", 334),
    )

    provider.delete(str(CHAT_ID), stored())

    assert archive.call_count == 1


def test_provider_delete_leaves_a_chat_adopted_earlier_in_the_same_run(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.get("/chats/500").mock(return_value=one(chat_json(500, name="Support", member_ids=[OWNER])))
    archive = api.put("/chats/500/archive").respond(204)
    provider.create(inputs(name="Support", member_ids=[], adopt_id=500))

    provider.delete("500", stored(name="Support"))

    assert archive.call_count == 0


def test_provider_create_keeps_the_chat_tracked_when_archiving_it_fails(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.post("/chats").mock(return_value=one(chat_json(CHAT_ID), status=201))
    api.put(f"/chats/{CHAT_ID}/archive").respond(403, json={"error": "forbidden", "error_description": "no"})

    result = provider.create(inputs(archived=True))

    assert result.id == str(CHAT_ID)
    assert full(result)["archived"] is False  # the truth: the next preview shows archived false => true


def test_provider_create_gives_up_after_the_retry_budget_of_503s(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    post = api.post("/chats").mock(return_value=httpx.Response(503))
    listing = api.get("/chats").mock(return_value=page([]))

    with pytest.raises(ChatError) as info:
        provider.create({**inputs(), "__name": "aqua"})

    assert str(info.value).startswith("create chat 'aqua': create chat '🤿 aqua' failed: HTTP 503")
    assert post.call_count == TEST_RETRY_ATTEMPTS  # the client's one retry loop, capped in testing mode
    assert listing.call_count == TEST_RETRY_ATTEMPTS  # each failed attempt looked for a lost create


def test_provider_create_reads_each_tags_people_once_per_process(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.post("/chats").mock(return_value=one(chat_json(group_tag_ids=[TAG]), 201))

    results = [provider.create(inputs(group_tag_ids=[TAG])) for _ in range(3)]

    assert [full(result)["tag_member_ids"] for result in results] == [id_map([TAG_MEMBER])] * 3
    assert requests_made(api).count(("GET", f"/group_tags/{TAG}/users")) == 1
    assert not [call for call in api.calls if call.request.url.path.endswith("/users")
                and "/group_tags/" not in call.request.url.path], "the whole directory was read"


# avatars and members the API could not add

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
AVATAR_URL = "https://files.pachca.test/avatars/334-1.png"


def avatar_inputs(tmp_path: Path, content: bytes = PNG, **overrides: Any) -> dict[str, Any]:
    """Checked inputs declaring an avatar file with `content`."""
    image = tmp_path / f"avatar-{len(content)}.png"
    image.write_bytes(content)
    checked, failures = check_inputs({**inputs(**overrides), "avatar": str(image)})
    assert failures == []
    return checked


def test_provider_create_uploads_the_declared_avatar(
    api: respx.MockRouter, provider: ChatProvider, tmp_path: Path
) -> None:
    api.post("/chats").mock(return_value=one(chat_json(CHAT_ID), status=201))
    upload = api.post(f"/chats/{CHAT_ID}/avatar").mock(return_value=one({"image_url": AVATAR_URL}))
    declared = avatar_inputs(tmp_path)

    result = provider.create(declared)

    assert upload.call_count == 1 and PNG in upload.calls.last.request.content
    assert full(result)["avatar"] == declared["avatar"]
    assert full(result)["avatar_url"] == AVATAR_URL


def test_provider_update_leaves_an_applied_avatar_alone(
    api: respx.MockRouter, provider: ChatProvider, tmp_path: Path
) -> None:
    declared = avatar_inputs(tmp_path)
    api.get(f"/chats/{CHAT_ID}").mock(return_value=one(chat_json(CHAT_ID, avatar_url=AVATAR_URL)))

    provider.update(str(CHAT_ID), stored(avatar=declared["avatar"], avatar_url=AVATAR_URL), declared)

    assert [request for request in requests_made(api) if "avatar" in request[1] or request[0] != "GET"] == []


@pytest.mark.parametrize("applied", ["sha256:0000000000000000", CHANGED_BY_HAND])
def test_provider_update_uploads_a_new_or_hand_changed_avatar(
    api: respx.MockRouter, provider: ChatProvider, tmp_path: Path, applied: str
) -> None:
    declared = avatar_inputs(tmp_path)
    api.get(f"/chats/{CHAT_ID}").mock(return_value=one(chat_json(CHAT_ID, avatar_url="https://files/hand.png")))
    upload = api.post(f"/chats/{CHAT_ID}/avatar").mock(return_value=one({"image_url": AVATAR_URL}))

    outs = full(provider.update(str(CHAT_ID), stored(avatar=applied, avatar_url="https://files/hand.png"), declared))

    assert upload.call_count == 1
    assert outs is not None and outs["avatar"] == declared["avatar"]


def test_provider_update_deletes_an_avatar_no_longer_declared(api: respx.MockRouter, provider: ChatProvider) -> None:
    api.get(f"/chats/{CHAT_ID}").mock(side_effect=[one(chat_json(CHAT_ID, avatar_url=AVATAR_URL)),
                                                   one(chat_json(CHAT_ID))])
    delete = api.delete(f"/chats/{CHAT_ID}/avatar").respond(204)

    outs = full(provider.update(str(CHAT_ID), stored(avatar="sha256:0000000000000000", avatar_url=AVATAR_URL),
                                inputs()))

    assert delete.call_count == 1
    assert outs is not None and outs["avatar"] is None and outs["avatar_url"] is None


def test_provider_update_leaves_an_avatar_set_by_hand_when_none_was_ever_declared(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.get(f"/chats/{CHAT_ID}").mock(return_value=one(chat_json(CHAT_ID, avatar_url="https://files/hand.png")))

    provider.update(str(CHAT_ID), stored(), inputs())

    assert ("DELETE", f"/chats/{CHAT_ID}/avatar") not in requests_made(api)


def test_provider_read_shows_an_avatar_changed_by_hand_as_drift(api: respx.MockRouter, provider: ChatProvider) -> None:
    api.get("/chats").mock(return_value=page([chat_json(CHAT_ID, avatar_url="https://files/hand.png")]))
    applied = stored(avatar="sha256:0123456789abcdef", avatar_url=AVATAR_URL)

    result = provider.read(str(CHAT_ID), applied)

    assert result.inputs is not None and result.inputs["avatar"] == CHANGED_BY_HAND
    assert reports_change(provider.diff(str(CHAT_ID), full(result), {**inputs(), "avatar": "sha256:0123456789abcdef"}))


def test_provider_create_records_members_the_api_could_not_add(api: respx.MockRouter, provider: ChatProvider) -> None:
    api.post("/chats").mock(return_value=httpx.Response(
        201, json={"data": chat_json(CHAT_ID, member_ids=[OWNER, 186]), "meta": {"not_found_member_ids": [999]}}))

    result = provider.create(inputs(member_ids=[186, 999]))

    assert full(result)["missing_member_ids"] == id_map([999])
    assert full(result)["present_member_ids"] == id_map([OWNER, 186])  # never a member the chat lacks


def test_provider_create_of_a_complete_chat_records_no_missing_members(
    api: respx.MockRouter, provider: ChatProvider
) -> None:
    api.post("/chats").mock(return_value=one(chat_json(CHAT_ID), status=201))

    assert full(provider.create(inputs()))["missing_member_ids"] == {}
