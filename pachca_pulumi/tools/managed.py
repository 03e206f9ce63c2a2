"""What a stack already manages, read from its exported state: the target id of every resource of
every kind (`kinds.py`), of either front end (the dynamic type token and the native `pachca:index:*`).

`inventory` lists what no stack manages; `import` in a project directory leaves out what the stack
manages, so its output never declares a chat a second time (which would fail the next preview with two
resources bound to one chat).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from ..api.models import Chat as ApiChat
from ..chat.provider import ChatProvider
from ..group_tag.provider import GroupTagProvider
from ..kinds import kind_of
from .drift import DriftError, open_stack
from .importer import Selection

__all__ = ["Managed", "managed", "managed_in_project"]


@dataclass(frozen=True)
class Managed:
    """The ids the stacks' resources hold by kind label (pending creates have none yet), and the
    stacks' names. `import` reads the chats' and the tags' (`chats`, `tags`)."""

    ids: Mapping[str, frozenset[int]] = field(default_factory=dict)
    stacks: tuple[str, ...] = field(default=())

    def of(self, kind: str) -> frozenset[int]:
        return self.ids.get(kind, frozenset())

    @property
    def chats(self) -> frozenset[int]:
        return self.of(ChatProvider.kind)

    @property
    def tags(self) -> frozenset[int]:
        return self.of(GroupTagProvider.kind)

    def chosen(self, listed: Iterable[ApiChat], selection: Selection) -> int:
        """How many of the chats an import selects (listed and matching, or asked for by id) are managed."""
        ids = {chat.id for chat in listed if selection.matches(chat)} | set(selection.ids)
        return len(ids & self.chats)

    def note(self, chats: int, with_tags: bool) -> str:
        """The line import prints about what it left out."""
        tags = f" and {len(self.tags)} group tag{'s' if len(self.tags) != 1 else ''}" if with_tags else ""
        where = ", ".join(self.stacks) or "the stack"
        return (f"left out {chats} chat{'s' if chats != 1 else ''}{tags} that stack {where} already manages "
                "(--include-managed writes them too)")


def managed(stacks: Iterable[auto.Stack]) -> Managed:
    """The chats and tags of these stacks; DriftError naming the stack when one cannot be exported."""
    ids: dict[str, set[int]] = {}
    names = []
    for stack in stacks:
        names.append(stack.name)
        for resource in _resources(stack):
            kind = kind_of(str(resource.get("type", "")))
            if kind is not None and str(resource.get("id", "")).isdigit():
                ids.setdefault(kind.kind, set()).add(int(resource["id"]))
    return Managed({label: frozenset(found) for label, found in ids.items()}, tuple(names))


def managed_in_project(cwd: Path, stack: str | None) -> Managed | None:
    """What the project's stack in `cwd` manages; None when `cwd` is no Pulumi project. A project
    whose stack cannot be read raises DriftError (the caller says how to go on without it)."""
    if not (cwd / "Pulumi.yaml").is_file():
        return None
    return managed([open_stack(cwd, stack)])


def _resources(stack: auto.Stack) -> list[dict[str, Any]]:
    try:
        return list((stack.export_stack().deployment or {}).get("resources", []))
    except auto.CommandError as exc:
        raise DriftError(f"cannot export stack {stack.name}: {str(exc).strip()[-400:]}") from None
