"""State and rules of the Pachca emulator (the "models" layer, like moto's models.py).

The store keeps users and group tags (from the seed), chats, message counters and the
token -> user mapping. Every mutation runs under one lock and is written to the state file
(JSON, temp file + ``os.replace``) before the call returns; the file is loaded at start so
state survives a restart. ``reset()`` goes back to the seed.

Behaviour invented where the spec is silent (also listed in the emulator's report):

* Every token acts with admin rights: any chat can be read, updated, archived and have its
  members or tags changed, whether or not the token's user is a member.
* The i-th configured token acts as seed ``token_user_ids[i]`` (default seed: token 1 ->
  user 1 ``pachca-bot``, a bot with role admin; tokens 2..5 -> users 2..5). Extra tokens are
  refused at start. Tokens are never persisted, logged or echoed.
* Chat ids start at the seed's ``first_chat_id`` (1001), message ids at 1; ids are never reused.
* ``member_ids`` of a chat = owner + direct members + users of attached tags, sorted by id,
  without duplicates. Direct membership and tag-implied membership are tracked separately.
* Names are stored exactly as sent (not stripped). A name that is empty after stripping ->
  422 ``blank``; longer than 255 characters -> 422 ``too_long``. All validation errors of a
  request are returned together.
* Ids referenced in a request body that do not exist -> 422 ``not_found`` (one item per id,
  key ``member_ids``/``group_tag_ids``/``entity_id``); a resource named in the URL path
  that does not exist -> 404 ``not_found`` (key ``id``/``user_id``/``tag_id``).
  POST /messages declares no 404, so an unknown chat/user/thread there is a 422.
* Adding members who already are members (directly or through a tag), or tags already
  attached, is a no-op; an empty ``member_ids``/``group_tag_ids`` list is a no-op (204).
* Removing a direct member who is also implied by an attached tag drops only the direct
  membership: the user stays a member while the tag is attached. Removing a user who is a
  member only through a tag is a 204 no-op (they stay). Removing the owner -> 403 whose body
  has both ``error``/``error_description`` and ``errors[]`` with code ``cannot_kick_owner``
  (the operation declares only 204/401/403/404). Removing a non-member -> 404 (key ``user_id``).
* Removing a tag removes the users who were members only through it; detaching a tag that
  is not attached (or does not exist) -> 404 (key ``tag_id``).
* Personal chats cannot get members or tags (422 ``personal_chat``) nor lose members
  (403 with the dual body above, code ``personal_chat``).
* Archive/unarchive are idempotent (204). Archived chats can still be read, updated and
  receive messages.
* ``last_message_at`` starts equal to ``created_at``; each message sets it to the current
  time. The store's clock has ms resolution and is strictly increasing (two events in the
  same millisecond get consecutive milliseconds), so timestamps always move and never tie.
* A message to ``entity_type=user`` creates (once per pair of users) a personal chat owned by
  the sender, named with the recipient's full name, not public, not a channel; messaging
  yourself makes a personal chat with only you. Threads do not exist (-> 422 ``not_found``).
* GET /chats: ``availability=is_member`` lists chats where the token's user is a member
  (including through tags); ``public`` lists all public chats. Ties in ``last_message_at``
  are ordered by id. A cursor carries its own direction and sort key and wins over
  ``sort``/``order``; see pagination.py for the cursor format.
* Member ``role`` filter: ``owner`` -> the owner; ``member`` -> everyone else; ``admin`` and
  ``editor`` -> nobody (the emulator has no chat roles); ``all`` -> everyone. Member, user
  and tag-user lists are ordered by user id ascending.
* GET /users ``query`` matches a case-insensitive substring of first name, last name, full
  name, nickname, email or phone. GET /group_tags ``names`` matches names case-insensitively
  (``names=A&names=B`` or ``names[]=A``).
* Pagination (every list): keyset cursors, see pagination.py. ``next_page`` is always
  present (on the last page it points after the last item, ``has_next`` false);
  ``prev_page`` travels the other way from the first item (e.g. to poll newer chats);
  ``has_prev`` is false on a first page. Bad ``limit`` (not 1..50) or cursor -> 400
  ``invalid`` (key ``limit``/``cursor``); unknown ``sort``/``order``/``availability``/
  ``role`` values or non-boolean flags -> 400 ``invalid``.
* Bodies: not JSON, or without the ``chat``/``message`` wrapper object -> 400 (``invalid``
  key ``body``, or ``required`` key ``chat``/``message``); wrong JSON types (ids not
  integers, flags not booleans, text not strings) -> 400 ``invalid`` naming the field.
  ``silent`` is accepted and ignored. Unknown fields are ignored.
* Protocol: unknown routes -> 404 ApiError and wrong methods -> 405 ApiError with ``Allow``
  (both checked before authentication); missing/unknown token -> 401 OAuthError
  ``invalid_token``; an unexpected emulator bug -> 500 ApiError ``unhandled``.
"""

from __future__ import annotations

import copy
import os
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from . import errors as e
from .directory import DirectoryMixin
from .membership import MembershipMixin, unique_ids
from .messages import MessagesMixin
from .persistence import StateError, mutation, read_state, write_state
from .seed import load_seed
from .serializers import chat_json, chat_members, format_time, meet_room_url, parse_time

MAX_NAME = 255
__all__ = ["Store", "StateError"]


class Store(DirectoryMixin, MembershipMixin, MessagesMixin):
    """Thread-safe emulator state with optional JSON persistence at ``path``."""

    def __init__(
        self,
        path: str | os.PathLike | None = None,
        seed: str | os.PathLike | dict | None = None,
        tokens: Sequence[str] | Mapping[str, int] = ("test-token",),
        clock: Callable[[], datetime] | None = None,
    ):
        self._lock = threading.RLock()
        self._seed = load_seed(seed)
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.path = Path(path) if path is not None else None
        self._tokens = self._map_tokens(tokens)
        if self.path is not None and self.path.exists():
            self._load()
        else:
            self.reset()

    # ----- tokens -------------------------------------------------------------------------
    def _map_tokens(self, tokens: Sequence[str] | Mapping[str, int]) -> dict[str, int]:
        if isinstance(tokens, Mapping):
            mapping = dict(tokens)
        else:
            owners = self._seed["token_user_ids"]
            if len(tokens) > len(owners):
                raise ValueError(f"the seed maps only {len(owners)} tokens to users (token_user_ids)")
            mapping = dict(zip(tokens, owners))
        users = {u["id"] for u in self._seed["users"]}
        if not mapping or any(not t for t in mapping) or not set(mapping.values()) <= users:
            raise ValueError("tokens must be non-empty and map to seeded users")
        return mapping

    def user_for_token(self, token: str) -> int | None:
        return self._tokens.get(token)

    # ----- persistence --------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every chat and message: back to the seed."""
        with self._lock:
            self._users = {u["id"]: _normalise_user(u) for u in copy.deepcopy(self._seed["users"])}
            self._tags = {t["id"]: t for t in copy.deepcopy(self._seed["group_tags"])}
            self._chats: dict[int, dict] = {}
            self._next_chat_id = self._seed.get("first_chat_id", 1)
            self._next_message_id = 1
            self._last_time: datetime | None = None
            self._save()

    def _save(self) -> None:
        if self.path is not None:
            write_state(
                self.path,
                {
                    "users": list(self._users.values()),
                    "group_tags": list(self._tags.values()),
                    "chats": list(self._chats.values()),
                    "next_chat_id": self._next_chat_id,
                    "next_message_id": self._next_message_id,
                },
            )

    def _load(self) -> None:
        assert self.path is not None
        state = read_state(self.path)
        self._users, self._tags, self._chats = state["users"], state["group_tags"], state["chats"]
        self._next_chat_id, self._next_message_id = state["next_chat_id"], state["next_message_id"]
        stamps = [parse_time(c["last_message_at"]) for c in self._chats.values()]
        self._last_time = max(stamps, default=None)

    def _now(self) -> str:
        """The store's clock: strictly increasing (at least 1 ms per call), ms resolution."""
        now = self._clock().astimezone(timezone.utc)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if self._last_time is not None and now <= self._last_time:
            now = self._last_time + timedelta(milliseconds=1)
        self._last_time = now
        return format_time(now)

    # ----- chats --------------------------------------------------------------------------
    def _chat(self, chat_id: int) -> dict:
        if chat_id not in self._chats:
            raise e.not_found("id", chat_id, "Chat")
        return self._chats[chat_id]

    def _chat_json(self, chat: dict) -> dict:
        return chat_json(chat, self._tags)

    def get_chat(self, chat_id: int) -> dict:
        with self._lock:
            return self._chat_json(self._chat(chat_id))

    def chat_member_ids(self, chat_id: int) -> list[int]:
        with self._lock:
            return chat_members(self._chat(chat_id), self._tags)

    @mutation
    def create_chat(
        self,
        owner_id: int,
        name: str,
        member_ids: Iterable[int] = (),
        group_tag_ids: Iterable[int] = (),
        channel: bool = False,
        public: bool = False,
    ) -> dict:
        member_ids, group_tag_ids = unique_ids(member_ids), unique_ids(group_tag_ids)
        problems = _name_problems(name) + self._missing_users(member_ids) + self._missing_tags(group_tag_ids)
        if problems:
            raise e.ApiError(422, problems)
        chat = self._insert_chat(owner_id, name, member_ids, group_tag_ids, channel=channel, public=public)
        return self._chat_json(chat)

    def _insert_chat(
        self, owner_id: int, name: str, member_ids: list[int], group_tag_ids: list[int], **flags: bool
    ) -> dict:
        now = self._now()
        chat = {
            "id": self._next_chat_id,
            "name": name,
            "created_at": now,
            "owner_id": owner_id,
            "member_ids": [m for m in member_ids if m != owner_id],
            "group_tag_ids": group_tag_ids,
            "channel": flags.get("channel", False),
            "archived": False,
            "personal": flags.get("personal", False),
            "public": flags.get("public", False),
            "last_message_at": now,
            "meet_room_url": meet_room_url(name),
            "messages_count": 0,
        }
        self._chats[chat["id"]] = chat
        self._next_chat_id += 1
        return chat

    @mutation
    def update_chat(self, chat_id: int, name: str | None = None, public: bool | None = None) -> dict:
        chat = self._chat(chat_id)
        if name is not None:
            problems = _name_problems(name)
            if problems:
                raise e.ApiError(422, problems)
            chat["name"] = name
        if public is not None:
            chat["public"] = public
        return self._chat_json(chat)

    @mutation
    def set_archived(self, chat_id: int, archived: bool) -> None:
        self._chat(chat_id)["archived"] = archived

    @mutation
    def delete_chat(self, chat_id: int) -> None:
        """Emulator-only (the API cannot delete chats): make a chat vanish, as if removed by the workspace."""
        self._chat(chat_id)
        del self._chats[chat_id]

    def list_chats(
        self,
        user_id: int,
        availability: str = "is_member",
        archived: bool = False,
        personal: bool | None = None,
        after: datetime | None = None,
        before: datetime | None = None,
    ) -> list[dict]:
        low = format_time(after) if after else None
        high = format_time(before) if before else None
        with self._lock:
            found = []
            for chat in self._chats.values():
                item = self._chat_json(chat)
                if availability == "public" and not item["public"]:
                    continue
                if availability == "is_member" and user_id not in item["member_ids"]:
                    continue
                if item["archived"] and not archived:
                    continue
                if personal is not None and item["personal"] != personal:
                    continue
                if (low and item["last_message_at"] < low) or (high and item["last_message_at"] > high):
                    continue
                found.append(item)
            return found


def _name_problems(name: str) -> list[dict]:
    if not name.strip():
        return [e.error_item("name", name, "Name can't be blank", e.BLANK)]
    if len(name) > MAX_NAME:
        message = f"Name is too long (maximum is {MAX_NAME} characters)"
        return [e.error_item("name", name, message, e.TOO_LONG)]
    return []


def _normalise_user(user: dict) -> dict:
    for key in ("created_at", "last_activity_at"):
        if user.get(key) is not None:
            user[key] = format_time(parse_time(user[key]))
    return user
