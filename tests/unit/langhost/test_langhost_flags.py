"""The language host's command line (langhost/pachca_langhost/flags.py): Go-`flag` style, never failing."""

from __future__ import annotations

import pytest

from pachca_langhost.flags import Log, parse_args, verbosity


@pytest.mark.parametrize(
    ("argv", "flags", "positional"),
    [
        (["127.0.0.1:1"], {}, ["127.0.0.1:1"]),
        (["-tracing", "t", "addr"], {"tracing": "t"}, ["addr"]),
        (["--tracing=t", "addr"], {"tracing": "t"}, ["addr"]),
        (["-root", "/p", "-virtualenv=venv", "addr"], {"root": "/p", "virtualenv": "venv"}, ["addr"]),
        (["--tracing", "", "addr"], {"tracing": ""}, ["addr"]),
        (["--logtostderr", "-v=3", "addr"], {"logtostderr": "true", "v": "3"}, ["addr"]),
        (["-some-new-flag", "addr"], {"some-new-flag": "true"}, ["addr"]),
        (["-some-new-flag", "value", "addr"], {"some-new-flag": "value"}, ["addr"]),
        (["-unknown", "-h", "addr"], {"unknown": "true", "h": "true"}, ["addr"]),
        (["-logflow", "extra", "addr"], {"logflow": "true"}, ["extra", "addr"]),
        (["-tracing"], {"tracing": "true"}, []),
        (["-", "--", "-x", "addr"], {}, ["-", "-x", "addr"]),
    ],
)
def test_parse_args_reads_go_style_flags(argv: list[str], flags: dict[str, str],
                                        positional: list[str]) -> None:
    assert parse_args(argv) == (flags, positional)


@pytest.mark.parametrize(
    ("flags", "level"),
    [
        ({"logtostderr": "true", "v": "9"}, 9),
        ({"v": "9"}, 0),
        ({"logtostderr": "true"}, 0),
        ({"logtostderr": "true", "v": "loud"}, 0),
    ],
)
def test_verbosity_counts_only_when_logging_to_stderr(flags: dict[str, str], level: int) -> None:
    assert verbosity(flags) == level


def test_log_stays_quiet_below_level_five(capsys: pytest.CaptureFixture[str]) -> None:
    Log(4).debug("hidden")
    Log(5).debug("shown")

    assert capsys.readouterr().err == "pulumi-language-python: shown\n"
