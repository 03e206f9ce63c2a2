"""A chat's outputs from what the API shows, what the program declared and what the run learnt,
as the schema table sources each one (`chat/schema.py` OUTPUTS)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..api.models import Chat
from ..kit.schema import outputs_of
from .schema import INPUTS, OUTPUTS, ChatInputs, Role, Source, rule

__all__ = ["chat_outputs"]


def chat_outputs(chat: Chat, inputs: ChatInputs, run: Mapping[str, Any],
                 roles: Mapping[int, Role] | None = None) -> dict[str, Any]:
    """Every output of a `Chat` resource, as the schema sources them: the actual chat, the declared
    inputs, and what this run learnt (`run`: the token's user, tag members, the avatar applied, the
    members the API could not add; `roles` when read) for later diffs."""
    learnt = {**run, "admin_ids": _holders(roles, "admin"), "editor_ids": _holders(roles, "editor")}
    sources: dict[Source, Callable[[str], Any]] = {
        Source.CHAT: lambda attr: _actual(chat, attr),
        Source.DECLARED: lambda attr: getattr(inputs, attr),
        Source.RUN: lambda attr: learnt.get(attr, _RUN_DEFAULTS.get(attr)),
    }
    return outputs_of(INPUTS, OUTPUTS, rule, sources)


_RUN_DEFAULTS: dict[str, Any] = {"tag_member_ids": [], "missing_member_ids": [], "named_tag_ids": {}}


def _holders(roles: Mapping[int, Role] | None, role: Role) -> list[int] | None:
    return None if roles is None else sorted(uid for uid, held in roles.items() if held == role)


def _actual(chat: Chat, attribute: str) -> Any:
    value = getattr(chat, attribute)
    return sorted(set(value)) if isinstance(value, list) else value
