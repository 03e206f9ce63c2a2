"""`--token` for the command lines: `-` reads the token from stdin; a literal value gets a warning.

A value typed on the command line shows in the process list (`ps`, /proc) to every user of the
machine, so the commands prefer the environment. This module is shared by `pachca-pulumi` and the
emulator, and imports neither the API client nor the emulator.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click
from click.core import ParameterSource

__all__ = ["STDIN", "token_callback"]

STDIN = "-"
_WARNING = ("warning: --token on the command line is visible in the process list; "
            "prefer {env} or --token - (reads it from stdin)")

def token_callback(env: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback for a `--token` option (single or repeatable) whose variable is `env`.

    `-` is replaced by the stdin's lines (one token each); any other value given on the command line
    prints one warning line on stderr, which never contains the token.
    """

    def callback(ctx: click.Context, param: click.Parameter, value: str | tuple[str, ...] | None) -> Any:
        if value is None or param.name is None:
            return value
        values: tuple[str, ...] = (value,) if isinstance(value, str) else tuple(value)
        if STDIN in values:
            values = tuple(v for v in values if v != STDIN) + _read_stdin()
        elif values and ctx.get_parameter_source(param.name) is ParameterSource.COMMANDLINE:
            click.echo(_WARNING.format(env=env), err=True)
        return values[0] if isinstance(value, str) else values

    return callback


def _read_stdin() -> tuple[str, ...]:
    lines = [line.strip() for line in sys.stdin.read().splitlines()]
    tokens = tuple(line for line in lines if line)
    if not tokens:
        raise click.UsageError("--token - reads the token from stdin, but stdin was empty")
    return tokens
