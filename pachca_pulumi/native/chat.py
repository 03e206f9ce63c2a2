"""`pachca:index:Chat`: the native front end of the `Chat` resource, on the dynamic one's parts.

The one adapter between the native provider and `chat/`: every rule (check, verification in
preview, ownership, roles, tags, avatars, the refresh bound, recovery, one owner per chat) is the
dynamic resource's, reached through `ChatProvider`'s hooks, `diff_chat`/`people_plan` and the
`ChatService` they share. What is native is only the shape: the resource's name comes from the
URN (the dynamic one passes it as the hidden `__name`), the diff is detailed (`detailed.py`), and
a read with no state (`pulumi import`) returns inputs the way a program writes them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from ..api.config import ProviderConfig
from ..chat.diff import diff_chat, people_plan
from ..chat.provider import NAME_KEY, ChatError, ChatProvider, connect
from ..chat.schema import PROGRAM_INPUTS, Compare, default, people_written, rule
from ..chat.service import ChatService
from ..chat.state import CHAT_STATE
from ..kit.provider import warn
from ..kit.schema import id_set
from .detailed import Entries, chat_entries, kept_entries
from .results import Changes, Checked, Read

__all__ = ["ChatResource"]

Connect = Callable[[ProviderConfig], ChatService]


class ChatResource:
    """Plain-dict hooks for `pachca:index:Chat` (snake_case names, `name` = the resource's name)."""

    def __init__(self, connect_service: Connect = connect) -> None:
        self._connect = connect_service
        self._service_instance: ChatService | None = None
        self._config: ProviderConfig | None = None
        self._lock = threading.Lock()
        self._dynamic = ChatProvider(connect=self._service_for)

    def configure(self, config: Config) -> None:
        """Read `pachca:token`/`pachca:baseUrl` (else the environment) as the dynamic resource does."""
        self._dynamic.configure(ConfigureRequest(config))
        self._config = ProviderConfig.resolve(config.get)

    def check(self, name: str, olds: dict[str, Any], news: dict[str, Any]) -> Checked:
        """The dynamic `check`: validation, then verification against the run's directory."""
        result = self._dynamic.check(_named(name, olds), _named(name, news))
        failures = [(failure.property, failure.reason) for failure in result.failures or []]
        return Checked(result.inputs, failures)

    def diff(self, name: str, chat_id: str, olds: dict[str, Any], news: dict[str, Any]) -> Changes:
        """`diff_chat`'s verdict, with one detailed entry per changed input, person and tag."""
        self._dynamic.own(chat_id, name)
        olds = CHAT_STATE.loaded(olds)
        service = self._service()
        implied = service.implied(news, stored=olds)
        result = diff_chat(olds, news, implied)
        for line in service.kept(olds, news, implied, name):
            warn(line)
        if not result.changes:  # a reference dropped to someone the chat keeps is still shown, as declared
            kept = kept_entries(people_plan(olds, news, implied), olds) if result.redeclared else {}
            return Changes(bool(result.redeclared), (), kept)
        plan = people_plan(olds, news, implied) if "members" in result.changed else None
        entries: Entries = chat_entries(result.changed, result.replaces, plan, olds, news, self._key_of)
        return Changes(True, result.replaces, entries)

    def create(self, name: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """One POST with members and tags (or adoption of `adopt_id`); every output."""
        result = self._dynamic.create(_named(name, props))
        return str(result.id), _full(result.outs)

    def read(self, name: str, chat_id: str, props: dict[str, Any]) -> Read:
        """Refresh, or with no state (`pulumi import`) the chat declared as it is."""
        if not props:
            return self._imported(name, chat_id)
        result = self._dynamic.read(chat_id, _named(name, props))
        return Read(result.id, _full(result.outs), dict(result.inputs or {}))

    def update(self, name: str, chat_id: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        """Reconcile the chat to the inputs; safe to re-run after a partial failure."""
        return _full(self._dynamic.update(chat_id, _named(name, olds), _named(name, news)).outs)

    def delete(self, name: str, chat_id: str, props: dict[str, Any]) -> None:
        """Archive the chat; one already archived or gone is success."""
        self._dynamic.delete(chat_id, _named(name, props))

    def _imported(self, name: str, chat_id: str) -> Read:
        """An imported chat: inputs as a program writes them (members less the implied ones, by
        email or nickname), outputs as if a program had declared exactly that, so the first
        preview after the import shows no change."""
        found = self._dynamic.read(chat_id, _named(name, {}))
        if found.id is None:
            return Read(None, {}, {})
        outs = _full(found.outs)
        written = self._as_written(outs, dict(found.inputs or {}))
        checked = self.check(name, {}, written)
        if checked.failures:
            raise ChatError(f"import chat {name!r} (id {chat_id}): "
                            + "; ".join(reason for _field, reason in checked.failures))
        declared = {**outs, **{key: checked.inputs[key] for key in PROGRAM_INPUTS if key in checked.inputs}}
        again = self._dynamic.read(chat_id, _named(name, declared))
        return Read(again.id, _full(again.outs), written)

    def _as_written(self, outs: Mapping[str, Any], observed: Mapping[str, Any]) -> dict[str, Any]:
        """Observed inputs in program form: people not implied as `members`, defaults left out."""
        written = {key: value for key, value in observed.items() if key in PROGRAM_INPUTS
                   and rule(key).compare is not Compare.PEOPLE and value != default(key)}
        implied = self._service().implied(outs) | {int(outs.get("owner_id") or 0)}
        people = [uid for uid in id_set(outs.get("present_member_ids")) if uid not in implied]
        if people:
            by_name: dict[str, int | None] = {self._name_of(uid): uid for uid in sorted(people)}
            written["members"] = people_written("members", by_name)
        written.pop("avatar", None)  # the digest is not a path a program could declare
        return written

    def _key_of(self, user_id: int) -> str:
        """How refresh names a person nobody declared (`ChatProvider`'s rule): `@nickname`, else the id."""
        user = self._service().directory.user(user_id)
        return f"@{user.nickname}" if user is not None and user.nickname else str(user_id)

    def _name_of(self, user_id: int) -> str:
        """How an import names a person: email, else `@nickname`, else the id."""
        user = self._service().directory.user(user_id)
        if user is not None and user.email:
            return user.email
        return f"@{user.nickname}" if user is not None and user.nickname else str(user_id)

    def _service_for(self, config: ProviderConfig) -> ChatService:
        with self._lock:
            if self._service_instance is None:
                self._service_instance = self._connect(config)
            return self._service_instance

    def _service(self) -> ChatService:
        """The one service of the process, which the dynamic hooks use too."""
        return self._service_for(self._config or ProviderConfig.resolve())


def _named(name: str, props: Mapping[str, Any]) -> dict[str, Any]:
    return {**props, NAME_KEY: name}


def _full(outs: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every output, as the native schema declares them: a native stack keeps them all, unversioned
    (YAML reads any declared output); what the dynamic hooks store lean is filled back in."""
    return CHAT_STATE.loaded(outs or {})

