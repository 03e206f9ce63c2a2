"""The dynamic provider behind `Chat`: the kit's provider (`kit/provider.py`: pickling by reference,
`configure`, the per-process service over the token's session, the one-line error of every hook,
redaction, the one-owner rule, the run marked invalid when a check fails) with the chat's own
steps, each thin.

The engine pickles this provider into state by reference (it lives in an importable module), so a
fix released in this package reaches stacks already deployed (pulumi/pulumi#6490). Nothing is
captured at pickle time: the token, base URL and journal setting are read in `configure()` inside
the provider process, and the service is built lazily once per process by `connect`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pulumi.dynamic import CheckFailure, ConfigureRequest, DiffResult

from ..api.config import JournalSetting, ProviderConfig
from ..api.errors import ResourceError
from ..kit import oneline
from ..kit.provider import NAME_KEY, KitProvider, resource_name, warn
from ..kit.session import session_for
from ..kit.verify import Verdict
from .diff import diff_chat, observed_inputs
from .drift import CHAT_DRIFT
from .inputs import check_inputs, inputs_from
from .journal import CreateJournal, journal_for
from .members import undeclared_kept
from .state import CHAT_STATE

if TYPE_CHECKING:
    from .service import ChatService

__all__ = ["NAME_KEY", "ChatError", "ChatProvider", "Connect", "connect", "resource_name"]

ChatError = ResourceError  # a hook's one-line failure: the operation, the chat, the cause and the fix

oneline.install()

Connect = Callable[[ProviderConfig], "ChatService"]


def connect(config: ProviderConfig) -> ChatService:
    """The production seam: a `ChatService` over the process's session for the token. Imported
    late, so `check` and `diff` of a preview start without the chat service's imports."""
    from .service import ChatService

    return ChatService(session_for(config))


class ChatProvider(KitProvider["ChatService"]):
    """Manages one Pachca chat per resource; deleting a resource archives its chat.

    `connect` builds the service from the configuration; tests pass one over a mock transport or
    an emulator. It is not pickled: an unpickled provider always uses the module's `connect`.
    """

    kind: ClassVar[str] = "chat"
    resource_type: ClassVar[str] = "Chat"
    example: ClassVar[Mapping[str, Any]] = {"name": "Engineering"}
    delete_verb: ClassVar[str] = "archive"
    state = CHAT_STATE
    drift = CHAT_DRIFT

    default_connect = staticmethod(connect)

    _journal: CreateJournal | None

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._journal = None

    def configured(self, req: ConfigureRequest) -> None:
        """The create journal's setting (`api/config.py`)."""
        self._journal = journal_for(JournalSetting.resolve(req.config.get))

    def built(self, service: ChatService) -> None:
        service.journal = self._journal

    def check_inputs(self, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
        return check_inputs(news)

    def verify(self, service: ChatService, inputs: dict[str, Any], name: str, olds: Mapping[str, Any]) -> Verdict:
        """Every reference the last apply did not resolve (`olds`), through the session's directory.
        People added by hand that the last refresh saw (`olds`) stay `undeclared_members` while tolerated."""
        verdict = service.verify(inputs, name, olds)
        verdict.inputs["undeclared_members"] = undeclared_kept(olds, verdict.inputs)
        return verdict

    def compare(self, service: ChatService, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare inputs with the stored actual state (set semantics); `channel` forces replacement.

        "No change" is decided here (order, duplicates, tolerated members). When something changed,
        the answer is "unknown", so the engine diffs old and new inputs itself and previews list
        exactly the changed properties (`diffReasons`, `detailedDiff`): the Python dynamic provider
        host cannot send per-property diffs. Refresh stores observed inputs (`ReadResult.inputs`), so
        the engine's input diff sees the same drift as this one. When only the declaration of people
        changed and the chat needs nothing, the answer is "changes": an update that makes no write
        records the new declaration (the engine would call equal refreshed inputs "no change").
        People the program stops declaring whom the chat keeps (a tag's, the owner) are named in a
        warning with the reason (`chat/explain.py`).
        """
        implied = service.implied(news, stored=olds)
        result = diff_chat(olds, news, implied)
        for line in service.kept(olds, news, implied, resource_name(news)):
            warn(line)
        changes = None if result.changes else (True if result.redeclared else False)
        return DiffResult(changes=changes, replaces=list(result.replaces), delete_before_replace=False)

    def create_with(self, service: ChatService, props: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """One POST with members and tags (or adoption of `adopt_id`)."""
        return service.create(inputs_from(props), resource_name(props))

    def read_with(self, service: ChatService, id_: str, props: dict[str, Any]
                  ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """A chat whose absence is proven leaves state (`chat/absence.py`)."""
        outs = service.read(int(id_), props)
        return None if outs is None else (outs, observed_inputs(outs, self._key_of))

    def update_with(self, service: ChatService, id_: str, olds: dict[str, Any], news: dict[str, Any]
                    ) -> dict[str, Any]:
        return service.update(int(id_), inputs_from(news), olds)

    def delete_with(self, service: ChatService, id_: str, props: dict[str, Any]) -> str:
        """Archive the chat (the API cannot delete chats); already archived or gone is success."""
        return service.archive(int(id_))

    def _key_of(self, user_id: int) -> str:
        """How refresh names a person nobody declared: `@nickname` when the directory knows one."""
        user = self._service().directory.user(user_id)
        return f"@{user.nickname}" if user is not None and user.nickname else str(user_id)
