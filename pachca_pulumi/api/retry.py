"""Retry policy (data plus two pure functions) and the process-wide per-token request limiter.

`retry_decision()` tells the retry loop whether a failure is worth another attempt and, for 429,
how long the server asked us to wait; stamina drives the loop (capped exponential backoff with
jitter for everything that does not come with a Retry-After).
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from collections.abc import Callable
from datetime import timezone

from ._constants import (
    RATE_LIMIT_PER_S,
    RETRY_AFTER_CAP_S,
    UNREACHABLE_RETRY_S,
)
from .errors import RateLimitError, ResponseLostError, ServerError, TransportError

__all__ = ["RateLimiter", "limiter_for", "parse_retry_after", "retry_decision"]


def retry_decision(exc: Exception, *, idempotent: bool, elapsed: float = 0.0) -> bool | float:
    """False: give up. True: retry after the default backoff. A float: retry after that many seconds.

    A request that may have reached the server (lost answer, 5xx) is retried only when repeating it
    is harmless; `POST /chats` is not, and its caller recovers by looking for the chat instead. One
    that never reached it is retried only while `elapsed` (seconds since the first attempt) is
    under `UNREACHABLE_RETRY_S`.
    """
    if isinstance(exc, RateLimitError):
        return True if exc.retry_after is None else min(exc.retry_after, RETRY_AFTER_CAP_S)
    if isinstance(exc, ServerError | ResponseLostError):
        return idempotent
    return isinstance(exc, TransportError) and elapsed < UNREACHABLE_RETRY_S


def parse_retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now())


class RateLimiter:
    """A thread-safe, self-tuning pacer (GCRA with a small burst) shared by a token's requests.

    It starts at `rate` requests per second. A 429 halves the pace and holds every sender back
    for the server's Retry-After; each run of successes wins a quarter back, up to `rate`. So the
    provider's parallel hooks settle just under the server's real limit instead of hammering it.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: int = 5,
        floor: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._ceiling = rate
        self._floor = min(floor, rate)
        self._rate = rate
        self._burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tat = 0.0
        self._hold_until = 0.0
        self._successes = 0

    @property
    def rate(self) -> float:
        """The current pace in requests per second."""
        return self._rate

    def acquire(self) -> float:
        """Wait for this request's slot; returns the seconds waited."""
        with self._lock:
            interval = 1.0 / self._rate
            now = self._clock()
            start = max(now, self._hold_until)
            tat = max(self._tat, start)
            wait = max(tat - now - (self._burst - 1) * interval, start - now, 0.0)
            self._tat = tat + interval
        if wait > 0:
            self._sleep(wait)
        return wait

    def succeeded(self) -> None:
        """Record an answer that was not a 429; after a run of them, speed up by a quarter."""
        with self._lock:
            self._successes += 1
            if self._rate < self._ceiling and self._successes >= 2 * self._rate:
                self._rate = min(self._ceiling, self._rate * 1.25)
                self._successes = 0

    def throttled(self, retry_after: float) -> None:
        """Record a 429: halve the pace and hold every sender back for `retry_after` seconds."""
        with self._lock:
            self._rate = max(self._floor, self._rate / 2)
            self._successes = 0
            self._hold_until = max(self._hold_until, self._clock() + retry_after)


_LIMITERS: dict[tuple[str, float], RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(token: str, rate: float = RATE_LIMIT_PER_S) -> RateLimiter:
    """The process-wide limiter of one token (keyed by a digest, never by the token itself)."""
    key = (hashlib.sha256(token.encode()).hexdigest(), rate)
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get(key)
        if limiter is None:
            limiter = _LIMITERS[key] = RateLimiter(rate)
        return limiter
