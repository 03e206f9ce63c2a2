"""What a preview says beside the engine's diff: the people a removal will not remove, and why.

The engine prints a chat's people as the program declares them (`- 7: 7`); whether the server
carries out a removal depends on who else holds the person in the chat. The membership plan
(`kit/members.py`) knows who stays (`MemberPlan.kept`); this names them and the reason, in people's
words, as a warning under the resource, so preview and `up` tell the same story.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..api.directory import Directory
from ..kit.schema import is_unknown
from ..kit.tags import TagNames
from .diff import people_plan
from .schema import PEOPLE

__all__ = ["kept_warnings", "person"]


def person(directory: Directory, user_id: int) -> str:
    """`7 (@ninosilva)`: the id and who it is, from the directory the check already read."""
    user = directory.user(user_id)
    if user is None:
        return str(user_id)
    who = f"@{user.nickname}" if user.nickname else user.display
    return f"{user_id} ({who})"


def kept_warnings(olds: Mapping[str, Any], news: Mapping[str, Any], implied: Iterable[int], chat: str, *,
                  directory: Directory, tag_names: TagNames, token_user_id: int) -> list[str]:
    """One line per person the program stopped declaring whom `up` will leave in the chat, with the reason."""
    if any(is_unknown(news.get(name)) for name in PEOPLE):
        return []
    plan = people_plan(olds, news, implied)
    owner = int(olds.get("owner_id") or 0)
    tags = sorted({int(t) for props in (olds, news) for t in props.get("group_tag_ids") or [] if not is_unknown(t)})
    return [f"chat {chat!r}: {person(directory, uid)} is no longer declared but stays in the chat: "
            f"{_why(uid, owner, token_user_id, tags, directory, tag_names)}" for uid in plan.kept]


def _why(uid: int, owner: int, token_user: int, tags: list[int], directory: Directory, tag_names: TagNames) -> str:
    if uid == owner:
        return "they own it (the API never removes a chat's owner)"
    holding = [tag for tag in tags if uid in (directory.tag_user_ids(tag) or ())]
    if holding:
        names = ", ".join(_tag(tag, tag_names) for tag in holding)
        return (f"the group tag {names} keeps them (the API keeps a tag's people while the tag is attached); "
                "remove them from the tag, or the tag from the chat, to remove them")
    if uid == token_user:
        return "the provider's token acts as them (the token's own user is never removed)"
    return "a group tag of the chat kept them at the last refresh (`pulumi refresh` reads the tags again)"


def _tag(tag_id: int, tag_names: TagNames) -> str:
    name = tag_names.name_of(tag_id)
    return f"{name!r} ({tag_id})" if name else str(tag_id)
