"""The provider base every resource kind subclasses: the plumbing written once.

- Pickled by reference (the subclass lives in an importable module), so a fix released in this
  package reaches stacks already deployed (pulumi/pulumi#6490); `__getstate__` is empty, nothing
  is captured at pickle time.
- `configure` reads the token and base URL (`api/config.py`) in the provider process; the
  service is built lazily, once per process, through the `connect` seam (tests pass their own).
- Every hook runs inside `reported`, the one place a failure becomes the resource's one-line
  error (operation, resource name, id, cause, fix), and inside `redacting_errors` (no secret in
  any message or chain).
- `check` runs the schema check, then the kind's preview verification against the session
  (people, tags, adoption: nothing is written before the run is known to be valid); `diff` holds
  the one-owner rule (one target, one resource) for every kind.
- Each subclass registers itself in `KINDS`, which the promises test walks, so a new resource
  cannot miss a promise, and which the tools read through `kinds.py` (drift, managed, recovery).
- What state keeps is the kind's `state` (`kit/state.py`): hooks store lean, versioned outputs
  and read every stored shape back full (`stored`/`loaded`).
- The engine stops a run at the first resource whose `check` fails. A resource declared from a
  data file carries the file to `check` (`DATA_FILE_KEY`, a hidden input `check` drops, so it is
  never stored or diffed), so its failed check lists the problems of every other chat and tag of
  that file too: one preview shows them all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from ..api.config import ProviderConfig
from ..api.errors import AuthenticationError, PachcaError, ResourceError
from ..api.redact import redacting_errors
from .datafile import DATA_FILE_KEY, declared_in, declaring_from, rest_of_file
from .drift import DriftHooks
from .messages import SAVED_SETTINGS, collected_messages, one_owner_message, tell, warn
from .schema import NAME_KEY
from .session import Session, checked
from .state import StateShape
from .verify import Verdict

__all__ = ["DATA_FILE_KEY", "KINDS", "NAME_KEY", "KitProvider", "KitService", "Verdict", "collected_messages",
           "declared_in", "declaring_from", "one_owner_message", "reported", "resource_name", "tell", "warn"]


class KitService(Protocol):
    """What the base needs of a kind's service: the session it shares with every kind."""

    session: Session


S = TypeVar("S", bound=KitService)


@contextmanager
def reported(kind: str, operation: str, props: Mapping[str, Any], id_: str | None = None) -> Iterator[None]:
    """THE place where every hook's failure becomes the resource's one-line `ResourceError`: the
    operation, the resource (kind, name, id), the cause and the fix (the cause's own text). A
    `ResourceError` passes unchanged. How that line reaches the terminal on each SDK is the
    business of the error's rendering only (`kit/oneline.py`), not of the hooks."""
    try:
        yield
    except ResourceError:
        raise
    except PachcaError as exc:
        where = f"{kind} {resource_name(props)!r}" + (f" (id {id_})" if id_ else "")
        raise ResourceError(f"{operation} {where}: {exc}") from None


def resource_name(props: Mapping[str, Any]) -> str:
    """The resource's name in the program (the hidden input `__name`; state written before a kind
    carried it falls back to the declared `name`)."""
    for key in (NAME_KEY, "name"):
        name = props.get(key)
        if isinstance(name, str):
            return name
    return "(unnamed)"


KINDS: dict[str, type[KitProvider[Any]]] = {}


class KitProvider(ResourceProvider, Generic[S]):
    """The base of every kind's provider; a subclass sets the class variables and the hooks below.

    `connect` builds the service from the configuration; it is not pickled: an unpickled provider
    always uses the class's `default_connect`.
    """

    kind: ClassVar[str]  # how messages name the target: "chat", "group tag"
    resource_type: ClassVar[str]  # the resource class's name (`Chat`), as the package exports it
    example: ClassVar[Mapping[str, Any]]  # a minimal declaration (the promises test uses it)
    people_field: ClassVar[str] = "members"
    adoption: ClassVar[str] = "adopt_id"  # the inputs that adopt an existing target, for messages
    serialize_as_secret_always = False  # nothing secret is ever captured in the pickled provider
    state: ClassVar[StateShape]  # the outputs as state keeps them, lean and versioned
    drift: ClassVar[DriftHooks]  # what `pachca-pulumi drift` compares and attributes (`kit/drift.py`)

    _connect: Callable[[ProviderConfig], S]
    _config: ProviderConfig | None
    _service_instance: S | None
    _lock: threading.Lock

    @classmethod
    def type_tokens(cls) -> frozenset[str]:
        """The resource's type tokens as state holds them: the dynamic one (Python programs, from the
        resource class's `module="pachca"`) and the native provider's (YAML and other languages)."""
        return frozenset({f"pulumi-python:dynamic/pachca:{cls.resource_type}", f"pachca:index:{cls.resource_type}"})

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            KINDS[cls.kind] = cls

    def __init__(self, *, connect: Callable[[ProviderConfig], S] | None = None) -> None:
        super().__init__()
        self.__setstate__({})
        if connect is not None:
            self._connect = connect

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, _state: dict[str, Any]) -> None:
        self._connect = self.default_connect
        self._config = None
        self._service_instance = None
        self._lock = threading.Lock()

    # The hooks, in lifecycle order: each wraps the kind's own step.

    @redacting_errors
    def configure(self, req: ConfigureRequest) -> None:
        """Read `pachca:token`/`pachca:baseUrl` (or PACHCA_TOKEN/PACHCA_BASE_URL), failing early if missing."""
        try:
            self._config = ProviderConfig.resolve(req.config.get)
            self.configured(req)
        except PachcaError as exc:
            raise ResourceError(f"configure the {self.resource_type} resources: {exc}") from None

    @redacting_errors
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate and normalise inputs, then verify every reference through the session before
        any write. Failures name the field, the resource and the fix."""
        checked()
        with reported(self.kind, "check", news):
            inputs, failures = self.check_inputs(news)
            verdict = Verdict(inputs, failures) if failures else self.verify(self._service(), inputs,
                                                                             resource_name(news), olds)
        for warning in verdict.warnings:
            warn(warning)
        if verdict.failures:
            self.invalid(resource_name(news))
            verdict.failures.extend(rest_of_file(self, news))
        verdict.inputs.pop(DATA_FILE_KEY, None)  # for this check only: a path never enters state or a diff
        return CheckResult(verdict.inputs, verdict.failures)

    def sibling(self, kind: str) -> KitProvider[Any]:
        """This process's provider of another kind, with this one's configuration."""
        if kind == self.kind:
            return self
        other = KINDS[kind]()
        other._config = self._config
        return other

    def session(self) -> Session:
        """The run's session (directory, claims, tag names) this process shares across kinds."""
        return self._service().session

    def reference_failures(self, props: Mapping[str, Any], name: str) -> list[CheckFailure]:
        """What checking these program inputs finds wrong with their values and references, as a
        new resource's check would, without warnings or effects on the run."""
        inputs, failures = self.check_inputs({**props, NAME_KEY: name})
        return failures or self.verify_references(self._service(), inputs, name).failures

    def invalid(self, resource: str) -> None:
        """Tell the run's session that `resource` failed its check (adoptions under way write nothing)."""
        try:
            self._service().session.claims.failed(resource)
        except PachcaError:
            pass  # no usable settings: no write of this process can happen either

    @redacting_errors
    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """The one-owner rule, then the kind's comparison of inputs with the stored state."""
        with reported(self.kind, "compare", news, id_):
            self.own(id_, resource_name(news))
            return self.compare(self._service(), id_, self.state.loaded(olds), news)

    def own(self, id_: str, resource: str) -> None:
        """Bind the target to `resource` for this run; ResourceError when another resource holds it."""
        other = self._service().session.claims.claim(self.kind, int(id_), resource)
        if other is not None:
            raise ResourceError(one_owner_message(self.kind, int(id_), resource, other, self.adoption))

    @redacting_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create (or adopt) the target; returns every output."""
        with reported(self.kind, "create", props):
            target, outs = self.create_with(self._service(), props)
        return CreateResult(str(target), self.state.stored({**hidden(props), **outs}))

    @redacting_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh from the API; a target whose absence is proven leaves state. Returns inputs too."""
        with reported(self.kind, "refresh", props, id_):
            try:
                found = self.read_with(self._service(), id_, self.state.loaded(props))
            except AuthenticationError as exc:
                raise PachcaError(f"{exc}; {SAVED_SETTINGS}") from None
        if found is None:
            return ReadResult(None, {})
        outs, inputs = found
        return ReadResult(id_, self.state.stored({**hidden(props), **outs}), inputs={**hidden(props), **inputs})

    @redacting_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Reconcile the target to the inputs; safe to re-run after a partial failure."""
        with reported(self.kind, "update", news, id_):
            outs = self.update_with(self._service(), id_, self.state.loaded(olds), news)
        return UpdateResult(self.state.stored({**hidden(news), **outs}))

    @redacting_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Archive or delete the target, as the kind says; already gone is success."""
        with reported(self.kind, self.delete_verb, props, id_):
            done = self.delete_with(self._service(), id_, self.state.loaded(props))
        tell(f"{self.kind} {resource_name(props)!r}: {done}")

    # What a kind provides.

    delete_verb: ClassVar[str] = "delete"

    @staticmethod
    def default_connect(config: ProviderConfig) -> S:
        raise NotImplementedError

    def configured(self, req: ConfigureRequest) -> None:
        """Read the kind's own settings (none by default)."""

    def built(self, service: S) -> None:
        """Hand the service what `configured` read (nothing by default)."""

    def check_inputs(self, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
        raise NotImplementedError

    def verify(self, service: S, inputs: dict[str, Any], name: str, olds: Mapping[str, Any]) -> Verdict:
        raise NotImplementedError

    def verify_references(self, service: S, inputs: dict[str, Any], name: str) -> Verdict:
        """The references alone (people, tags, ids to adopt), needing no stored state: what a failed
        check of another resource of the same data file lists. By default, `verify` as if new."""
        return self.verify(service, inputs, name, {})

    def compare(self, service: S, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        raise NotImplementedError

    def create_with(self, service: S, props: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    def read_with(self, service: S, id_: str, props: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        raise NotImplementedError

    def update_with(self, service: S, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def delete_with(self, service: S, id_: str, props: dict[str, Any]) -> str:
        """Archive or delete the target; returns what was done, in words ("archived chat 1004")."""
        raise NotImplementedError

    def _service(self) -> S:
        """The process's service, built once on first use from the configuration."""
        with self._lock:
            if self._service_instance is None:
                self._service_instance = self._connect(self._config or ProviderConfig.resolve())
                self.built(self._service_instance)
            return self._service_instance


def hidden(props: Mapping[str, Any]) -> dict[str, Any]:
    """The hidden inputs that travel into outputs (the resource's name)."""
    return {NAME_KEY: props[NAME_KEY]} if NAME_KEY in props else {}
