"""The language host's Run request handling (langhost/pachca_langhost/service.py) and its import hygiene."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import language_pb2

from pachca_langhost.service import exec_arguments, exec_environment, options_of, program_info, run_response

LANGHOST = Path(__file__).resolve().parents[3] / "langhost"


def _request(**fields: object) -> language_pb2.RunRequest:
    info = language_pb2.ProgramInfo(root_directory="/proj", program_directory="/proj/src", entry_point="src")
    defaults: dict[str, object] = {"monitor_address": "127.0.0.1:5", "project": "p", "stack": "dev",
                                   "parallel": 4, "info": info}
    return language_pb2.RunRequest(**{**defaults, **fields})


def test_exec_arguments_follow_the_go_hosts_order() -> None:
    args = exec_arguments(_request(dryRun=True, args=["x"]), "127.0.0.1:9", "")

    assert args == ["--monitor", "127.0.0.1:5", "--engine", "127.0.0.1:9", "--project", "p",
                    "--root_directory", "/proj", "--stack", "dev", "--pwd", "/proj/src", "--dry_run", "true",
                    "--parallel", "4", "src", "x"]


def test_exec_arguments_without_program_info_run_the_current_directory() -> None:
    request = language_pb2.RunRequest(pwd="/w", organization="org")

    args = exec_arguments(request, "", "trace.json")

    assert args == ["--pwd", "/w", "--dry_run", "false", "--parallel", "0", "--tracing", "trace.json",
                    "--organization", "org", "."]


def test_exec_environment_passes_config_and_secret_keys() -> None:
    request = _request(config={"p:greeting": "hi"}, configSecretKeys=["p:pw"])

    env = exec_environment(request, {"PATH": "/usr/bin"}, None)

    assert json.loads(env["PULUMI_CONFIG"]) == {"p:greeting": "hi"}
    assert json.loads(env["PULUMI_CONFIG_SECRET_KEYS"]) == ["p:pw"]
    assert env["PATH"] == "/usr/bin"


def test_exec_environment_activates_the_virtualenv() -> None:
    env = exec_environment(_request(), {"PATH": "/usr/bin", "PYTHONHOME": "/ph"}, "/v")

    assert env["VIRTUAL_ENV"] == "/v" and env["PATH"].startswith(f"/v/bin{os.pathsep}")
    assert "PYTHONHOME" not in env and "PULUMI_CONFIG" not in env


@pytest.mark.parametrize(
    ("code", "bail", "error"),
    [
        (0, False, ""),
        (32, True, ""),
        (3, False, "program exited with non-zero exit code: 3"),
        (-9, False, "program exited unexpectedly: signal 9"),
    ],
)
def test_run_response_maps_the_exit_code(code: int, bail: bool, error: str) -> None:
    response = run_response(code)

    assert (response.bail, response.error) == (bail, error)


def test_options_of_reads_runtime_options() -> None:
    options = struct_pb2.Struct()
    options.update({"virtualenv": "venv"})
    request = _request(info=language_pb2.ProgramInfo(options=options))

    assert options_of(program_info(request)) == {"virtualenv": "venv"}
    assert options_of(program_info(language_pb2.RunRequest())) == {}


def test_importing_the_host_starts_nothing() -> None:
    probe = (
        "import signal, sys\n"
        "before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)\n"
        "import pulumi_language_python, pachca_langhost.main, pachca_langhost.service\n"
        "import pachca_langhost.flags, pachca_langhost.locate\n"
        "after = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)\n"
        "print('same handlers' if before == after else f'changed: {before} -> {after}')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=LANGHOST, capture_output=True, text=True,
                          timeout=60, check=False)

    assert (done.returncode, done.stdout, done.stderr) == (0, "same handlers\n", "")
