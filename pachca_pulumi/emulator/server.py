"""Run the emulator on a real socket in a background thread (for tests, the CLI and demos)."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import API_PREFIX, EmulatorApp, create_app
from .faults import DROPPED_KEY, Faults
from .store import Store

access_log = logging.getLogger("pachca_pulumi.emulator.http")


class _LoggingHandler(WSGIRequestHandler):
    """Logs one line per request: method, path (no query string) and status; never headers."""

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        if getattr(self, "environ", {}).get(DROPPED_KEY):
            code = "dropped"
        path = urlsplit(getattr(self, "path", "") or "").path
        access_log.info("%s %s %s", self.command, path, getattr(code, "value", code))

    def log(self, type: str, message: str, *args: Any) -> None:
        level = logging.ERROR if type == "error" else logging.INFO
        access_log.log(level, message.rstrip(), *args)


class _QuietHandler(_LoggingHandler):
    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        pass


class EmulatorServer:
    """A threaded werkzeug server around a fresh :class:`Store`; starts at construction.

    Use as a context manager or call :meth:`close`. Attributes: ``base_url`` (ends with
    ``/api/shared/v1``), ``root_url`` (for ``/_emulator/...``), ``store``, ``faults``,
    ``app`` and ``stats``.
    """

    def __init__(
        self,
        store_path: str | os.PathLike | None = None,
        tokens: Sequence[str] | Mapping[str, int] = ("test-token",),
        seed: str | os.PathLike | dict | None = None,
        faults: Faults | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        quiet: bool = False,
    ):
        self.store = Store(store_path, seed=seed, tokens=tokens)
        self.faults = faults if faults is not None else Faults()
        self.app: EmulatorApp = create_app(self.store, self.faults)
        handler = _QuietHandler if quiet else _LoggingHandler
        self._server = make_server(host, port, self.app, threaded=True, request_handler=handler)
        shown = f"[{host}]" if ":" in host else host
        self.root_url = f"http://{shown}:{self._server.port}"
        self.base_url = self.root_url + API_PREFIX
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="pachca-emulator",
            daemon=True,
        )
        self._thread.start()
        self._closed = False

    @property
    def stats(self):
        return self.app.stats

    def reset(self) -> None:
        """Same as ``POST /_emulator/reset``."""
        self.app.reset()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> EmulatorServer:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
