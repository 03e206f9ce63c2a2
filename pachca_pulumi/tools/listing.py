"""Which chats a token can see, for `import` and `inventory`.

`visible_chats()` lists the company's chats where the token may (`GET /company/chats`: owner and admin
tokens), else the chats its user is in plus every public one (`GET /chats`, then
`availability=public`). `chats_by_id()` reads chats asked for by id that no listing showed (a chat can
answer `GET /chats/{id}` without being listed). `nothing_listed_hint()` explains an empty listing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..api.client import PachcaClient
from ..api.errors import NotFoundError, PachcaError, PermissionDeniedError
from ..api.models import Chat as ApiChat

__all__ = ["chats_by_id", "nothing_listed_hint", "visible_chats"]


def visible_chats(client: PachcaClient, *, include_archived: bool) -> Iterator[ApiChat]:
    """Every group chat and channel the token can see, each once (personal chats of the listing too;
    callers filter). Falls back from the company listing when it is forbidden (403) or absent (404)."""
    activities = ("active", "archived") if include_archived else ("active",)
    listed = 0
    try:
        for activity in activities:
            for chat in client.list_company_chats(activity=activity):
                listed += 1
                yield chat
    except (PermissionDeniedError, NotFoundError):
        if listed:
            raise
        yield from _member_and_public_chats(client, include_archived)


def _member_and_public_chats(client: PachcaClient, include_archived: bool) -> Iterator[ApiChat]:
    seen: set[int] = set()
    for availability in (None, "public"):
        for chat in client.list_chats(availability=availability, personal=False, archived=include_archived):
            if chat.id not in seen:
                seen.add(chat.id)
                yield chat


def chats_by_id(client: PachcaClient, ids: Iterable[int]) -> tuple[list[ApiChat], list[int]]:
    """(the chats `GET /chats/{id}` answers, the ids it answers 404 for)."""
    found: list[ApiChat] = []
    absent: list[int] = []
    for chat_id in ids:
        try:
            found.append(client.get_chat(chat_id))
        except NotFoundError:
            absent.append(chat_id)
    return found, absent


def nothing_listed_hint(client: PachcaClient) -> str:
    """Why a token lists no chat, and what to do about it."""
    try:
        user = client.get_profile()
        who = f"the token's user, {user.display}{' (a bot)' if user.bot else ''},"
    except PachcaError:
        who = "the token's user"
    return (f"no chat is visible to this token: {who} is a member of no group chat or channel, and the "
            "workspace has no public chat (the API lists to a token only the chats its user is in, plus "
            "public ones; GET /company/chats, which lists them all, needs an owner's or admin's token). "
            "Add the user to the chats to manage, or use an admin's token.")
