"""The one redaction step (`pachca_pulumi.api.redact`): forms, exceptions, chains and log records."""

from __future__ import annotations

import base64
import json
import logging
import traceback
from collections.abc import Iterator
from urllib.parse import quote, quote_plus

import pytest

from pachca_pulumi.api.errors import PachcaError, UnprocessableEntityError, error_for_status
from pachca_pulumi.api.redact import (
    REDACTED,
    REDACTOR,
    RedactedError,
    RedactingFilter,
    redact,
    redacting_errors,
    scrub_exception,
)

SECRET = "redact-unit-canary-Q7xZ19k"


@pytest.fixture(autouse=True)
def registered() -> Iterator[None]:
    REDACTOR.register(SECRET)
    yield
    REDACTOR.forget(SECRET)


@pytest.mark.parametrize(
    "form",
    [
        SECRET,
        SECRET.upper(),
        f"Bearer {SECRET}",
        quote(SECRET, safe=""),
        quote_plus(f"Bearer {SECRET}"),
        quote(quote(f"Bearer {SECRET}", safe=""), safe=""),
        json.dumps({"auth": f'Bearer "{SECRET}"'}),
        repr(SECRET.encode()),
        base64.b64encode(f"Bearer {SECRET}".encode()).decode(),
        base64.urlsafe_b64encode(SECRET.encode()).decode().rstrip("="),
        base64.b64encode(f"Authorization: Bearer {SECRET}; x=1".encode()).decode(),
    ],
)
def test_redact_removes_every_known_form(form: str) -> None:
    text = redact(f"before {form} after")

    assert form not in text and SECRET not in text
    assert text.startswith("before ") and text.endswith(" after") and REDACTED in text


def test_redact_keeps_text_without_secrets_unchanged() -> None:
    assert redact("get chat 1 failed: HTTP 422: name: too long [too_long]") == (
        "get chat 1 failed: HTTP 422: name: too long [too_long]"
    )


def test_redact_short_placeholder_only_after_bearer() -> None:
    REDACTOR.register("demo")
    try:
        assert redact("demo chat; Bearer demo") == f"demo chat; {REDACTED}"
    finally:
        REDACTOR.forget("demo")


def test_pachca_error_redacts_message_args_str_and_repr() -> None:
    exc = PachcaError(f"failed: Bearer {SECRET}")

    for text in (str(exc), repr(exc), repr(exc.args)):
        assert SECRET not in text
    assert str(exc) == f"failed: {REDACTED}"


def test_pachca_error_redacts_a_secret_registered_after_it_was_built() -> None:
    late = "late-registered-canary-5kd"
    exc = PachcaError(f"echo {late}")
    REDACTOR.register(late)
    try:
        assert late not in str(exc) and late not in repr(exc)
    finally:
        REDACTOR.forget(late)


def test_error_for_status_keeps_operation_status_and_field_but_not_the_secret() -> None:
    body = {"errors": [{"key": "name", "code": "invalid", "message": f"bad header Bearer {SECRET}"}]}

    exc = error_for_status(operation="get chat 1", status_code=422, body=body)

    assert isinstance(exc, UnprocessableEntityError)
    assert str(exc) == f"get chat 1 failed: HTTP 422: name: bad header {REDACTED} [invalid]"
    assert exc.errors == [{"key": "name", "code": "invalid", "message": f"bad header {REDACTED}"}]
    assert exc.has_code("invalid") and exc.status_code == 422 and exc.operation == "get chat 1"


def test_scrub_exception_passes_a_clean_exception_through() -> None:
    exc = ValueError("nothing secret")

    assert scrub_exception(exc) is exc


def test_scrub_exception_replaces_a_leaking_one_naming_its_type() -> None:
    leaked = scrub_exception(ValueError(f"Illegal header value b'Bearer {SECRET}'"))

    assert isinstance(leaked, RedactedError)
    assert str(leaked) == f"builtins.ValueError: Illegal header value b'{REDACTED}'"


def _leaky_boundary() -> None:
    try:
        raise KeyError(f"Bearer {SECRET}")
    except KeyError as inner:
        raise RuntimeError(f"outer {SECRET}") from inner


def test_redacting_errors_scrubs_the_exception_and_its_chain() -> None:
    with pytest.raises(Exception) as info:
        redacting_errors(_leaky_boundary)()

    rendered = "".join(traceback.format_exception(info.value))
    assert SECRET not in rendered and "outer" in rendered


def test_redacting_errors_reraises_a_clean_exception_unchanged() -> None:
    original = ValueError("clean")

    def boundary() -> None:
        raise original

    with pytest.raises(ValueError) as info:
        redacting_errors(boundary)()

    assert info.value is original


def _record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.makeLogRecord({"name": "stamina", "levelno": logging.WARNING, "msg": msg, "args": args})
    record.__dict__.update(extra)
    return record


def test_filter_redacts_message_args_and_extras() -> None:
    record = _record("got %s", f"Bearer {SECRET}", custom=[f"x {SECRET}"])

    assert RedactingFilter().filter(record)

    assert record.getMessage() == f"got {REDACTED}"
    assert vars(record)["custom"] == [f"x {REDACTED}"]


def test_filter_renders_the_traceback_redacted() -> None:
    try:
        raise PachcaError("boom") from KeyError(SECRET)
    except PachcaError as exc:
        info = (type(exc), exc, exc.__traceback__)
        record = logging.LogRecord("pachca_pulumi", logging.ERROR, __file__, 1, "failed", None, info)

    RedactingFilter().filter(record)

    assert record.exc_info is None and record.exc_text and "boom" in record.exc_text
    assert SECRET not in logging.Formatter().format(record)


def test_filter_turns_stamina_retry_warnings_into_quiet_readable_debug_lines() -> None:
    record = _record("stamina.retry_scheduled", **{"stamina.retry_num": 2, "stamina.wait_for": 0.5,
                                                   "stamina.caused_by": f"ServerError('Bearer {SECRET}')"})

    RedactingFilter().filter(record)

    assert record.levelno == logging.DEBUG
    assert record.getMessage() == f"retry 2 in 0.5s after ServerError('{REDACTED}')"


class _Collect(logging.Handler):
    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.parametrize(("level", "shown"), [(logging.WARNING, False), (logging.DEBUG, True)])
def test_stamina_retry_lines_show_only_where_debug_is_enabled(level: int, shown: bool) -> None:
    from pachca_pulumi.api.redact import install_log_filters

    install_log_filters()
    logger, handler = logging.getLogger("stamina"), _Collect(level)
    logger.addHandler(handler)
    try:
        logger.warning("stamina.retry_scheduled", extra={"stamina.retry_num": 1, "stamina.wait_for": 0.1,
                                                         "stamina.caused_by": "ServerError('503')"})
    finally:
        logger.removeHandler(handler)

    assert [r.getMessage() for r in handler.records] == (["retry 1 in 0.1s after ServerError('503')"] * shown)
