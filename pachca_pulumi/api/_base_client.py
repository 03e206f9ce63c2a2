"""The HTTP half of `PachcaClient`: one retry loop, pacing, pagination and parsing.

`BaseClient._request()` is the one loop every call goes through (recovery included): it paces
requests per token, retries what is safe to retry (`retry.py`'s pure decision), and translates every
httpx error and error status into the `PachcaError` tree; nothing else here catches `httpx.*`.
`client.py` adds one method per operation on top.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
from .errors import MalformedResponseError, ResponseLostError, ServerError, TransportError, error_for_status
from .models import PaginationMeta
from .redact import install_log_filters, scrub_exception
from .retry import RateLimiter, limiter_for, parse_retry_after, retry_decision

__all__ = ["BaseClient", "params_of", "parser", "whole"]

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


_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


class BaseClient:
    """The transport: an httpx client for one token and base URL, paced and retried. Thread-safe."""

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
        return f"{type(self).__name__}(base_url={str(self._http.base_url)!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


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
        started = time.monotonic()

        def decide(exc: Exception) -> bool | float:
            return retry_decision(exc, idempotent=idempotent or recover is not None,
                                  elapsed=time.monotonic() - started)

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


def whole(model: type[M], operation: str) -> Callable[[Any], M]:
    """Parse a whole answer (`data` and `meta`) into `model`."""
    return lambda body: _parse(model, body, operation)


def parser(model: type[M], operation: str) -> Callable[[Any], M]:
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


def params_of(**params: Any) -> dict[str, Any]:
    return {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in params.items() if v is not None}
