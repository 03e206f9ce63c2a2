"""API handlers: parse the request, call the store, serialise the answer (like moto's responses.py).

Each handler gets a :class:`Call` (request, store, acting token and user) and the URL's path values.
Chats leave with an absolute ``avatar_url`` built from the request's host (the store keeps paths).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Request, Response

from . import params as p
from .errors import bad_request
from .pagination import cursor_keys, decode_cursor, paginate
from .serializers import format_time
from .store import Store
from .store.audit import EVENT_KEYS as AUDIT_EVENT_KEYS
from .store.audit import Actor, AuditFilter
from .store.avatars import MAX_AVATAR_BYTES
from .store.membership import ROLES as MEMBER_ROLES
from .wire import data_response, json_response, no_content, page_response

ENTITY_TYPES = ("discussion", "user", "thread")
ROLE_FILTERS = ("all", "owner", "admin", "editor", "member")
ACTIVITIES = ("active", "archived")
Json = dict[str, Any]


@dataclass
class Call:
    """One authenticated API request: what every handler gets besides the URL's path values."""

    request: Request
    store: Store
    token: str
    user_id: int

    @property
    def actor(self) -> Actor:
        """The acting user as the audit log records it (with the client's address and user agent)."""
        return Actor(self.user_id, self.request.remote_addr, self.request.headers.get("User-Agent"))

    def public(self, chat: Json) -> Json:
        """The chat as answered: its avatar path made an absolute URL on this emulator."""
        path = chat.get("avatar_url")
        return {**chat, "avatar_url": self.request.host_url.rstrip("/") + path} if path else chat


def _page(call: Call, items: list[Json], fields: Sequence[str] = ("id",), order: str = "asc",
          serialise: Callable[[list[Json]], list[Json]] | None = None) -> Response:
    """Paginate ``items`` by ``fields`` using the request's ``limit`` and ``cursor``; ``serialise``
    turns the page's items into the answer's objects (default: as they are)."""
    limit = p.query_limit(call.request)
    token = call.request.args.get("cursor")
    types = tuple(int if f == "id" else str for f in fields)
    cursor = decode_cursor(token, fields, types) if token is not None else None
    page, meta = paginate(items, lambda i: tuple(i[f] for f in fields), fields, order, limit, cursor)
    return page_response(serialise(page) if serialise else page, meta)


# ----- chats -------------------------------------------------------------------------------
def create_chat(call: Call) -> Response:
    chat = p.wrapped_object(call.request, "chat")
    created = call.store.create_chat(
        call.user_id,
        name=p.text(chat, "name"),
        member_ids=p.id_list(chat, "member_ids"),
        group_tag_ids=p.id_list(chat, "group_tag_ids"),
        channel=p.flag(chat, "channel", False),
        public=p.flag(chat, "public", False),
        actor=call.actor,
    )
    meta = {"not_found_member_ids": created.not_found_member_ids}
    return json_response({"data": call.public(created.chat), "meta": meta}, 201)


def list_chats(call: Call) -> Response:
    request = call.request
    sort = p.query_choice(request, "sort", ("id", "last_message_at"), "id")
    order = p.query_choice(request, "order", ("asc", "desc"), "desc")
    keys = call.store.list_chat_keys(
        call.user_id,
        availability=p.query_choice(request, "availability", ("is_member", "public"), "is_member"),
        archived=p.query_bool(request, "archived", False),
        personal=p.optional_query_bool(request, "personal"),
        after=p.query_time(request, "last_message_at_after"),
        before=p.query_time(request, "last_message_at_before"),
    )
    if "cursor" in request.args:  # a cursor keeps the sort it was made for
        sort = "last_message_at" if "last_message_at" in cursor_keys(request.args["cursor"]) else "id"
    fields = ("last_message_at", "id") if sort == "last_message_at" else ("id",)
    return _page(call, keys, fields, order,
                 serialise=lambda page: [call.public(c) for c in call.store.chats_json(k["id"] for k in page)])


def list_company_chats(call: Call) -> Response:
    """Every group chat and channel, newest id first (``activity`` narrows to active or archived)."""
    activity = p.optional_query_choice(call.request, "activity", ACTIVITIES)
    chats = call.store.company_chats(call.user_id, activity)
    return _page(call, [call.public(c) for c in chats], ("id",), "desc")


def get_chat(call: Call, id: int) -> Response:
    return data_response(call.public(call.store.get_chat(id)))


def update_chat(call: Call, id: int) -> Response:
    chat = p.wrapped_object(call.request, "chat")
    updated = call.store.update_chat(
        id, name=p.optional_text(chat, "name"), public=p.optional_flag(chat, "public"), actor=call.actor
    )
    return data_response(call.public(updated))


def set_chat_avatar(call: Call, id: int) -> Response:
    data, content_type = p.upload(call.request, "image", MAX_AVATAR_BYTES)
    path = call.store.set_chat_avatar(id, data, content_type)
    return data_response({"image_url": call.request.host_url.rstrip("/") + path})


def delete_chat_avatar(call: Call, id: int) -> Response:
    call.store.delete_chat_avatar(id)
    return no_content()


def archive_chat(call: Call, id: int) -> Response:
    call.store.set_archived(id, True)
    return no_content()


def unarchive_chat(call: Call, id: int) -> Response:
    call.store.set_archived(id, False)
    return no_content()


# ----- members and tags --------------------------------------------------------------------
def list_members(call: Call, id: int) -> Response:
    role = p.query_choice(call.request, "role", ROLE_FILTERS, "all")
    return _page(call, call.store.member_users(id, role))


def add_members(call: Call, id: int) -> Response:
    body = p.body_object(call.request)
    member_ids = p.id_list(body, "member_ids", required_key=True)
    p.optional_flag(body, "silent")
    call.store.add_members(id, member_ids, actor=call.actor)
    return no_content()


def remove_member(call: Call, id: int, user_id: int) -> Response:
    call.store.remove_member(id, user_id, actor=call.actor)
    return no_content()


def update_member_role(call: Call, id: int, user_id: int) -> Response:
    role = p.text(p.body_object(call.request), "role")
    if role not in MEMBER_ROLES:
        raise bad_request("role", role, f"role must be one of: {', '.join(MEMBER_ROLES)}")
    call.store.set_member_role(id, user_id, role)
    return no_content()


def add_group_tags(call: Call, id: int) -> Response:
    body = p.body_object(call.request)
    call.store.add_group_tags(id, p.id_list(body, "group_tag_ids", required_key=True), actor=call.actor)
    return no_content()


def remove_group_tag(call: Call, id: int, tag_id: int) -> Response:
    call.store.remove_group_tag(id, tag_id, actor=call.actor)
    return no_content()


# ----- messages ----------------------------------------------------------------------------
def create_message(call: Call) -> Response:
    message = p.wrapped_object(call.request, "message")
    entity_type = p.optional_text(message, "entity_type") or "discussion"
    if entity_type.lower() not in ENTITY_TYPES:
        allowed = ", ".join(ENTITY_TYPES)
        raise bad_request("entity_type", entity_type, f"entity_type must be one of: {allowed}")
    created = call.store.create_message(
        call.user_id,
        entity_type=entity_type.lower(),
        entity_id=p.integer(message, "entity_id"),
        content=p.text(message, "content"),
        actor=call.actor,
    )
    return data_response(created, 201)


# ----- directory ---------------------------------------------------------------------------
def list_users(call: Call) -> Response:
    return _page(call, call.store.list_users(call.request.args.get("query")))


def get_user(call: Call, id: int) -> Response:
    return data_response(call.store.user_json(id))


def list_group_tags(call: Call) -> Response:
    return _page(call, call.store.list_group_tags(p.query_list(call.request, "names")))


def get_group_tag(call: Call, id: int) -> Response:
    return data_response(call.store.group_tag_json(id))


def list_group_tag_users(call: Call, id: int) -> Response:
    return _page(call, call.store.group_tag_users(id))


def get_profile(call: Call) -> Response:
    return data_response(call.store.user_json(call.user_id))


def get_token_info(call: Call) -> Response:
    return data_response(call.store.token_info(call.token))


# ----- group tags and users' tags ----------------------------------------------------------
def create_group_tag(call: Call) -> Response:
    tag = p.wrapped_object(call.request, "group_tag")
    return data_response(call.store.create_group_tag(p.text(tag, "name")), 201)


def update_group_tag(call: Call, id: int) -> Response:
    tag = p.wrapped_object(call.request, "group_tag")
    return data_response(call.store.rename_group_tag(id, p.text(tag, "name")))


def delete_group_tag(call: Call, id: int) -> Response:
    call.store.delete_group_tag(id)
    return no_content()


def update_user(call: Call, id: int) -> Response:
    user = p.wrapped_object(call.request, "user")
    tags = p.optional_text_list(user, "list_tags")
    return data_response(call.store.update_user(call.user_id, id, tags, actor=call.actor))


# ----- audit log ---------------------------------------------------------------------------
AUDIT_ORDER = ("created_at", "id")


def list_audit_events(call: Call) -> Response:
    """Oldest first; the filters of the spec; the owner's token only (see Tokens)."""
    request = call.request
    wanted = AuditFilter(
        start_time=_time_text(request, "start_time"),
        end_time=_time_text(request, "end_time"),
        event_key=p.optional_query_choice(request, "event_key", AUDIT_EVENT_KEYS),
        **{key: request.args.get(key) for key in ("actor_id", "actor_type", "entity_id", "entity_type")},
    )
    events = call.store.audit_events(call.user_id, wanted)
    limit = p.query_limit(request)
    token = request.args.get("cursor")
    cursor = decode_cursor(token, AUDIT_ORDER, (str, str)) if token is not None else None
    page, meta = paginate(events, lambda i: (i["created_at"], i["id"]), AUDIT_ORDER, "asc", limit, cursor)
    return page_response(page, meta)


def _time_text(request: Request, key: str) -> str | None:
    moment = p.query_time(request, key)
    return format_time(moment) if moment is not None else None
