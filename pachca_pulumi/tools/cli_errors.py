"""How every `pachca-pulumi` command words an API failure: one line, no traceback, the token redacted
(every `PachcaError` message already is)."""

from __future__ import annotations

from ..api.errors import AuthenticationError, PachcaError, PermissionDeniedError

__all__ = ["failure_line"]


def failure_line(exc: PachcaError) -> str:
    """The line a command prints for `exc`: the status named where the fix depends on it; a transport
    error as it is (its message names the URL and the setting that chose it)."""
    if isinstance(exc, AuthenticationError):
        return f"the token was rejected (401): {exc}"
    if isinstance(exc, PermissionDeniedError):
        return f"the token lacks permission (403): {exc}"
    return str(exc)
