"""Fixtures: the emulator over a real socket (one server per session, reset before each test)
and in-process through ``httpx.WSGITransport``; contract tests run against both."""

from __future__ import annotations

import httpx
import pytest

from pachca_pulumi.emulator import EmulatorServer, Faults, Store, create_app
from tests.emulator.emulator_support import TOKENS, Emulator
from tests.emulator.spec_check import load_openapi


@pytest.fixture(scope="session")
def live_server():
    with EmulatorServer(tokens=TOKENS, quiet=True) as server:
        yield server


def _socket_emulator(server: EmulatorServer) -> Emulator:
    server.faults.clear()
    server.reset()
    return Emulator("socket", server.root_url, server.store, server.faults, server.app, httpx.HTTPTransport)


def _wsgi_emulator() -> Emulator:
    store, faults = Store(tokens=TOKENS), Faults()
    app = create_app(store, faults)
    return Emulator("wsgi", "http://emulator.test", store, faults, app, lambda: httpx.WSGITransport(app=app))


@pytest.fixture(params=["socket", "wsgi"])
def emulator(request):
    if request.param == "socket":
        emu = _socket_emulator(request.getfixturevalue("live_server"))
    else:
        emu = _wsgi_emulator()
    yield emu
    emu.close()


@pytest.fixture
def socket_emulator(live_server):
    emu = _socket_emulator(live_server)
    yield emu
    emu.close()


@pytest.fixture
def wsgi_emulator():
    emu = _wsgi_emulator()
    yield emu
    emu.close()


@pytest.fixture
def api(emulator: Emulator) -> httpx.Client:
    """A client authenticated with the first token (user 1)."""
    return emulator.client()


class SpecOnce:
    """The parsed OpenAPI spec, built on first use and kept for the session.

    Loading inside the test (not at fixture set-up) makes a missing spec a test FAILURE
    with a clear message rather than a set-up error.
    """

    def __init__(self) -> None:
        self._openapi = None

    def get(self):
        if self._openapi is None:
            self._openapi = load_openapi()
        return self._openapi


@pytest.fixture(scope="session")
def openapi_spec() -> SpecOnce:
    return SpecOnce()
