"""The second half of `check`: every reference of a chat verified against the workspace, before any write.

People are resolved to ids, group tags and the token (its user and, where `GET /oauth/token/info`
answers, its scopes) are verified through the per-process `Directory` (`api/directory.py`); the
`adopt_id` chat through the chat snapshot; and one chat may have one owner in a stack. A reference
the last apply already resolved (`known`, the resource's previous inputs) keeps its id without a
request, so a preview costs what the change adds, not what the stack holds (`pulumi refresh` sees
people who left). Values still unknown in a preview are skipped (`check` runs again once they are known).
Failures name the property, the reference, the chat and the fix; warnings do not stop the run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import CheckFailure

from ..api.directory import Directory
from ..api.errors import PachcaError, UnknownReference
from ..api.models import Chat
from ..kit.provider import one_owner_message as kit_one_owner_message
from ..kit.verify import Verdict, resolve_people, token_works
from .inputs import is_unknown
from .schema import PEOPLE

if TYPE_CHECKING:
    from ..kit.tags import TagNames

__all__ = ["Verdict", "needed_scopes", "one_owner_message", "verify_inputs"]


def verify_inputs(inputs: dict[str, Any], chat: str, directory: Directory, *,
                  find_chat: Callable[[int], Chat | None], claim: Callable[[int, str], str | None],
                  known: Mapping[str, Any] | None = None, tag_names: TagNames | None = None) -> Verdict:
    """Resolve and verify the references of checked `inputs` for the resource named `chat`.

    `find_chat(id)` returns a visible chat or None; `claim(chat id, resource)` returns the other
    resource that already owns the chat in this run, or None; `known` holds the inputs the last
    apply checked (people already resolved there, tags already verified); `tag_names` verifies
    the tags `group_tags` names (with the closest name of a mistyped one).
    """
    verdict = Verdict(dict(inputs))
    if not token_works(verdict, "chat", chat, directory):
        return verdict
    try:
        _verify_scopes(verdict, chat, directory)
        for name in PEOPLE:
            _resolve_people(verdict, name, chat, directory, _resolved(known, name))
        _verify_tags(verdict, chat, directory, _verified_tags(known))
        if tag_names is not None:
            _verify_tag_names(verdict, chat, tag_names, known)
        _verify_adoption(verdict, chat, find_chat, claim)
    except PachcaError as exc:
        verdict.failures.append(CheckFailure("", f"cannot verify chat {chat!r} before any change: {exc}"))
    return verdict


def needed_scopes(inputs: dict[str, Any]) -> dict[str, str]:
    """The token scopes (as the spec names them) that managing a chat with these inputs takes, and why."""
    needs = {"chats:read": "reading chats", "chats:update": "renaming or opening a chat",
             "chats:archive": "archiving a chat removed from the program"}
    if inputs.get("adopt_id") is None:
        needs["chats:create"] = "creating the chat"
    if any(inputs.get(name) for name in (*PEOPLE, "group_tag_ids", "exclusive_members")):
        needs["chat_members:write"] = "changing members and group tags"
    if inputs.get("admins") or inputs.get("editors"):
        needs["chat_members:read"] = "reading roles"
    return needs


def _verify_scopes(verdict: Verdict, chat: str, directory: Directory) -> None:
    """Fail when `GET /oauth/token/info` shows the token lacks a scope this chat needs (skipped when
    the API does not answer it)."""
    scopes = directory.token_scopes()
    if scopes is None:
        return
    missing = {scope: why for scope, why in needed_scopes(verdict.inputs).items() if scope not in scopes}
    if missing:
        needs = ", ".join(f"{scope} ({why})" for scope, why in sorted(missing.items()))
        verdict.failures.append(CheckFailure("", (
            f"the token lacks scopes chat {chat!r} needs: {needs}; add them to the token in Pachca's API "
            "settings, or set another token with `pulumi config set --secret pachca:token <token>`")))


def _resolved(known: Mapping[str, Any] | None, name: str) -> dict[str, int]:
    """The references of `name` the last apply resolved, with their ids."""
    people = (known or {}).get(name)
    if not isinstance(people, dict):
        return {}
    return {str(key): int(uid) for key, uid in people.items() if isinstance(uid, (int, float)) and not is_unknown(uid)}


def _verified_tags(known: Mapping[str, Any] | None) -> set[int]:
    tag_ids = (known or {}).get("group_tag_ids")
    return {int(t) for t in tag_ids if isinstance(t, (int, float))} if isinstance(tag_ids, list) else set()


def _resolve_people(verdict: Verdict, name: str, chat: str, directory: Directory, known: dict[str, int]) -> None:
    people = verdict.inputs.get(name)
    if not isinstance(people, dict) or is_unknown(people):
        return
    verdict.inputs[name] = resolve_people(verdict, name, f"chat {chat!r}", directory, people, known)


def _verify_tags(verdict: Verdict, chat: str, directory: Directory, known: set[int]) -> None:
    tag_ids = verdict.inputs.get("group_tag_ids")
    if not isinstance(tag_ids, list) or is_unknown(tag_ids):
        return
    for tag_id in tag_ids:
        if int(tag_id) not in known and not directory.has_tag(int(tag_id)):
            verdict.failures.append(CheckFailure(
                "group_tag_ids", f"group tag {tag_id} does not exist in this workspace (in chat {chat!r}); "
                "`pachca-pulumi tags` lists the tags with their ids"))


def _verify_tag_names(verdict: Verdict, chat: str, tag_names: TagNames, known: Mapping[str, Any] | None) -> None:
    """Every name in `group_tags` names a tag (case aside) or one a `GroupTag` of this run declares;
    names the last apply had are not read again."""
    names = verdict.inputs.get("group_tags")
    if not isinstance(names, list) or is_unknown(names):
        return
    before = {str(n).casefold() for n in (known or {}).get("group_tags") or [] if isinstance(n, str)}
    for name in names:
        if is_unknown(name) or not isinstance(name, str) or name.casefold() in before or tag_names.planned(name):
            continue
        if tag_names.named(name) is None:
            failure: UnknownReference = tag_names.unknown(name, f"chat {chat!r}")
            verdict.failures.append(CheckFailure("group_tags", str(failure)))


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
    return kit_one_owner_message("chat", chat_id, chat, other)
