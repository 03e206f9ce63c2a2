"""The WSGI application: routing (werkzeug.routing.Map), authentication, errors -> JSON.

All Pachca API routes live under ``/api/shared/v1``; emulator control endpoints live under
``/_emulator`` (see control.py) and uploaded files under ``/uploads`` (see uploads.py). Handlers
are in handlers.py, rules in the store.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import control, uploads
from . import handlers as h
from .errors import INVALID, NOT_FOUND, UNHANDLED, ApiError, EmulatorError, invalid_token
from .exchange import Exchange
from .faults import Faults
from .stats import Stats
from .store import Store
from .visibility import refuse_hidden
from .wire import error_response

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

API_PREFIX = "/api/shared/v1"
log = logging.getLogger("pachca_pulumi.emulator")
access_log = logging.getLogger("pachca_pulumi.emulator.http")

ROUTES: dict[str, Callable[..., Response]] = {
    "POST /chats": h.create_chat,
    "GET /chats": h.list_chats,
    "GET /company/chats": h.list_company_chats,
    "GET /chats/{id}": h.get_chat,
    "PUT /chats/{id}": h.update_chat,
    "PUT /chats/{id}/archive": h.archive_chat,
    "PUT /chats/{id}/unarchive": h.unarchive_chat,
    "POST /chats/{id}/avatar": h.set_chat_avatar,
    "DELETE /chats/{id}/avatar": h.delete_chat_avatar,
    "GET /chats/{id}/members": h.list_members,
    "POST /chats/{id}/members": h.add_members,
    "PUT /chats/{id}/members/{user_id}": h.update_member_role,
    "DELETE /chats/{id}/members/{user_id}": h.remove_member,
    "POST /chats/{id}/group_tags": h.add_group_tags,
    "DELETE /chats/{id}/group_tags/{tag_id}": h.remove_group_tag,
    "POST /messages": h.create_message,
    "GET /users": h.list_users,
    "GET /users/{id}": h.get_user,
    "GET /group_tags": h.list_group_tags,
    "GET /group_tags/{id}": h.get_group_tag,
    "GET /group_tags/{id}/users": h.list_group_tag_users,
    "GET /profile": h.get_profile,
    "POST /group_tags": h.create_group_tag,
    "PUT /group_tags/{id}": h.update_group_tag,
    "DELETE /group_tags/{id}": h.delete_group_tag,
    "PUT /users/{id}": h.update_user,
    "GET /oauth/token/info": h.get_token_info,
    "GET /audit_events": h.list_audit_events,
}


def _rule(route: str) -> Rule:
    method, template = route.split(" ", 1)
    path = re.sub(r"\{(\w+)\}", r"<int:\1>", template)
    return Rule(API_PREFIX + path, endpoint=route, methods=[method])


URL_MAP = Map([_rule(r) for r in ROUTES], merge_slashes=False)


class EmulatorApp:
    """WSGI callable: control endpoints, then stats -> faults -> API dispatch.

    With ``log_requests``, one line per request (method, path without query, status or ``dropped``)
    goes to the ``pachca_pulumi.emulator.http`` logger; headers never do.
    """

    def __init__(self, store: Store, faults: Faults | None = None, log_requests: bool = False) -> None:
        self.store = store
        self.faults = faults if faults is not None else Faults()
        self.stats = Stats()
        self.controls = control.Controls(self.store, self.faults, self.stats)
        self.log_requests = log_requests

    def reset(self) -> None:
        """Store back to the seed; statistics and fault counters cleared (switches kept)."""
        self.controls.reset()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path_info = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "?")
        exchange = Exchange(method, environ.get("SCRIPT_NAME", "") + path_info, _route_of(environ))
        capture = exchange.capture(start_response)
        try:
            if control.is_control_path(path_info):
                return control.dispatch(self.controls, environ, capture)
            if uploads.is_upload_path(path_info):
                return uploads.serve(self.store, environ, capture)
            try:
                return self.faults.serve(exchange, environ, capture, self._dispatch)
            finally:
                self.stats.record(exchange.route, exchange.outcome())
        finally:
            self._log(exchange)

    def _log(self, exchange: Exchange) -> None:
        if self.log_requests:
            access_log.info("%s %s %s", exchange.method, exchange.path, exchange.outcome())

    def _dispatch(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        try:
            route, args = URL_MAP.bind_to_environ(environ).match()
            call = h.Call(request, self.store, *self._authenticate(request))
            refuse_hidden(self.store, route, args, call.user_id, self.faults.hide_private())
            if route == "POST /chats":
                self._leave_on_create(request)
            response = ROUTES[route](call, **args)
        except EmulatorError as error:
            response = error_response(error)
        except MethodNotAllowed as exc:
            refusal = ApiError.one(405, "method", request.method, "Method not allowed", INVALID)
            response = error_response(refusal, {"Allow": ", ".join(exc.valid_methods or [])})
        except HTTPException:
            response = error_response(ApiError.one(404, "path", request.path, "Not found", NOT_FOUND))
        except Exception:
            log.exception("emulator bug while handling %s %s", request.method, request.path)
            response = error_response(ApiError.one(500, "base", None, "Internal error", UNHANDLED))
        finally:
            request.close()  # uploaded files
        return response(environ, start_response)

    def _leave_on_create(self, request: Request) -> None:
        """The ``leave_on_create`` fault: named users leave the workspace before the chat is made."""
        body = request.get_json(silent=True)
        chat = body.get("chat") if isinstance(body, dict) else None
        named = chat.get("member_ids") if isinstance(chat, dict) else None
        if isinstance(named, list):
            leaving = self.faults.leaving(u for u in named if isinstance(u, int) and not isinstance(u, bool))
            if leaving:
                self.store.remove_users(leaving)

    def _authenticate(self, request: Request) -> tuple[str, int]:
        """The bearer token and the user it acts as, or 401 ``invalid_token``."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise invalid_token("Access token is missing")
        user_id = self.store.authenticate(token)
        if user_id is None:
            raise invalid_token("Access token is invalid")
        return token, user_id


def _route_of(environ: WSGIEnvironment) -> str:
    """``"METHOD /template"`` of the API route the request matches (for stats and faults)."""
    try:
        route, _ = URL_MAP.bind_to_environ(environ).match()
        return str(route)
    except HTTPException:
        return f"{environ.get('REQUEST_METHOD', '?')} (unmatched)"


def create_app(store: Store, faults: Faults | None = None, log_requests: bool = False) -> EmulatorApp:
    """Build the emulator's WSGI application around ``store`` (and optional ``faults``)."""
    return EmulatorApp(store, faults, log_requests)
