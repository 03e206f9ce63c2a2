"""The emulator in its own process (`python -m pachca_pulumi.emulator`), seen only over HTTP.

A benchmark that served the emulator from its own process would share one interpreter (and its GIL)
with the Automation API's inline program host, so the emulator's work would slow the program's resource
registrations and the other way round; a child process keeps the figures about the provider and the
engine. Everything the benchmarks read or set goes through the control endpoints under `/_emulator`.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from .workload import TOKEN

START_TIMEOUT_S = 60


class EmulatorProcess:
    """`python -m pachca_pulumi.emulator --port 0 --quiet` with TOKEN (and `seed`, a seed document);
    `base_url` and `root_url` as `EmulatorServer` has them. A context manager: the child stops on exit."""

    def __init__(self, seed: dict[str, Any] | None = None) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="pachca-bench-emulator-")
        command = [sys.executable, "-m", "pachca_pulumi.emulator", "--port", "0", "--quiet"]
        if seed is not None:
            seed_file = Path(self._dir.name) / "seed.json"
            seed_file.write_text(json.dumps(seed), encoding="utf-8")
            command += ["--seed", str(seed_file)]
        env = {**os.environ, "PACHCA_EMULATOR_TOKEN": TOKEN}
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
        self.base_url = self._first_line()
        self.root_url = self.base_url.split("/api/", 1)[0]
        self._control = httpx.Client(base_url=self.root_url + "/_emulator/", timeout=600)

    def _first_line(self) -> str:
        assert self._process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            ready = selector.select(START_TIMEOUT_S)
        line = self._process.stdout.readline().strip() if ready else ""
        if not line.startswith("http"):
            self.close()
            raise RuntimeError(f"the emulator did not start within {START_TIMEOUT_S} s (said {line!r})")
        return line

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """One control request (`path` under /_emulator/); its JSON answer, None for 204."""
        response = self._control.request(method, path, json=body).raise_for_status()
        return response.json() if response.content else None

    def faults(self, **switches: Any) -> None:
        self.control("PUT", "faults", switches)

    def health(self) -> dict[str, Any]:
        """The emulator clock's `now` and its chat counts (`chats`: total, archived, personal, visible)."""
        return dict(self.control("GET", "health"))

    def close(self) -> None:
        if getattr(self, "_control", None) is not None:
            self._control.close()
        if self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=30)
        self._dir.cleanup()

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
