"""PachcaClient against a respx router injected as its transport: requests, parsing, errors, retries."""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import respx
from pydantic import SecretStr

from pachca_pulumi.api._constants import CONNECT_TIMEOUT_S, PAGE_LIMIT, READ_TIMEOUT_S
from pachca_pulumi.api.client import PachcaClient
from pachca_pulumi.api.config import ProviderConfig
from pachca_pulumi.api.errors import (
    AuthenticationError,
    BadRequestError,
    MalformedResponseError,
    NotFoundError,
    NotTheAPIError,
    PachcaError,
    RateLimitError,
    ResponseLostError,
    ServerError,
    TransportError,
    UnprocessableEntityError,
)
from pachca_pulumi.api.models import ChatCreateFields, ChatUpdateFields
from pachca_pulumi.api.retry import RateLimiter

from .. import payloads
from ..payloads import API_ERROR, OAUTH_ERROR, not_found

pytestmark = pytest.mark.usefixtures("stamina_testing")

BASE_URL = "https://api.pachca.test/api/shared/v1"
TOKEN = "pachca-client-test-token-7f3a9c"


def chat_json(chat_id: int = 334, **overrides: Any) -> dict[str, Any]:
    """A `Chat` as the spec shows it, with a group tag."""
    return payloads.chat_json(chat_id, **{"group_tag_ids": [9111], **overrides})


def user_json(user_id: int = 12) -> dict[str, Any]:
    return {
        "id": user_id,
        "first_name": "Олег",
        "last_name": "Петров",
        "nickname": "olegpetrov",
        "email": "olegp@example.com",
        "role": "admin",
        "suspended": False,
        "bot": False,
    }


def page(items: list[dict[str, Any]], next_page: str | None, has_next: bool | None) -> httpx.Response:
    paginate: dict[str, Any] = {"next_page": next_page}
    if has_next is not None:
        paginate["has_next"] = has_next
    return httpx.Response(200, json={"data": items, "meta": {"paginate": paginate}})


HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"


class FakeTime:
    """A clock that moves only when the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def api() -> respx.Router:
    return respx.Router(base_url=BASE_URL, assert_all_called=False)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client(api: respx.Router, fake_time: FakeTime) -> Iterator[PachcaClient]:
    config = ProviderConfig(token=SecretStr(TOKEN), base_url=BASE_URL)
    limiter = RateLimiter(1000.0, clock=fake_time.clock, sleep=fake_time.sleep)
    with PachcaClient(config, transport=httpx.MockTransport(api.handler), limiter=limiter) as pachca:
        yield pachca


def sent_json(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


# Operations: method, path, body, parsing


def test_client_create_chat_posts_chat_with_members_and_tags(api: respx.Router, client: PachcaClient) -> None:
    route = api.post("/chats").respond(201, json={"data": chat_json(member_ids=[185, 186, 187])})

    client.create_chat(
        ChatCreateFields(name="🤿 aqua", member_ids=[186, 187], group_tag_ids=[86, 18], public=True)
    )

    assert sent_json(route) == {
        "chat": {
            "name": "🤿 aqua",
            "member_ids": [186, 187],
            "group_tag_ids": [86, 18],
            "channel": False,
            "public": True,
        }
    }


def test_client_create_chat_returns_parsed_chat(api: respx.Router, client: PachcaClient) -> None:
    api.post("/chats").respond(201, json={"data": chat_json(channel=True)})

    created = client.create_chat(ChatCreateFields(name="🤿 aqua", channel=True))

    chat = created.data
    assert (chat.id, chat.name, chat.owner_id, chat.channel) == (334, "🤿 aqua", 185, True)
    assert chat.member_ids == [185, 186, 187]
    assert chat.meet_room_url == "https://meet.pachca.com/aqua-94bb21b5"
    assert created.not_found_member_ids == []  # the August 2026 spec's answer has no `meta`


def test_client_create_chat_reports_members_the_api_could_not_add(api: respx.Router, client: PachcaClient) -> None:
    api.post("/chats").respond(201, json={"data": chat_json(), "meta": {"not_found_member_ids": [999, 998]}})

    created = client.create_chat(ChatCreateFields(name="🤿 aqua", member_ids=[186, 187, 998, 999]))

    assert created.not_found_member_ids == [999, 998]


def test_client_set_chat_avatar_uploads_the_image_as_multipart(api: respx.Router, client: PachcaClient) -> None:
    route = api.post("/chats/334/avatar").respond(200, json={"data": {"image_url": "https://files.test/a.png"}})

    url = client.set_chat_avatar(334, b"\x89PNG\r\n\x1a\nrest", "image/png")

    assert url == "https://files.test/a.png"
    request = route.calls.last.request
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="image"; filename="avatar.png"' in request.content
    assert b"Content-Type: image/png" in request.content


def test_client_delete_chat_avatar_sends_delete(api: respx.Router, client: PachcaClient) -> None:
    route = api.delete("/chats/334/avatar").respond(204)

    client.delete_chat_avatar(334)

    assert route.call_count == 1


def test_client_list_company_chats_pages_with_the_activity_filter(api: respx.Router, client: PachcaClient) -> None:
    route = api.get("/company/chats").respond(
        200, json={"data": [chat_json(7)], "meta": {"paginate": {"next_page": "x", "has_next": False}}})

    chats = list(client.list_company_chats(activity="archived"))

    assert [chat.id for chat in chats] == [7]
    assert route.calls.last.request.url.params["activity"] == "archived"


def test_client_sends_bearer_token(api: respx.Router, client: PachcaClient) -> None:
    route = api.get("/chats/334").respond(200, json={"data": chat_json()})

    client.get_chat(334)

    assert route.calls.last.request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_client_sends_user_agent(api: respx.Router, client: PachcaClient) -> None:
    route = api.get("/chats/334").respond(200, json={"data": chat_json()})

    client.get_chat(334)

    assert route.calls.last.request.headers["User-Agent"].startswith("pachca-pulumi")


def test_client_sets_timeouts_on_every_request(api: respx.Router, client: PachcaClient) -> None:
    route = api.get("/chats/334").respond(200, json={"data": chat_json()})

    client.get_chat(334)

    timeout = route.calls.last.request.extensions["timeout"]
    assert timeout["connect"] == CONNECT_TIMEOUT_S
    assert timeout["read"] == READ_TIMEOUT_S


def test_client_get_chat_parses_chat(api: respx.Router, client: PachcaClient) -> None:
    api.get("/chats/334").respond(200, json={"data": chat_json(archived=True, public=True)})

    chat = client.get_chat(334)

    assert chat.id == 334
    assert chat.archived is True
    assert chat.public is True
    assert chat.group_tag_ids == [9111]


def test_client_update_chat_sends_only_set_fields(api: respx.Router, client: PachcaClient) -> None:
    route = api.put("/chats/334").respond(200, json={"data": chat_json(name="Бассейн")})

    chat = client.update_chat(334, ChatUpdateFields(name="Бассейн"))

    assert sent_json(route) == {"chat": {"name": "Бассейн"}}
    assert chat.name == "Бассейн"


def test_client_update_chat_sends_public_false(api: respx.Router, client: PachcaClient) -> None:
    route = api.put("/chats/334").respond(200, json={"data": chat_json()})

    client.update_chat(334, ChatUpdateFields(public=False))

    assert sent_json(route) == {"chat": {"public": False}}


def test_client_add_members_posts_ids(api: respx.Router, client: PachcaClient) -> None:
    route = api.post("/chats/334/members").respond(204)

    client.add_members(334, [186, 187])

    assert sent_json(route) == {"member_ids": [186, 187], "silent": True}


def test_client_remove_member_deletes_member_path(api: respx.Router, client: PachcaClient) -> None:
    route = api.delete("/chats/334/members/186").respond(204)

    client.remove_member(334, 186)

    assert route.call_count == 1


def test_client_add_tags_posts_ids(api: respx.Router, client: PachcaClient) -> None:
    route = api.post("/chats/334/group_tags").respond(204)

    client.add_tags(334, [86, 18])

    assert sent_json(route) == {"group_tag_ids": [86, 18]}


def test_client_remove_tag_deletes_tag_path(api: respx.Router, client: PachcaClient) -> None:
    route = api.delete("/chats/334/group_tags/86").respond(204)

    client.remove_tag(334, 86)

    assert route.call_count == 1


def test_client_archive_chat_puts_archive(api: respx.Router, client: PachcaClient) -> None:
    route = api.put("/chats/334/archive").respond(204)

    client.archive_chat(334)

    assert route.call_count == 1


def test_client_unarchive_chat_puts_unarchive(api: respx.Router, client: PachcaClient) -> None:
    route = api.put("/chats/334/unarchive").respond(204)

    client.unarchive_chat(334)

    assert route.call_count == 1


def test_client_get_profile_parses_user(api: respx.Router, client: PachcaClient) -> None:
    api.get("/profile").respond(200, json={"data": user_json(12)})

    assert client.get_profile().id == 12


@pytest.mark.parametrize("answer", [httpx.Response(404, json={"errors": []}), httpx.Response(200, text="<html/>")],
                         ids=["404", "html"])
def test_client_get_profile_off_the_api_names_the_base_url(api: respx.Router, client: PachcaClient,
                                                           answer: httpx.Response) -> None:
    """A base URL that answers but is not the API's root (a path left off, a web page) is the stack's
    setting, said with the URL and the form it takes; never a 404 of one chat."""
    api.get("/profile").mock(return_value=answer)

    with pytest.raises(NotTheAPIError) as info:
        client.get_profile()

    message = str(info.value)
    assert f"{BASE_URL} does not serve the Pachca API" in message
    assert "https://api.pachca.com/api/shared/v1" in message
    assert isinstance(info.value, TransportError)  # the kit reports it once, as the stack's


# Pagination


def test_client_list_chats_iterates_all_pages_with_cursor(api: respx.Router, client: PachcaClient) -> None:
    route = api.get("/chats").mock(
        side_effect=[
            page([chat_json(3), chat_json(2)], "cursor-2", True),
            page([chat_json(1)], "cursor-3", False),
        ]
    )

    chats = list(client.list_chats())

    assert [chat.id for chat in chats] == [3, 2, 1]
    first, second = (call.request.url.params for call in route.calls)
    assert first["limit"] == str(PAGE_LIMIT) == "50"
    assert "cursor" not in first
    assert second["cursor"] == "cursor-2"
    assert second["limit"] == "50"


def test_client_list_chats_stops_when_has_next_false(api: respx.Router, client: PachcaClient) -> None:
    route = api.get("/chats").mock(side_effect=[page([chat_json(1)], "cursor-2", False)])

    assert [chat.id for chat in client.list_chats()] == [1]
    assert route.call_count == 1


def test_client_list_chats_stops_on_empty_page(api: respx.Router, client: PachcaClient) -> None:
    route = api.get("/chats").mock(
        side_effect=[
            page([chat_json(2)], "cursor-2", True),
            page([], "cursor-3", True),
        ]
    )

    assert [chat.id for chat in client.list_chats()] == [2]
    assert route.call_count == 2


def test_client_list_chats_stops_on_short_page_without_has_next(
    api: respx.Router, client: PachcaClient
) -> None:
    route = api.get("/chats").mock(side_effect=[page([chat_json(2)], "cursor-2", None)])

    assert [chat.id for chat in client.list_chats()] == [2]
    assert route.call_count == 1


def test_client_list_chats_raises_on_repeated_cursor(api: respx.Router, client: PachcaClient) -> None:
    api.get("/chats").mock(
        side_effect=[
            page([chat_json(3)], "cursor-2", True),
            page([chat_json(2)], "cursor-2", True),
        ]
    )

    with pytest.raises(MalformedResponseError) as info:
        list(client.list_chats())

    assert "list chats" in str(info.value)
    assert "cursor" in str(info.value)


def test_client_list_chats_sends_filters(api: respx.Router, client: PachcaClient) -> None:
    route = api.get("/chats").mock(side_effect=[page([], None, False)])

    list(client.list_chats(archived=True, sort="id", order="desc"))

    params = route.calls.last.request.url.params
    assert (params["archived"], params["sort"], params["order"]) == ("true", "id", "desc")


def test_client_list_tag_users_reads_tag_path(api: respx.Router, client: PachcaClient) -> None:
    api.get("/group_tags/86/users").mock(side_effect=[page([user_json(300), user_json(301)], None, False)])

    assert [user.id for user in client.list_tag_users(86)] == [300, 301]


def test_client_list_without_data_list_raises_malformed(api: respx.Router, client: PachcaClient) -> None:
    api.get("/chats").respond(200, json={"meta": {"paginate": {"next_page": None}}})

    with pytest.raises(MalformedResponseError) as info:
        list(client.list_chats())

    assert "list chats" in str(info.value)


# Error statuses


def test_client_404_raises_not_found(api: respx.Router, client: PachcaClient) -> None:
    api.get("/chats/334").respond(
        404,
        json=not_found("id", 334),
    )

    with pytest.raises(NotFoundError) as info:
        client.get_chat(334)

    assert info.value.status_code == 404
    assert "get chat 334" in str(info.value)


def test_client_422_raises_unprocessable_with_every_item(api: respx.Router, client: PachcaClient) -> None:
    api.post("/chats").respond(422, json=API_ERROR)

    with pytest.raises(UnprocessableEntityError) as info:
        client.create_chat(ChatCreateFields(name="", member_ids=[999]))

    message = str(info.value)
    for item in API_ERROR["errors"]:
        assert item["key"] in message
        assert item["message"] in message
        assert item["code"] in message
    assert info.value.has_code("blank")


def test_client_401_raises_authentication_error_with_hint(api: respx.Router, client: PachcaClient) -> None:
    api.get("/profile").respond(401, json=OAUTH_ERROR)

    with pytest.raises(AuthenticationError) as info:
        client.get_profile()

    message = str(info.value)
    assert "Access token is missing" in message
    assert "pachca:token" in message
    assert "PACHCA_TOKEN" in message


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (400, API_ERROR, BadRequestError),
        (404, API_ERROR, NotFoundError),
        (422, API_ERROR, UnprocessableEntityError),
        (401, OAUTH_ERROR, AuthenticationError),
    ],
)
def test_client_4xx_is_never_retried(
    api: respx.Router, client: PachcaClient, status: int, body: dict[str, Any], cls: type[PachcaError]
) -> None:
    route = api.get("/chats/334").mock(
        side_effect=[httpx.Response(status, json=body), httpx.Response(200, json={"data": chat_json()})]
    )

    with pytest.raises(cls):
        client.get_chat(334)

    assert route.call_count == 1


# Retries


def test_client_429_retries_after_retry_after(
    api: respx.Router, client: PachcaClient, fake_time: FakeTime
) -> None:
    route = api.get("/chats/334").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}, json={"errors": []}),
            httpx.Response(200, json={"data": chat_json()}),
        ]
    )

    chat = client.get_chat(334)

    assert chat.id == 334
    assert route.call_count == 2
    assert [wait for wait in fake_time.sleeps if wait > 1e-6] == [pytest.approx(7.0)]


def test_client_429_with_zero_retry_after_is_retried(api: respx.Router, client: PachcaClient) -> None:
    route = api.get("/chats/334").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "0"}),
            httpx.Response(200, json={"data": chat_json()}),
        ]
    )

    assert client.get_chat(334).id == 334
    assert route.call_count == 2


def test_client_429_on_create_is_retried(api: respx.Router, client: PachcaClient) -> None:
    route = api.post("/chats").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "1"}),
            httpx.Response(201, json={"data": chat_json()}),
        ]
    )

    client.create_chat(ChatCreateFields(name="🤿 aqua"))

    assert route.call_count == 2


def test_client_429_every_time_raises_rate_limit_error(api: respx.Router, client: PachcaClient) -> None:
    api.get("/chats/334").respond(429, headers={"Retry-After": "2"})

    with pytest.raises(RateLimitError) as info:
        client.get_chat(334)

    assert info.value.retry_after == 2.0


def test_client_5xx_twice_then_ok_is_retried_for_get(api: respx.Router, client: PachcaClient) -> None:
    route = api.get("/chats/334").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(500, json={"errors": []}),
            httpx.Response(200, json={"data": chat_json()}),
        ]
    )

    assert client.get_chat(334).id == 334
    assert route.call_count == 3


def test_client_5xx_on_create_chat_is_not_retried(api: respx.Router, client: PachcaClient) -> None:
    route = api.post("/chats").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(201, json={"data": chat_json()}),
        ]
    )

    with pytest.raises(ServerError):
        client.create_chat(ChatCreateFields(name="🤿 aqua"))

    assert route.call_count == 1


def test_client_connect_error_is_retried(api: respx.Router, client: PachcaClient) -> None:
    route = api.get("/chats/334").mock(
        side_effect=[
            httpx.ConnectError("connection refused"),
            httpx.Response(200, json={"data": chat_json()}),
        ]
    )

    assert client.get_chat(334).id == 334
    assert route.call_count == 2


def test_client_connect_error_on_create_chat_is_retried(api: respx.Router, client: PachcaClient) -> None:
    route = api.post("/chats").mock(
        side_effect=[
            httpx.ConnectError("connection refused"),
            httpx.Response(201, json={"data": chat_json()}),
        ]
    )

    assert client.create_chat(ChatCreateFields(name="🤿 aqua")).data.id == 334
    assert route.call_count == 2


def test_client_connect_timeout_on_create_chat_is_retried(api: respx.Router, client: PachcaClient) -> None:
    route = api.post("/chats").mock(
        side_effect=[
            httpx.ConnectTimeout("connect timed out"),
            httpx.Response(201, json={"data": chat_json()}),
        ]
    )

    assert client.create_chat(ChatCreateFields(name="🤿 aqua")).data.id == 334
    assert route.call_count == 2


def test_client_connect_error_every_time_raises_transport_error(
    api: respx.Router, client: PachcaClient
) -> None:
    api.get("/chats/334").mock(side_effect=httpx.ConnectError("connection refused"))

    with pytest.raises(TransportError) as info:
        client.get_chat(334)

    assert not isinstance(info.value, ResponseLostError)
    assert "get chat 334" in str(info.value)


def test_client_connect_error_names_the_url_and_the_setting_that_chose_it(api: respx.Router) -> None:
    config = ProviderConfig.resolve({"pachca:token": TOKEN}.get, {"PACHCA_BASE_URL": BASE_URL})
    api.get("/profile").mock(side_effect=httpx.ConnectError("connection refused"))

    with PachcaClient(config) as client, pytest.raises(TransportError) as info:
        client.get_profile()

    assert f"could not reach the Pachca API at {BASE_URL} (set by the environment variable PACHCA_BASE_URL)" in str(
        info.value)


def test_client_read_timeout_on_create_chat_raises_response_lost_once(
    api: respx.Router, client: PachcaClient
) -> None:
    route = api.post("/chats").mock(
        side_effect=[
            httpx.ReadTimeout("timed out"),
            httpx.Response(201, json={"data": chat_json()}),
        ]
    )

    with pytest.raises(ResponseLostError):
        client.create_chat(ChatCreateFields(name="🤿 aqua"))

    assert route.call_count == 1


def test_client_broken_connection_on_create_chat_raises_response_lost(
    api: respx.Router, client: PachcaClient
) -> None:
    route = api.post("/chats").mock(side_effect=httpx.RemoteProtocolError("peer closed connection"))

    with pytest.raises(ResponseLostError):
        client.create_chat(ChatCreateFields(name="🤿 aqua"))

    assert route.call_count == 1


def test_client_read_timeout_on_get_is_retried(api: respx.Router, client: PachcaClient) -> None:
    route = api.get("/chats/334").mock(
        side_effect=[
            httpx.ReadTimeout("timed out"),
            httpx.Response(200, json={"data": chat_json()}),
        ]
    )

    assert client.get_chat(334).id == 334
    assert route.call_count == 2


# Malformed answers


def test_client_non_json_200_raises_malformed_naming_operation(
    api: respx.Router, client: PachcaClient
) -> None:
    api.get("/chats/334").respond(200, text="<html>maintenance</html>", headers={"Content-Type": "text/html"})

    with pytest.raises(MalformedResponseError) as info:
        client.get_chat(334)

    assert "get chat 334" in str(info.value)
    assert info.value.operation == "get chat 334"


def test_client_html_502_raises_readable_server_error(api: respx.Router, client: PachcaClient) -> None:
    api.put("/chats/334").respond(502, text=HTML_502, headers={"Content-Type": "text/html"})

    with pytest.raises(ServerError) as info:
        client.update_chat(334, ChatUpdateFields(name="x"))

    assert info.value.status_code == 502
    assert "update chat 334" in str(info.value)
    assert "HTTP 502" in str(info.value)
    assert "<html" not in str(info.value)


def test_client_chat_missing_name_raises_malformed_naming_field(
    api: respx.Router, client: PachcaClient
) -> None:
    chat = chat_json()
    del chat["name"]
    api.get("/chats/334").respond(200, json={"data": chat})

    with pytest.raises(MalformedResponseError) as info:
        client.get_chat(334)

    assert "name" in str(info.value)
    assert "get chat 334" in str(info.value)


def test_client_answer_without_data_raises_malformed(api: respx.Router, client: PachcaClient) -> None:
    api.get("/chats/334").respond(200, json=chat_json())

    with pytest.raises(MalformedResponseError) as info:
        client.get_chat(334)

    assert "data" in str(info.value)


# Secrets


def _raise_401(api: respx.Router, client: PachcaClient) -> None:
    api.get("/chats/334").respond(401, json=OAUTH_ERROR)
    client.get_chat(334)


def _raise_422(api: respx.Router, client: PachcaClient) -> None:
    api.post("/chats").respond(422, json=API_ERROR)
    client.create_chat(ChatCreateFields(name="x"))


def _raise_502(api: respx.Router, client: PachcaClient) -> None:
    api.get("/chats/334").respond(502, text=HTML_502)
    client.get_chat(334)


def _raise_connect_error(api: respx.Router, client: PachcaClient) -> None:
    api.get("/chats/334").mock(side_effect=httpx.ConnectError("connection refused"))
    client.get_chat(334)


def _raise_response_lost(api: respx.Router, client: PachcaClient) -> None:
    api.post("/chats").mock(side_effect=httpx.ReadTimeout("timed out"))
    client.create_chat(ChatCreateFields(name="x"))


def _raise_malformed(api: respx.Router, client: PachcaClient) -> None:
    api.get("/chats/334").respond(200, json={"data": {"id": 334}})
    client.get_chat(334)


@pytest.mark.parametrize(
    "scenario",
    [_raise_401, _raise_422, _raise_502, _raise_connect_error, _raise_response_lost, _raise_malformed],
    ids=lambda scenario: scenario.__name__.removeprefix("_raise_"),
)
def test_client_errors_never_contain_token(
    api: respx.Router, client: PachcaClient, scenario: Callable[[respx.Router, PachcaClient], None]
) -> None:
    with pytest.raises(PachcaError) as info:
        scenario(api, client)

    exc = info.value
    rendered = [str(exc), repr(exc), repr(exc.args), "".join(traceback.format_exception(exc))]
    assert all(TOKEN not in text for text in rendered)


def test_client_repr_hides_token(client: PachcaClient) -> None:
    assert TOKEN not in repr(client)
    assert BASE_URL in repr(client)
