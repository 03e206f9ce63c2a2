"""`pulumi preview/up/destroy` in a `runtime: python` project directory, through our language host.

Pulumi's Go `pulumi-language-python` is not available from the Go module proxy, so langhost/
(the launcher `pulumi-language-python`, `pulumi_language_python.py` and `pachca_langhost/`) stands
in for it. These tests drive the real `pulumi` CLI with subprocess calls, exactly as a user would,
against a file backend. Its pure parts have unit tests in tests/unit/langhost/test_langhost_*.py.

The host under test is the repo's copy (put first on PATH from a temp bin dir); one test checks that
scripts/ensure-pulumi-cli installs that same copy into the engine dir.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import language_pb2, language_pb2_grpc

from pachca_pulumi.testing import engine_env

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
LANGHOST = ROOT / "langhost"
HOST_FILES = (
    "pulumi-language-python",
    "pulumi-resource-pulumi-python",
    "pulumi_language_python.py",
    *sorted(f"pachca_langhost/{module.name}" for module in (LANGHOST / "pachca_langhost").glob("*.py")),
)
EXEC_NAME = "pulumi-language-python-exec"
VERSION = "3.259.0"
TIMEOUT = 300  # seconds per CLI call: a hang fails the test instead of blocking the run

MYDYN = '''\
import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class EchoProvider(ResourceProvider):
    def create(self, props):
        text = props["text"]
        return CreateResult(id_=f"echo-{text}", outs={"text": text, "length": len(text)})


class Echo(Resource):
    text: pulumi.Output[str]
    length: pulumi.Output[int]

    def __init__(self, name, text, opts=None):
        super().__init__(EchoProvider(), name, {"text": text, "length": None}, opts)
'''

MAIN = '''\
import pulumi
from mydyn import Echo

config = pulumi.Config()
greeting = config.require("greeting")
print(f"program says {greeting}")
echo = Echo("echo", text=greeting)
pulumi.export("greeting", greeting)
pulumi.export("echo_id", echo.id)
pulumi.export("length", echo.length)
pulumi.export("pw", config.require_secret("pw"))
'''

FAILING_MAIN = '''\
import pulumi


def explode():
    raise ValueError("kaboom from the program")


pulumi.export("before", 1)
explode()
'''


@pytest.fixture(scope="module")
def host_bin(engine: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bin dir with the engine's `pulumi` and launcher plus the repo's language host."""
    assert (engine / "pulumi").exists(), f"no pulumi in {engine}"
    bin_dir = tmp_path_factory.mktemp("langhost-bin")
    # A hard link makes the engine see this dir as its own, so it finds this host both on PATH and
    # "next to the executable" (no ambient-plugin warning); a symlink works too, with the warning.
    try:
        os.link((engine / "pulumi").resolve(), bin_dir / "pulumi")
    except OSError:
        (bin_dir / "pulumi").symlink_to(engine / "pulumi")
    (bin_dir / "pachca_langhost").mkdir()
    for name in HOST_FILES:
        shutil.copy2(LANGHOST / name, bin_dir / name)
    if (engine / EXEC_NAME).exists():  # else the host falls back to the Go module cache
        shutil.copy2(engine / EXEC_NAME, bin_dir / EXEC_NAME)
    return bin_dir


class Project:
    """A project directory plus an isolated environment (file backend, own PULUMI_HOME)."""

    def __init__(self, root: Path, bin_dir: Path, engine: Path, name: str, files: dict[str, str]) -> None:
        self.dir = root / name
        self.dir.mkdir(parents=True)
        (self.dir / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
        for rel, text in files.items():
            (self.dir / rel).write_text(text)
        self.env = engine_env(engine, root)
        self.env["PATH"] = os.pathsep.join([str(bin_dir), self.env["PATH"]])

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        out = subprocess.run(
            ["pulumi", *args, "--non-interactive", "--color", "never"],
            cwd=self.dir, env=self.env, capture_output=True, text=True, timeout=TIMEOUT,
        )
        if check:
            failed = f"pulumi {' '.join(args)} failed ({out.returncode})"
            assert out.returncode == 0, f"{failed}:\n{out.stdout}\n{out.stderr}"
        return out

    def outputs(self, *, show_secrets: bool = False) -> dict[str, Any]:
        args = ["stack", "output", "--json"] + (["--show-secrets"] if show_secrets else [])
        return json.loads(self.run(*args).stdout)


def test_project_lifecycle_runs_through_the_language_host(
    tmp_path: Path, host_bin: Path, engine: Path
) -> None:
    proj = Project(tmp_path, host_bin, engine, "lhtest", {"__main__.py": MAIN, "mydyn.py": MYDYN})
    proj.run("stack", "init", "dev")
    proj.run("config", "set", "greeting", "hi")
    proj.run("config", "set", "--secret", "pw", "s3")

    preview = proj.run("preview")
    started = time.monotonic()
    up = proj.run("up", "--yes")
    up_seconds = time.monotonic() - started
    outputs = proj.outputs()
    secret_outputs = proj.outputs(show_secrets=True)
    again = proj.run("up", "--yes")
    destroy = proj.run("destroy", "--yes")

    assert "pulumi-language-python" not in preview.stdout + up.stdout  # the host itself stays quiet
    if not (host_bin / "pulumi").is_symlink():
        assert "warning" not in preview.stdout + up.stdout
    assert "program says hi" in preview.stdout  # program stdout reaches the engine
    assert "+ 2 to create" in preview.stdout
    assert "+ 2 created" in up.stdout
    assert outputs == {"greeting": "hi", "echo_id": "echo-hi", "length": 2, "pw": "[secret]"}
    assert secret_outputs["pw"] == "s3"
    assert "2 unchanged" in again.stdout and "created" not in again.stdout
    assert "- 2 deleted" in destroy.stdout
    assert proj.outputs() == {}
    print(f"pulumi up (preview + update) through the language host: {up_seconds:.2f}s")


def test_failing_program_shows_traceback_and_fails_the_update(
    tmp_path: Path, host_bin: Path, engine: Path
) -> None:
    proj = Project(tmp_path, host_bin, engine, "lhfail", {"__main__.py": FAILING_MAIN})
    proj.run("stack", "init", "dev")

    up = proj.run("up", "--yes", check=False)

    text = up.stdout + up.stderr
    assert up.returncode != 0
    assert "Program failed with an unhandled exception" in text
    assert "Traceback (most recent call last)" in text
    assert "ValueError: kaboom from the program" in text
    assert 'raise ValueError("kaboom from the program")' in text
    # exit code 32 means "already reported": the host bails instead of adding a second error
    assert "non-zero exit code" not in text


def test_nonzero_exit_is_reported_as_a_program_error(tmp_path: Path, host_bin: Path, engine: Path) -> None:
    program = 'import sys\nprint("about to leave")\nsys.exit(3)\n'
    proj = Project(tmp_path, host_bin, engine, "lhexit", {"__main__.py": program})
    proj.run("stack", "init", "dev")

    preview = proj.run("preview", check=False)

    assert preview.returncode != 0
    assert "program exited with non-zero exit code: 3" in preview.stdout + preview.stderr
    assert "about to leave" in preview.stdout


def test_main_subdirectory_and_runtime_virtualenv_option(
    tmp_path: Path, host_bin: Path, engine: Path
) -> None:
    """`main:` picks the program dir; `runtime.options.virtualenv` picks the program's Python."""
    program = (
        "import os, sys\nimport pulumi\n"
        'pulumi.export("exe", sys.executable)\n'
        'pulumi.export("venv", os.environ.get("VIRTUAL_ENV", ""))\n'
        'pulumi.export("cwd", os.getcwd())\n'
        'pulumi.export("root", pulumi.get_root_directory())\n'
    )
    proj = Project(tmp_path, host_bin, engine, "lhvenv", {})
    (proj.dir / "src").mkdir()
    (proj.dir / "src" / "__main__.py").write_text(program)
    (proj.dir / "Pulumi.yaml").write_text(
        "name: lhvenv\nruntime:\n  name: python\n  options:\n    virtualenv: myvenv\nmain: src/\n"
    )
    # A venv without the SDK of its own: a .pth file makes this interpreter's packages visible.
    venv = proj.dir / "myvenv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=TIMEOUT)
    purelib = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, timeout=TIMEOUT,
    ).stdout.strip()
    ours = [p for p in sys.path if p.endswith("site-packages")]
    Path(purelib, "parent.pth").write_text("\n".join(ours) + "\n")
    # Without PULUMI_PYTHON_CMD the host itself runs on `python3`: make that one with the SDK.
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "python3").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (shim / "python3").chmod(0o755)
    del proj.env["PULUMI_PYTHON_CMD"]
    proj.env["PATH"] = f"{shim}{os.pathsep}{proj.env['PATH']}"
    proj.run("stack", "init", "dev")

    proj.run("up", "--yes", "--skip-preview")
    outputs = proj.outputs()

    assert Path(outputs["exe"]) == venv / "bin" / "python"
    assert Path(outputs["venv"]) == venv
    assert Path(outputs["cwd"]) == proj.dir / "src"
    assert Path(outputs["root"]) == proj.dir


def test_host_protocol_startup_rpcs_and_shutdown(host_bin: Path) -> None:
    """Started like the engine starts plugins, with flags it does not know; stops on SIGTERM."""
    argv = [str(host_bin / "pulumi-language-python"), "--logtostderr", "-v=3", "--tracing", "",
            "-root", str(host_bin), "-virtualenv=venv", "-some-new-flag", "127.0.0.1:1"]
    env = {**os.environ, "PULUMI_PYTHON_CMD": sys.executable}
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline().strip())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = language_pb2_grpc.LanguageRuntimeStub(channel)
            info = stub.GetPluginInfo(empty_pb2.Empty(), timeout=30)
            stub.Handshake(language_pb2.LanguageHandshakeRequest(engine_address="127.0.0.1:2"), timeout=30)
            packages = stub.GetRequiredPackages(language_pb2.GetRequiredPackagesRequest(), timeout=30)
            plugins = stub.GetRequiredPlugins(language_pb2.GetRequiredPluginsRequest(), timeout=30)
            prompts = stub.RuntimeOptionsPrompts(language_pb2.RuntimeOptionsRequest(), timeout=30)
            installs = list(stub.InstallDependencies(language_pb2.InstallDependenciesRequest(), timeout=30))
            about = stub.About(language_pb2.AboutRequest(), timeout=60)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        stop_seconds = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        stderr = proc.stderr.read() if proc.stderr else ""
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()

    assert info.version == VERSION
    assert list(packages.packages) == [] and list(plugins.plugins) == [] and list(prompts.prompts) == []
    assert all(not r.stderr for r in installs)
    assert about.executable and about.version.count(".") == 2
    assert code == 0, stderr
    assert stop_seconds < 5  # the engine escalates to SIGKILL after 5s
    assert "Traceback" not in stderr


def test_ensure_pulumi_cli_installs_the_language_host(engine: Path) -> None:
    started = time.monotonic()
    out = subprocess.run(
        [str(SCRIPTS / "ensure-pulumi-cli")], capture_output=True, text=True, timeout=TIMEOUT
    )
    seconds = time.monotonic() - started
    assert out.returncode == 0, out.stderr
    engine_dir = Path(out.stdout.strip().splitlines()[-1])

    for name in HOST_FILES:
        assert (engine_dir / name).read_bytes() == (LANGHOST / name).read_bytes(), name
    for name in ("pulumi-language-python", EXEC_NAME, "pulumi-resource-pulumi-python"):
        assert (engine_dir / name).stat().st_mode & stat.S_IXUSR, f"{name} is not executable"
    assert "pulumi.runtime.configure" in (engine_dir / EXEC_NAME).read_text()
    assert seconds < 60, f"second call took {seconds:.1f}s"


def test_runtime_virtualenv_is_honoured_without_activation(tmp_path: Path, host_bin: Path, engine: Path) -> None:
    """With `runtime.options.virtualenv` and no activated venv (the `python3` on PATH has no SDK),
    the host and the dynamic-provider launcher both run on the project's venv, as the official ones do."""
    proj = Project(tmp_path, host_bin, engine, "lhnoact", {"__main__.py": MAIN, "mydyn.py": MYDYN})
    (proj.dir / "Pulumi.yaml").write_text("name: lhnoact\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n")
    _venv_seeing_our_packages(proj.dir / "venv")
    shim = tmp_path / "shim"
    shim.mkdir()
    # `python3 -S` imports no site-packages: what a machine's python3 without the SDK looks like.
    (shim / "python3").write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
    (shim / "python3").chmod(0o755)
    del proj.env["PULUMI_PYTHON_CMD"]
    proj.env["PATH"] = f"{shim}{os.pathsep}{proj.env['PATH']}"
    proj.run("stack", "init", "dev")
    proj.run("config", "set", "greeting", "hey")
    proj.run("config", "set", "--secret", "pw", "s3")

    up = proj.run("up", "--yes")

    assert "cannot import the Pulumi SDK" not in up.stdout + up.stderr
    assert "+ 2 created" in up.stdout
    assert proj.outputs()["echo_id"] == "echo-hey"


def _venv_seeing_our_packages(venv: Path) -> Path:
    """A venv without the SDK of its own: a .pth file makes this interpreter's packages visible."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=TIMEOUT)
    purelib = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, timeout=TIMEOUT,
    ).stdout.strip()
    Path(purelib, "parent.pth").write_text("\n".join(p for p in sys.path if p.endswith("site-packages")) + "\n")
    return venv
