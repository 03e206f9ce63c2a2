"""Test support, public on purpose: run Pulumi programs with the real engine against a local file backend.

For tests, demos and benchmarks of programs that use `pachca_pulumi` (this project's own end-to-end
tests, `make demo` and the benchmark use it too): no Pulumi Cloud, no network, secrets encrypted with a
fixed passphrase. Pair it with `pachca_pulumi.emulator.EmulatorServer` for a Pachca API on loopback.

- `find_engine(engine_dir)` finds the directory of the `pulumi` CLI;
- `engine_env(engine_dir, workdir)` builds the environment a `pulumi` command needs for that;
- `LocalStack` runs an inline program through the Automation API in that environment.

Unlike the provider, this module reads the environment: `find_engine` reads PACHCA_PULUMI_ENGINE and
PATH, and `engine_env` starts from `os.environ` unless given another base. The engine directory must
hold `pulumi` and, for dynamic providers, the SDK's `pulumi-resource-pulumi-python` launcher (the
official CLI distribution has both).
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

__all__ = ["ENGINE_DIR_ENV", "PASSPHRASE", "LocalStack", "S3Backend", "engine_env", "find_engine"]

ENGINE_DIR_ENV = "PACHCA_PULUMI_ENGINE"
PASSPHRASE = "pachca-pulumi-local"

_NO_ENGINE = (
    "No pulumi CLI found: put pulumi on PATH (https://www.pulumi.com/docs/install/), "
    f"or pass engine_dir=<the directory holding pulumi> (or set {ENGINE_DIR_ENV} to it)."
)


def find_engine(engine_dir: Path | str | None = None) -> Path:
    """The directory of the `pulumi` CLI: `engine_dir`, else $PACHCA_PULUMI_ENGINE, else PATH's.

    Raises `ConfigError` naming the fixes when none of them holds a `pulumi`.
    """
    chosen = engine_dir or os.environ.get(ENGINE_DIR_ENV)
    if chosen:
        if not (Path(chosen) / "pulumi").exists():
            raise ConfigError(f"{chosen} holds no pulumi CLI. {_NO_ENGINE}")
        return Path(chosen)
    found = shutil.which("pulumi")
    if found:
        return Path(found).resolve().parent
    raise ConfigError(_NO_ENGINE)


def engine_env(engine_dir: Path, workdir: Path, *, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for `pulumi` commands with state in `workdir/state` (a file backend, created
    here, with `workdir/home` as PULUMI_HOME), the engine first on PATH and this Python for programs.

    Starts from `base` (default `os.environ`) without its PULUMI_* variables, so a developer's own
    login, home or access token cannot leak into the run; the result is a new dict.
    """
    state, home = (workdir / "state").resolve(), (workdir / "home").resolve()
    state.mkdir(parents=True, exist_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    inherited = os.environ if base is None else base
    env = {key: value for key, value in inherited.items() if not key.startswith("PULUMI_")}
    env.update(
        PULUMI_BACKEND_URL=f"file://{state}",
        PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
        PULUMI_HOME=str(home),
        PULUMI_SKIP_UPDATE_CHECK="true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
        PULUMI_PYTHON_CMD=sys.executable,
        PATH=os.pathsep.join(p for p in (str(engine_dir), inherited.get("PATH", "")) if p),
    )
    return env


class LocalStack:
    """One stack of one project in `workdir`, with its state in `workdir/state`.

    `engine_dir` defaults to `find_engine()`; `extra_env` is added to `engine_env(...)` (see `env`).
    """

    def __init__(
        self,
        workdir: Path,
        program: Callable[[], None],
        *,
        project: str = "pachca-chats",
        stack: str = "dev",
        engine_dir: Path | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        self._engine = find_engine(engine_dir)
        self._workdir = workdir
        self.env = {**engine_env(self._engine, workdir), **(extra_env or {})}
        backend = auto.ProjectBackend(url=self.env["PULUMI_BACKEND_URL"])
        options = auto.LocalWorkspaceOptions(
            work_dir=str(workdir),
            pulumi_home=self.env["PULUMI_HOME"],
            env_vars=self.env,
            pulumi_command=auto.PulumiCommand(root=str(self._engine.parent), skip_version_check=True),
            project_settings=auto.ProjectSettings(name=project, runtime="python", backend=backend),
        )
        self.stack = auto.create_or_select_stack(stack, project, program=program, opts=options)

    def configure(self, *, token: str | None = None, base_url: str | None = None) -> None:
        """Set `pachca:token` (as a secret) and `pachca:baseUrl` in the stack's config."""
        if token is not None:
            self.stack.set_config(TOKEN_CONFIG_KEY, auto.ConfigValue(token, secret=True))
        if base_url is not None:
            self.stack.set_config(BASE_URL_CONFIG_KEY, auto.ConfigValue(base_url))

    def up(self, **kwargs: Any) -> auto.UpResult:
        """`pulumi up` of the inline program; keyword arguments go to `Stack.up`."""
        return self.stack.up(**kwargs)

    def preview(self, **kwargs: Any) -> auto.PreviewResult:
        """`pulumi preview`; keyword arguments go to `Stack.preview`."""
        return self.stack.preview(**kwargs)

    def refresh(self, **kwargs: Any) -> auto.RefreshResult:
        """`pulumi refresh`; keyword arguments go to `Stack.refresh`."""
        return self.stack.refresh(**kwargs)

    def destroy(self, **kwargs: Any) -> auto.DestroyResult:
        """`pulumi destroy`; keyword arguments go to `Stack.destroy`."""
        return self.stack.destroy(**kwargs)

    def export_text(self, *, show_secrets: bool = False) -> str:
        """The raw output of `pulumi stack export` (with `--show-secrets` when asked)."""
        command = [str(self._engine / "pulumi"), "stack", "export", "--stack", self.stack.name]
        if show_secrets:
            command.append("--show-secrets")
        return subprocess.run(command, cwd=self._workdir, env=self.env, capture_output=True, text=True,
                              check=True).stdout

    def export(self) -> dict[str, Any]:
        """The stack's deployment (state) as a dict."""
        return dict(json.loads(self.export_text())["deployment"])

    def set_program(self, program: Callable[[], None]) -> None:
        """Replace the inline program the next operation runs."""
        self.stack.workspace.program = program

    def outputs(self) -> dict[str, Any]:
        """The stack's outputs as plain values (secrets decrypted)."""
        return {key: value.value for key, value in self.stack.outputs().items()}


class S3Backend:
    """An S3-compatible state backend on loopback for tests and benchmarks: moto's server mode
    (`pip install "moto[server]" boto3`, in the test extras) in a child process, with one bucket.

    `env` holds what a `pulumi` command needs to use it (`PULUMI_BACKEND_URL` and dummy AWS keys);
    pass it as `LocalStack(extra_env=...)`. Use as a context manager: the server stops on exit.
    """

    def __init__(self, bucket: str = "pulumi-state") -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.bucket = bucket
        credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}
        self.env = {**credentials, "PULUMI_BACKEND_URL": (
            f"s3://{bucket}?endpoint={self.endpoint}&s3ForcePathStyle=true&region=us-east-1")}
        server = shutil.which("moto_server", path=os.path.dirname(sys.executable)) or shutil.which("moto_server")
        if server is None:
            raise ConfigError('moto_server not found: pip install "moto[server]" boto3')
        self._process = subprocess.Popen([server, "-H", "127.0.0.1", "-p", str(self.port)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._create_bucket(credentials)

    def _create_bucket(self, credentials: Mapping[str, str]) -> None:
        import time

        import boto3

        client = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                              aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"])
        deadline = time.monotonic() + 30
        while True:
            try:
                client.create_bucket(Bucket=self.bucket)
                return
            except Exception:  # the server is still starting
                if time.monotonic() > deadline or self._process.poll() is not None:
                    self.close()
                    raise
                time.sleep(0.2)

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)

    def __enter__(self) -> S3Backend:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
