"""A `runtime: yaml` project driven through the real `pulumi` CLI, with the native provider installed
the documented way (`pachca-pulumi install-plugin`) into the project's own PULUMI_HOME.

The YAML language host comes from $PACHCA_PULUMI_YAML (`make test` sets it) or scripts/ensure-pulumi-yaml.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from pachca_pulumi.testing import engine_env

ROOT = Path(__file__).resolve().parents[2]
YAML_HOST_ENV = "PACHCA_PULUMI_YAML"
TIMEOUT = 300  # seconds per CLI call: a hang fails the test instead of blocking the run


def find_yaml_host() -> Path:
    """The directory holding `pulumi-language-yaml` (built and cached on first use)."""
    configured = os.environ.get(YAML_HOST_ENV)
    if configured:
        return Path(configured)
    out = subprocess.run([str(ROOT / "scripts" / "ensure-pulumi-yaml")], capture_output=True, text=True)
    assert out.returncode == 0, f"scripts/ensure-pulumi-yaml failed:\n{out.stderr[-3000:]}"
    return Path(out.stdout.strip().splitlines()[-1])


def install_native_plugin(engine: Path, env: dict[str, str]) -> str:
    """`pachca-pulumi install-plugin` into the PULUMI_HOME of `env`; what it printed."""
    cli = str(Path(sys.executable).parent / "pachca-pulumi")
    command = [cli, "install-plugin", "--pulumi", str(engine / "pulumi")]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


class YamlProject:
    """A project directory with a `Pulumi.yaml` program and a stack `dev` on a file backend."""

    def __init__(self, workdir: Path, engine: Path, yaml_host: Path) -> None:
        self.dir = workdir / "project"
        self.dir.mkdir(parents=True)
        env = engine_env(engine, workdir)
        env["PATH"] = os.pathsep.join((str(yaml_host), env["PATH"]))
        self.env = env
        self.pulumi = str(engine / "pulumi")
        self.program: dict[str, object] = {"name": "chats", "runtime": "yaml", "resources": {}}

    def install_plugin(self) -> str:
        """The documented install: one command after `pip install`."""
        return install_native_plugin(Path(self.pulumi).parent, self.env)

    def write(self, resources: dict[str, object]) -> None:
        self.program["resources"] = resources
        (self.dir / "Pulumi.yaml").write_text(yaml.safe_dump(self.program, sort_keys=False))

    def run(self, *args: str, ok: bool = True) -> str:
        """`pulumi <args>` in the project; its stdout and stderr together."""
        done = subprocess.run([self.pulumi, *args], cwd=self.dir, capture_output=True, text=True,
                              env=self.env, timeout=TIMEOUT)
        output = done.stdout + done.stderr
        assert (done.returncode == 0) == ok, f"pulumi {' '.join(args)} exited {done.returncode}:\n{output}"
        return output

    def init(self, token: str, base_url: str) -> None:
        self.write({})
        self.run("stack", "init", "dev")
        self.run("config", "set", "--secret", "pachca:token", token)
        self.run("config", "set", "pachca:baseUrl", base_url)

    def imported(self, path: Path) -> dict[str, object]:
        """The resources `pulumi import --out` wrote."""
        loaded = yaml.safe_load(path.read_text())
        assert isinstance(loaded, dict)
        return dict(loaded["resources"])
