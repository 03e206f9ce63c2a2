"""When a chat that a refresh cannot read counts as gone: the rule applied before a chat leaves state.

An API may hide a private chat from a token whose user is not in it, answering 404 or 403 as if it
did not exist. Dropping a chat that still exists makes the next `up` create it again, so:

* A 404 proves a chat gone only for a token whose user could read that chat directly at the last
  read: its owner, or one of its members (`owner_id` and `present_member_ids` in state, the chat's
  own people as the API reported them, whichever token read them). A read that found the chat
  through the company-wide listing records those people too, never the token's user, so that user's
  later 404 still proves nothing.
* The owner's 404 is enough (an owner cannot be removed). A member's is enough unless the token may
  list company chats: a member can be removed by hand, so the listing has the last word where it can.
* A 403 proves nothing by itself (a token short of a scope gets it for chats that exist).
* When the proof is missing, the company-wide listing decides (it lists every group chat and
  channel, archived ones too): listed is present, unlisted is gone. A token that may not list it
  fails the read with `unproven_message`, naming the token change and what to run.

Pure: no client, no state of its own. `ChatService.read` applies it.
"""

from __future__ import annotations

import enum
import itertools
import threading
from collections.abc import Mapping
from typing import Any

from ..api.client import PachcaClient
from ..api.errors import PachcaError, PermissionDeniedError
from ..api.models import Chat
from ..kit.schema import id_set

__all__ = ["Proof", "judge", "readers", "unproven_message"]


class Proof(enum.Enum):
    """What an unreadable chat's answer proves, and what the read must do next."""

    GONE = "gone"  # drop the chat from state
    LISTING_OR_GONE = "listing, else gone"  # ask the company listing; a token refused it: gone
    LISTING_OR_FAIL = "listing, else fail"  # ask the company listing; a token refused it: fail


def readers(stored: Mapping[str, Any]) -> frozenset[int]:
    """Who could read the chat directly at the last read: its owner and its members (`stored`:
    loaded outputs, any older shape upgraded by `chat/state.py`)."""
    members = stored.get("present_member_ids")
    owner = stored.get("owner_id")
    return frozenset([*id_set(members), *([int(owner)] if owner is not None else [])])


def judge(status: int, stored: Mapping[str, Any], token_user: int) -> Proof:
    """What a `status` (404 or 403) answered to `token_user`'s read of a chat with outputs `stored` proves."""
    if status != 404 or token_user not in readers(stored):
        return Proof.LISTING_OR_FAIL
    owner = stored.get("owner_id")
    return Proof.GONE if owner is not None and int(owner) == token_user else Proof.LISTING_OR_GONE


def unproven_message(chat_id: int, status: int, stored: Mapping[str, Any], token_user: int) -> str:
    """One line for a read that cannot tell whether the chat is gone: the answer, why it is no proof,
    the token change, the fix."""
    before = stored.get("token_user_id")
    changed = (f"; the token changed since the last read (user {int(before)} then, user {token_user} now)"
               if before is not None and int(before) != token_user else "")
    why = ("which is neither its owner nor a member" if token_user not in readers(stored)
           else "and a 403 does not say the chat is gone")
    return (
        f"chat {chat_id} answered {status} to the token of user {token_user}, {why}{changed}, and this token "
        "may not list company chats, so refresh cannot tell whether the chat was deleted. Run `pulumi refresh "
        "--run-program` with the token of the chat's owner, a member or a workspace admin in pachca:token "
        "(plain `pulumi refresh` uses the token saved in state by the last `up`)"
    )


class CompanyListing:
    """`GET /company/chats` (active, then archived), listed once per process: where a read that
    failed proves nothing, it decides whether the chat exists."""

    def __init__(self, client: PachcaClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._chats: dict[int, Chat] | None = None

    def confirm_gone(self, chat_id: int, stored: Mapping[str, Any], status: int, token_user: int) -> Chat | None:
        """The chat when it exists after all, else None (gone). A token that may not list the company's
        chats fails naming the token change, rather than drop a chat that exists (dropping it would
        make the next `up` create it again)."""
        proof = judge(status, stored, token_user)
        if proof is Proof.GONE:
            return None
        try:
            return self.chat(chat_id)
        except PermissionDeniedError:
            if proof is Proof.LISTING_OR_GONE:
                return None
            raise PachcaError(unproven_message(chat_id, status, stored, token_user)) from None

    def chat(self, chat_id: int) -> Chat | None:
        """The chat in the company-wide listing, or None."""
        with self._lock:
            if self._chats is None:
                listed = itertools.chain(self._client.list_company_chats(activity="active"),
                                         self._client.list_company_chats(activity="archived"))
                self._chats = {chat.id: chat for chat in listed}
            return self._chats.get(chat_id)
