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
from datetime import datetime, timezone

from ._constants import RATE_LIMIT_PER_S, RETRY_AFTER_CAP_S
from .errors import RateLimitError, ResponseLostError, ServerError, TransportError

__all__ = ["RateLimiter", "limiter_for", "parse_retry_after", "retry_decision"]


def retry_decision(exc: Exception, *, idempotent: bool) -> bool | float:
    """False: give up. True: retry after the default backoff. A float: retry after that many seconds.

    A request that may have reached the server (lost answer, 5xx) is retried only when repeating it
    is harmless; `POST /chats` is not, and its caller recovers by looking for the chat instead.
    """
    if isinstance(exc, RateLimitError):
        return True if exc.retry_after is None else min(exc.retry_after, RETRY_AFTER_CAP_S)
    if isinstance(exc, ServerError | ResponseLostError):
        return idempotent
    return isinstance(exc, TransportError)


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
    """A thread-safe pacer (GCRA): at most `rate` requests per second with a small burst.

    Every thread of the process that uses the same token shares one limiter, so the provider's
    parallel hooks stay under the API's limit instead of provoking 429 storms.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: int = 5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._interval = 1.0 / rate
        self._tolerance = (burst - 1) * self._interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tat = 0.0

    def acquire(self) -> float:
        """Wait for this request's slot; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            tat = max(self._tat, now)
            wait = max(0.0, tat - now - self._tolerance)
            self._tat = tat + self._interval
        if wait > 0:
            self._sleep(wait)
        return wait

    def pause(self, seconds: float) -> None:
        """Hold every sender back for `seconds` (after a 429), so the whole process backs off."""
        with self._lock:
            self._tat = max(self._tat, self._clock() + seconds + self._tolerance)


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
