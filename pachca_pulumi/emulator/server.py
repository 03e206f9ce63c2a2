"""Run the emulator on a real socket in a background thread (for tests, the CLI and demos)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import API_PREFIX, EmulatorApp, access_log, create_app
from .faults import Faults
from .stats import Stats
from .store import Store


class _Handler(WSGIRequestHandler):
    """Request lines are logged by the app (it knows drops); the server logs only its own errors."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:
        level = logging.ERROR if type == "error" else logging.INFO
        access_log.log(level, message.rstrip(), *args)


class EmulatorServer:
    """A threaded werkzeug server around a fresh :class:`Store`; starts at construction.

    Use as a context manager or call :meth:`close`. Attributes: ``base_url`` (ends with
    ``/api/shared/v1``), ``root_url`` (for ``/_emulator/...``), ``store``, ``faults``,
    ``app`` and ``stats``.
    """

    def __init__(
        self,
        store_path: str | os.PathLike[str] | None = None,
        tokens: Sequence[str] | Mapping[str, int] = ("test-token",),
        seed: str | os.PathLike[str] | dict[str, Any] | None = None,
        faults: Faults | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        quiet: bool = False,
    ) -> None:
        self.store = Store(store_path, seed=seed, tokens=tokens)
        self.faults = faults if faults is not None else Faults()
        self.app: EmulatorApp = create_app(self.store, self.faults, log_requests=not quiet)
        self._server = make_server(host, port, self.app, threaded=True, request_handler=_Handler)
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
    def stats(self) -> Stats:
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

    def __exit__(self, *exc_info: object) -> None:
        self.close()
