"""The command line's configuration and errors: where each command reads its token and base URL
(flag, environment, else the project's stack config), and how a failure becomes one line.

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

__all__ = ["EXIT_FAILURE", "EXIT_USAGE", "CliError", "ConfigUsageError", "api_errors", "cli_error", "config",
           "import_config", "recover_config", "stack_managed"]

EXIT_FAILURE = 1
EXIT_USAGE = 2

_WHERE_CONFIG = ("This command reads --token or PACHCA_TOKEN, and --base-url or PACHCA_BASE_URL "
                 "(no stack config).")
_WHERE_IMPORT_CONFIG = ("import reads --token or PACHCA_TOKEN (and --base-url or PACHCA_BASE_URL); without a "
                        "token, in a project directory (a Pulumi.yaml), the stack's pachca:token and pachca:baseUrl.")
_WHERE_RECOVER_CONFIG = ("recover reads --token or PACHCA_TOKEN, else the stack's pachca:token (and then "
                         "pachca:baseUrl); --base-url or PACHCA_BASE_URL set the base URL.")


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
    *,
    where: str = _WHERE_CONFIG,
) -> ProviderConfig:
    try:
        return ProviderConfig.resolve(config_get, token=token, base_url=base_url, explicit_source="set by --base-url")
    except ConfigError as exc:
        raise ConfigUsageError(f"{exc}\n{where}") from None


def import_config(token: str | None, base_url: str | None, cwd: Path, stack: str | None) -> ProviderConfig:
    """--token or PACHCA_TOKEN; without either, in a project directory, its stack's config."""
    given = (token or "").strip() or os.environ.get(TOKEN_ENV, "").strip()
    if given or not (cwd / "Pulumi.yaml").is_file():
        return config(token, base_url, where=_WHERE_IMPORT_CONFIG)
    try:
        stack_config = config_from_stack(cwd, stack)
    except PachcaError as exc:
        raise ConfigUsageError(f"no --token or PACHCA_TOKEN, and the stack's config could not be read: {exc}\n"
                                f"{_WHERE_IMPORT_CONFIG}") from None
    return config(None, base_url, stack_config.get, where=_WHERE_IMPORT_CONFIG)


def stack_managed(token: str | None, cwd: Path, stack: str | None) -> Managed | None:
    """What the project's stack manages, when import is pointed at it (no token given, or --stack)."""
    given = (token or "").strip() or os.environ.get(TOKEN_ENV, "").strip()
    if given and not stack:
        return None
    try:
        return managed_in_project(cwd, stack)
    except DriftError as exc:
        raise CliError(f"{exc}; to import without leaving out what the stack manages, pass --include-managed"
                        ) from None


def recover_config(
    token: str | None, base_url: str | None, cwd: Path, stack: str | None, pulumi: str
) -> ProviderConfig:
    """--token or PACHCA_TOKEN when given; without either, the stack's own pachca:token and pachca:baseUrl."""
    token = (token or "").strip() or None
    if token is not None:
        return config(token, base_url, where=_WHERE_RECOVER_CONFIG)
    try:
        stack_config = config_from_stack(cwd, stack, pulumi=pulumi)
    except PachcaError as exc:
        raise cli_error(exc) from None
    return config(None, base_url, stack_config.get, where=_WHERE_RECOVER_CONFIG)


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
