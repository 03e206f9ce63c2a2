"""The GitLab recipe (examples/ci/gitlab/.gitlab-ci.yml), executed by gitlab-ci-local with the shell executor.

A project repository holds the recipe, Pulumi.yaml and a program; its stack lives in a file backend and its
chats in the emulator. The merge request pipeline runs `pulumi-preview`; the scheduled one runs `pulumi-drift`,
which passes while the chats match and fails, naming who made the change, once a second user changed one.
gitlab-ci-local comes from scripts/ensure-gitlab-ci-local (npm, cached outside the repo) unless $GITLAB_CI_LOCAL
names one. The recipe finds `pulumi` and pachca-pulumi already installed (this venv and the engine on PATH).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.testing import engine_env

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "examples" / "ci" / "gitlab" / ".gitlab-ci.yml"
OWNER, ADMIN = "gitlab-owner-token-51d", "gitlab-admin-token-7e2"
TIMEOUT = 600
MAIN = 'from pachca_pulumi import Chat\n\nChat("eng", name="Engineering", member_ids=[3, 4])\n'


@pytest.fixture(scope="module")
def gitlab_ci_local() -> str:
    configured = os.environ.get("GITLAB_CI_LOCAL")
    if configured:
        return configured
    out = subprocess.run([str(ROOT / "scripts" / "ensure-gitlab-ci-local")], capture_output=True, text=True)
    assert out.returncode == 0, f"scripts/ensure-gitlab-ci-local failed:\n{out.stderr[-3000:]}"
    return out.stdout.strip().splitlines()[-1]


class Repository:
    """A git repository with the recipe and a Pachca stack, and the pipelines gitlab-ci-local runs in it."""

    def __init__(self, root: Path, engine: Path, server: EmulatorServer, runner: str) -> None:
        self.dir = root / "repo"
        self.dir.mkdir(parents=True)
        shutil.copy(RECIPE, self.dir / ".gitlab-ci.yml")
        (self.dir / "Pulumi.yaml").write_text("name: chats\nruntime: python\n")
        (self.dir / "__main__.py").write_text(MAIN)
        (self.dir / ".gitignore").write_text(".gitlab-ci-local/\n.pulumi-ci/\n")
        self.runner = runner
        self.env = engine_env(engine, root)
        self.env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), self.env["PATH"]])
        self.env.update(PACHCA_TOKEN=OWNER, PACHCA_BASE_URL=server.base_url, HOME=str(root / "home"))
        self._git("init", "-q", "-b", "main")
        self._git("add", "-A")
        self._git("-c", "user.email=ci@example.test", "-c", "user.name=ci", "commit", "-qm", "chats")

    def _git(self, *args: str) -> None:
        subprocess.run(["git", *args], cwd=self.dir, check=True, capture_output=True, env=self.env)

    def pulumi(self, *args: str) -> None:
        out = subprocess.run(["pulumi", *args, "--non-interactive"], cwd=self.dir, env=self.env,
                             capture_output=True, text=True, timeout=TIMEOUT)
        assert out.returncode == 0, out.stdout + out.stderr

    def pipeline(self, source: str, job: str) -> subprocess.CompletedProcess[str]:
        """Run one job of the pipeline `source` triggers, as GitLab's shell executor would."""
        # A shell runner's CI_PROJECT_DIR is the checkout it runs in; gitlab-ci-local 4.70 would point it at
        # /builds/... (its container path) even with the shell executor.
        variables = {"CI_PIPELINE_SOURCE": source, "CI_PROJECT_DIR": str(self.dir), "PULUMI_STACK": "dev",
                     "PULUMI_BACKEND_URL": self.env["PULUMI_BACKEND_URL"]}
        args = [a for k, v in variables.items() for a in ("--variable", f"{k}={v}")]
        command = [self.runner, "--force-shell-executor", "--no-color",
                   "--ignore-predefined-vars", "CI_PIPELINE_SOURCE,CI_PROJECT_DIR", *args, job]
        return subprocess.run(command, cwd=self.dir, env=self.env, capture_output=True, text=True, timeout=TIMEOUT)


@pytest.fixture
def repo(tmp_path: Path, engine: Path, gitlab_ci_local: str) -> Iterator[Repository]:
    with EmulatorServer(tokens=(OWNER, ADMIN), quiet=True) as server:
        repository = Repository(tmp_path, engine, server, gitlab_ci_local)
        repository.pulumi("stack", "init", "dev")
        repository.pulumi("up", "--yes")
        repository.server = server  # type: ignore[attr-defined]
        yield repository


def _rename_by_hand(server: EmulatorServer) -> None:
    with httpx.Client(base_url=server.base_url + "/", headers={"Authorization": f"Bearer {ADMIN}"}) as admin:
        chats = httpx.get(server.base_url + "/chats", headers={"Authorization": f"Bearer {OWNER}"}).json()["data"]
        assert len(chats) == 1
        admin.put(f"chats/{chats[0]['id']}", json={"chat": {"name": "Renamed in the UI"}}).raise_for_status()


def test_gitlab_merge_request_preview_job_passes(repo: Repository) -> None:
    result = repo.pipeline("merge_request_event", "pulumi-preview")

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Using the pulumi CLI on PATH" in result.stdout and "pachca-pulumi is already installed" in result.stdout
    assert "not posted to the merge request" in result.stdout and "2 unchanged" in result.stdout
    assert "Resources:" in (repo.dir / ".pulumi-ci" / "pulumi-preview.txt").read_text()


def test_gitlab_drift_job_passes_when_clean_and_fails_naming_who_drifted(repo: Repository) -> None:
    clean = repo.pipeline("schedule", "pulumi-drift")
    _rename_by_hand(repo.server)  # type: ignore[attr-defined]
    drifted = repo.pipeline("schedule", "pulumi-drift")

    assert clean.returncode == 0, clean.stdout[-4000:] + clean.stderr[-2000:]
    assert "No drift: the chats in Pachca match stack dev" in clean.stdout
    assert drifted.returncode != 0, drifted.stdout[-4000:]
    assert 'name: declared "Engineering", actual "Renamed in the UI"' in drifted.stdout
    assert "changed by Tatiana Moreau <tatiana.moreau@example.com> at" in drifted.stdout
    assert "DRIFT: the chats in Pachca differ from stack dev" in drifted.stdout
    summary = (repo.dir / ".pulumi-ci" / "drift.md").read_text()
    assert "| `eng` (" in summary and "Tatiana Moreau" in summary
    assert OWNER not in clean.stdout + drifted.stdout + summary
