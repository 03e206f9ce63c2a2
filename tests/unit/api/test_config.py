"""Where the token, the base URL and the journal setting come from, and which base URLs are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from pachca_pulumi.api._constants import DEFAULT_BASE_URL
from pachca_pulumi.api.config import JournalSetting, ProviderConfig, check_base_url
from pachca_pulumi.api.errors import ConfigError

SECRET = "s3cr3t-token-value"


def _config_get(values: dict[str, str]):
    return values.get


def test_config_resolve_explicit_token_beats_pulumi_config_and_env() -> None:
    config = ProviderConfig.resolve(
        _config_get({"pachca:token": "from-config"}), {"PACHCA_TOKEN": "from-env"}, token="explicit"
    )

    assert config.token.get_secret_value() == "explicit"


def test_config_resolve_pulumi_config_token_beats_env() -> None:
    config = ProviderConfig.resolve(
        _config_get({"pachca:token": "from-config"}), {"PACHCA_TOKEN": "from-env"}
    )

    assert config.token.get_secret_value() == "from-config"


def test_config_resolve_env_token_used_without_pulumi_config() -> None:
    config = ProviderConfig.resolve(_config_get({}), {"PACHCA_TOKEN": " from-env \n"})

    assert config.token.get_secret_value() == "from-env"


def test_config_resolve_explicit_base_url_beats_pulumi_config_and_env() -> None:
    config = ProviderConfig.resolve(
        _config_get({"pachca:token": "t", "pachca:baseUrl": "https://config.example"}),
        {"PACHCA_BASE_URL": "https://env.example"},
        base_url="https://explicit.example",
    )

    assert config.base_url == "https://explicit.example"


def test_config_resolve_pulumi_config_base_url_beats_env() -> None:
    config = ProviderConfig.resolve(
        _config_get({"pachca:token": "t", "pachca:baseUrl": "https://config.example"}),
        {"PACHCA_BASE_URL": "https://env.example"},
    )

    assert config.base_url == "https://config.example"


def test_config_resolve_env_base_url_used_without_pulumi_config() -> None:
    config = ProviderConfig.resolve(
        _config_get({"pachca:token": "t"}), {"PACHCA_BASE_URL": "https://env.example"}
    )

    assert config.base_url == "https://env.example"


def test_config_resolve_defaults_to_public_api() -> None:
    config = ProviderConfig.resolve(None, {"PACHCA_TOKEN": "t"})

    assert config.base_url == DEFAULT_BASE_URL


def test_config_resolve_missing_token_names_both_fixes() -> None:
    with pytest.raises(ConfigError) as info:
        ProviderConfig.resolve(_config_get({}), {})

    assert "pulumi config set --secret pachca:token" in str(info.value)
    assert "PACHCA_TOKEN" in str(info.value)


def test_config_resolve_blank_token_counts_as_missing() -> None:
    with pytest.raises(ConfigError):
        ProviderConfig.resolve(_config_get({"pachca:token": "  "}), {"PACHCA_TOKEN": "   "})


def test_config_resolve_refuses_bad_base_url_from_env() -> None:
    with pytest.raises(ConfigError):
        ProviderConfig.resolve(
            _config_get({"pachca:token": "t"}), {"PACHCA_BASE_URL": "http://api.pachca.com"}
        )


@pytest.mark.parametrize(
    "url", ["http://api.pachca.com/api/shared/v1", "http://10.0.0.5:8080", "http://example.test"]
)
def test_check_base_url_refuses_plain_http_to_remote_host(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        check_base_url(url)

    assert "https://" in str(info.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/api/shared/v1",
        "http://localhost:5000",
        "http://[::1]:9000/api",
        "http://127.0.0.2",
    ],
)
def test_check_base_url_allows_plain_http_to_loopback(url: str) -> None:
    assert check_base_url(url) == url


@pytest.mark.parametrize("url", ["ftp://api.pachca.com", "api.pachca.com/api/shared/v1", "https://", ""])
def test_check_base_url_refuses_bad_scheme_or_missing_host(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        check_base_url(url)

    assert "http(s) URL" in str(info.value)


def test_check_base_url_strips_trailing_slash() -> None:
    assert check_base_url("https://api.pachca.com/api/shared/v1/") == "https://api.pachca.com/api/shared/v1"


def test_provider_config_hides_token_in_repr_and_str() -> None:
    config = ProviderConfig(token=SecretStr(SECRET), base_url="https://api.pachca.test")

    assert SECRET not in repr(config)
    assert SECRET not in str(config)
    assert SECRET not in repr(config.model_dump())


def test_provider_config_constructor_refuses_plain_http_to_remote_host() -> None:
    with pytest.raises(ConfigError):
        ProviderConfig(token=SecretStr(SECRET), base_url="http://api.pachca.com/api/shared/v1")


def test_provider_config_constructor_strips_trailing_slash() -> None:
    config = ProviderConfig(token=SecretStr(SECRET), base_url="http://127.0.0.1:8080/api/shared/v1/")

    assert config.base_url == "http://127.0.0.1:8080/api/shared/v1"


@pytest.mark.parametrize(
    ("config", "env", "explicit", "source"),
    [
        ({"pachca:baseUrl": "https://config.example"}, {"PACHCA_BASE_URL": "https://env.example"}, None,
         "set by the stack config pachca:baseUrl"),
        ({}, {"PACHCA_BASE_URL": "https://env.example"}, None, "set by the environment variable PACHCA_BASE_URL"),
        ({}, {}, None, "the default: neither pachca:baseUrl nor PACHCA_BASE_URL is set"),
        ({"pachca:baseUrl": "https://config.example"}, {}, "https://explicit.example", "given explicitly"),
    ],
    ids=["stack-config", "env", "default", "explicit"],
)
def test_config_resolve_says_which_setting_chose_the_base_url(config: dict[str, str], env: dict[str, str],
                                                              explicit: str | None, source: str) -> None:
    resolved = ProviderConfig.resolve(_config_get({"pachca:token": "t", **config}), env, base_url=explicit)

    assert resolved.base_url_source == source


@pytest.mark.parametrize(("config", "env", "expected"), [
    ({}, {}, JournalSetting(None, False)),
    ({"pachca:journal": "stack.jsonl"}, {"PACHCA_PULUMI_JOURNAL": "env.jsonl"},
     JournalSetting(Path("stack.jsonl"), False)),
    ({}, {"PACHCA_PULUMI_JOURNAL": "~/j.jsonl", "PULUMI_SKIP_CHECKPOINTS": " TRUE "},
     JournalSetting(Path.home() / "j.jsonl", True)),
    ({}, {"PULUMI_SKIP_CHECKPOINTS": "1"}, JournalSetting(None, True)),
    ({}, {"PULUMI_SKIP_CHECKPOINTS": "false"}, JournalSetting(None, False)),
])
def test_journal_setting_reads_stack_config_then_env(config: dict[str, str], env: dict[str, str],
                                                     expected: JournalSetting) -> None:
    assert JournalSetting.resolve(config.get, env) == expected
