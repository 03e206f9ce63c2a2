"""The command line's configuration and errors: where every command reads its token and base URL
(`WHERE_SETTINGS`: flag, the project's stack config, environment, default), and how a failure
becomes one line.

Every error passes through the redaction step; exit 1 for a failed operation, 2 for a command that
cannot run as invoked (token, base URL, the pulumi CLI).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from ..api._constants import TOKEN_ENV
from ..api.config import ProviderConfig
from ..api.errors import ConfigError, PachcaError
from ..api.redact import redact
from .cli_errors import failure_line
from .drift import DriftError
from .managed import Managed, managed_in_project
from .recovery import PulumiNotFoundError, config_from_stack

__all__ = ["EXIT_FAILURE", "EXIT_USAGE", "WHERE_SETTINGS", "CliError", "ConfigUsageError", "api_errors", "cli_error",
           "command_config", "config", "stack_managed"]

EXIT_FAILURE = 1
EXIT_USAGE = 2

# The one rule, for every command that talks to the API, stated in each one's --help.
WHERE_SETTINGS = ("Each setting comes from the first of: --token / --base-url; in a Pulumi project directory "
                  "(a Pulumi.yaml in --cwd), the stack's pachca:token / pachca:baseUrl (--stack, default the "
                  "selected stack), as `pulumi up` reads them; PACHCA_TOKEN / PACHCA_BASE_URL; the public API.")

class CliError(click.ClickException):
    """A failure shown as `Error: <message>` on stderr, without a traceback or a token; exit status 1."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))


class ConfigUsageError(CliError):
    """The command cannot run as invoked (token, base URL, or the pulumi CLI); exit status 2."""

    exit_code = EXIT_USAGE


def config(
    token: str | None,
    base_url: str | None,
    config_get: Callable[[str], Any] | None = None,
) -> ProviderConfig:
    try:
        return ProviderConfig.resolve(config_get, token=token, base_url=base_url, explicit_source="set by --base-url")
    except ConfigError as exc:
        raise ConfigUsageError(f"{exc}\n{WHERE_SETTINGS}") from None


def command_config(token: str | None, base_url: str | None, cwd: Path, stack: str | None, *,
                   pulumi: str = "pulumi", in_project: bool | None = None) -> ProviderConfig:
    """The token and base URL by `WHERE_SETTINGS` (`in_project`: whether `cwd` is a project, by
    default whether it has a Pulumi.yaml). The stack's config is read only when a flag does not
    already give both; when it cannot be read (no pulumi CLI, no stack selected) and a token is
    given another way, a one-line note says so and the command goes on with that token."""
    token = (token or "").strip() or None
    values: dict[str, str] = {}
    project = (cwd / "Pulumi.yaml").is_file() if in_project is None else in_project
    if not (token and base_url) and project:
        try:
            values = config_from_stack(cwd, stack, pulumi=pulumi)
        except PachcaError as exc:
            if not (token or os.environ.get(TOKEN_ENV, "").strip()):
                raise ConfigUsageError(f"the stack's config could not be read: {failure_line(exc)}\n"
                                       f"{WHERE_SETTINGS}") from None
            given = "--token" if token else TOKEN_ENV
            click.echo(f"note: the stack's config in {cwd} could not be read, so {given} is used: "
                       f"{failure_line(exc).splitlines()[0][:300]}", err=True)
    return config(token, base_url, values.get)


def stack_managed(token: str | None, cwd: Path, stack: str | None) -> Managed | None:
    """What the project's stack manages, when import runs in its project directory (unless --token
    points it elsewhere without --stack). A stack that cannot be read is an error only when --stack
    names it; otherwise a note says nothing is left out."""
    if not (cwd / "Pulumi.yaml").is_file() or ((token or "").strip() and not stack):
        return None
    try:
        return managed_in_project(cwd, stack)
    except DriftError as exc:
        if stack is None:
            click.echo(f"note: nothing is left out as managed: {str(exc).splitlines()[0][:300]}", err=True)
            return None
        raise CliError(f"{exc}; to import without leaving out what the stack manages, pass --include-managed"
                        ) from None


@contextmanager
def api_errors() -> Iterator[None]:
    """Translate `PachcaError`s into one-line CLI errors (no traceback)."""
    try:
        yield
    except PachcaError as exc:
        raise cli_error(exc) from None


def cli_error(exc: PachcaError) -> CliError:
    """Exit 2 when the pulumi CLI cannot be run at all (the fix is installing it), else exit 1."""
    if isinstance(exc, PulumiNotFoundError):
        return ConfigUsageError(str(exc))
    return CliError(failure_line(exc))
