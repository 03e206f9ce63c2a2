"""`pachca-pulumi drift` and `pachca-pulumi inventory`: click wiring, configuration and exit codes.

* `drift` refreshes a stack in preview mode (the program runs, so the current `pachca:token` and
  `pachca:baseUrl` are used), reports every drifted chat in people's names and joins the audit log
  to say who changed what and when. Exit 0: no drift; 3: drift; 1: the check failed.
* `inventory` lists the chats the token can see that no given stack manages (`inventory.py`).

Reports go to stdout or `--output`; progress and notes to stderr. The token is never printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from pulumi import automation as auto
from pydantic import SecretStr

from .._token_option import token_callback
from ..api._constants import BASE_URL_CONFIG_KEY, TOKEN_CONFIG_KEY
from ..api.client import PachcaClient
from ..api.config import ProviderConfig
from ..api.errors import PachcaError
from ..api.models import Chat as ApiChat
from .attribution import attribute
from .cli_errors import failure_line
from .drift import StackDrift, open_stack, refresh_preview
from .drift_report import FORMATS, People, render
from .importer import Selection, build_specs, format_for_output
from .importer import header as import_header
from .importer import render as render_program
from .inventory import FORMATS as INVENTORY_FORMATS
from .inventory import managed_chat_ids, unmanaged_chats
from .inventory import render as render_inventory

__all__ = ["EXIT_DRIFT", "EXIT_FAILURE", "EXIT_UNMANAGED", "drift_command", "inventory_command", "stack_config"]

EXIT_FAILURE = 1
EXIT_DRIFT = 3
EXIT_UNMANAGED = 4
AUDIT_TOKEN_ENV = "PACHCA_AUDIT_TOKEN"
_CONTEXT = {"help_option_names": ["-h", "--help"]}


class WorkflowError(click.ClickException):
    """A failed check, shown as `Error: <message>` without a traceback; exit status 1."""

    exit_code = EXIT_FAILURE


def cwd_option(function: click.decorators.FC) -> click.decorators.FC:
    return click.option("--cwd", default=".", show_default=True, metavar="DIR",
                        type=click.Path(exists=True, file_okay=False, path_type=Path),
                        help="The Pulumi project directory (where `pulumi` would run).")(function)


@click.command("drift", context_settings=_CONTEXT, short_help="Who changed which managed chat, and when.")
@click.option("--stack", metavar="NAME", help="The stack to check; default the selected stack.")
@cwd_option
@click.option("--format", "file_format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for a terminal, markdown for a PR/issue/job summary, json for tools.")
@click.option("--output", "-o", default="-", show_default=True, metavar="FILE|-",
              help="Where to write the report (a file is appended to).")
@click.option("--summary", metavar="FILE",
              help="Also append the Markdown report to FILE (for example $GITHUB_STEP_SUMMARY, or an issue body).")
@click.option("--audit-token", metavar="TOKEN|-", envvar=AUDIT_TOKEN_ENV, callback=token_callback(AUDIT_TOKEN_ENV),
              help=f"Token that may read the audit log (the workspace owner's); default ${AUDIT_TOKEN_ENV}, "
                   "else the stack's token; - reads it from stdin. Never printed.")
def drift_command(stack: str | None, cwd: Path, file_format: str, output: str, summary: str | None,
                  audit_token: str | None) -> None:
    """Refresh the stack in preview mode and report every chat changed by hand since the last `pulumi up`.

    For each chat: the property, the declared value and the actual one, people by name and email;
    with a token that may read the audit log, who made the change and when. Nothing is written to the
    stack or the workspace. Exit status: 0 no drift, 3 drift, 1 the check failed.
    """
    with _failures():
        selected = open_stack(cwd, stack)
        config = stack_config(selected)
        click.echo(f"refreshing stack {selected.name} in preview mode (the program runs)...", err=True)
        drift = refresh_preview(selected)
        with PachcaClient(config) as client:
            note = _attribute(drift, config, audit_token) if drift.drifted else None
            people = People(client if drift.drifted else None)
            text = render(drift, people, file_format, note)
            markdown = render(drift, people, "markdown", note) if summary else ""
    _write(output, text)
    if summary:
        _write(summary, markdown)
    raise SystemExit(EXIT_DRIFT if drift.drifted else 0)


@click.command("inventory", context_settings=_CONTEXT, short_help="Chats the token sees that no stack manages.")
@click.option("--stack", "stacks", multiple=True, metavar="NAME",
              help="A stack whose chats count as managed (repeatable); default the selected stack.")
@cwd_option
@click.option("--format", "file_format", type=click.Choice(INVENTORY_FORMATS), default="text", show_default=True)
@click.option("--include-archived", is_flag=True, help="Also archived chats.")
@click.option("--fail-on-unmanaged", is_flag=True,
              help=f"Exit {EXIT_UNMANAGED} when any chat is unmanaged (a CI gate).")
@click.option("--fail-on-unmanaged-public", is_flag=True,
              help=f"Exit {EXIT_UNMANAGED} when a public chat or channel is unmanaged (as Tempelis does).")
@click.option("--write", "write_to", metavar="FILE",
              help="Also write a program (.py) or chat file (.yaml/.yml/.json) that adopts the unmanaged chats.")
def inventory_command(stacks: tuple[str, ...], cwd: Path, file_format: str, include_archived: bool,
                      fail_on_unmanaged: bool, fail_on_unmanaged_public: bool, write_to: str | None) -> None:
    """List the group chats and channels the stack's token can see that no given stack manages.

    The token (the first stack's pachca:token, else PACHCA_TOKEN) sees the chats its user is in and the
    public ones; an owner's or admin's token sees every chat (GET /company/chats). Exit status: 0, or 4
    with --fail-on-unmanaged / --fail-on-unmanaged-public when such chats exist; 1 when the check failed.
    """
    with _failures():
        selected = [open_stack(cwd, name) for name in stacks or (None,)]
        config = stack_config(selected[0])
        with PachcaClient(config) as client:
            found = unmanaged_chats(client, managed_chat_ids(selected), include_archived=include_archived)
            text = render_inventory(found, [s.name for s in selected], file_format, client.get_profile().id)
            if write_to:
                _write_adoption(client, found, write_to, config.base_url)
    _write("-", text)
    failing = fail_on_unmanaged and found or fail_on_unmanaged_public and any(c.public for c in found)
    raise SystemExit(EXIT_UNMANAGED if failing else 0)


def _write_adoption(client: PachcaClient, found: list[ApiChat], path: str, base_url: str) -> None:
    """The importer's program or chat file for exactly the unmanaged chats."""
    file_format = format_for_output(path)
    selection = Selection(include_archived=True)
    specs = build_specs(client, found, selection)
    text = render_program(specs, file_format, import_header(base_url, len(specs), selection, file_format,
                                                               exclusive_members=False))
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise WorkflowError(f"--write {path}: cannot write: {exc.strerror or exc}") from None
    click.echo(f"wrote {len(specs)} chat{'s' if len(specs) != 1 else ''} to adopt into {path}", err=True)


def _attribute(drift: StackDrift, config: ProviderConfig, audit_token: str | None) -> str | None:
    """Who and when from the audit log, read with `--audit-token` where given, else the stack's token."""
    token = (audit_token or "").strip()
    audit = ProviderConfig(token=SecretStr(token), base_url=config.base_url) if token else config
    with PachcaClient(audit) as client:
        return attribute(drift, client)


def stack_config(stack: auto.Stack) -> ProviderConfig:
    """The provider configuration the program would get now: the stack's config, then the environment."""
    try:
        values = stack.get_all_config()
    except auto.CommandError as exc:
        raise WorkflowError(f"cannot read the config of stack {stack.name}: {str(exc).strip()[-400:]}") from None
    wanted = {key: values[key].value for key in (TOKEN_CONFIG_KEY, BASE_URL_CONFIG_KEY) if key in values}
    return ProviderConfig.resolve(wanted.get)


@contextmanager
def _failures() -> Iterator[None]:
    """Every failure becomes one line on stderr and exit status 1."""
    try:
        yield
    except PachcaError as exc:
        raise WorkflowError(failure_line(exc)) from None


def _write(output: str, text: str) -> None:
    try:
        with click.open_file(output, "a" if output != "-" else "w", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        raise WorkflowError(f"--output {output}: cannot write: {exc.strerror or exc}") from None
