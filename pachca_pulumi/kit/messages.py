"""What hooks say beside their result: warnings (`warn`) and notes of what was done (`tell`); and the
wordings every kind shares (the one-owner rule, the settings a plain refresh uses).

The dynamic provider's stderr reaches the user (`preview` prints it on stderr, `up` under
Diagnostics); the native provider's does not, so there the messages are collected
(`collected_messages`) and sent to the engine's log under the resource (`native/provider.py`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["SAVED_SETTINGS", "collected_messages", "one_owner_message", "tell", "warn"]

# A plain `pulumi refresh` (and the refresh of `up --refresh`) runs with the provider settings saved in
# state, not the current stack config: after a rotation, a refused token is most likely that one.
SAVED_SETTINGS = ("a plain `pulumi refresh` (or `up --refresh`) uses the token saved in state by the last `pulumi up` "
                  "or `pulumi refresh --run-program`, which may have been rotated or revoked since: run "
                  "`pulumi refresh --run-program` to use the current pachca:token (it is saved for later refreshes)")


def one_owner_message(kind: str, target: int, resource: str, other: str, adoption: str = "adopt_id") -> str:
    """Two resources bound to one target: name both and the way out (`adoption`: the inputs that adopt)."""
    return (f"{kind} {target} is claimed by two resources, {other!r} and {resource!r}; one {kind} has one "
            f"owner: remove {adoption} from one of them (to rename a resource, use the `aliases` option)")


_COLLECTING: ContextVar[list[tuple[str, str]] | None] = ContextVar("pachca_messages", default=None)


def warn(message: str) -> None:
    """A warning the engine shows: the dynamic provider's stderr reaches the user (`preview` prints
    it on stderr, `up` under Diagnostics); inside `collected_messages` (the native provider, whose
    stderr the engine does not show) it is kept for the engine's log instead."""
    _say("warning", message)


def tell(message: str) -> None:
    """What a hook did, where the engine's own words say less (`destroy`'s "deleted" for a chat that
    was archived): shown as `warn` is, without the warning."""
    _say("info", message)


def _say(severity: str, message: str) -> None:
    collecting = _COLLECTING.get()
    if collecting is not None:
        collecting.append((severity, message))
    else:
        print(f"warning: {message}" if severity == "warning" else message, file=sys.stderr, flush=True)


@contextmanager
def collected_messages() -> Iterator[list[tuple[str, str]]]:
    """Collect the (severity, message) pairs `warn` and `tell` say in the code run inside (threads
    started with the context's copy, such as `asyncio.to_thread`, included)."""
    collecting: list[tuple[str, str]] = []
    token = _COLLECTING.set(collecting)
    try:
        yield collecting
    finally:
        _COLLECTING.reset(token)
