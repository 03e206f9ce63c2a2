"""Request statistics of the API routes (control endpoints are not counted)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any


class Stats:
    """Thread-safe request counters by status and by route, with the times of the first and last
    request counted (seconds since the epoch, so that another process on the machine can place them)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._total = 0
            self._by_status: Counter[str] = Counter()
            self._by_route: Counter[str] = Counter()
            self._first: float | None = None
            self._last: float | None = None

    def record(self, route: str, status: int | str) -> None:
        """Count one request; ``status`` is the HTTP status or ``"dropped"``."""
        now = time.time()
        with self._lock:
            self._first = now if self._first is None else self._first
            self._last = now
            self._total += 1
            self._by_status[str(status)] += 1
            self._by_route[route] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            by_status = dict(sorted(self._by_status.items()))
            return {
                "total_requests": self._total,
                "by_status": by_status,
                "by_route": dict(sorted(self._by_route.items())),
                "rate_limited": by_status.get("429", 0),
                "server_errors": sum(n for s, n in by_status.items() if s.startswith("5")),
                "drops": by_status.get("dropped", 0),
                "first_request_time": self._first,
                "last_request_time": self._last,
            }
