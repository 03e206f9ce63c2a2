"""Run a Pulumi program against a local file backend with the real engine (Automation API).

Used by the demo, the end-to-end tests and the benchmark: no Pulumi Cloud, no network, secrets
encrypted with a passphrase. The engine directory holds `pulumi` and the dynamic-provider
launcher (`scripts/ensure-pulumi-cli` prints one).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from .api._constants import BASE_URL_CONFIG_KEY, TOKEN_CONFIG_KEY
from .api.errors import ConfigError

__all__ = ["LocalStack", "find_engine"]

ENGINE_ENV = "PACHCA_PULUMI_ENGINE"
PASSPHRASE = "pachca-pulumi-local"


def find_engine() -> Path:
    """The directory of the `pulumi` CLI: $PACHCA_PULUMI_ENGINE, else the one on PATH."""
    configured = os.environ.get(ENGINE_ENV)
    if configured:
        return Path(configured)
    found = shutil.which("pulumi")
    if found:
        return Path(found).resolve().parent
    raise ConfigError(
        "No pulumi CLI: run scripts/ensure-pulumi-cli (it builds one) and export "
        f"{ENGINE_ENV}=<the directory it prints>, or put pulumi on PATH."
    )


class LocalStack:
    """One stack of one project in `workdir`, with its state in `workdir/state`."""

    def __init__(
        self,
        workdir: Path,
        program: Callable[[], None],
        *,
        project: str = "pachca-chats",
        stack: str = "dev",
        engine: Path | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        engine = engine or find_engine()
        self._engine = engine
        self._workdir = workdir
        (workdir / "state").mkdir(parents=True, exist_ok=True)
        (workdir / "home").mkdir(parents=True, exist_ok=True)
        backend = f"file://{(workdir / 'state').resolve()}"
        self.env = {
            "PULUMI_BACKEND_URL": backend,
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_HOME": str((workdir / "home").resolve()),
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_PYTHON_CMD": sys.executable,
            "PATH": f"{engine}{os.pathsep}{os.environ.get('PATH', '')}",
            **(extra_env or {}),
        }
        options = auto.LocalWorkspaceOptions(
            work_dir=str(workdir),
            pulumi_home=self.env["PULUMI_HOME"],
            env_vars=self.env,
            pulumi_command=auto.PulumiCommand(root=str(engine.parent), skip_version_check=True),
            project_settings=auto.ProjectSettings(
                name=project, runtime="python", backend=auto.ProjectBackend(url=backend)
            ),
        )
        self.stack = auto.create_or_select_stack(stack, project, program=program, opts=options)

    def configure(self, *, token: str | None = None, base_url: str | None = None) -> None:
        """Set `pachca:token` (as a secret) and `pachca:baseUrl` in the stack's config."""
        if token is not None:
            self.stack.set_config(TOKEN_CONFIG_KEY, auto.ConfigValue(token, secret=True))
        if base_url is not None:
            self.stack.set_config(BASE_URL_CONFIG_KEY, auto.ConfigValue(base_url))

    def up(self, **kwargs: Any) -> auto.UpResult:
        return self.stack.up(**kwargs)

    def preview(self, **kwargs: Any) -> auto.PreviewResult:
        return self.stack.preview(**kwargs)

    def refresh(self, **kwargs: Any) -> auto.RefreshResult:
        return self.stack.refresh(**kwargs)

    def destroy(self, **kwargs: Any) -> auto.DestroyResult:
        return self.stack.destroy(**kwargs)

    def export_text(self, *, show_secrets: bool = False) -> str:
        """The raw output of `pulumi stack export` (with `--show-secrets` when asked)."""
        command = [str(self._engine / "pulumi"), "stack", "export", "--stack", self.stack.name]
        if show_secrets:
            command.append("--show-secrets")
        env = {**os.environ, **self.env}
        return subprocess.run(command, cwd=self._workdir, env=env, capture_output=True, text=True,
                              check=True).stdout

    def export(self) -> dict[str, Any]:
        """The stack's deployment (state) as a dict."""
        return dict(json.loads(self.export_text())["deployment"])

    def set_program(self, program: Callable[[], None]) -> None:
        """Replace the inline program the next operation runs."""
        self.stack.workspace.program = program

    def outputs(self) -> dict[str, Any]:
        return {key: value.value for key, value in self.stack.outputs().items()}
