"""Private chats hidden from outsiders: the ``hide_private`` switch (the emulator's invention).

The spec lets a chat's routes answer 404 or 403, and an API may use either to hide a private chat
from a token whose user is not in it; neither the spec nor the SDK says whether or how Pachca does.
So the emulator makes it a switch (``hide_private`` in :mod:`.faults`): ``None`` (the default) lets
every token read and change any chat; ``404`` or ``403`` hides every chat that is not public from a
token whose user is not among its members (the owner is one): each ``/chats/{id}...`` route then
answers 404 ApiError ``not_found`` (key ``id``), as for a chat that does not exist, or 403
OAuthError ``forbidden``. ``GET /chats`` lists only the user's own chats anyway (public ones with
``availability=public``), and ``GET /company/chats`` still lists every chat to owner and admin
tokens. ``POST /messages`` is not affected.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from . import errors as e

HIDE_MODES = (404, 403)
_CHAT_ROUTE = "/chats/{id}"


class Sees(Protocol):
    def can_see(self, chat_id: int, user_id: int) -> bool: ...


def refuse_hidden(store: Sees, route: str, args: Mapping[str, Any], user_id: int, mode: int | None) -> None:
    """Raise the switch's answer when ``route`` (``"METHOD /template"``) names a chat hidden from ``user_id``."""
    if mode is None or not route.partition(" ")[2].startswith(_CHAT_ROUTE):
        return
    if store.can_see(args["id"], user_id):
        return
    if mode == 404:
        raise e.not_found("id", args["id"], "Chat")
    raise e.OAuthError(403, "forbidden", "This private chat is visible to its members only")
