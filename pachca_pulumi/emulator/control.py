"""Emulator-only control endpoints (NOT part of the Pachca API), under ``/_emulator``.

No authentication; answered only to loopback clients (others get 403).

* ``GET  /_emulator/health``       -> ``{"status": "ok", "now": TIME, "chats": {"total", "archived",
  "personal", "visible"}}``: the emulator clock's time (``YYYY-MM-DDThh:mm:ss.sssZ``, later than every
  timestamp it gave so far, so ``last_message_at_after=now`` selects only what happens next) and its chat
  counts (``visible``: chats the first token's user is a member of, archived included)
* ``POST /_emulator/reset``        -> 204: store back to the seed, stats and fault counters cleared
  (fault switches are kept; set them with ``PUT /_emulator/faults``)
* ``GET  /_emulator/stats``        -> request statistics and fault counters; ``first_request_time`` and
  ``last_request_time`` are the first and last API request counted, in seconds since the epoch (null
  before any)
* ``POST /_emulator/stats/reset``  -> 204: statistics and fault counters cleared
* ``GET  /_emulator/faults``       -> current fault switches
* ``PUT  /_emulator/faults``       -> set some switches from a JSON object
  (``rate_limit``, ``error_rate``, ``error_methods``, ``error_status``, ``latency_ms``,
  ``drop_after_create``, ``malformed``, ``leave_on_create``, ``hide_private``);
  200 with all switches, or 400 ``{"error": "..."}``
* ``POST /_emulator/workspace``   -> 200 ``{"created", "first_id", "last_id"}``: add a large workspace's
  older chats in one step, from ``{"chats": N, "personal": K, "members": 3, "user_id": 0,
  "random_seed": 0}`` (see :mod:`.workspace`); 400 ``{"error": "..."}`` on a bad body
* ``POST /_emulator/workspace/activity`` -> 200 ``{"touched": [ids]}``: ``{"chats": N}`` random chats
  receive a message now
* ``DELETE /_emulator/chats/<id>`` -> 204: the chat vanishes (the API cannot do this; it simulates a chat
  removed by the workspace, so clients meet a 404), 404 when there is no such chat

The endpoints act on a :class:`Controls` that the app hands over explicitly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .._loopback import is_loopback
from .errors import ApiError
from .faults import Faults
from .stats import Stats
from .store import Store
from .wire import json_response, no_content
from .workspace import plan_from_json

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

PREFIX = "/_emulator"


@dataclass(frozen=True)
class Controls:
    """The parts of a running emulator that control endpoints inspect and reset."""

    store: Store
    faults: Faults
    stats: Stats

    def reset(self) -> None:
        """Store back to the seed; statistics and fault counters cleared (switches kept)."""
        self.store.reset()
        self.stats.reset()
        self.faults.reset_counters()


def _health(controls: Controls, request: Request) -> Response:
    return json_response({"status": "ok", **controls.store.workspace.census()})


def _reset(controls: Controls, request: Request) -> Response:
    controls.reset()
    return no_content()


def _stats(controls: Controls, request: Request) -> Response:
    return json_response({**controls.stats.snapshot(), "faults": controls.faults.counter_values()})


def _stats_reset(controls: Controls, request: Request) -> Response:
    controls.stats.reset()
    controls.faults.reset_counters()
    return no_content()


def _get_faults(controls: Controls, request: Request) -> Response:
    return json_response(controls.faults.settings())


def _put_faults(controls: Controls, request: Request) -> Response:
    try:
        switches = json.loads(request.get_data() or b"null")
        if not isinstance(switches, dict):
            raise ValueError("body must be a JSON object of fault switches")
        return json_response(controls.faults.configure(**switches))
    except ValueError as exc:
        return json_response({"error": str(exc)}, 400)


def _populate(controls: Controls, request: Request) -> Response:
    try:
        plan = plan_from_json(json.loads(request.get_data() or b"null"))
        return json_response(controls.store.workspace.populate(plan))
    except ValueError as exc:
        return json_response({"error": str(exc)}, 400)


def _activity(controls: Controls, request: Request) -> Response:
    try:
        body = json.loads(request.get_data() or b"null")
        count = body.get("chats") if isinstance(body, dict) else None
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ValueError('body must be {"chats": N} with N a non-negative integer')
        return json_response({"touched": controls.store.workspace.touch_chats(count, int(body.get("random_seed", 0)))})
    except ValueError as exc:
        return json_response({"error": str(exc)}, 400)


def _delete_chat(controls: Controls, request: Request, chat_id: int) -> Response:
    try:
        controls.store.delete_chat(chat_id)
    except ApiError:
        return json_response({"error": f"no chat {chat_id}"}, 404)
    return no_content()


ROUTES: dict[str, Callable[..., Response]] = {
    "GET /health": _health,
    "POST /reset": _reset,
    "GET /stats": _stats,
    "POST /stats/reset": _stats_reset,
    "GET /faults": _get_faults,
    "PUT /faults": _put_faults,
    "DELETE /chats/<int:chat_id>": _delete_chat,
    "POST /workspace": _populate,
    "POST /workspace/activity": _activity,
}
URL_MAP = Map([Rule(PREFIX + key.split(" ")[1], endpoint=key, methods=[key.split(" ")[0]]) for key in ROUTES])


def is_control_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def dispatch(controls: Controls, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Answer one control request (403 unless the client is on loopback)."""
    request = Request(environ)
    if not is_loopback(request.remote_addr):
        response = json_response({"error": "control endpoints answer loopback clients only"}, 403)
        return response(environ, start_response)
    try:
        endpoint, args = URL_MAP.bind_to_environ(environ).match()
        response = ROUTES[endpoint](controls, request, **args)
    except MethodNotAllowed as exc:
        allow = {"Allow": ", ".join(exc.valid_methods or [])}
        response = json_response({"error": "method not allowed"}, 405, allow)
    except HTTPException:
        response = json_response({"error": f"unknown control endpoint {request.path}"}, 404)
    return response(environ, start_response)
