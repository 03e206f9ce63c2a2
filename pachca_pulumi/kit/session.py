"""One session per provider process and token, shared by every resource kind of the run.

The engine runs one provider process per deployment and unpickles each resource kind's provider
once in it (pulumi/dynamic/__main__.py); `session_for` hands all of them the same `Session` for
one token and base URL: one client (one rate-limit pacer), one `Directory` (so `/profile` is read
once per run, whatever the mix of kinds), one `TagNames`, the `Claims` of the one-owner rule, and
parts a kind builds once (the chat snapshot). Never pickled: providers capture nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from ..api.directory import Directory
from ..api.errors import PachcaError
from ..api.models import GroupTag
from .messages import one_owner_message
from .tags import TagNames

if TYPE_CHECKING:
    from ..api.client import PachcaClient
    from ..api.config import ProviderConfig

__all__ = ["Claims", "Session", "checked", "may_adopt", "session_for", "settle"]

T = TypeVar("T")

# Before an adoption's first write, wait until the engine has sent no `check` for this long (capped
# below): a second resource adopting the same target is checked, and the target marked contested,
# before anything is written, even with `up --skip-preview` (see `Claims`).
QUIET_S = 0.5
QUIET_CAP_S = 5.0


class Claims:
    """The one-owner rule for one run, per target kind ("chat", "group tag") and id.

    - `owners`: which resource a target belongs to in this run (claimed in `check` and `diff`);
    - `contested`: targets two resources claimed; neither may write them;
    - `written`: targets a write of this run bound to its resource, which a delete in the same run
      (a resource renamed while keeping its `adopt_id`) leaves alone, and which no lost create or
      orphan may take again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owners: dict[tuple[str, int], str] = {}
        self._contested: set[tuple[str, int]] = set()
        self._written: set[tuple[str, int]] = set()
        self._failed: str | None = None

    def failed(self, resource: str) -> None:
        """A resource of this run failed its check: the run is invalid, and adoptions write nothing
        (the engine lets steps already under way finish, even with `up --skip-preview`)."""
        with self._lock:
            self._failed = self._failed or resource

    def invalid(self) -> str | None:
        """The first resource of this run that failed its check, or None."""
        with self._lock:
            return self._failed

    def claim(self, kind: str, target: int, resource: str) -> str | None:
        """Bind a target to `resource`; returns the other resource if another already holds it
        (and the target is then contested: nobody writes it in this run)."""
        with self._lock:
            other = self._owners.setdefault((kind, target), resource)
            if other != resource:
                self._contested.add((kind, target))
        return None if other == resource else other

    def rival(self, kind: str, target: int, resource: str) -> str | None:
        """The other resource that claimed a contested target, or None when `resource` may write it."""
        with self._lock:
            if (kind, target) not in self._contested:
                return None
            owner = self._owners.get((kind, target))
        return owner if owner != resource else "another resource"

    def write(self, kind: str, target: int) -> bool:
        """Mark a target written by this run; False when it already was."""
        with self._lock:
            if (kind, target) in self._written:
                return False
            self._written.add((kind, target))
            return True

    def written(self, kind: str, target: int) -> bool:
        with self._lock:
            return (kind, target) in self._written


def checked() -> None:
    """The engine sent a `check` to this process (every resource's registration starts with one)."""
    global _last_check
    with _ACTIVITY_LOCK:
        _last_check = time.monotonic()


def settle(quiet: float = QUIET_S, cap: float = QUIET_CAP_S) -> None:
    """Wait until no `check` arrived for `quiet` seconds (at most `cap` in all)."""
    deadline = time.monotonic() + cap
    while (now := time.monotonic()) < deadline:
        with _ACTIVITY_LOCK:
            left = _last_check + quiet - now
        if left <= 0:
            return
        time.sleep(min(left, deadline - now))


def may_adopt(claims: Claims, kind: str, target: int, resource: str, adoption: str = "adopt_id") -> None:
    """Raise `PachcaError` when `resource` may not write the existing target it adopts: the run
    settles first (every resource registered by then has been checked), then a target two resources
    claim (the message names both and the fix, `adoption` being the inputs that adopt), or a run
    where any resource failed its check, is left as it is."""
    claims.claim(kind, target, resource)
    settle()
    other = claims.rival(kind, target, resource)
    if other is not None:
        raise PachcaError(f"{one_owner_message(kind, target, resource, other, adoption)}; neither writes it")
    failed = claims.invalid()
    if failed is not None:
        raise PachcaError(f"resource {failed!r} of this run failed its check, so {kind} {target} is not adopted "
                          "(nothing is written before a run is known to be valid); fix that resource and run "
                          "`pulumi up` again")


_ACTIVITY_LOCK = threading.Lock()
_last_check = time.monotonic()


class Session:
    """What every resource of one token shares in this process (see the module docstring)."""

    def __init__(self, client: PachcaClient) -> None:
        self.client = client
        self.directory = Directory(client)
        self.tag_names = TagNames(client)
        self.claims = Claims()
        self._lock = threading.Lock()
        self._parts: dict[Callable[..., Any], Any] = {}

    def part(self, build: Callable[[PachcaClient], T]) -> T:
        """The session's one `build(client)` (a kind's own cache, such as the chat snapshot)."""
        with self._lock:
            if build not in self._parts:
                self._parts[build] = build(self.client)
            found: T = self._parts[build]
            return found

    def token_user_id(self) -> int:
        """The id of the token's own user (`GET /profile`, once per session)."""
        return self.directory.token_user().id

    def tag_written(self, tag: GroupTag, user_ids: Iterable[int]) -> None:
        """A `GroupTag` write left this tag with these people: chats that follow it read no more."""
        self.directory.learn_tag(tag.id, user_ids)
        self.tag_names.learn(tag)

    def tag_deleted(self, tag_id: int) -> None:
        self.directory.learn_tag(tag_id, None)
        self.tag_names.forget(tag_id)


_SESSIONS: dict[tuple[str, str], Session] = {}
_SESSIONS_LOCK = threading.Lock()


def session_for(config: ProviderConfig) -> Session:
    """The process's session for this token and base URL, built on first use (with the client)."""
    from ..api.client import PachcaClient  # imported late: check and diff of a preview start faster

    key = (config.token.get_secret_value(), config.base_url)
    with _SESSIONS_LOCK:
        if key not in _SESSIONS:
            _SESSIONS[key] = Session(PachcaClient(config))
        return _SESSIONS[key]
