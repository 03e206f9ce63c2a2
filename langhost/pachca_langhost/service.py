"""The `pulumirpc.LanguageRuntime` servicer: what the engine asks a language host, answered.

Importing this module loads grpc and the SDK's protobufs; it starts nothing. `main` serves it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import language_pb2, language_pb2_grpc, plugin_pb2

from . import EXEC_NAME, VERSION
from .flags import Log
from .locate import activate_venv, find_exec, python_for

# The exec shim exits with this code after it has already shown the user an error.
EXIT_AFTER_USER_ACTIONABLE_MESSAGE = 32
_PROBE_TIMEOUT = 60
_ABOUT_PROBE = "import json, sys; print(json.dumps([sys.executable, '%d.%d.%d' % sys.version_info[:3]]))"
_DEPENDENCIES_PROBE = (
    "import json, importlib.metadata as m; "
    "print(json.dumps(sorted({(d.metadata['Name'] or '', d.version or '') for d in m.distributions()})))"
)


def program_info(request: Any) -> Any:
    """The request's `ProgramInfo`, or None when the engine sent none."""
    return request.info if request.HasField("info") else None


def options_of(info: Any) -> dict[str, Any]:
    """The project's `runtime.options` as a dict ({} without them)."""
    if info is None or not info.HasField("options"):
        return {}
    return dict(json_format.MessageToDict(info.options))


def python_of(info: Any, environ: Mapping[str, str]) -> tuple[str, str | None]:
    """`locate.python_for` for a request's program info."""
    root = (info.root_directory if info is not None else "") or os.getcwd()
    return python_for(options_of(info), root, environ)


def exec_arguments(request: Any, engine_address: str, tracing: str) -> list[str]:
    """The exec shim's command line for a RunRequest, in the Go host's order (empty values left out)."""
    info = program_info(request)
    pairs = [
        ("monitor", request.monitor_address),
        ("engine", engine_address),
        ("project", request.project),
        ("root_directory", info.root_directory if info else ""),
        ("stack", request.stack),
        ("pwd", request.pwd or (info.program_directory if info else "")),
        ("dry_run", "true" if request.dryRun else "false"),
        ("parallel", str(request.parallel)),
        ("tracing", tracing),
        ("organization", request.organization),
    ]
    args = [part for key, value in pairs if value for part in (f"--{key}", value)]
    args.append((info.entry_point if info else "") or request.program or ".")
    args.extend(request.args)
    return args


def exec_environment(request: Any, environ: Mapping[str, str], venv_dir: str | None) -> dict[str, str]:
    """The program's environment: ours, the virtualenv activated, the stack config as PULUMI_CONFIG."""
    env = activate_venv(environ, venv_dir) if venv_dir else dict(environ)
    if request.config:
        env["PULUMI_CONFIG"] = json.dumps(dict(request.config))
    env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(list(request.configSecretKeys))
    return env


def run_response(code: int) -> Any:
    """The RunResponse for the program's exit code (32: the error was already shown, so bail)."""
    if code == 0:
        return language_pb2.RunResponse()
    if code == EXIT_AFTER_USER_ACTIONABLE_MESSAGE:
        return language_pb2.RunResponse(bail=True)
    if code < 0:
        return language_pb2.RunResponse(error=f"program exited unexpectedly: signal {-code}")
    return language_pb2.RunResponse(error=f"program exited with non-zero exit code: {code}")


def probe_json(python: str, code: str) -> Any:
    """What `python -c code` prints, parsed as JSON; None when it cannot run or says nothing useful."""
    try:
        out = subprocess.run([python, "-c", code], capture_output=True, text=True,
                             timeout=_PROBE_TIMEOUT, check=True).stdout
        return json.loads(out)
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


class Children:
    """The program processes a host is running, so that Cancel and shutdown can stop them."""

    def __init__(self) -> None:
        self._running: dict[int, subprocess.Popen[bytes]] = {}
        self._lock = threading.Lock()

    def wait(self, child: subprocess.Popen[bytes]) -> int:
        """Track `child` until it exits; its exit code."""
        with self._lock:
            self._running[child.pid] = child
        try:
            return child.wait()
        finally:
            with self._lock:
                self._running.pop(child.pid, None)

    def stop(self, timeout: float = 3.0) -> None:
        """SIGINT every running child, then SIGKILL those still running after `timeout` s."""
        with self._lock:
            children = list(self._running.values())
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                child.kill()


class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):  # type: ignore[misc]
    """Runs Python programs for the engine through the SDK's exec shim; reports no plugins.

    Reads the environment on each call: PULUMI_PYTHON_CMD, PULUMI_LANGUAGE_PYTHON_EXEC, GOPATH and
    GOMODCACHE choose the Python and the shim; programs get the rest of it, as with the Go host.
    """

    def __init__(self, engine_address: str, tracing: str, given_exec: str | None, home: str,
                 log: Log) -> None:
        self.engine_address = engine_address
        self.tracing = tracing
        self.given_exec = given_exec
        self.home = home
        self.log = log
        self.children = Children()

    def Handshake(self, request: Any, context: grpc.ServicerContext) -> Any:
        if request.engine_address:
            self.engine_address = request.engine_address
        return language_pb2.LanguageHandshakeResponse()

    def GetPluginInfo(self, request: Any, context: grpc.ServicerContext) -> Any:
        return plugin_pb2.PluginInfo(version=VERSION)

    def GetRequiredPlugins(self, request: Any, context: grpc.ServicerContext) -> Any:
        return language_pb2.GetRequiredPluginsResponse()

    def GetRequiredPackages(self, request: Any, context: grpc.ServicerContext) -> Any:
        return language_pb2.GetRequiredPackagesResponse()

    def RuntimeOptionsPrompts(self, request: Any, context: grpc.ServicerContext) -> Any:
        return language_pb2.RuntimeOptionsResponse()

    def InstallDependencies(self, request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        yield language_pb2.InstallDependenciesResponse(
            stdout=b"pulumi-language-python (pachca): dependencies are managed outside Pulumi; "
            b"nothing to install\n"
        )

    def About(self, request: Any, context: grpc.ServicerContext) -> Any:
        python, _ = python_of(program_info(request), os.environ)
        executable, version = probe_json(python, _ABOUT_PROBE) or (python, "")
        return language_pb2.AboutResponse(executable=executable, version=version)

    def GetProgramDependencies(self, request: Any, context: grpc.ServicerContext) -> Any:
        python, _ = python_of(program_info(request), os.environ)
        found = probe_json(python, _DEPENDENCIES_PROBE) or []
        deps = [language_pb2.DependencyInfo(name=name, version=version) for name, version in found if name]
        return language_pb2.GetProgramDependenciesResponse(dependencies=deps)

    def Cancel(self, request: Any, context: grpc.ServicerContext) -> Any:
        self.children.stop()
        return empty_pb2.Empty()

    def Run(self, request: Any, context: grpc.ServicerContext) -> Any:
        exec_path = find_exec(self.given_exec, self.home, os.environ)
        if not exec_path or not os.path.isfile(exec_path):
            return language_pb2.RunResponse(
                error=f"could not find {EXEC_NAME} (set PULUMI_LANGUAGE_PYTHON_EXEC, or install it in "
                f"{self.home})"
            )
        python, venv_dir = python_of(program_info(request), os.environ)
        argv = [python, "-u", exec_path, *exec_arguments(request, self.engine_address, self.tracing)]
        self.log.debug(f"running {' '.join(argv)}")
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            # stdout/stderr are inherited: the engine reads ours and shows them as program output.
            child = subprocess.Popen(argv, env=exec_environment(request, os.environ, venv_dir))
        except OSError as exc:
            return language_pb2.RunResponse(
                error=f"problem executing program (could not run language executor): {exc}"
            )
        code = self.children.wait(child)
        self.log.debug(f"program exited with {code}")
        return run_response(code)
