"""`pachca-pulumi install-plugin`: install the native provider the way Pulumi installs plugins.

It writes a plugin archive whose `pulumi-resource-pachca` launcher runs this interpreter's
`python -m pachca_pulumi.native`, and hands it to `pulumi plugin install resource pachca <version>
--file <archive>`. The engine then finds the provider in its plugin cache, at the package's version,
with no "using ... from $PATH" warning (the wheel puts no `pulumi-resource-*` on PATH for that reason).
"""

from __future__ import annotations

import io
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Mapping
from pathlib import Path

import click

from .schema import PACKAGE, package_version

__all__ = ["LAUNCHER", "install_command", "install_plugin", "plugin_archive"]

LAUNCHER = f"pulumi-resource-{PACKAGE}"


def launcher_script(python: str = sys.executable) -> str:
    """The plugin's launcher: this interpreter (the venv the package is installed in) runs the provider."""
    return f"#!/bin/sh\nexec {shlex.quote(python)} -m pachca_pulumi.native \"$@\"\n"


def plugin_archive(target: Path, python: str = sys.executable) -> Path:
    """Write the plugin archive (a .tar.gz holding the launcher) to `target`."""
    data = launcher_script(python).encode()
    with tarfile.open(target, "w:gz") as archive:
        info = tarfile.TarInfo(LAUNCHER)
        info.size, info.mode = len(data), 0o755
        archive.addfile(info, io.BytesIO(data))
    return target


def install_plugin(pulumi: str = "pulumi", env: Mapping[str, str] | None = None) -> str:
    """Install the plugin into the engine's plugin cache ($PULUMI_HOME of `env`, default this
    process's environment); returns what pulumi printed. Raises click.ClickException naming the
    fix when `pulumi` is missing or fails."""
    binary = shutil.which(pulumi)
    if binary is None:
        raise click.ClickException(f"no {pulumi!r} command found: install the Pulumi CLI, "
                                   "or pass --pulumi PATH")
    with tempfile.TemporaryDirectory() as tmp:
        archive = plugin_archive(Path(tmp) / f"{LAUNCHER}-{package_version()}.tar.gz")
        command = [binary, "plugin", "install", "resource", PACKAGE, package_version(),
                   "--file", str(archive), "--reinstall"]
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              env=dict(os.environ if env is None else env))
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise click.ClickException(f"pulumi plugin install failed: {last[0]}")
    return (done.stdout + done.stderr).strip()


@click.command("install-plugin",
               short_help="Install the native provider for Pulumi YAML and other languages.")
@click.option("--pulumi", "pulumi", default="pulumi", show_default=True, metavar="PATH",
              help="The pulumi CLI to install the plugin with.")
def install_command(pulumi: str) -> None:
    """Install `pulumi-resource-pachca` (this package's version) into Pulumi's plugin cache, so
    `runtime: yaml` programs (and any language) can use the `pachca:index:Chat` and
    `pachca:index:GroupTag` resources."""
    output = install_plugin(pulumi)
    if output:
        click.echo(output)
    click.echo(f"installed resource plugin {PACKAGE} v{package_version()} (runs {sys.executable})")
