"""The second half of `check`: every reference of a chat verified against the workspace, before any write.

People are resolved to ids, group tags and the token are verified through the per-process
`Directory`; the `adopt_id` chat through the chat snapshot; and one chat may have one owner in a
stack. Values still unknown in a preview are skipped (`check` runs again once they are known).
Failures name the property, the reference, the chat and the fix; warnings do not stop the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pulumi.dynamic import CheckFailure

from ..api.errors import PachcaError
from ..api.models import Chat
from .inputs import is_unknown
from .people import Directory, UnknownReference, describe
from .schema import PEOPLE

__all__ = ["Verdict", "verify_inputs"]


@dataclass
class Verdict:
    """The inputs with people resolved to ids, the failures that stop the run, and warnings."""

    inputs: dict[str, Any]
    failures: list[CheckFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def verify_inputs(inputs: dict[str, Any], chat: str, directory: Directory, *,
                  find_chat: Callable[[int], Chat | None], claim: Callable[[int, str], str | None]) -> Verdict:
    """Resolve and verify the references of checked `inputs` for the resource named `chat`.

    `find_chat(id)` returns a visible chat or None; `claim(chat id, resource)` returns the other
    resource that already owns the chat in this run, or None.
    """
    verdict = Verdict(dict(inputs))
    try:
        directory.token_user()
        for name in PEOPLE:
            _resolve_people(verdict, name, chat, directory)
        _verify_tags(verdict, chat, directory)
        _verify_adoption(verdict, chat, find_chat, claim)
    except PachcaError as exc:
        verdict.failures.append(CheckFailure("", f"cannot verify chat {chat!r} before any change: {exc}"))
    return verdict


def _resolve_people(verdict: Verdict, name: str, chat: str, directory: Directory) -> None:
    people = verdict.inputs.get(name)
    if not isinstance(people, dict) or is_unknown(people):
        return
    resolved: dict[str, int] = {}
    for key in people:
        try:
            user = directory.resolve(key)
        except UnknownReference as exc:
            verdict.failures.append(CheckFailure(name, f"{exc} (in {name} of chat {chat!r})"))
            continue
        resolved[key] = user.id
        if user.suspended or user.bot:
            kind = "suspended" if user.suspended else "a bot"
            verdict.warnings.append(f"chat {chat!r}: {name} {key} is {describe(user)}, {kind}")
    verdict.inputs[name] = resolved


def _verify_tags(verdict: Verdict, chat: str, directory: Directory) -> None:
    tag_ids = verdict.inputs.get("group_tag_ids")
    if not isinstance(tag_ids, list) or is_unknown(tag_ids):
        return
    for tag_id in tag_ids:
        if not directory.has_tag(int(tag_id)):
            verdict.failures.append(CheckFailure(
                "group_tag_ids", f"group tag {tag_id} does not exist in this workspace (in chat {chat!r}); "
                "`pachca-pulumi tags` lists the tags with their ids"))


def _verify_adoption(verdict: Verdict, chat: str, find_chat: Callable[[int], Chat | None],
                     claim: Callable[[int, str], str | None]) -> None:
    adopt_id = verdict.inputs.get("adopt_id")
    if adopt_id is None or is_unknown(adopt_id):
        return
    if find_chat(int(adopt_id)) is None:
        verdict.failures.append(CheckFailure(
            "adopt_id", f"adopt_id {adopt_id}: no such chat is visible to this token (in chat {chat!r}); check "
            "the id (`pachca-pulumi import` lists existing chats) or remove adopt_id to create a new chat"))
        return
    other = claim(int(adopt_id), chat)
    if other is not None:
        verdict.failures.append(CheckFailure("adopt_id", one_owner_message(int(adopt_id), chat, other)))


def one_owner_message(chat_id: int, chat: str, other: str) -> str:
    """Two resources bound to one chat: name both and the way out."""
    return (f"chat {chat_id} is claimed by two resources, {other!r} and {chat!r}; one chat has one owner: "
            f"remove adopt_id from one of them (to rename a resource, use the `aliases` option)")
