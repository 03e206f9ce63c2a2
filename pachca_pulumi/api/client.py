"""A small synchronous client for the parts of the Pachca API that chats-as-code needs.

One method per operation (named after the spec's operationIds), all through `_request()`, which
paces requests per token, retries what is safe to retry, and translates every httpx error and
error status into the `PachcaError` tree. The client knows nothing about Pulumi.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx
import stamina
from pydantic import BaseModel, ValidationError

from ._constants import (
    CONNECT_TIMEOUT_S,
    MAX_ATTEMPTS,
    PAGE_LIMIT,
    RATE_LIMIT_PER_S,
    READ_TIMEOUT_S,
    RETRY_TOTAL_TIMEOUT_S,
    RETRY_WAIT_INITIAL_S,
    RETRY_WAIT_JITTER_S,
    RETRY_WAIT_MAX_S,
    USER_AGENT,
)
from .config import ProviderConfig
from .errors import (
    MalformedResponseError,
    ResponseLostError,
    ServerError,
    TransportError,
    error_for_status,
)
from .models import (
    AuditEvent,
    AvatarSet,
    Chat,
    ChatCreated,
    ChatCreateFields,
    ChatUpdateFields,
    GroupTag,
    GroupTagFields,
    MemberRole,
    PaginationMeta,
    TokenInfo,
    User,
    UserUpdateFields,
)
from .redact import install_log_filters, scrub_exception
from .retry import RateLimiter, limiter_for, parse_retry_after, retry_decision

__all__ = ["PachcaClient"]

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

def _as_is(body: Any) -> Any:
    return body


@dataclass(frozen=True)
class _Payload:
    """What one request sends besides its method and path."""

    json: Any = None
    params: dict[str, Any] | None = None
    files: dict[str, Any] | None = None


_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}


_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


class PachcaClient:
    """Pachca API client. Thread-safe; share one per process and token."""

    def __init__(
        self,
        config: ProviderConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        rate_limit: float = RATE_LIMIT_PER_S,
        timeout: httpx.Timeout | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        token = config.token.get_secret_value()
        install_log_filters()
        self._http = httpx.Client(
            base_url=config.base_url + "/",
            headers={"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT},
            timeout=timeout or httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            transport=transport,
            verify=True,
        )
        self._limiter = limiter or limiter_for(token, rate_limit)
        self._where = config.base_url + (f" ({config.base_url_source})" if config.base_url_source else "")

    def __repr__(self) -> str:
        return f"PachcaClient(base_url={str(self._http.base_url)!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PachcaClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # Chats

    def create_chat(self, fields: ChatCreateFields, *,
                    find_lost: Callable[[], ChatCreated | None] | None = None) -> ChatCreated:
        """POST /chats: the chat, and the member ids the API could not add (`meta.not_found_member_ids`).

        Never blindly re-sent after the request may have reached the server: when an answer is lost
        or a 5xx arrives, `find_lost()` looks for the chat that request may have made; only when it
        finds none is the request sent again (within the same retry budget)."""
        operation = f"create chat {fields.name!r}"
        body = {"chat": fields.model_dump()}
        return self._request("POST", "chats", operation, json=body, parse=_whole(ChatCreated, operation),
                             idempotent=False, recover=find_lost)

    def get_chat(self, chat_id: int) -> Chat:
        operation = f"get chat {chat_id}"
        return self._request("GET", f"chats/{chat_id}", operation, parse=_parser(Chat, operation))

    def update_chat(self, chat_id: int, fields: ChatUpdateFields) -> Chat:
        operation = f"update chat {chat_id}"
        body = {"chat": fields.model_dump(exclude_none=True)}
        return self._request("PUT", f"chats/{chat_id}", operation, json=body, parse=_parser(Chat, operation))

    def set_chat_avatar(self, chat_id: int, image: bytes, content_type: str) -> str:
        """POST /chats/{id}/avatar (multipart, field `image`): the new avatar's URL."""
        operation = f"set the avatar of chat {chat_id}"
        files = {"image": (f"avatar{_EXTENSIONS.get(content_type, '')}", image, content_type)}
        answer = self._request("POST", f"chats/{chat_id}/avatar", operation, files=files,
                               parse=_parser(AvatarSet, operation))
        return answer.image_url

    def delete_chat_avatar(self, chat_id: int) -> None:
        """DELETE /chats/{id}/avatar."""
        self._request("DELETE", f"chats/{chat_id}/avatar", f"delete the avatar of chat {chat_id}")

    def archive_chat(self, chat_id: int) -> None:
        self._request("PUT", f"chats/{chat_id}/archive", f"archive chat {chat_id}")

    def unarchive_chat(self, chat_id: int) -> None:
        self._request("PUT", f"chats/{chat_id}/unarchive", f"unarchive chat {chat_id}")

    def list_chats(
        self,
        *,
        availability: str | None = None,
        archived: bool | None = None,
        personal: bool | None = None,
        sort: str | None = None,
        order: str | None = None,
        last_message_at_after: str | None = None,
    ) -> Iterator[Chat]:
        """GET /chats, every page; the cursor is hidden."""
        return (chat for page in self.list_chat_pages(availability=availability, archived=archived, personal=personal,
                                                      sort=sort, order=order,
                                                      last_message_at_after=last_message_at_after)
                for chat in page)

    def list_chat_pages(
        self,
        *,
        availability: str | None = None,
        archived: bool | None = None,
        personal: bool | None = None,
        sort: str | None = None,
        order: str | None = None,
        last_message_at_after: str | None = None,
    ) -> Iterator[list[Chat]]:
        """GET /chats one page (one request) at a time, for callers that weigh each request; a page
        is fetched only when the previous one has been taken. `last_message_at_after` is the spec's
        inclusive filter (`YYYY-MM-DDThh:mm:ss.sssZ`)."""
        params = _query(availability=availability, archived=archived, personal=personal, sort=sort, order=order,
                        last_message_at_after=last_message_at_after)
        return self._pages("chats", Chat, "list chats", params)

    def list_company_chats(self, *, activity: str | None = None) -> Iterator[Chat]:
        """GET /company/chats, every page: all chats of the company, not only the token user's
        (owner and admin tokens; others get PermissionDeniedError on the first page)."""
        return self._paginate("company/chats", Chat, "list company chats", _query(activity=activity))

    # Members and group tags

    def list_members(self, chat_id: int, *, role: str | None = None) -> Iterator[User]:
        """GET /chats/{id}/members, every page; `role` filters (all, owner, admin, editor, member)."""
        operation = f"list {role or 'all'} members of chat {chat_id}"
        return self._paginate(f"chats/{chat_id}/members", User, operation, _query(role=role))

    def update_member_role(self, chat_id: int, user_id: int, role: MemberRole) -> None:
        """PUT /chats/{id}/members/{user_id}: set a member's role (the owner's cannot change)."""
        self._request("PUT", f"chats/{chat_id}/members/{user_id}",
                      f"make user {user_id} {role} of chat {chat_id}", json={"role": role})

    def add_members(self, chat_id: int, member_ids: list[int], *, silent: bool = True) -> None:
        body = {"member_ids": member_ids, "silent": silent}
        self._request("POST", f"chats/{chat_id}/members", f"add members {member_ids} to chat {chat_id}", json=body)

    def remove_member(self, chat_id: int, user_id: int) -> None:
        self._request("DELETE", f"chats/{chat_id}/members/{user_id}", f"remove member {user_id} from chat {chat_id}")

    def add_tags(self, chat_id: int, group_tag_ids: list[int]) -> None:
        body = {"group_tag_ids": group_tag_ids}
        self._request("POST", f"chats/{chat_id}/group_tags", f"add tags {group_tag_ids} to chat {chat_id}", json=body)

    def remove_tag(self, chat_id: int, tag_id: int) -> None:
        self._request("DELETE", f"chats/{chat_id}/group_tags/{tag_id}", f"remove tag {tag_id} from chat {chat_id}")

    # Directory

    def get_profile(self) -> User:
        """GET /profile: the token's own user."""
        return self._request("GET", "profile", "get profile", parse=_parser(User, "get profile"))

    def get_token_info(self) -> TokenInfo:
        """GET /oauth/token/info: the token's user and scopes."""
        operation = "get token info"
        return self._request("GET", "oauth/token/info", operation, parse=_parser(TokenInfo, operation))

    def list_users(self, query: str | None = None) -> Iterator[User]:
        """GET /users, every page; `query` searches names, email, phone and nickname."""
        return self._paginate("users", User, "list users", _query(query=query))

    def list_user_pages(self) -> Iterator[list[User]]:
        """GET /users one page (one request) at a time, for callers that weigh each request."""
        return self._pages("users", User, "list users", {})

    def get_user(self, user_id: int) -> User:
        """GET /users/{id}: one user, with `list_tags` (the names of their group tags)."""
        operation = f"get user {user_id}"
        return self._request("GET", f"users/{user_id}", operation, parse=_parser(User, operation))

    def update_user(self, user_id: int, fields: UserUpdateFields) -> User:
        """PUT /users/{id} with the set fields only (scope `users:update`: owner or admin tokens).
        `list_tags` replaces the user's tags as a whole: read the user first, change, write."""
        operation = f"update user {user_id}"
        body = {"user": fields.model_dump(exclude_none=True)}
        return self._request("PUT", f"users/{user_id}", operation, json=body, parse=_parser(User, operation))

    def list_tags(self, names: list[str] | None = None) -> Iterator[GroupTag]:
        """GET /group_tags, every page; `names` filters by tag name."""
        return self._paginate("group_tags", GroupTag, "list group tags", _query(names=names))

    def list_tag_users(self, tag_id: int) -> Iterator[User]:
        """GET /group_tags/{id}/users, every page."""
        return self._paginate(f"group_tags/{tag_id}/users", User, f"list users of group tag {tag_id}", {})

    # Group tags

    def create_tag(self, fields: GroupTagFields) -> GroupTag:
        """POST /group_tags. Names are unique in the workspace: a taken one is UnprocessableEntityError.
        Not re-sent blindly: a lost answer is found again by name (names are unique)."""
        operation = f"create group tag {fields.name!r}"
        body = {"group_tag": fields.model_dump()}
        return self._request("POST", "group_tags", operation, json=body, parse=_parser(GroupTag, operation),
                             idempotent=False, recover=lambda: self._tag_named(fields.name))

    def get_tag(self, tag_id: int) -> GroupTag:
        """GET /group_tags/{id}."""
        operation = f"get group tag {tag_id}"
        return self._request("GET", f"group_tags/{tag_id}", operation, parse=_parser(GroupTag, operation))

    def update_tag(self, tag_id: int, fields: GroupTagFields) -> GroupTag:
        """PUT /group_tags/{id}: rename the tag (its users keep it)."""
        operation = f"rename group tag {tag_id}"
        body = {"group_tag": fields.model_dump()}
        return self._request("PUT", f"group_tags/{tag_id}", operation, json=body,
                             parse=_parser(GroupTag, operation))

    def delete_tag(self, tag_id: int) -> None:
        """DELETE /group_tags/{id}: the tag is gone for good (the API has no archive for tags)."""
        self._request("DELETE", f"group_tags/{tag_id}", f"delete group tag {tag_id}")

    def _tag_named(self, name: str) -> GroupTag | None:
        return next((tag for tag in self.list_tags(names=[name]) if tag.name == name), None)

    def list_audit_events(
        self,
        *,
        start_time: str | None = None,
        end_time: str | None = None,
        event_key: str | None = None,
        entity_type: str | None = None,
        entity_id: str | None = None,
    ) -> Iterator[AuditEvent]:
        """GET /audit_events, every page (the owner's token on the corporation plan; otherwise the
        first page raises PermissionDeniedError or PaymentRequiredError)."""
        params = _query(start_time=start_time, end_time=end_time, event_key=event_key, entity_type=entity_type,
                        entity_id=entity_id)
        return self._paginate("audit_events", AuditEvent, "list audit events", params)

    def create_message(self, chat_id: int, content: str) -> None:
        """POST /messages into a chat (a discussion or channel)."""
        body = {"message": {"entity_type": "discussion", "entity_id": chat_id, "content": content}}
        self._request("POST", "messages", f"post a message to chat {chat_id}", json=body, idempotent=False)

    # Plumbing

    def _paginate(self, path: str, model: type[M], operation: str, params: dict[str, Any]) -> Iterator[M]:
        for page in self._pages(path, model, operation, params):
            yield from page

    def _pages(self, path: str, model: type[M], operation: str, params: dict[str, Any]) -> Iterator[list[M]]:
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            page_params = {**params, "limit": PAGE_LIMIT, **({"cursor": cursor} if cursor else {})}
            body: Any = self._request("GET", path, operation, params=page_params)
            items = body.get("data") if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise MalformedResponseError(f"{operation}: the answer has no `data` list", operation=operation,
                                             status_code=200)
            yield [_parse(model, item, operation) for item in items]
            cursor = _next_cursor(body, len(items), operation)
            if cursor is None:
                return
            if cursor in seen:
                raise MalformedResponseError(f"{operation}: the server repeated a page cursor",
                                             operation=operation, status_code=200)
            seen.add(cursor)

    def _request(
        self,
        method: str,
        path: str,
        operation: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        parse: Callable[[Any], T] = _as_is,
        idempotent: bool = True,
        recover: Callable[[], T | None] | None = None,
    ) -> T:
        """The one retry loop: every call, recovery included, goes through it.

        A request that is not idempotent is repeated only when `recover` is given and finds that the
        failed attempt left nothing behind; what it finds is the answer.
        """
        decide = functools.partial(retry_decision, idempotent=idempotent or recover is not None)
        for attempt in stamina.retry_context(
            on=decide,
            attempts=MAX_ATTEMPTS,
            timeout=RETRY_TOTAL_TIMEOUT_S,
            wait_initial=RETRY_WAIT_INITIAL_S,
            wait_max=RETRY_WAIT_MAX_S,
            wait_jitter=RETRY_WAIT_JITTER_S,
        ):
            with attempt:
                return self._attempt(method, path, operation, _Payload(json, params, files), parse, recover)
        raise AssertionError("unreachable: stamina either returns or raises")  # pragma: no cover

    def _attempt(self, method: str, path: str, operation: str, payload: _Payload, parse: Callable[[Any], T],
                 recover: Callable[[], T | None] | None) -> T:
        try:
            return parse(self._send(method, path, operation, payload))
        except (ResponseLostError, ServerError):
            found = recover() if recover is not None else None
            if found is None:
                raise
            return found

    def _send(self, method: str, path: str, operation: str, payload: _Payload) -> Any:
        self._limiter.acquire()
        try:
            response = self._http.request(method, path, json=payload.json, params=payload.params,
                                          files=payload.files)
        except _NOT_SENT as exc:
            raise TransportError(f"{operation}: could not reach the Pachca API at {self._where}: "
                                 f"{type(exc).__name__}; check the base URL and that the API is up",
                                 operation=operation) from scrub_exception(exc)
        except httpx.TimeoutException as exc:
            raise ResponseLostError(f"{operation}: no answer within the timeout ({type(exc).__name__})",
                                    operation=operation) from scrub_exception(exc)
        except httpx.HTTPError as exc:
            raise ResponseLostError(f"{operation}: the connection broke before an answer arrived "
                                    f"({type(exc).__name__})", operation=operation) from scrub_exception(exc)
        self._pace(response)
        return _decode(response, operation)

    def _pace(self, response: httpx.Response) -> None:
        """Tell the limiter how the server took the request: a 429 slows every sender down."""
        if response.status_code != 429:
            self._limiter.succeeded()
            return
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        self._limiter.throttled(retry_after if retry_after is not None else RETRY_WAIT_INITIAL_S)


def _whole(model: type[M], operation: str) -> Callable[[Any], M]:
    """Parse a whole answer (`data` and `meta`) into `model`."""
    return lambda body: _parse(model, body, operation)


def _parser(model: type[M], operation: str) -> Callable[[Any], M]:
    """Parse the `data` object of an answer into `model`."""
    return lambda body: _parse(model, _data(body, operation), operation)


def _decode(response: httpx.Response, operation: str) -> Any:
    status = response.status_code
    body = _json_or_none(response)
    if status >= 400:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        raise error_for_status(operation=operation, status_code=status, body=body, retry_after=retry_after)
    if status == 204 or not response.content:
        return None
    if body is None:
        kind = response.headers.get("Content-Type", "unknown content type")
        raise MalformedResponseError(f"{operation}: HTTP {status} answer is not JSON ({kind})",
                                     operation=operation, status_code=status)
    return body


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _data(body: Any, operation: str) -> Any:
    if not isinstance(body, dict) or "data" not in body:
        raise MalformedResponseError(f"{operation}: the answer has no `data` object", operation=operation,
                                     status_code=200)
    return body["data"]


def _parse(model: type[M], raw: Any, operation: str) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in err["loc"]) or "body" for err in exc.errors())
        raise MalformedResponseError(
            f"{operation}: the API answered with a {model.__name__} that does not match the spec "
            f"(bad or missing: {fields})", operation=operation, status_code=200) from None


def _next_cursor(body: dict[str, Any], count: int, operation: str) -> str | None:
    try:
        paginate = PaginationMeta.model_validate(body.get("meta") or {}).paginate
    except ValidationError:
        raise MalformedResponseError(f"{operation}: bad pagination meta", operation=operation,
                                     status_code=200) from None
    if count == 0 or not paginate.next_page or paginate.has_next is False:
        return None
    if paginate.has_next is None and count < PAGE_LIMIT:
        return None
    return paginate.next_page


def _query(**params: Any) -> dict[str, Any]:
    return {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in params.items() if v is not None}
