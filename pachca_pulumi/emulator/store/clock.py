"""The store's clock: strictly increasing UTC timestamps with millisecond resolution."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from ..serializers import format_time, parse_time


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Clock:
    """Timestamps that always move: two events in the same millisecond get consecutive milliseconds."""

    def __init__(self, source: Callable[[], datetime] | None = None) -> None:
        self._source = source or _utc_now
        self._last: datetime | None = None

    def reset(self) -> None:
        self._last = None

    def observe(self, stamp: str) -> None:
        """Never answer ``stamp`` or anything earlier again (used after loading a state file)."""
        moment = parse_time(stamp)
        if self._last is None or moment > self._last:
            self._last = moment

    def wall(self) -> datetime:
        """The source's current time in UTC, without moving the clock (for bookkeeping, not events)."""
        return self._source().astimezone(timezone.utc)

    def now(self) -> str:
        """The current time as ``YYYY-MM-DDThh:mm:ss.sssZ``, later than every earlier answer."""
        now = self._source().astimezone(timezone.utc)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if self._last is not None and now <= self._last:
            now = self._last + timedelta(milliseconds=1)
        self._last = now
        return format_time(now)
