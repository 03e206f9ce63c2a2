"""Fault injection: switches that can be changed while the server runs, applied to each API request.

Switches (same names as the CLI options and the ``PUT /_emulator/faults`` body):

* ``rate_limit`` (requests per second per token, ``None`` = off): a token bucket per token
  (burst = max(1, rate)). Over it -> 429, ``Retry-After`` in whole seconds (>= 1), ApiError
  code ``rate_limit``.
* ``error_rate`` (0..1): probability of answering 503 (ApiError code ``unhandled``) before
  the request reaches the store.
* ``error_methods`` (``None`` or a list of HTTP methods): ``error_rate`` applies to requests of these
  methods only (``["POST", "PUT", "DELETE"]``: reads answer, writes fail), ``None`` to all.
* ``error_status`` (503 or 422): the injected answer: 503 ``unhandled`` (clients retry it), or 422
  ``invalid`` on ``base`` (clients do not), so a test sees a failed write at once.
* ``latency_ms``: added delay before every API request.
* ``drop_after_create`` (0..1): for ``POST /chats`` only, probability of applying the create
  and then closing the connection without any answer. In-process (no socket, e.g.
  ``httpx.WSGITransport``) the app raises :class:`~.errors.DroppedConnection` instead.
* ``malformed`` (``None`` or a mode): ``html502`` answers every API request with a 502 HTML
  page; ``not_json`` truncates the JSON of ``GET /chats/{id}`` (status 200);
  ``missing_fields`` drops ``name`` from the chat of ``GET /chats/{id}``; ``wrong_types``
  makes ``id`` a string and ``archived`` the string ``"no"`` in ``GET /chats/{id}``;
  ``bad_enum`` puts an unknown ``role`` into every user object of successful answers.
* ``leave_on_create`` (list of user ids): these users leave the workspace the moment a
  ``POST /chats`` names them, before the chat is made; the answer then lists them in
  ``meta.not_found_member_ids``. It stages the race a client's preview cannot see (a person
  verified, then gone at create).
* ``hide_private`` (``None``, ``404`` or ``403``): private chats hidden from tokens whose user is
  not in them, answered with that status on every ``/chats/{id}...`` route (see :mod:`.visibility`).

Order: latency, rate limit, html502, error rate, then the app (drop, body mutations). The app calls
:meth:`Faults.serve` with the request's :class:`~.exchange.Exchange` (its route; a drop is recorded
on it).
Counters: ``rate_limited``, ``errors`` (injected 5xx), ``drops``, ``malformed``.
"""

from __future__ import annotations

import hashlib
import math
import random
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Response

from .errors import INVALID, RATE_LIMIT, UNHANDLED, ApiError, DroppedConnection
from .exchange import Exchange
from .malformed import mutation_for
from .visibility import HIDE_MODES
from .wire import error_response

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

Headers = list[tuple[str, str]]
_INJECTED = {
    503: ApiError.one(503, "base", None, "Service temporarily unavailable", UNHANDLED),
    422: ApiError.one(422, "base", None, "Request refused by the emulator's error_status fault", INVALID),
}
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MALFORMED_MODES = ("html502", "not_json", "missing_fields", "wrong_types", "bad_enum")
DEFAULTS: dict[str, Any] = {
    "rate_limit": None,
    "error_rate": 0.0,
    "error_methods": None,
    "error_status": 503,
    "latency_ms": 0,
    "drop_after_create": 0.0,
    "malformed": None,
    "leave_on_create": [],
    "hide_private": None,
}
HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"


class Faults:
    """Fault switches and counters; :meth:`serve` applies them to one API request."""

    def __init__(self, rng: random.Random | None = None, **switches: Any):
        self._lock = threading.Lock()
        self._rng = rng or random.Random()
        self._buckets: dict[str, tuple[float, float]] = {}
        self._settings = dict(DEFAULTS)
        self.configure(**switches)
        self.counters = dict.fromkeys(("rate_limited", "errors", "drops", "malformed"), 0)

    # ----- switches -------------------------------------------------------------------------
    def configure(self, **switches: Any) -> dict[str, Any]:
        """Change some switches (validated, ValueError if wrong); returns all settings."""
        checked = {key: _check(key, value) for key, value in switches.items()}
        with self._lock:
            self._settings.update(checked)
            if "rate_limit" in checked:
                self._buckets.clear()
            return dict(self._settings)

    def leaving(self, user_ids: Iterable[int]) -> list[int]:
        """Those of `user_ids` that ``leave_on_create`` makes leave the workspace now."""
        with self._lock:
            leaving = set(self._settings["leave_on_create"])
        return sorted(set(user_ids) & leaving)

    def hide_private(self) -> int | None:
        """The status that hides private chats from outsiders, or None (see :mod:`.visibility`)."""
        with self._lock:
            mode: int | None = self._settings["hide_private"]
            return mode

    def settings(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._settings)

    def counter_values(self) -> dict[str, int]:
        with self._lock:
            return dict(self.counters)

    def clear(self) -> None:
        """All switches off and counters zeroed."""
        self.configure(**DEFAULTS)
        self.reset_counters()

    def reset_counters(self) -> None:
        with self._lock:
            self.counters = dict.fromkeys(self.counters, 0)
            self._buckets.clear()

    def _count(self, name: str) -> None:
        with self._lock:
            self.counters[name] += 1

    def _chance(self, probability: float) -> bool:
        with self._lock:
            return probability > 0 and self._rng.random() < probability

    def _take(self, key: str, rate: float) -> int:
        """Take one request from ``key``'s bucket: 0 if allowed, else seconds to wait."""
        now = time.monotonic()
        capacity = max(1.0, rate)
        with self._lock:
            tokens, last = self._buckets.get(key, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / rate))

    # ----- applying the switches ----------------------------------------------------------
    def serve(
        self,
        exchange: Exchange,
        environ: WSGIEnvironment,
        start_response: StartResponse,
        app: WSGIApplication,
    ) -> Iterable[bytes]:
        """Answer one API request through the switches; ``app`` answers when no fault does."""
        s = self.settings()
        if s["latency_ms"]:
            time.sleep(s["latency_ms"] / 1000)
        early = self._early_answer(s, environ)
        if early is not None:
            return early(environ, start_response)
        mutate = mutation_for(s["malformed"], exchange.route)
        drop = exchange.route == "POST /chats" and self._chance(s["drop_after_create"])
        if not (mutate or drop):
            return app(environ, start_response)
        status, headers, body = _run(app, environ)
        if drop and status.startswith("201"):
            return self._drop(exchange, environ, start_response, status, headers, body)
        if mutate and status.startswith("200"):
            body = mutate(body)
            self._count("malformed")
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]

    def _early_answer(self, s: dict[str, Any], environ: WSGIEnvironment) -> Response | None:
        if s["rate_limit"]:
            key = hashlib.sha256(environ.get("HTTP_AUTHORIZATION", "").encode()).hexdigest()
            wait = self._take(key, s["rate_limit"])
            if wait:
                self._count("rate_limited")
                error = ApiError.one(429, "rate_limit", None, "Too many requests", RATE_LIMIT)
                return error_response(error, {"Retry-After": str(wait)})
        if s["malformed"] == "html502":
            self._count("malformed")
            return Response(HTML_502, status=502, content_type="text/html; charset=utf-8")
        methods = s["error_methods"]
        if (methods is None or environ.get("REQUEST_METHOD") in methods) and self._chance(s["error_rate"]):
            self._count("errors")
            return error_response(_INJECTED[s["error_status"]])
        return None

    def _drop(
        self, exchange: Exchange, environ: WSGIEnvironment, start_response: StartResponse,
        status: str, headers: Headers, body: bytes,
    ) -> Iterable[bytes]:  # fmt: skip
        self._count("drops")
        exchange.dropped = True
        sock = environ.get("werkzeug.socket")
        if sock is None:
            raise DroppedConnection("connection dropped by the emulator after POST /chats")
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        # The server's writes now fail and werkzeug treats it as a dropped connection.
        start_response(status, headers)
        return [body]


def _run(app: WSGIApplication, environ: WSGIEnvironment) -> tuple[str, Headers, bytes]:
    captured: dict[str, Any] = {}

    def start_response(
        status: str, headers: Headers, exc_info: OptExcInfo | None = None, /
    ) -> Callable[[bytes], object]:
        captured.update(status=status, headers=list(headers))
        return lambda data: None

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return captured["status"], captured["headers"], body


def _check(key: str, value: Any) -> Any:
    if key not in DEFAULTS:
        raise ValueError(f"unknown fault switch {key!r} (known: {', '.join(DEFAULTS)})")
    if value is None and key in ("rate_limit", "malformed", "error_methods", "hide_private"):
        return None
    if key == "hide_private":
        if value not in HIDE_MODES or isinstance(value, bool):
            raise ValueError(f"hide_private must be null or one of: {', '.join(map(str, HIDE_MODES))}")
        return value
    if key == "error_status":
        if value not in _INJECTED:
            raise ValueError(f"error_status must be one of: {', '.join(map(str, _INJECTED))}")
        return value
    if key == "error_methods":
        if not isinstance(value, list) or not all(isinstance(m, str) and m.upper() in _METHODS for m in value):
            raise ValueError(f"error_methods must be null or a list of HTTP methods ({', '.join(_METHODS)})")
        return sorted({m.upper() for m in value})
    if key == "leave_on_create":
        if not isinstance(value, list) or not all(isinstance(u, int) and not isinstance(u, bool) for u in value):
            raise ValueError("leave_on_create must be a list of user ids")
        return list(value)
    if key == "malformed":
        if value not in MALFORMED_MODES:
            raise ValueError(f"malformed must be null or one of: {', '.join(MALFORMED_MODES)}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key} must be a number")
    if key in ("error_rate", "drop_after_create") and not 0 <= value <= 1:
        raise ValueError(f"{key} must be between 0 and 1")
    if key == "rate_limit" and value <= 0:
        raise ValueError("rate_limit must be positive (or null for no limit)")
    if key == "latency_ms" and value < 0:
        raise ValueError("latency_ms must not be negative")
    return value
