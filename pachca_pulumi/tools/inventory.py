"""What `pachca-pulumi inventory` finds: the chats a token can see that no given stack manages.

`managed_chat_ids()` reads the chat ids of every `Chat` in the stacks' state (`pulumi stack export`
through the Automation API); `unmanaged_chats()` lists what the token sees (`listing.visible_chats`:
the company listing where allowed, else the token user's chats plus the public ones) less those.
`render()` writes text or JSON. Nothing here prints or decides exit codes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pulumi import automation as auto

from ..api.client import PachcaClient
from ..api.models import Chat as ApiChat
from .listing import visible_chats
from .managed import managed

__all__ = ["FORMATS", "managed_chat_ids", "render", "unmanaged_chats"]

FORMATS = ("text", "json")


def managed_chat_ids(stacks: Iterable[auto.Stack]) -> set[int]:
    """The ids of the chats the stacks' `Chat` resources (dynamic or native) hold."""
    return set(managed(stacks).chats)


def unmanaged_chats(client: PachcaClient, managed: set[int], *, include_archived: bool = False) -> list[ApiChat]:
    """Group chats and channels the token sees that no stack manages, sorted by id."""
    seen = visible_chats(client, include_archived=include_archived)
    return sorted((c for c in seen if not c.personal and c.id not in managed), key=lambda c: c.id)


def render(chats: list[ApiChat], stacks: list[str], file_format: str, token_user_id: int | None) -> str:
    """The list as text (a line per chat) or JSON; `token_user_id` marks chats the token's user is in."""
    rows = [_row(chat, token_user_id) for chat in chats]
    if file_format == "json":
        body = {"stacks": stacks, "unmanaged": rows, "count": len(rows)}
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    names = ", ".join(stacks)
    if not rows:
        return f"Every chat visible to the token is managed by a stack ({names}).\n"
    count = len(rows)
    lines = [f"{count} chat{'s' if count != 1 else ''} visible to the token {'are' if count != 1 else 'is'} "
             f"managed by no stack ({names}):"]
    width = max(len(json.dumps(r["name"], ensure_ascii=False)) for r in rows)
    for r in rows:
        name = json.dumps(r["name"], ensure_ascii=False).ljust(width)
        flags = " ".join(f for f in (r["kind"], "public" if r["public"] else "private",
                                     "archived" if r["archived"] else "") if f)
        lines.append(f"  #{r['id']} {name}  {flags}; {r['members_count']} members; {r['visible_as']}")
    lines.append("Adopt them with `pachca-pulumi inventory --write FILE` (a program, or .yaml/.json data).")
    return "\n".join(lines) + "\n"


def _row(chat: ApiChat, token_user_id: int | None) -> dict[str, Any]:
    member = token_user_id is not None and token_user_id in chat.member_ids
    visible_as = "the token's user is a member" if member else ("public" if chat.public else "company listing")
    return {"id": chat.id, "name": chat.name, "kind": "channel" if chat.channel else "chat", "public": chat.public,
            "archived": chat.archived, "members_count": len(chat.member_ids), "visible_as": visible_as}
