"""Properties of redaction: whatever a server echoes, no rendering of an error or log line holds the token.

Error bodies (JSON with nested values and long strings, OAuth errors, HTML) embed the token in many
encodings and go through the real client over `httpx.MockTransport`. Every rendering is checked: the
message, `repr`, `args`, the ApiError items, `traceback.format_exception` (chained causes included)
and the formatted log records of the client's and stamina's loggers. Failures name where the token
leaked, never the token itself (generated tokens print as `Canary(...)`).
"""

from __future__ import annotations

import base64
import html
import json
import logging
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple
from urllib.parse import quote, quote_plus

import httpx
import stamina
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from pachca_pulumi.api.client import PachcaClient
from pachca_pulumi.api.config import ProviderConfig
from pachca_pulumi.api.errors import PachcaError
from pachca_pulumi.api.models import ChatCreateFields, ChatUpdateFields
from pachca_pulumi.api.redact import LOGGER_NAMES, REDACTOR
from pachca_pulumi.api.retry import RateLimiter

BASE_URL = "https://api.example.test/api/shared/v1"
TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/="


class Canary(str):
    """A generated token whose repr never shows its value (so a failing example cannot print it)."""

    def __repr__(self) -> str:
        return f"Canary(len={len(self)})"


ENCODINGS: dict[str, Callable[[str], str]] = {
    "exact": lambda t: t,
    "bearer": lambda t: f"Bearer {t}",
    "upper": lambda t: f"BEARER {t.upper()}",
    "quote": lambda t: quote(f"Bearer {t}", safe=""),
    "quote_plus": lambda t: quote_plus(f"Bearer {t}"),
    "double_quote": lambda t: quote(quote(t, safe=""), safe=""),
    "json_escaped": lambda t: json.dumps(f'Bearer "{t}"')[1:-1],
    "html": lambda t: html.escape(f"<Bearer {t}>"),
    "bytes_repr": lambda t: repr(f"Bearer {t}".encode()),
    "b64_bearer": lambda t: base64.b64encode(f"Bearer {t}".encode()).decode(),
    "b64_token": lambda t: base64.urlsafe_b64encode(t.encode()).decode().rstrip("="),
    "b64_header": lambda t: base64.b64encode(f"Authorization: Bearer {t}\r\n".encode()).decode(),
}

# Two digits inside every token, as in real (random) tokens: an all-letter token can spell one of
# our own identifiers (`RESPONSELOST`), which a case-insensitive search then finds in any traceback.
tokens = st.tuples(st.text(TOKEN_ALPHABET, min_size=10, max_size=62), st.integers(10, 99)).map(
    lambda parts: Canary(parts[0][:5] + str(parts[1]) + parts[0][5:]))
encodings = st.sampled_from(sorted(ENCODINGS))
padding = st.text(st.characters(codec="utf-8"), max_size=300)
statuses = st.sampled_from([400, 401, 402, 403, 404, 409, 422, 429, 500, 502, 503])


@st.composite
def echoes(draw: st.DrawFn, token: str) -> str:
    """The token in one encoding, surrounded by arbitrary text."""
    encoded = ENCODINGS[draw(encodings)](token)
    return Canary(draw(padding) + encoded + draw(padding))


def _nest(value: Any, keys: list[str]) -> Any:
    for key in keys:
        value = {key: [value]}
    return value


class Body(NamedTuple):
    """An error answer's content type and bytes; its repr hides the bytes (they hold the token)."""

    content_type: str
    content: bytes

    def __repr__(self) -> str:
        return f"Body({self.content_type!r}, {len(self.content)} bytes)"


@st.composite
def error_bodies(draw: st.DrawFn, token: str) -> Body:
    """An error answer that echoes the token somewhere."""
    echo = draw(echoes(token))
    kind = draw(st.sampled_from(["api_error", "oauth", "nested", "html", "text", "long"]))
    if kind == "html":
        page = f"<html><body><h1>502</h1><pre>{html.escape(echo)}</pre></body></html>"
        return Body("text/html", page.encode())
    if kind == "text":
        return Body("text/plain", echo.encode())
    if kind == "oauth":
        body: Any = {"error": "invalid_token", "error_description": echo}
    elif kind == "nested":
        nested = _nest(echo, draw(st.lists(st.text(), max_size=3)))
        body = {"errors": [{"key": echo, "code": echo, "message": nested}]}
    elif kind == "long":
        body = {"errors": [{"key": "name", "code": "invalid", "message": "x" * 5000 + echo}]}
    else:
        body = {"errors": [{"key": "name", "code": "invalid", "message": f"auth: bad header {echo}"}]}
    return Body("application/json", json.dumps(body, ensure_ascii=draw(st.booleans())).encode())


CALLS: dict[str, tuple[str, Callable[[PachcaClient], Any]]] = {
    "get_chat": ("get chat 1", lambda c: c.get_chat(1)),
    "list_chats": ("list chats", lambda c: list(c.list_chats())),
    "create_chat": ("create chat 'Team'", lambda c: c.create_chat(ChatCreateFields(name="Team"))),
    "update_chat": ("update chat 1", lambda c: c.update_chat(1, ChatUpdateFields(name="Team"))),
    "archive_chat": ("archive chat 1", lambda c: c.archive_chat(1)),
    "get_profile": ("get profile", lambda c: c.get_profile()),
}


calls = sorted(CALLS)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record) + repr(vars(record)))


@contextmanager
def _client(token: str, handler: Callable[[httpx.Request], httpx.Response]) -> Iterator[PachcaClient]:
    """A client for `token` over a mock transport; logs of its loggers collected at DEBUG."""
    config = ProviderConfig(token=SecretStr(token), base_url=BASE_URL)
    client = PachcaClient(config, transport=httpx.MockTransport(handler), limiter=RateLimiter(1e9))
    stamina.set_testing(True, attempts=2)
    try:
        yield client
    finally:
        stamina.set_testing(False)
        client.close()
        REDACTOR.forget(token)


@contextmanager
def _collected_logs() -> Iterator[list[str]]:
    collector = _Collect()
    loggers = [logging.getLogger(name) for name in LOGGER_NAMES]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(collector)
        logger.setLevel(logging.DEBUG)
    try:
        yield collector.lines
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(collector)
            logger.setLevel(level)


def _traceback(exc: BaseException) -> str:
    """The formatted chain without the source lines it quotes: code is ours and cannot carry the
    token, but a generated token can happen to spell part of it (`CHATCREATEFI` in ChatCreateFields)."""
    chunks = traceback.format_exception(exc)
    return "".join(chunk.splitlines(keepends=True)[0] if chunk.startswith("  File ") else chunk for chunk in chunks)


def _renderings(exc: BaseException) -> dict[str, str]:
    found = {"str": str(exc), "repr": repr(exc), "args": repr(exc.args), "traceback": _traceback(exc)}
    found.update({name: repr(value) for name, value in vars(exc).items()})
    return found


def _leaks(texts: dict[str, str], forbidden: list[str]) -> list[str]:
    """Names of the renderings holding a forbidden string (never the strings themselves)."""
    return [name for name, text in texts.items() if any(f.lower() in text.lower() for f in forbidden)]


def _forbidden(token: str) -> list[str]:
    return [token] + [encode(token) for name, encode in ENCODINGS.items() if name not in ("upper", "html")]


def _failure(client: PachcaClient, call: str) -> PachcaError:
    """The error `call` raises; it names the operation."""
    operation, run = CALLS[call]
    try:
        run(client)
    except PachcaError as exc:
        assert operation in str(exc)
        return exc
    raise AssertionError(f"{call} did not fail")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), token=tokens, status=statuses, call=st.sampled_from(calls))
def test_error_answers_never_render_the_token(
    data: st.DataObject, token: str, status: int, call: str
) -> None:
    body = data.draw(error_bodies(token))
    headers = {"Content-Type": body.content_type, "WWW-Authenticate": f"Bearer {token}"}

    def answer(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body.content, headers=headers)

    with _collected_logs() as logs, _client(token, answer) as client:
        exc = _failure(client, call)

    assert getattr(exc, "status_code", None) == status
    leaked = _leaks({**_renderings(exc), "logs": "\n".join(logs)}, _forbidden(token))
    assert not leaked, f"the token leaked into {leaked}"


TRANSPORT_FAILURES: list[Callable[[str], Exception]] = [
    lambda echo: httpx.LocalProtocolError(f"Illegal header value b'{echo}'"),
    lambda echo: httpx.ConnectError(f"proxy refused: {echo}"),
    lambda echo: httpx.ReadTimeout(f"timed out reading {echo}"),
    lambda echo: httpx.RemoteProtocolError(f"peer closed: {echo}"),
]


@settings(deadline=None)
@given(data=st.data(), token=tokens, failure=st.sampled_from(TRANSPORT_FAILURES), call=st.sampled_from(calls))
def test_transport_failures_never_render_the_token_in_the_chain(
    data: st.DataObject, token: str, failure: Callable[[str], Exception], call: str
) -> None:
    echo = data.draw(echoes(token))

    def handler(_request: httpx.Request) -> httpx.Response:
        raise failure(echo)

    with _collected_logs() as logs, _client(token, handler) as client:
        exc = _failure(client, call)

    assert exc.__cause__ is not None
    texts = {**_renderings(exc), "cause": repr(exc.__cause__), "logs": "\n".join(logs)}
    leaked = _leaks(texts, _forbidden(token))
    assert not leaked, f"the token leaked into {leaked}"


@settings(deadline=None)
@given(data=st.data(), token=tokens, call=st.sampled_from(["get_chat", "get_profile", "list_chats"]))
def test_malformed_success_answers_never_render_the_token(data: st.DataObject, token: str, call: str) -> None:
    echo = data.draw(echoes(token))
    bodies = [json.dumps({"data": {"id": echo}}), json.dumps({"data": echo}), f"<html>{echo}</html>",
              json.dumps({"data": [], "meta": echo})]
    body = data.draw(st.sampled_from(bodies).map(Canary))

    with _client(token, lambda _r: httpx.Response(200, content=body.encode())) as client:
        exc = _failure(client, call)

    assert getattr(exc, "status_code", None) == 200
    leaked = _leaks(_renderings(exc), _forbidden(token))
    assert not leaked, f"the token leaked into {leaked}"
