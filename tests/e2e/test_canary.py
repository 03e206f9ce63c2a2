"""Canary sweep: a distinctive random token goes through every flow, and no byte anyone sees holds it.

For both token sources (stack config `pachca:token` as a secret, and `PACHCA_TOKEN`): `preview`,
`up`, `refresh` and `destroy` with the engine at `-v=8` logging to stderr (provider stderr included),
`pachca-pulumi import`, `pachca-pulumi recover --dry-run`, `pulumi stack export` (no
`--show-secrets`) and the emulator's logs; then the same against a faulty server on loopback that
echoes the Authorization header in its 422/500 JSON bodies and a 502 HTML page. Outside our control,
and therefore not swept: the engine at `-v=9` logs decrypted stack-config secrets (README, "Security").
Failures name the place that leaked, never the canary.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import stamina
from click.testing import CliRunner
from pulumi import automation as auto

from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.testing import LocalStack
from pachca_pulumi.tools.cli import main as cli

from .conftest import chats_program

pytestmark = pytest.mark.e2e

CANARY = f"canary-{secrets.token_hex(16)}"
VERBOSE = 8
SPECS = {"eng": {"name": "Engineering", "member_ids": [3]}}


class Sink:
    """Every text a person or a CI log could see, by the place it came from."""

    def __init__(self) -> None:
        self.places: dict[str, list[str]] = {}

    def add(self, place: str, text: str) -> None:
        self.places.setdefault(place, []).append(text)

    def on_output(self, place: str) -> Callable[[str], None]:
        return lambda line: self.add(place, line)

    def leaks(self) -> list[str]:
        """Places whose text holds the canary in any echoed form (names only, never the text)."""
        forms = [CANARY, quote(CANARY, safe=""), base64.b64encode(f"Bearer {CANARY}".encode()).decode()]
        return sorted(place for place, texts in self.places.items()
                      if any(form.lower() in text.lower() for text in texts for form in forms))

    def has(self, *needles: str) -> bool:
        """True when every needle shows somewhere (a bool, so a failing assert prints no text)."""
        text = "\n".join(text for texts in self.places.values() for text in texts)
        return all(needle in text for needle in needles)


def _verbose(sink: Sink, place: str) -> dict[str, Any]:
    """Automation API options for `pulumi <op> -v=8 --logtostderr --debug`, every line into the sink."""
    return {"log_verbosity": VERBOSE, "log_to_std_err": True, "debug": True,
            "on_output": sink.on_output(place)}


def _record(sink: Sink, place: str, result: Any) -> None:
    sink.add(place, result.stdout + result.stderr)


def _stack(tmp_path: Path, engine: Path, base_url: str, source: str, name: str) -> LocalStack:
    env = {"PACHCA_TOKEN": CANARY, "PACHCA_BASE_URL": base_url} if source == "env" else {}
    stack = LocalStack(tmp_path / name, chats_program(SPECS), stack=name, engine_dir=engine, extra_env=env)
    if source == "config":
        stack.configure(token=CANARY, base_url=base_url)
    return stack


def _cli(sink: Sink, place: str, args: list[str], env: dict[str, str | None]) -> int:
    result = CliRunner().invoke(cli, args, env=env)
    sink.add(place, result.output + repr(result.exception))
    return result.exit_code


@pytest.fixture
def canary_emulator(caplog: pytest.LogCaptureFixture) -> Iterator[EmulatorServer]:
    caplog.set_level(logging.DEBUG, logger="pachca_pulumi.emulator")
    with EmulatorServer(tokens=(CANARY,)) as server:
        yield server


@pytest.mark.parametrize("source", ["config", "env"])
def test_canary_is_absent_from_every_flow(
    tmp_path: Path, engine: Path, canary_emulator: EmulatorServer, caplog: pytest.LogCaptureFixture,
    source: str,
) -> None:
    sink = Sink()
    stack = _stack(tmp_path, engine, canary_emulator.base_url, source, "dev")

    for operation in ("preview", "up", "refresh"):
        _record(sink, operation, getattr(stack, operation)(**_verbose(sink, operation)))
    sink.add("stack export", stack.export_text())
    cli_env: dict[str, str | None] = {**stack.env, "PACHCA_TOKEN": CANARY if source == "env" else None,
                                      "PACHCA_BASE_URL": canary_emulator.base_url}
    imported = _cli(sink, "import", ["import", "--output", str(tmp_path / "chats.yaml")], {
        **cli_env, "PACHCA_TOKEN": CANARY})
    recover = ["recover", "--dry-run", "--stack", "dev", "--cwd", str(tmp_path / "dev"),
               "--pulumi-command", str(engine / "pulumi")]
    recovered = _cli(sink, "recover", recover, cli_env)
    sink.add("imported file", (tmp_path / "chats.yaml").read_text())
    _record(sink, "destroy", stack.destroy(**_verbose(sink, "destroy")))
    sink.add("emulator logs", "\n".join(record.getMessage() for record in caplog.records))

    assert not sink.leaks(), f"the canary leaked into {sink.leaks()}"
    assert (imported, recovered) == (0, 0)
    assert sink.has(f'"v":{VERBOSE}', "Engineering", "no pending creates"), "the flows did not run verbosely"
    assert sink.has("POST /api/shared/v1/chats 201"), "the emulator logged no create"


class _EchoingHandler(BaseHTTPRequestHandler):
    """A broken proxy: answers every request with an error that echoes the Authorization header."""

    html_502 = False

    def _answer(self) -> None:
        auth = self.headers.get("Authorization", "")
        if self.html_502:
            status, kind = 502, "text/html"
            body = f"<html><body><h1>502 Bad Gateway</h1><p>{html.escape(auth)}</p></body></html>"
        else:
            status, kind, body = (422 if self.command == "GET" else 500), "application/json", _echo_json(auth)
        payload = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *_args: Any) -> None:
        pass


def _echo_json(auth: str) -> str:
    items = [
        {"key": "authorization", "code": "invalid", "message": f"auth: bad header {auth}"},
        {"key": quote(auth, safe=""), "code": "echo", "message": {"nested": [quote_plus(auth)]}},
        {"key": "b64", "code": "echo", "message": base64.b64encode(auth.encode()).decode()},
    ]
    return json.dumps({"errors": items, "error": "invalid_token", "error_description": f"got {auth!r}"})


@contextmanager
def _echoing_server(html_502: bool) -> Iterator[str]:
    """The base URL of a broken proxy on loopback (see `_EchoingHandler`)."""
    handler = type("Handler", (_EchoingHandler,), {"html_502": html_502})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/shared/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize("html_502", [False, True], ids=["json", "html502"])
def test_canary_is_absent_from_import_errors_of_an_echoing_server(html_502: bool) -> None:
    sink = Sink()
    stamina.set_testing(True, attempts=2)
    try:
        with _echoing_server(html_502) as base_url:
            code = _cli(sink, "import", ["import"], {"PACHCA_TOKEN": CANARY, "PACHCA_BASE_URL": base_url})
    finally:
        stamina.set_testing(False)

    assert not sink.leaks(), f"the canary leaked into {sink.leaks()}"
    assert code == 1 and sink.has("chats failed: HTTP"), "import did not fail on the echoing server"


@pytest.mark.parametrize("source", ["config", "env"])
def test_canary_is_absent_when_the_server_echoes_it_during_up(
    tmp_path: Path, engine: Path, source: str
) -> None:
    sink = Sink()
    with _echoing_server(html_502=False) as base_url, pytest.raises(auto.CommandError) as failed:
        _stack(tmp_path, engine, base_url, source, "bad").up(**_verbose(sink, "up"))
    sink.add("error", str(failed.value))

    assert not sink.leaks(), f"the canary leaked into {sink.leaks()}"
    assert sink.has("get profile failed: HTTP 422", "[redacted]"), "up did not fail on the echoed header"
