"""The one redaction step: every text this package renders passes through `REDACTOR`.

A secret (the API token) is registered when a `ProviderConfig` is built; from then on the process's
redactor replaces it, in every form a server or a library could echo it, with `[redacted]`:
exact, URL-encoded (`quote`, `quote_plus`, twice), JSON-, HTML- and repr-escaped, inside
`Bearer ...`, and base64 (standard and URL-safe) of `<token>` and `Bearer <token>`; all case-insensitive.

Where it is applied:
* `PachcaError` (errors.py): message, `args`, `str`, `repr` and the ApiError items;
* foreign exceptions chained under ours (`scrub_exception`) and escaping a boundary (`redacting_errors`);
* log records of the package's, httpx's and stamina's loggers (`RedactingFilter`), which also turns
  stamina's bare `stamina.retry_scheduled` warnings into readable DEBUG lines (quiet by default).
"""

from __future__ import annotations

import base64
import functools
import html
import json
import logging
import re
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus

__all__ = [
    "LOGGER_NAMES",
    "MIN_BARE_SECRET_LEN",
    "REDACTED",
    "REDACTOR",
    "RedactedError",
    "RedactingFilter",
    "Redactor",
    "install_log_filters",
    "redact",
    "redacting_errors",
    "scrub_exception",
    "variants",
]

REDACTED = "[redacted]"
LOGGER_NAMES = ("pachca_pulumi", "stamina", "httpx", "httpcore")
MIN_BARE_SECRET_LEN = 8

F = TypeVar("F", bound=Callable[..., Any])


def _base64_forms(text: str) -> set[str]:
    """Whole-string base64 of `text`, and the cores its bytes produce at each alignment inside any
    longer base64 stream (so `base64("Authorization: Bearer <token>")` is caught too)."""
    raw = text.encode()
    forms: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(raw).decode()
        forms |= {whole, whole.rstrip("=")}
        for shift in range(3):
            encoded = encode(b"\0" * shift + raw).decode()
            first, end = (1 if shift else 0), (shift + len(raw)) // 3
            if end - first >= 2:
                forms.add(encoded[4 * first:4 * end])
    return forms


def _escaped_forms(text: str) -> set[str]:
    return {
        quote(text, safe=""),
        quote(text),
        quote_plus(text),
        quote(quote(text, safe=""), safe=""),
        json.dumps(text)[1:-1],
        json.dumps(text, ensure_ascii=False)[1:-1],
        html.escape(text),
        repr(text)[1:-1],
        repr(text.encode("utf-8", "backslashreplace"))[2:-1],
    }


def variants(secret: str) -> set[str]:
    """Every form of `secret` that is redacted: its escapes and base64, alone and after `Bearer `.

    A secret shorter than `MIN_BARE_SECRET_LEN` is a placeholder (tests, the emulator's demo
    tokens): it is redacted only after `Bearer `, so ordinary words survive.
    """
    carriers = [f"Bearer {secret}"] + ([secret] if len(secret) >= MIN_BARE_SECRET_LEN else [])
    forms: set[str] = set()
    for carrier in carriers:
        forms |= {carrier} | _escaped_forms(carrier) | _base64_forms(carrier)
    return {form for form in forms if form}


class Redactor:
    """Knows the process's secrets and removes them from text; thread-safe, registration is idempotent."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def register(self, secret: str) -> None:
        """From now on, `secret` (in any of its `variants`) never survives `redact`."""
        secret = secret.strip()
        if not secret or secret in self._secrets:
            return
        with self._lock:
            self._secrets.add(secret)
            self._compile()

    def forget(self, secret: str) -> None:
        """Stop redacting `secret` (tests use it to keep the process registry small)."""
        with self._lock:
            self._secrets.discard(secret.strip())
            self._compile()

    def _compile(self) -> None:
        forms: set[str] = set().union(*(variants(known) for known in self._secrets))
        ordered = sorted(forms, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE) if forms else None

    def redact(self, text: str) -> str:
        """`text` with every registered secret replaced by `[redacted]`."""
        pattern = self._pattern
        return text if pattern is None else pattern.sub(REDACTED, text)

    def redact_value(self, value: Any) -> Any:
        """A copy of a JSON-like value (dicts, lists, strings) with every string redacted."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {self.redact_value(k): self.redact_value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.redact_value(item) for item in value)
        return value

    def is_clean(self, text: str) -> bool:
        """True when `text` holds no registered secret in any known form."""
        return self.redact(text) == text


REDACTOR = Redactor()


def redact(text: str) -> str:
    """The process redactor applied to `text` (see `Redactor.redact`)."""
    return REDACTOR.redact(text)


class RedactedError(Exception):
    """Stands in for a foreign exception whose message, repr or args held a secret."""


def _renderings(exc: BaseException) -> Iterable[str]:
    yield str(exc)
    yield repr(exc)
    yield from (repr(arg) for arg in exc.args)


def scrub_exception(exc: BaseException) -> BaseException:
    """`exc` itself when nothing it renders holds a secret, else a `RedactedError` with the same
    traceback whose message names the original type and its redacted text."""
    if all(REDACTOR.is_clean(text) for text in _renderings(exc)):
        return exc
    name = f"{type(exc).__module__}.{type(exc).__qualname__}"
    return RedactedError(f"{name}: {redact(str(exc))}").with_traceback(exc.__traceback__)


def _scrub_chain(exc: BaseException) -> None:
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        if exc.__cause__ is not None:
            exc.__cause__ = scrub_exception(exc.__cause__)
        if exc.__context__ is not None:
            exc.__context__ = scrub_exception(exc.__context__)
        nxt = exc.__cause__ or exc.__context__
        if nxt is None:
            return
        exc = nxt


def redacting_errors(func: F) -> F:
    """Decorate a boundary (a provider hook): an exception leaving it renders no secret, its chain
    included; a clean exception passes through unchanged."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            _scrub_chain(exc)
            scrubbed = scrub_exception(exc)
            if scrubbed is exc:
                raise
            raise scrubbed from None

    return wrapper  # type: ignore[return-value]


_RETRY_EVENT = "stamina.retry_scheduled"


class RedactingFilter(logging.Filter):
    """Renders a record's message, extras and traceback once, redacted; stamina's retry warnings
    become readable DEBUG lines (shown only where DEBUG is enabled). Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == _RETRY_EVENT:
            _describe_retry(record)
        record.msg, record.args = redact(_message(record)), None
        for key, value in list(vars(record).items()):
            if key.startswith("stamina.") or key not in _STANDARD_ATTRS:
                setattr(record, key, REDACTOR.redact_value(value))
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact("".join(traceback.format_exception(record.exc_info[1])).rstrip("\n"))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({})))


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except (TypeError, ValueError):
        return f"{record.msg} {record.args!r}"


def _describe_retry(record: logging.LogRecord) -> None:
    extras = vars(record)
    record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
    record.msg = "retry %s in %ss after %s"
    record.args = (extras.get("stamina.retry_num"), extras.get("stamina.wait_for"),
                   redact(str(extras.get("stamina.caused_by"))))


_INSTALLED: set[str] = set()


def install_log_filters(names: Iterable[str] = LOGGER_NAMES) -> None:
    """Attach one `RedactingFilter` to each named logger (idempotent)."""
    for name in names:
        if name not in _INSTALLED:
            logging.getLogger(name).addFilter(RedactingFilter())
            _INSTALLED.add(name)
