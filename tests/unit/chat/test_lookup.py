"""`lookup_user` for programs: references to users through one directory read per process and token."""

from __future__ import annotations

from collections.abc import Iterator

import pulumi
import pytest

from pachca_pulumi import UserLookupError, lookup_user
from pachca_pulumi.api.config import ProviderConfig
from pachca_pulumi.emulator import EmulatorServer

TOKEN = "lookup-test-token-5b2e"


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(tokens=(TOKEN,), quiet=True) as emulator:
        yield emulator


@pytest.fixture
def config(server: EmulatorServer) -> ProviderConfig:
    return ProviderConfig.resolve(token=TOKEN, base_url=server.base_url)


@pytest.mark.parametrize("reference", [5, "5", "nino.silva@example.com", "@ninosilva", "ninosilva", "@NinoSilva"])
def test_lookup_user_resolves_every_reference_form(config: ProviderConfig, reference: int | str) -> None:
    user = lookup_user(reference, config=config)

    assert (user.id, user.nickname, user.email, user.display_name) == (5, "ninosilva", "nino.silva@example.com",
                                                                       "Nino Silva")


def test_lookup_user_reads_the_directory_once_for_a_team(config: ProviderConfig, server: EmulatorServer) -> None:
    """A program looks its team up again and again (every chat that names them): after the first
    lookups, none makes a request. (Warmed up here, not by earlier tests: under pytest-xdist they may
    run in another process.)"""
    team = ("@chiaranielsen", "natalia.lopez@example.com", 2)
    first = [lookup_user(ref, config=config).id for ref in team]
    server.stats.reset()

    again = [lookup_user(ref, config=config).id for ref in team]

    assert first == again == [3, 4, 2]
    assert server.stats.snapshot()["total_requests"] == 0, server.stats.snapshot()


def test_lookup_user_unknown_reference_is_a_run_error_with_a_suggestion(config: ProviderConfig) -> None:
    with pytest.raises(UserLookupError) as info:
        lookup_user("nino.silva@example.con", config=config)

    assert isinstance(info.value, pulumi.RunError)
    assert str(info.value) == ("lookup_user('nino.silva@example.con'): nino.silva@example.con is not a user of "
                               "this workspace; did you mean nino.silva@example.com?")


def test_lookup_user_bad_reference_names_the_accepted_forms(config: ProviderConfig) -> None:
    with pytest.raises(UserLookupError, match="use an id, an email or a nickname"):
        lookup_user("two words", config=config)


def test_lookup_user_reads_the_environment_outside_a_stack(server: EmulatorServer,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACHCA_TOKEN", TOKEN)
    monkeypatch.setenv("PACHCA_BASE_URL", server.base_url)

    assert lookup_user("@sofiakozlova").id == 9
