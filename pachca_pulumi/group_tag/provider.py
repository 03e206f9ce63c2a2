"""The dynamic provider behind `GroupTag`: hooks in lifecycle order, each thin.

Like the `Chat` provider it is pickled by reference (pulumi/pulumi#6490), captures nothing at
pickle time, reads the token in `configure()` and builds its service lazily once per process
through the `connect` seam.
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
from ..kit import oneline
from .diff import diff_tag, observed_inputs
from .inputs import check_inputs, inputs_from

if TYPE_CHECKING:
    from .service import GroupTagService

__all__ = ["Connect", "GroupTagProvider", "connect"]

oneline.install()

Connect = Callable[[ProviderConfig], "GroupTagService"]


def connect(config: ProviderConfig) -> GroupTagService:
    """The production seam: a `GroupTagService` over a real `PachcaClient` (imported late)."""
    from ..api.client import PachcaClient
    from .service import GroupTagService

    return GroupTagService(PachcaClient(config))


class GroupTagProvider(ResourceProvider):
    """Manages one Pachca group tag per resource; deleting a resource deletes its tag (the API has
    no archive). `connect` builds the service; tests pass one over a mock transport or an emulator."""

    serialize_as_secret_always = False

    _connect: Connect
    _config: ProviderConfig | None
    _service_instance: GroupTagService | None
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
        self._config = None
        self._service_instance = None
        self._lock = threading.Lock()

    @redacting_errors
    def configure(self, req: ConfigureRequest) -> None:
        """Read `pachca:token`/`pachca:baseUrl` (or PACHCA_TOKEN/PACHCA_BASE_URL); fail early if missing."""
        self._config = ProviderConfig.resolve(req.config.get)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate and normalise inputs (`members` becomes a map by reference); no API call."""
        inputs, failures = check_inputs(news)
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """"No change" is decided here (tolerated people, references already resolved); otherwise
        "unknown", so the engine's own input diff lists people added and removed by reference."""
        changes = None if diff_tag(olds, news) else False
        return DiffResult(changes=changes, replaces=[], delete_before_replace=False)

    @redacting_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create (or adopt) the tag and give it its people; returns every output."""
        tag_id, outs = self._service().create(inputs_from(props))
        return CreateResult(str(tag_id), outs)

    @redacting_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh from the API; a tag that no longer exists leaves state. Returns inputs too."""
        outs = self._service().read(int(id_), props)
        if outs is None:
            return ReadResult(None, {})
        return ReadResult(id_, outs, inputs=observed_inputs(outs))

    @redacting_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Rename and reconcile people; safe to re-run after a partial failure."""
        return UpdateResult(self._service().update(int(id_), inputs_from(news), olds))

    @redacting_errors
    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        """Delete the tag; already gone is success."""
        self._service().delete(int(id_))

    def _service(self) -> GroupTagService:
        with self._lock:
            if self._service_instance is None:
                self._service_instance = self._connect(self._config or ProviderConfig.resolve())
            return self._service_instance
