"""The `pachca-pulumi` command: click wiring, error translation and output only.

* `pachca-pulumi import` reads the group chats and channels a workspace already has and writes a
  Pulumi program (or a chat file for `declare_chats`) that adopts them: its first `pulumi up`
  changes nothing in the workspace. The work is done by `importer.py`.
* `pachca-pulumi recover` repairs a stack after a killed `pulumi up` (`recovery.py`).
* `pachca-pulumi users` and `pachca-pulumi tags` list people and group tags with the ids, emails and
  nicknames programs use as references (`listing.py`).
* `pachca-pulumi emulator` runs the local Pachca API emulator (same as `python -m pachca_pulumi.emulator`).

`import` writes to stdout or `--output`, progress and the summary to stderr; `recover` reports on
stdout. Errors go to stderr: exit 1 for a failed operation, 2 for a command that cannot run as
invoked. The token is never printed: every error passes through the redaction step, and
`--token -` reads it from stdin (a literal `--token` value, visible in the process list, gets a warning).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .. import __version__
from .._token_option import token_callback
from ..api._constants import TOKEN_ENV
from ..api.client import PachcaClient
from ..api.models import GroupTag as ApiGroupTag
from ..emulator.__main__ import main as emulator_main
from ..native.plugin import install_command
from .cli_config import (
    WHERE_SETTINGS,
    CliError,
    api_errors,
    command_config,
    stack_managed,
)
from .cli_workflows import drift_command, inventory_command
from .importer import FORMATS, Selection, build_specs, format_for_output, header, list_chats, render, resource_names
from .listing import nothing_listed_hint
from .managed import Managed
from .people_listing import people_row, render_rows
from .recovery import RecoveryReport, recover_stack
from .tag_import import import_tags

__all__ = ["main"]

_CONTEXT = {"help_option_names": ["-h", "--help"]}


@click.group(context_settings=_CONTEXT)
@click.version_option(__version__, "--version", prog_name="pachca-pulumi", message="%(prog)s %(version)s")
def main() -> None:
    """Pachca chats as code with Pulumi: import existing chats, list people and tags, recover a stack, run a
    local API emulator."""


main.add_command(emulator_main, name="emulator")
main.add_command(drift_command)
main.add_command(inventory_command)
main.add_command(install_command)


def _settings_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--token, --base-url, --stack and --cwd: the same four options, read by `WHERE_SETTINGS`, on
    every command that talks to the API."""
    options = [
        click.option("--token", metavar="TOKEN|-", callback=token_callback(TOKEN_ENV),
                     help="API token (see below for where it comes from otherwise). - reads it from stdin; a "
                          "literal value shows in the process list (a warning says so). Never printed."),
        click.option("--base-url", metavar="URL", help="API base URL (see below)."),
        click.option("--stack", metavar="NAME", help="The project's stack whose config is read (and, for "
                     "import, whose chats and tags are left out; for recover, the one repaired); default the "
                     "selected stack."),
        click.option("--cwd", default=".", show_default=True, metavar="DIR",
                     type=click.Path(exists=True, file_okay=False, path_type=Path),
                     help="The Pulumi project directory (a Pulumi.yaml there means its stack config is read)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command("import", context_settings=_CONTEXT, short_help="Write a program that adopts existing chats.",
              epilog=WHERE_SETTINGS)
@_settings_options
@click.option("--output", "-o", default="-", show_default=True, metavar="FILE|-",
              help="Where to write; - is stdout.")
@click.option("--format", "file_format", type=click.Choice(FORMATS), default=None,
              help="program: a Pulumi Python program (default); yaml/json: a chat file for declare_chats. "
                   "Default from the --output extension (.yaml/.yml/.json), else program.")
@click.option("--name-pattern", "patterns", multiple=True, metavar="GLOB",
              help="Only chats whose name matches this glob, case-insensitive (repeatable).")
@click.option("--id", "ids", multiple=True, type=click.IntRange(min=1), metavar="ID",
              help="Only the chat with this id (repeatable; combines with --name-pattern as 'either').")
@click.option("--channels-only", is_flag=True, help="Only channels, no group chats.")
@click.option("--include-archived", is_flag=True, help="Also archived chats (declared with archived=True).")
@click.option("--exclusive-members", is_flag=True,
              help="Declare every chat (and, with --group-tags, every tag) with exclusive_members=True "
                   "(members added later by hand get removed).")
@click.option("--group-tags", "group_tags", is_flag=True,
              help="Also declare the workspace's group tags as GroupTag resources adopting them with their "
                   "members, and reference them from the chats by resource instead of by id.")
@click.option("--include-managed", is_flag=True,
              help="Also write the chats and tags the project's stack already manages (left out by default).")
def import_command(
    token: str | None,
    base_url: str | None,
    output: str,
    file_format: str | None,
    patterns: tuple[str, ...],
    ids: tuple[int, ...],
    channels_only: bool,
    include_archived: bool,
    exclusive_members: bool,
    group_tags: bool,
    stack: str | None,
    include_managed: bool,
    cwd: Path,
) -> None:
    """Write a Pulumi program (or chat file) that adopts the workspace's group chats and channels.

    Each chat is declared with its current name, members, group tags and flags, and with
    adopt_id=<its id>, so the first `pulumi up` adopts it and changes nothing. Chats are sorted by
    id; resource names are slugs of the chat names (duplicates get the chat id appended). Run in a
    project directory, it leaves out what the stack manages (not when --token points elsewhere
    without --stack).
    """
    selection = Selection(patterns, ids, channels_only, include_archived)
    file_format = file_format or format_for_output(output)
    config = command_config(token, base_url, cwd, stack)
    owned = None if include_managed else stack_managed(token, cwd, stack)
    with api_errors(), PachcaClient(config) as client:
        listed = list_chats(client, selection, progress=_echo_listed)
        if not listed and not selection.ids:
            click.echo(f"note: {nothing_listed_hint(client)}", err=True)
        skip = owned or Managed()
        tags = import_tags(client, _tag_names, exclusive_members=exclusive_members, skip=skip.tags) \
            if group_tags else None
        specs = build_specs(client, listed, selection, exclusive_members=exclusive_members, tags=tags,
                            skip=skip.chats)
    if owned:
        click.echo(owned.note(owned.chosen(listed, selection), group_tags), err=True)
    tag_count = None if tags is None else len(tags.specs)
    text = header(config.base_url, len(specs), selection, file_format, exclusive_members=exclusive_members,
                  tag_count=tag_count)
    _write(output, render(specs, file_format, text, tags))
    target = "" if output == "-" else f" into {output}"
    also = "" if tag_count is None else f" and {tag_count} group tag{'s' if tag_count != 1 else ''}"
    click.echo(f"imported {len(specs)} of {len(listed)} listed chats{also}{target}", err=True)


def _tag_names(tags: list[ApiGroupTag]) -> dict[int, str]:
    return resource_names(tags, fallback="tag")


@main.command("recover", context_settings=_CONTEXT, short_help="Repair a stack after a killed `pulumi up`.",
              epilog=WHERE_SETTINGS)
@_settings_options
@click.option("--dry-run", is_flag=True, help="Print what the repair would do; import nothing.")
@click.option("--journal", type=click.Path(dir_okay=False, path_type=Path), envvar="PACHCA_PULUMI_JOURNAL",
              help="The create journal of a fast rollout (PULUMI_SKIP_CHECKPOINTS=true); default "
                   "$PACHCA_PULUMI_JOURNAL. Its untracked chats are taken over by the next `pulumi up`.")
@click.option("--pulumi-command", default="pulumi", hidden=True, metavar="PATH",
              help="The pulumi executable to run.")
def recover_command(
    stack: str | None,
    cwd: Path,
    dry_run: bool,
    token: str | None,
    base_url: str | None,
    journal: Path | None,
    pulumi_command: str,
) -> None:
    """Repair a stack whose `pulumi up` was killed while creating chats.

    Run this, then `pulumi up`. It releases the dead run's lock itself (as `pulumi cancel --yes`
    does), so never run it while another `pulumi up` of the stack is running. Each pending create of a Chat is
    bound to the untracked chat it made (same name, kind and visibility, owned by the token's user,
    newest first), or dropped when its request never reached Pachca, so `pulumi up` creates no chat
    twice. The pulumi CLI must be on PATH, with the backend and secrets (e.g.
    PULUMI_CONFIG_PASSPHRASE) set up as for `pulumi up`.

    After a fast rollout (engine checkpoints skipped, creates journaled), pass --journal: the chats
    the killed run made become orphans that the next `pulumi up` takes over, one per resource.
    """
    config = command_config(token, base_url, cwd, stack, pulumi=pulumi_command, in_project=True)  # it repairs one
    with api_errors():
        report = recover_stack(cwd, config, stack=stack, dry_run=dry_run, pulumi=pulumi_command, journal=journal)
    _echo_report(report, _pulumi_words(stack, cwd), dry_run=dry_run)


_FORMAT = click.Choice(["text", "json"])


@main.command("users", context_settings=_CONTEXT, short_help="List people with ids, emails and nicknames.",
              epilog=WHERE_SETTINGS)
@_settings_options
@click.option("--query", "-q", metavar="TEXT", help="Only people whose name, email, phone or nickname match.")
@click.option("--format", "output_format", type=_FORMAT, default="text", show_default=True)
def users_command(token: str | None, base_url: str | None, stack: str | None, cwd: Path, query: str | None,
                  output_format: str) -> None:
    """List the workspace's people, so programs can name them in members, admins and editors
    (by id, email or @nickname)."""
    with api_errors(), PachcaClient(command_config(token, base_url, cwd, stack)) as client:
        rows = [people_row(user) for user in client.list_users(query=query)]
    click.echo(render_rows(rows, output_format, ("id", "nickname", "email", "name", "note")))


@main.command("tags", context_settings=_CONTEXT, short_help="List group tags with ids and sizes.",
              epilog=WHERE_SETTINGS)
@_settings_options
@click.option("--format", "output_format", type=_FORMAT, default="text", show_default=True)
def tags_command(token: str | None, base_url: str | None, stack: str | None, cwd: Path, output_format: str) -> None:
    """List the workspace's group tags, so programs can name them in group_tag_ids."""
    with api_errors(), PachcaClient(command_config(token, base_url, cwd, stack)) as client:
        rows = [{"id": tag.id, "name": tag.name, "users_count": tag.users_count} for tag in client.list_tags()]
    click.echo(render_rows(rows, output_format, ("id", "name", "users_count")))


# Output


def _echo_listed(count: int) -> None:
    click.echo(f"listed {count} chats...", err=True)


def _write(output: str, text: str) -> None:
    try:
        with click.open_file(output, "w", encoding="utf-8", atomic=output != "-") as stream:
            stream.write(text)
    except OSError as exc:
        raise CliError(f"--output {output}: cannot write: {exc.strerror or exc}") from None


def _pulumi_words(stack: str | None, cwd: Path) -> str:
    """The `--stack`/`--cwd` arguments that point a pulumi command at the same stack."""
    words = ["--stack", shlex.quote(stack)] if stack else []
    return " ".join(words + (["--cwd", shlex.quote(str(cwd))] if cwd != Path(".") else []))


def _echo_report(report: RecoveryReport, pulumi_words: str, *, dry_run: bool) -> None:
    """The report on stdout, one line per outcome, then what to run next."""
    if dry_run:
        click.echo("dry run, nothing imported; the repair would be:")
        for line in report.lines():
            click.echo(f"  {line}")
        if report.repairs:
            click.echo("run the same command without --dry-run to apply it")
        else:
            click.echo("nothing to repair: the stack needs no `pachca-pulumi recover`")
        return
    for line in report.lines():
        click.echo(line)
    click.echo(f"now run `pulumi up{' ' if pulumi_words else ''}{pulumi_words}`")
