"""Command line: ``python -m pachca_pulumi.emulator --port 0 --token TOKEN [--state FILE] ...``.

Prints the base URL (``http://HOST:PORT/api/shared/v1``) as the first stdout line, then
serves until SIGINT/SIGTERM. Request logs (method, path, status) go to stderr.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from types import FrameType

import click

from .._loopback import is_loopback
from .._token_option import token_callback
from .faults import MALFORMED_MODES, Faults
from .help_text import token_lines
from .persistence import StateError
from .seed import SeedError, load_seed
from .server import EmulatorServer

_HELP_TEMPLATE = """Run a local emulator of the Pachca API: chats, members, roles, avatars, tags, directory.

\b
Tokens and users: the i-th --token acts as the seed's token_user_ids[i]. Default seed:
{tokens}
Every token may read and change any chat, unless --hide-private hides private chats from
tokens whose user is not in them (404 or 403; invented). Only admin tokens may list every chat
of the workspace (GET /company/chats, scope company_chats:read); others get 403 insufficient_scope.
GET /oauth/token/info shows a token's user and scopes (the token itself masked).

\b
Follows openapi.yaml (Aug 2026) and, where newer, the official SDK pachca-sdk 1.6.1:
POST /chats reports unknown member ids in meta.not_found_member_ids, chats have avatar_url,
POST|DELETE /chats/{{id}}/avatar (served at /uploads/...), GET /company/chats.
Control endpoints (loopback only): /_emulator/health (clock, chat counts), reset, stats, faults,
workspace, workspace/activity, chats/{{id}}.
"""
HELP = _HELP_TEMPLATE.format(tokens="\n".join(f"  {line}" for line in token_lines(load_seed())))


class _Stop(Exception):
    """Raised by the signal handler to leave the serving loop."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise _Stop()


@click.command(name="emulator", help=HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port; 0 picks a free one.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface (loopback only by default).")
@click.option("--allow-remote", is_flag=True, help="Allow a non-loopback --host.")
@click.option("--state", type=click.Path(dir_okay=False), help="JSON state file (in memory when omitted).")
@click.option(
    "--token",
    "tokens",
    multiple=True,
    envvar="PACHCA_EMULATOR_TOKEN",
    callback=token_callback("PACHCA_EMULATOR_TOKEN"),
    help="Accepted bearer token (repeatable); the i-th acts as the seed's token_user_ids[i] (the table "
    "above); the 1st is the workspace owner on the corporation plan, the only token that may read "
    "GET /audit_events. Each change is audited with its token's user. "
    "- reads them from stdin, one a line; prefer PACHCA_EMULATOR_TOKEN (a literal value is warned about).",
)
@click.option("--seed", type=click.Path(exists=True, dir_okay=False), help="Seed JSON replacing the default.")
@click.option("--rate-limit", type=click.FloatRange(min=0, min_open=True), help="Requests/second per token.")
@click.option("--error-rate", type=click.FloatRange(0, 1), default=0.0, help="Probability of a 503 answer.")
@click.option("--latency-ms", type=click.IntRange(min=0), default=0, help="Added latency per request.")
@click.option("--drop-after-create", type=click.FloatRange(0, 1), default=0.0, help="P(drop POST /chats).")
@click.option("--malformed", type=click.Choice(MALFORMED_MODES), help="Answer with malformed responses.")
@click.option("--hide-private", type=click.Choice(["404", "403"]),
              help="Hide private chats from tokens whose user is not in them, with this status.")
@click.option("--quiet", is_flag=True, help="Do not log requests.")
def main(
    port: int, host: str, allow_remote: bool, state: str | None, tokens: tuple[str, ...], seed: str | None,
    rate_limit: float | None, error_rate: float, latency_ms: int, drop_after_create: float,
    malformed: str | None, hide_private: str | None, quiet: bool,
) -> None:  # fmt: skip
    if not tokens:
        raise click.UsageError("give at least one --token (or set PACHCA_EMULATOR_TOKEN)")
    if not is_loopback(host) and not allow_remote:
        raise click.UsageError(f"refusing to listen on non-loopback host {host!r} without --allow-remote")
    level = logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)
    faults = Faults(
        rate_limit=rate_limit,
        error_rate=error_rate,
        latency_ms=latency_ms,
        drop_after_create=drop_after_create,
        malformed=malformed,
        hide_private=int(hide_private) if hide_private else None,
    )
    try:
        server = EmulatorServer(
            state, tokens=tokens, seed=seed, faults=faults, host=host, port=port, quiet=quiet
        )
    except (SeedError, StateError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        click.echo(server.base_url)
        sys.stdout.flush()
        while True:
            time.sleep(3600)
    except _Stop:
        pass
    finally:
        server.close()


if __name__ == "__main__":
    main()
