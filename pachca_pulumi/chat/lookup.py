"""People for programs: `lookup_user()` turns a reference into a user, for loops over a team list.

It runs in the program's process (not the provider's), so it reads the token and base URL the way
the provider does, from the stack config (`pachca:token`, `pachca:baseUrl`) or the environment
(PACHCA_TOKEN, PACHCA_BASE_URL). It uses the provider's `Directory`: the workspace is read once per
process and configuration, however many people a program looks up.
"""

from __future__ import annotations

import threading
from typing import Any

import pulumi

from ..api.config import ProviderConfig
from ..api.directory import Directory
from ..api.errors import PachcaError
from ..api.models import User
from .people import reference_key

__all__ = ["UserLookupError", "lookup_user"]

_DIRECTORIES: dict[tuple[str, str], Directory] = {}
_LOCK = threading.Lock()


class UserLookupError(PachcaError, pulumi.RunError):
    """A lookup that failed: a bad or unknown reference, or the API. Pulumi prints it as one line
    (a `RunError` has no traceback)."""


def lookup_user(reference: int | str, *, config: ProviderConfig | None = None) -> User:
    """The user a reference names: an id (`186` or `"186"`), an email, or a nickname (`"@oleg"` or
    `"oleg"`). Raises `UserLookupError` naming the reference and, where one is close, a suggestion.

    `config` defaults to the stack config, then the environment (see the module docstring).
    """
    try:
        key = reference_key(reference)
        return _directory(config or ProviderConfig.resolve(_stack_config)).resolve(key)
    except (PachcaError, ValueError) as exc:
        raise UserLookupError(f"lookup_user({reference!r}): {exc}") from None


def _directory(config: ProviderConfig) -> Directory:
    """The process's directory for this token and base URL, built on first use."""
    from ..api.client import PachcaClient  # imported late, like the provider's `connect`

    key = (config.token.get_secret_value(), config.base_url)
    with _LOCK:
        if key not in _DIRECTORIES:
            _DIRECTORIES[key] = Directory(PachcaClient(config))
        return _DIRECTORIES[key]


def _stack_config(key: str) -> Any:
    """`pachca:token` -> `pulumi.Config("pachca").get("token")` (empty outside a Pulumi program)."""
    namespace, name = key.split(":", 1)
    return pulumi.Config(namespace).get(name)
