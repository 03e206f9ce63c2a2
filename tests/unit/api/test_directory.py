"""The per-process directory: each person read once, by the cheapest request, and a failed read not repeated."""

from __future__ import annotations

import random
import uuid
from typing import Any

import httpx
import pytest
import respx

from pachca_pulumi.api.client import PachcaClient
from pachca_pulumi.api.config import ProviderConfig
from pachca_pulumi.api.directory import Directory, UnknownReference
from pachca_pulumi.api.errors import AuthenticationError
from pachca_pulumi.chat.verify import verify_inputs

pytestmark = pytest.mark.usefixtures("stamina_testing")

BASE_URL = "https://api.pachca.test/api/shared/v1"


def _user(user_id: int, nickname: str, email: str) -> dict[str, Any]:
    return {"id": user_id, "first_name": nickname.title(), "last_name": "Test", "nickname": nickname,
            "email": email, "role": "user", "suspended": False, "bot": False}


def _page(items: list[dict[str, Any]]) -> httpx.Response:
    return httpx.Response(200, json={"data": items, "meta": {"paginate": {"next_page": "x", "has_next": False}}})


@pytest.fixture
def api() -> respx.MockRouter:
    router = respx.MockRouter(base_url=BASE_URL, assert_all_called=False)
    router.get("/profile").mock(return_value=httpx.Response(200, json={"data": _user(1, "bot", "bot@corp.ru")}))
    people = [_user(12, "oleg", "oleg@corp.ru"), _user(55, "anna", "anna@corp.ru"),
              {**_user(60, "ira", "ira@corp.ru"), "suspended": True},
              {**_user(70, "ci-bot", "ci@corp.ru"), "bot": True}]
    router.get("/users").mock(side_effect=lambda request: _page(_search(people, request.url.params.get("query"))))
    by_id = {user["id"]: user for user in people}
    router.get(path__regex=r"/users/(?P<user_id>\d+)$").mock(side_effect=lambda request, user_id: (
        httpx.Response(200, json={"data": by_id[int(user_id)]}) if int(user_id) in by_id
        else httpx.Response(404, json={"errors": [{"key": "id", "value": "not_found"}]})))
    router.get(path__regex=r"/group_tags/7/users$").mock(return_value=_page(people[:1]))
    router.get(path__regex=r"/group_tags/\d+/users$").mock(return_value=httpx.Response(404, json={"errors": []}))
    router.get("/group_tags").mock(return_value=_page([{"id": 7, "name": "Ops", "users_count": 0}]))
    router.get("/oauth/token/info").mock(return_value=_scopes(*ALL_SCOPES))
    return router


ALL_SCOPES = ("chats:read", "chats:create", "chats:update", "chats:archive", "chat_members:read",
              "chat_members:write", "users:read", "group_tags:read", "profile:read")


def _search(people: list[dict[str, Any]], query: str | None) -> list[dict[str, Any]]:
    """The spec's search: every word of the query within a name, the email or the nickname."""
    words = (query or "").casefold().split()
    fields = ("first_name", "last_name", "email", "nickname")
    return [u for u in people if all(any(w in str(u[f]).casefold() for f in fields) for w in words)]


def _calls(api: respx.MockRouter, path: str) -> list[str]:
    """The query strings of the calls made to `path` (relative to the API)."""
    return [call.request.url.query.decode() for call in api.calls
            if call.request.url.path.removeprefix("/api/shared/v1") == path]


def _scopes(*scopes: str) -> httpx.Response:
    return httpx.Response(200, json={"data": {"id": 1, "user_id": 1, "scopes": list(scopes)}})


def _verify(inputs: dict[str, Any], directory: Directory) -> Any:
    return verify_inputs(inputs, "eng", directory, find_chat=lambda _id: None, claim=lambda _id, _r: None)


def _directory(api: respx.MockRouter) -> Directory:
    config = ProviderConfig.resolve({"pachca:token": f"directory-{uuid.uuid4().hex}", "pachca:baseUrl": BASE_URL}.get)
    return Directory(PachcaClient(config, transport=httpx.MockTransport(api.handler)))


def test_directory_resolves_ids_emails_and_nicknames(api: respx.MockRouter) -> None:
    directory = _directory(api)

    found = [directory.resolve(key).id for key in ("12", "ANNA@corp.ru", "@oleg", "1", "55", "@Anna")]

    assert found == [12, 55, 12, 1, 55, 55]


def test_directory_reads_ids_that_sit_together_from_one_page(api: respx.MockRouter) -> None:
    directory = _directory(api)

    assert [directory.user(uid).id for uid in (12, 55, 60, 70)] == [12, 55, 60, 70]  # type: ignore[union-attr]

    assert _calls(api, "/users") == ["limit=50"]
    assert directory.counts.requests == 1


def test_directory_asks_again_for_someone_not_found(api: respx.MockRouter) -> None:
    directory = _directory(api)

    users = [directory.user(uid) for uid in (12, 9000, 9000)]

    assert [u and u.id for u in users] == [12, None, None]
    assert len(_calls(api, "/users/9000")) == 2  # nobody found is asked again: they may have joined since


@pytest.mark.parametrize("asked", [3, 40, 400])
def test_directory_people_in_any_order_cost_at_most_twice_the_cheaper_way(asked: int) -> None:
    everyone = [_user(uid, f"u{uid}", f"u{uid}@corp.ru") for uid in range(2, 1002)]  # 20 pages
    pages = [everyone[i:i + 50] for i in range(0, len(everyone), 50)]
    router = respx.MockRouter(base_url=BASE_URL, assert_all_called=False)
    router.get("/profile").mock(return_value=httpx.Response(200, json={"data": _user(1, "bot", "bot@corp.ru")}))
    router.get("/users").mock(side_effect=lambda request: _cursor_page(pages, request))
    router.get(path__regex=r"/users/(?P<uid>\d+)$").mock(
        side_effect=lambda request, uid: httpx.Response(200, json={"data": everyone[int(uid) - 2]}))
    directory = _directory(router)
    wanted = random.Random(asked).sample(range(2, 1002), asked)

    assert [directory.user(uid).id for uid in wanted] == wanted  # type: ignore[union-attr]

    made = len(_calls(router, "/users")) + sum(1 for c in router.calls if "/users/" in c.request.url.path)
    assert made <= 2 * min(asked, len(pages)) + 1, made


def _cursor_page(pages: list[list[dict[str, Any]]], request: httpx.Request) -> httpx.Response:
    index = int(request.url.params.get("cursor") or 0)
    more = index + 1 < len(pages)
    return httpx.Response(200, json={"data": pages[index],
                                     "meta": {"paginate": {"next_page": str(index + 1), "has_next": more}}})


def test_directory_finds_an_email_or_nickname_by_search_and_remembers_it(api: respx.MockRouter) -> None:
    directory = _directory(api)

    assert [directory.resolve(key).id for key in ("@oleg", "oleg@corp.ru", "12", "@OLEG")] == [12, 12, 12, 12]

    assert _calls(api, "/users") == ["query=oleg&limit=50"]


def test_directory_tag_people_are_read_once_per_tag(api: respx.MockRouter) -> None:
    directory = _directory(api)

    assert [directory.tag_member_ids([7]), directory.tag_member_ids([7, 8]), directory.has_tag(8)] == \
        [{12}, {12}, False]

    assert len(_calls(api, "/group_tags/7/users")) == 1
    assert len(_calls(api, "/group_tags/8/users")) == 1
    assert _calls(api, "/users") == [] and _calls(api, "/group_tags") == []


def test_directory_unknown_reference_suggests_the_closest(api: respx.MockRouter) -> None:
    with pytest.raises(UnknownReference) as info:
        _directory(api).resolve("anna@corp.ri")

    assert info.value.suggestion == "anna@corp.ru"


def test_directory_a_failed_read_fails_again_without_another_request(api: respx.MockRouter) -> None:
    api.get("/profile").mock(return_value=httpx.Response(401, json={"error": "invalid_token",
                                                                       "error_description": "bad token"}))
    directory = _directory(api)

    for _ in range(3):
        with pytest.raises(AuthenticationError):
            directory.resolve("12")

    assert sum(1 for call in api.calls if call.request.url.path.endswith("/profile")) == 1


def test_verify_inputs_warns_of_suspended_people_and_bots_but_accepts_them(api: respx.MockRouter) -> None:
    inputs = {"members": {"@ira": None, "ci@corp.ru": None, "@oleg": None}}

    verdict = _verify(inputs, _directory(api))

    assert verdict.failures == []
    assert verdict.inputs["members"] == {"@ira": 60, "ci@corp.ru": 70, "@oleg": 12}
    assert verdict.warnings == [
        "chat 'eng': @ira (Ira Test) in members is suspended: they cannot read the chat",
        "chat 'eng': ci@corp.ru (Ci-Bot Test) in members is a bot",
    ]


def test_verify_inputs_fails_naming_the_scopes_a_chat_needs_and_the_token_lacks(api: respx.MockRouter) -> None:
    api.get("/oauth/token/info").mock(return_value=_scopes("chats:read", "chats:create", "chats:update"))

    verdict = _verify({"members": {"@oleg": None}}, _directory(api))

    message, = [failure.reason for failure in verdict.failures]
    assert "the token lacks scopes chat 'eng' needs: chat_members:write (changing members and group tags), " \
           "chats:archive (archiving a chat removed from the program)" in message
    assert "pulumi config set --secret pachca:token" in message


def test_verify_inputs_asks_only_for_the_scopes_these_inputs_need(api: respx.MockRouter) -> None:
    api.get("/oauth/token/info").mock(return_value=_scopes("chats:read", "chats:update", "chats:archive"))

    failures = _verify({"name": "Adopted", "adopt_id": 334}, _directory(api)).failures

    assert [failure.reason for failure in failures if "lacks scopes" in failure.reason] == []


@pytest.mark.parametrize("status", [404, 403])
def test_verify_inputs_without_token_info_skips_the_scope_check(api: respx.MockRouter, status: int) -> None:
    api.get("/oauth/token/info").mock(return_value=httpx.Response(status, json={"errors": []}))
    directory = _directory(api)

    verdicts = [_verify({"members": {"@oleg": None}}, directory) for _ in range(2)]

    assert [verdict.failures for verdict in verdicts] == [[], []]
    assert sum(1 for call in api.calls if call.request.url.path.endswith("/oauth/token/info")) == 1


def test_directory_search_stops_at_the_exact_match() -> None:
    many = [_user(uid, f"an{uid}", f"an{uid}@corp.ru") for uid in range(2, 102)]  # "an" matches two pages
    many[3] = _user(5, "an", "an@corp.ru")
    pages = [many[:50], many[50:]]
    router = respx.MockRouter(base_url=BASE_URL, assert_all_called=False)
    router.get("/users").mock(side_effect=lambda request: _cursor_page(pages, request))

    assert _directory(router).resolve("@an").id == 5

    assert len(_calls(router, "/users")) == 1
