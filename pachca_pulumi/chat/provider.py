"""The dynamic provider behind `Chat`: hooks in lifecycle order, each thin.

The engine pickles this provider into state by reference (it lives in an importable module), so a
fix released in this package reaches stacks already deployed (pulumi/pulumi#6490). Nothing is
captured at pickle time: the token and base URL are read in `configure()` inside the provider
process, and the service (with its API client) is built lazily once per process by `connect`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
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

from ..api.config import ProviderConfig
from ..api.redact import redacting_errors
from .diff import diff_chat, observed_inputs
from .inputs import check_inputs, inputs_from

if TYPE_CHECKING:
    from .service import ChatService

__all__ = ["ChatProvider", "Connect", "connect"]

Connect = Callable[[ProviderConfig], "ChatService"]


def connect(config: ProviderConfig) -> ChatService:
    """The production seam: a `ChatService` over a real `PachcaClient`. Imported late, so `check`
    and `diff` never load the HTTP client (a faster provider start for previews)."""
    from ..api.client import PachcaClient
    from .service import ChatService

    return ChatService(PachcaClient(config))


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
        self._lock = threading.Lock()

    @redacting_errors
    def configure(self, req: ConfigureRequest) -> None:
        """Read `pachca:token`/`pachca:baseUrl` (or PACHCA_TOKEN/PACHCA_BASE_URL); fail early if missing."""
        self._config = ProviderConfig.resolve(req.config.get)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate and normalise inputs; no API call. Failures name the field and the fix."""
        inputs, failures = check_inputs(news)
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare inputs with the stored actual state (set semantics); `channel` forces replacement.

        "No change" is decided here (order, duplicates, tolerated members). When something changed,
        the answer is "unknown", so the engine diffs old and new inputs itself and previews list
        exactly the changed properties (`diffReasons`, `detailedDiff`): the Python dynamic provider
        host cannot send per-property diffs. Refresh stores observed inputs (`ReadResult.inputs`), so
        the engine's input diff sees the same drift as this one.
        """
        result = diff_chat(olds, news)
        changes = None if result.changes else False
        return DiffResult(changes=changes, replaces=list(result.replaces), delete_before_replace=False)

    @redacting_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        """One POST with members and tags (or adoption of `adopt_id`); returns every output."""
        chat_id, outs = self._service().create(inputs_from(props))
        return CreateResult(str(chat_id), outs)

    @redacting_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh from the API; a chat that no longer exists leaves state. Returns inputs too."""
        outs = self._service().read(int(id_), props)
        if outs is None:
            return ReadResult(None, {})
        return ReadResult(id_, outs, inputs=observed_inputs(outs))

    @redacting_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Reconcile the chat to the inputs; safe to re-run after a partial failure."""
        return UpdateResult(self._service().update(int(id_), inputs_from(news), olds))

    @redacting_errors
    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        """Archive the chat (the API cannot delete chats); already archived or gone is success."""
        self._service().archive(int(id_))

    def _service(self) -> ChatService:
        """The process's service, built once on first use from the configuration."""
        with self._lock:
            if self._service_instance is None:
                self._service_instance = self._connect(self._config or ProviderConfig.resolve())
            return self._service_instance
