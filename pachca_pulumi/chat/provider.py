"""The dynamic provider behind `Chat`: hooks in lifecycle order, each thin.

The engine pickles this provider into state by reference (it lives in an importable module), so a
fix released in this package reaches stacks already deployed (pulumi/pulumi#6490). Nothing is
captured at pickle time: the token and base URL are read in `configure()` inside the provider
process, and the service (with its API client) is built lazily once per process by `connect`.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import (
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from ..api.config import JournalSetting, ProviderConfig
from ..api.errors import PachcaError
from ..api.redact import redacting_errors
from ..kit import oneline
from ..kit.session import checked, session_for
from .diff import diff_chat, observed_inputs
from .inputs import check_inputs, inputs_from
from .journal import CreateJournal, journal_for
from .members import undeclared_kept
from .verify import one_owner_message

if TYPE_CHECKING:
    from .service import ChatService

__all__ = ["NAME_KEY", "ChatError", "ChatProvider", "Connect", "connect", "resource_name"]

NAME_KEY = "__name"


class ChatError(PachcaError):
    """A failure the engine shows as one line: the operation, the chat, the cause and the fix."""


oneline.install()


@contextmanager
def _reported(operation: str, props: dict[str, Any], id_: str | None = None) -> Iterator[None]:
    """Turn a PachcaError into one ChatError line naming the operation and the chat (name and id)."""
    try:
        yield
    except PachcaError as exc:
        where = f"chat {resource_name(props)!r}" + (f" (id {id_})" if id_ else "")
        raise ChatError(f"{operation} {where}: {exc}") from None

Connect = Callable[[ProviderConfig], "ChatService"]


def connect(config: ProviderConfig) -> ChatService:
    """The production seam: a `ChatService` over a real `PachcaClient`. Imported late, so `check`
    and `diff` never load the HTTP client (a faster provider start for previews)."""
    from .service import ChatService

    return ChatService(session_for(config))


class ChatProvider(ResourceProvider):
    """Manages one Pachca chat per resource; deleting a resource archives its chat.

    `connect` builds the service from the configuration; tests pass one over a mock transport or
    an emulator. It is not pickled: an unpickled provider always uses the module's `connect`.
    """

    # Nothing secret is ever captured in the pickled provider, so it need not be encrypted in state.
    serialize_as_secret_always = False

    _connect: Connect
    _config: ProviderConfig | None
    _service_instance: ChatService | None
    _journal: CreateJournal | None
    _lock: threading.Lock

    def __init__(self, *, connect: Connect | None = None) -> None:
        super().__init__()
        self.__setstate__({})
        if connect is not None:
            self._connect = connect

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, _state: dict[str, Any]) -> None:
        self._connect = connect
        self._config: ProviderConfig | None = None
        self._service_instance: ChatService | None = None
        self._journal: CreateJournal | None = None
        self._lock = threading.Lock()

    @redacting_errors
    def configure(self, req: ConfigureRequest) -> None:
        """Read `pachca:token`/`pachca:baseUrl` (or PACHCA_TOKEN/PACHCA_BASE_URL), failing early if missing,
        and the create journal's setting (`api/config.py`)."""
        self._config = ProviderConfig.resolve(req.config.get)
        self._journal = journal_for(JournalSetting.resolve(req.config.get))

    @redacting_errors
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate and normalise inputs, then verify every reference the last apply did not resolve
        (`olds`) through the per-process directory. Failures name the field, the chat and the fix.
        People added by hand that the last refresh saw (`olds`) stay `undeclared_members` while tolerated."""
        checked()
        inputs, failures = check_inputs(news)
        if failures:
            self._invalid(resource_name(news))
            return CheckResult(inputs, failures)
        with _reported("check", news):
            verdict = self._service().verify(inputs, resource_name(news), olds)
        for warning in verdict.warnings:
            _warn(warning)
        if verdict.failures:
            self._invalid(resource_name(news))
        verdict.inputs["undeclared_members"] = undeclared_kept(olds, verdict.inputs)
        return CheckResult(verdict.inputs, verdict.failures)

    @redacting_errors
    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare inputs with the stored actual state (set semantics); `channel` forces replacement.

        "No change" is decided here (order, duplicates, tolerated members). When something changed,
        the answer is "unknown", so the engine diffs old and new inputs itself and previews list
        exactly the changed properties (`diffReasons`, `detailedDiff`): the Python dynamic provider
        host cannot send per-property diffs. Refresh stores observed inputs (`ReadResult.inputs`), so
        the engine's input diff sees the same drift as this one. When only the declaration of people
        changed and the chat needs nothing, the answer is "changes": an update that makes no write
        records the new declaration (the engine would call equal refreshed inputs "no change").
        """
        service = self._service()
        other = service.claim_owner(int(id_), resource_name(news))
        if other is not None:
            raise ChatError(one_owner_message(int(id_), resource_name(news), other))
        with _reported("compare", news, id_):
            result = diff_chat(olds, news, service.implied(news, stored=olds))
        changes = None if result.changes else (True if result.redeclared else False)
        return DiffResult(changes=changes, replaces=list(result.replaces), delete_before_replace=False)

    @redacting_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        """One POST with members and tags (or adoption of `adopt_id`); returns every output."""
        with _reported("create", props):
            chat_id, outs = self._service().create(inputs_from(props), resource_name(props))
        return CreateResult(str(chat_id), {**_hidden(props), **outs})

    @redacting_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh from the API; a chat that no longer exists leaves state. Returns inputs too."""
        with _reported("refresh", props, id_):
            outs = self._service().read(int(id_), props)
        if outs is None:
            return ReadResult(None, {})
        inputs = {**_hidden(props), **observed_inputs(outs, self._key_of)}
        return ReadResult(id_, {**_hidden(props), **outs}, inputs=inputs)

    @redacting_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Reconcile the chat to the inputs; safe to re-run after a partial failure."""
        with _reported("update", news, id_):
            outs = self._service().update(int(id_), inputs_from(news), olds)
        return UpdateResult({**_hidden(news), **outs})

    @redacting_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Archive the chat (the API cannot delete chats); already archived or gone is success."""
        with _reported("archive", props, id_):
            self._service().archive(int(id_))

    def _invalid(self, resource: str) -> None:
        """Tell the run's session that `resource` failed its check: adoptions under way write nothing
        (`kit/session.py`)."""
        try:
            self._service().session.claims.failed(resource)
        except PachcaError:
            pass  # no usable settings: no write of this process can happen either

    def _key_of(self, user_id: int) -> str:
        """How refresh names a person nobody declared: `@nickname` when the directory knows one."""
        user = self._service().directory.user(user_id)
        return f"@{user.nickname}" if user is not None and user.nickname else str(user_id)

    def _service(self) -> ChatService:
        """The process's service, built once on first use from the configuration."""
        with self._lock:
            if self._service_instance is None:
                self._service_instance = self._connect(self._config or ProviderConfig.resolve())
                self._service_instance.journal = self._journal
            return self._service_instance


def resource_name(props: dict[str, Any]) -> str:
    """The resource's name in the program (`Chat` passes it as the hidden input `__name`)."""
    name = props.get(NAME_KEY)
    return name if isinstance(name, str) else "(unnamed)"


def _hidden(props: dict[str, Any]) -> dict[str, Any]:
    return {NAME_KEY: props[NAME_KEY]} if NAME_KEY in props else {}


def _warn(message: str) -> None:
    """A warning the engine shows under the resource (the provider's stderr reaches the user)."""
    print(f"warning: {message}", file=sys.stderr, flush=True)
