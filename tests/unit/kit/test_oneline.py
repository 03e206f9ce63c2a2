"""The one-line error shim (`kit/oneline.py`), against a host shaped like pulumi 3.272's dynamic-provider
host (a module with `_abort_with_traceback` that aborts with `traceback.format_exc()`) and one shaped like
3.259's (no wrapper). The real hosts are covered end to end in tests/e2e/test_errors.py under both SDKs."""

from __future__ import annotations

import logging
import traceback
import types

import pytest

from pachca_pulumi.api.errors import ConfigError, PachcaError
from pachca_pulumi.kit import oneline


def _host(*, wrapper: bool) -> types.ModuleType:
    host = types.ModuleType("fake_dynamic_host")
    host.traceback = traceback  # type: ignore[attr-defined]
    if wrapper:
        def _abort_with_traceback(fn: object) -> object:
            return fn
        host._abort_with_traceback = _abort_with_traceback  # type: ignore[attr-defined]
    return host


def _formatted_by(host: types.ModuleType, exc: Exception) -> str:
    try:
        raise exc
    except Exception:
        return str(host.traceback.format_exc())  # type: ignore[attr-defined]


def test_oneline_host_with_the_wrapper_renders_our_errors_as_their_message() -> None:
    host = _host(wrapper=True)

    assert oneline.install(host) is True
    text = _formatted_by(host, PachcaError("update chat 'eng' (id 3): HTTP 503; run `pulumi up` again"))

    assert text == "update chat 'eng' (id 3): HTTP 503; run `pulumi up` again"


def test_oneline_config_error_is_one_line_too() -> None:
    host = _host(wrapper=True)
    oneline.install(host)

    text = _formatted_by(host, ConfigError("missing token: set pachca:token\nor PACHCA_TOKEN"))

    assert text == "missing token: set pachca:token or PACHCA_TOKEN"


def test_oneline_other_errors_keep_their_traceback() -> None:
    host = _host(wrapper=True)
    oneline.install(host)

    text = _formatted_by(host, KeyError("bug"))

    assert text.startswith("Traceback (most recent call last):") and "KeyError: 'bug'" in text


def test_oneline_host_without_the_wrapper_is_left_alone() -> None:
    host = _host(wrapper=False)

    assert oneline.install(host) is False
    assert host.traceback is traceback  # type: ignore[attr-defined]


def test_oneline_install_is_idempotent() -> None:
    host = _host(wrapper=True)
    oneline.install(host)
    patched = host.traceback  # type: ignore[attr-defined]

    oneline.install(host)

    assert host.traceback is patched  # type: ignore[attr-defined]
    assert sum(isinstance(f, logging.Filter) and type(f).__name__ == "_QuietGrpcLog"
               for f in logging.getLogger("grpc._server").filters) == 1


@pytest.mark.parametrize(("exc", "dropped"), [(PachcaError("x"), True), (ValueError("bug"), False)])
def test_oneline_grpc_log_drops_only_our_errors(exc: Exception, dropped: bool) -> None:
    oneline.install(_host(wrapper=False))
    record = logging.LogRecord("grpc._server", logging.ERROR, __file__, 1, "Exception calling application",
                               None, (type(exc), exc, None))

    kept = all(f.filter(record) for f in logging.getLogger("grpc._server").filters)

    assert kept is not dropped
