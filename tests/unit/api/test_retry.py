"""Retry policy as tables (no sleeping) and the per-token limiter with a fake clock."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime

import pytest

from pachca_pulumi.api._constants import RETRY_AFTER_CAP_S, UNREACHABLE_RETRY_S
from pachca_pulumi.api.errors import (
    AuthenticationError,
    BadRequestError,
    ConfigError,
    MalformedResponseError,
    NotFoundError,
    PachcaError,
    PermissionDeniedError,
    RateLimitError,
    ResponseLostError,
    ServerError,
    TransportError,
    UnprocessableEntityError,
)
from pachca_pulumi.api.retry import RateLimiter, limiter_for, parse_retry_after, retry_decision


def _status(cls: type, status: int, retry_after: float | None = None) -> Exception:
    return cls("op failed", operation="op", status_code=status, retry_after=retry_after)


@pytest.mark.parametrize(
    ("exc", "idempotent", "expected"),
    [
        (_status(ServerError, 503), True, True),
        (_status(ServerError, 503), False, False),
        (ResponseLostError("lost", operation="op"), True, True),
        (ResponseLostError("lost", operation="op"), False, False),
        (TransportError("refused", operation="op"), True, True),
        (TransportError("refused", operation="op"), False, True),
        (_status(RateLimitError, 429), True, True),
        (_status(RateLimitError, 429), False, True),
        (_status(RateLimitError, 429, retry_after=3.0), True, 3.0),
        (_status(RateLimitError, 429, retry_after=3.0), False, 3.0),
        (_status(RateLimitError, 429, retry_after=RETRY_AFTER_CAP_S * 10), True, RETRY_AFTER_CAP_S),
        (_status(BadRequestError, 400), True, False),
        (_status(AuthenticationError, 401), True, False),
        (_status(PermissionDeniedError, 403), True, False),
        (_status(NotFoundError, 404), True, False),
        (_status(UnprocessableEntityError, 422), True, False),
        (MalformedResponseError("bad", operation="op", status_code=200), True, False),
        (ConfigError("no token"), True, False),
        (PachcaError("other"), True, False),
        (ValueError("not ours"), True, False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else repr(value),
)
def test_retry_decision_table(exc: Exception, idempotent: bool, expected: bool | float) -> None:
    decision = retry_decision(exc, idempotent=idempotent)

    assert decision == expected
    assert type(decision) is type(expected)


@pytest.mark.parametrize(
    ("exc", "elapsed", "expected"),
    [
        (TransportError("refused", operation="op"), 0.0, True),
        (TransportError("refused", operation="op"), UNREACHABLE_RETRY_S - 0.1, True),
        (TransportError("refused", operation="op"), UNREACHABLE_RETRY_S, False),
        (ResponseLostError("lost", operation="op"), UNREACHABLE_RETRY_S * 10, True),
        (_status(ServerError, 503), UNREACHABLE_RETRY_S * 10, True),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else repr(value),
)
def test_retry_decision_unreachable_api_gives_up_after_a_short_budget(
    exc: Exception, elapsed: float, expected: bool
) -> None:
    assert retry_decision(exc, idempotent=True, elapsed=elapsed) is expected


_NOW = datetime(2025, 1, 1, 12, 0, 0, tzinfo=timezone.utc).timestamp()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),
        (" 2.5 ", 2.5),
        ("0", 0.0),
        (format_datetime(datetime(2025, 1, 1, 12, 0, 30, tzinfo=timezone.utc), usegmt=True), 30.0),
        ("Wed, 01 Jan 2025 12:00:10 GMT", 10.0),
        ("Wed, 01 Jan 2025 11:59:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("-5", 0.0),
    ],
)
def test_parse_retry_after_table(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=lambda: _NOW) == expected


# GCRA arithmetic on floats may ask for a sleep of ~1e-13 s inside the burst; that is not a wait.
_FLOAT_NOISE = 1e-9


class FakeTime:
    """A clock that only moves when something sleeps."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_rate_limiter_burst_does_not_wait() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10.0, burst=5, clock=fake.clock, sleep=fake.sleep)

    waits = [limiter.acquire() for _ in range(5)]

    assert waits == pytest.approx([0.0] * 5, abs=_FLOAT_NOISE)


def test_rate_limiter_paces_beyond_burst_at_rate() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10.0, burst=5, clock=fake.clock, sleep=fake.sleep)

    for _ in range(15):
        limiter.acquire()

    real_waits = [wait for wait in fake.sleeps if wait > _FLOAT_NOISE]
    assert sum(fake.sleeps) == pytest.approx((15 - 5) / 10.0)
    assert real_waits == pytest.approx([0.1] * (15 - 5))


def test_rate_limiter_refills_after_idle_time() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10.0, burst=5, clock=fake.clock, sleep=fake.sleep)
    for _ in range(5):
        limiter.acquire()

    fake.now += 10.0

    assert [limiter.acquire() for _ in range(5)] == pytest.approx([0.0] * 5, abs=_FLOAT_NOISE)


def test_rate_limiter_throttled_delays_next_acquire_by_retry_after() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10.0, burst=5, clock=fake.clock, sleep=fake.sleep)

    limiter.throttled(2.0)
    waited = limiter.acquire()

    assert waited == pytest.approx(2.0)
    assert fake.sleeps == [pytest.approx(2.0)]


def test_rate_limiter_throttled_halves_rate() -> None:
    limiter = RateLimiter(40.0, clock=FakeTime().clock)

    limiter.throttled(0.0)

    assert limiter.rate == pytest.approx(20.0)


def test_rate_limiter_throttled_never_goes_below_floor() -> None:
    limiter = RateLimiter(4.0, floor=1.0, clock=FakeTime().clock)

    for _ in range(5):
        limiter.throttled(0.0)

    assert limiter.rate == pytest.approx(1.0)


def test_rate_limiter_successes_win_back_a_quarter() -> None:
    limiter = RateLimiter(40.0, clock=FakeTime().clock)
    limiter.throttled(0.0)

    for _ in range(2 * 20):
        limiter.succeeded()

    assert limiter.rate == pytest.approx(25.0)


def test_rate_limiter_successes_never_exceed_initial_rate() -> None:
    limiter = RateLimiter(40.0, clock=FakeTime().clock)
    limiter.throttled(0.0)

    for _ in range(10_000):
        limiter.succeeded()

    assert limiter.rate == pytest.approx(40.0)


def test_rate_limiter_second_throttle_does_not_shorten_pending_hold() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10.0, burst=5, clock=fake.clock, sleep=fake.sleep)
    limiter.throttled(5.0)

    limiter.throttled(1.0)

    assert limiter.acquire() >= 5.0 - _FLOAT_NOISE


def test_limiter_for_same_token_shares_limiter() -> None:
    assert limiter_for("token-retry-a") is limiter_for("token-retry-a")


def test_limiter_for_different_tokens_get_different_limiters() -> None:
    assert limiter_for("token-retry-a") is not limiter_for("token-retry-b")
