"""How a hook's error reaches the terminal as one line, on every supported pulumi SDK.

The provider's hooks raise `PachcaError`s whose message already says everything (operation,
resource, id, cause, fix). Two parts of the SDK's dynamic-provider host would add a traceback:
- on every SDK, gRPC logs the exception with its traceback (`grpc._server`), and the engine prints
  that log under the resource: `_QuietGrpcLog` drops the record for our errors;
- from pulumi 3.260 (on PyPI: 3.272; not in 3.259), the host (`sdk/python/lib/pulumi/dynamic/__main__.py`)
  wraps each hook in `_abort_with_traceback`, which aborts the call with `traceback.format_exc()` as the
  message (pulumi/pulumi#24465, "improve python provider stack traces", merged 2026-08-26, a companion of
  pulumi/pulumi-policy#459 for pulumi/pulumi#16741). `install()` gives that module a `traceback`
  whose `format_exc()` renders our errors as their message alone, and anything else (a bug) with its
  full traceback, as before.

Both are installed by `install()`, called when a provider module is imported, which in the provider
process happens as the engine's pickled provider is loaded: before any hook runs. On an SDK without
the wrapper the second part does nothing.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import ModuleType
from typing import Any

from ..api.errors import PachcaError

__all__ = ["install", "one_line"]

_HOST_WRAPPER = "_abort_with_traceback"


def one_line(exc: BaseException) -> str:
    """The text the engine shows for a failed hook: the message of one of our errors, with its lines
    joined (an error's detail lines stay readable in one line)."""
    return " ".join(part.strip() for part in str(exc).splitlines() if part.strip()) or type(exc).__name__


class _QuietGrpcLog(logging.Filter):
    """Drop gRPC's "Exception calling application" record (with traceback) for our errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], PachcaError))


class _HostTraceback:
    """Stands in for the `traceback` module inside the dynamic-provider host: `format_exc()` of one
    of our errors is its one line; everything else is the real module's."""

    def __init__(self, real: ModuleType) -> None:
        self._real = real

    def format_exc(self, *args: Any, **kwargs: Any) -> str:
        exc = sys.exc_info()[1]
        if isinstance(exc, PachcaError):
            return one_line(exc)
        return str(self._real.format_exc(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def install(host: ModuleType | None = None) -> bool:
    """Quiet gRPC's log for our errors, and patch the dynamic-provider host (`host`, default the
    running `__main__`) when it is one that aborts with a traceback. True when the host was patched.
    Idempotent."""
    grpc_log = logging.getLogger("grpc._server")
    if not any(isinstance(existing, _QuietGrpcLog) for existing in grpc_log.filters):
        grpc_log.addFilter(_QuietGrpcLog())
    host = sys.modules.get("__main__") if host is None else host
    if host is None or not callable(getattr(host, _HOST_WRAPPER, None)):
        return False
    current = getattr(host, "traceback", None)
    if not isinstance(current, _HostTraceback):
        host.traceback = _HostTraceback(current if isinstance(current, ModuleType) else traceback)  # type: ignore[attr-defined]
    return True
