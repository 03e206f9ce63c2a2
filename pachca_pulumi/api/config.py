"""Provider configuration: the token and the base URL, and where a fast rollout journals its
creates, from Pulumi config or the environment.

This is the only module of the client and the provider that reads the environment (the test
support, `pachca_pulumi.testing`, reads it too and says so). The token is kept as a `SecretStr`, so it
never shows in a repr, and building a config registers it with the process's redactor
(`redact.py`), so it never shows in an error or a log line either, whatever a server echoes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr, field_validator

from .._loopback import is_loopback as _is_loopback
from ._constants import (
    BASE_URL_CONFIG_KEY,
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    JOURNAL_CONFIG_KEY,
    JOURNAL_ENV,
    SKIP_CHECKPOINTS_ENV,
    TOKEN_CONFIG_KEY,
    TOKEN_ENV,
)
from .errors import ConfigError
from .redact import REDACTOR

__all__ = ["JournalSetting", "ProviderConfig"]

ConfigGetter = Callable[[str], Any]

_MISSING_TOKEN = (
    "No Pachca API token: set it in the stack with `pulumi config set --secret pachca:token <token>` "
    "or export PACHCA_TOKEN=<token> (an admin or bot token from Pachca's Automations > API settings)."
)


_STACK_SETTING = f"set by the stack config {BASE_URL_CONFIG_KEY}"
_ENV_SETTING = f"set by the environment variable {BASE_URL_ENV}"
_DEFAULT_SETTING = f"the default: neither {BASE_URL_CONFIG_KEY} nor {BASE_URL_ENV} is set"


class ProviderConfig(BaseModel):
    """A validated token and base URL; plain http is allowed only to loopback hosts."""

    model_config = ConfigDict(frozen=True)

    token: SecretStr
    base_url: str = DEFAULT_BASE_URL
    base_url_source: str = ""  # the setting that chose `base_url`, for errors ("" when not known)

    def model_post_init(self, _context: Any) -> None:
        REDACTOR.register(self.token.get_secret_value())

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return check_base_url(value)

    @classmethod
    def resolve(
        cls,
        config_get: ConfigGetter | None = None,
        environ: Mapping[str, str] | None = None,
        *,
        token: str | None = None,
        base_url: str | None = None,
        explicit_source: str = "given explicitly",
    ) -> ProviderConfig:
        """Explicit arguments first, then Pulumi config (`pachca:token`, `pachca:baseUrl`), then env.
        `base_url_source` says which setting chose the base URL (`explicit_source` for `base_url`)."""
        env = os.environ if environ is None else environ
        get = config_get or (lambda _key: None)
        raw_token = token or _text(get(TOKEN_CONFIG_KEY)) or env.get(TOKEN_ENV, "").strip()
        if not raw_token:
            raise ConfigError(_MISSING_TOKEN)
        sources = ((base_url or "", explicit_source), (_text(get(BASE_URL_CONFIG_KEY)), _STACK_SETTING),
                   (env.get(BASE_URL_ENV, "").strip(), _ENV_SETTING), (DEFAULT_BASE_URL, _DEFAULT_SETTING))
        raw_url, source = next((url, where) for url, where in sources if url)
        return cls(token=SecretStr(raw_token), base_url=check_base_url(raw_url), base_url_source=source)


@dataclass(frozen=True)
class JournalSetting:
    """Where this run's creates are journaled (`path`: `pachca:journal`, else $PACHCA_PULUMI_JOURNAL;
    None when neither is set) and whether the engine skips its checkpoints ($PULUMI_SKIP_CHECKPOINTS),
    which makes a journal necessary (see `chat/journal.py`)."""

    path: Path | None
    skip_checkpoints: bool

    @classmethod
    def resolve(cls, config_get: ConfigGetter | None = None, environ: Mapping[str, str] | None = None
                ) -> JournalSetting:
        env = os.environ if environ is None else environ
        setting = (config_get or (lambda _key: None))(JOURNAL_CONFIG_KEY) or env.get(JOURNAL_ENV)
        skip = env.get(SKIP_CHECKPOINTS_ENV, "").strip().lower() in ("1", "true", "yes")
        return cls(Path(str(setting)).expanduser() if setting else None, skip)


def check_base_url(url: str) -> str:
    """Return the URL without a trailing slash, or raise ConfigError naming the problem and the fix."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"pachca:baseUrl / PACHCA_BASE_URL must be an http(s) URL such as {DEFAULT_BASE_URL}; "
            f"got {url!r}."
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigError(
            f"Refusing plain http to {parts.hostname}: the token would travel unencrypted. "
            "Use an https:// base URL (plain http is allowed only to loopback hosts such as the emulator)."
        )
    return url.rstrip("/")


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
