"""A Pulumi language host for `runtime: python`, written in Python.

Pulumi's own host (`pulumi-language-python`, a Go program) is not available from the Go module
proxy, so this one stands in for it. It speaks the same plugin protocol:

* the engine starts it as ``pulumi-language-python [flags] <engine address>``; it serves the
  ``pulumirpc.LanguageRuntime`` gRPC service on 127.0.0.1, prints the port on stdout and serves
  until the engine stops it (SIGINT/SIGTERM, or the engine process going away);
* ``Run`` starts the SDK's ``pulumi-language-python-exec`` shim with the same command line and
  environment as the Go host, with stdout/stderr inherited so the engine shows the program's output.

It runs on the Python given by PULUMI_PYTHON_CMD (it needs the `pulumi` SDK and grpcio) and
manages no dependencies: no plugin packages are reported and InstallDependencies does nothing.
"""

from __future__ import annotations

import signal
import threading

# Set before the (slow) SDK import: the engine may stop us with SIGINT/SIGTERM at any time.
_stopping = threading.Event()


def _on_signal(signum, frame):
    _stopping.set()


signal.signal(signal.SIGINT, _on_signal)
signal.signal(signal.SIGTERM, _on_signal)

import glob  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from concurrent import futures  # noqa: E402
from typing import Any, Dict, Iterator, List, Optional, Tuple  # noqa: E402

try:
    import grpc
    from google.protobuf import empty_pb2
    from pulumi.runtime.proto import language_pb2, language_pb2_grpc, plugin_pb2
except ImportError as exc:  # pragma: no cover - only on a Python without the SDK
    sys.stderr.write(
        f"pulumi-language-python: cannot import the Pulumi SDK/grpcio ({exc}) with {sys.executable}; "
        "set PULUMI_PYTHON_CMD to a Python that has `pulumi` installed\n"
    )
    sys.exit(1)

VERSION = "3.259.0"
EXEC_NAME = "pulumi-language-python-exec"
SDK_MODULE = "github.com/pulumi/pulumi/sdk/v3"
# The exec shim exits with this code after it has already shown the user an error.
EXIT_AFTER_USER_ACTIONABLE_MESSAGE = 32
# Same limit as the engine and the SDK use for their gRPC channels.
MAX_MESSAGE = 400 * 1024 * 1024
GRPC_OPTIONS = [
    ("grpc.max_receive_message_length", MAX_MESSAGE),
    ("grpc.max_send_message_length", MAX_MESSAGE),
]
# Flags of the Go host (and of plugins generally) that take a value.
VALUE_FLAGS = {"tracing", "virtualenv", "root", "typechecker", "toolchain", "use-executor", "binary", "v"}
BOOL_FLAGS = {"logtostderr", "alsologtostderr", "logflow", "help", "h"}

_verbose = 0


def debug(msg: str) -> None:
    # Anything on our stderr becomes an engine diagnostic, so only talk when asked to, as the Go
    # host does: `pulumi --logflow --logtostderr -v=5` (or more) passes `--logtostderr -v=N` on.
    if _verbose >= 5:
        sys.stderr.write(f"pulumi-language-python: {msg}\n")
        sys.stderr.flush()


# --- command line ---------------------------------------------------------------------------------


def parse_args(argv: List[str]) -> Tuple[Dict[str, str], List[str]]:
    """Go-`flag`-style parsing that never fails: ``-f v``, ``-f=v``, ``--f v``, ``--f=v``, bools.

    Unknown flags without ``=`` take the next argument as their value unless that is the last
    argument (the engine address always comes last) or itself looks like a flag.
    """
    flags: Dict[str, str] = {}
    positional: List[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            positional.extend(argv[i:])
            break
        if not arg.startswith("-") or arg == "-":
            positional.append(arg)
            continue
        name = arg.lstrip("-")
        if "=" in name:
            key, value = name.split("=", 1)
            flags[key] = value
            continue
        takes_value = name in VALUE_FLAGS or (
            name not in BOOL_FLAGS and i < len(argv) - 1 and not argv[i].startswith("-")
        )
        if takes_value and i < len(argv):
            flags[name] = argv[i]
            i += 1
        else:
            flags[name] = "true"
    return flags, positional


# --- locating things ------------------------------------------------------------------------------


def gomodcache_dirs() -> Iterator[str]:
    """Candidate Go module caches, cheapest first (`go env` only if the usual places miss)."""
    seen = set()
    gopath = os.environ.get("GOPATH") or os.path.join(os.path.expanduser("~"), "go")
    static = [os.environ.get("GOMODCACHE", "")]
    static += [os.path.join(p, "pkg", "mod") for p in gopath.split(os.pathsep) if p]
    for d in static:
        if d and d not in seen:
            seen.add(d)
            yield d
    go = shutil.which("go")
    if go:
        try:
            out = subprocess.run(
                [go, "env", "GOMODCACHE"], capture_output=True, text=True, timeout=30, check=False
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out and out not in seen:
            yield out


def _version_key(path: str) -> List[int]:
    version = path.rsplit("@v", 1)[-1].split("/", 1)[0]
    parts = []
    for part in version.replace("-", ".").split("."):
        parts.append(int(part) if part.isdigit() else -1)
    return parts


def find_exec(given: Optional[str]) -> Optional[str]:
    """The exec shim: -use-executor, $PULUMI_LANGUAGE_PYTHON_EXEC, beside this host, the Go module cache."""
    for candidate in (given, os.environ.get("PULUMI_LANGUAGE_PYTHON_EXEC")):
        if candidate:
            return os.path.abspath(candidate)
    beside = os.path.join(os.path.dirname(os.path.abspath(__file__)), EXEC_NAME)
    if os.path.isfile(beside):
        return beside
    rel = os.path.join(*SDK_MODULE.split("/"))
    others: List[str] = []
    for cache in gomodcache_dirs():
        exact = os.path.join(cache, f"{rel}@v{VERSION}", "python", "cmd", EXEC_NAME)
        if os.path.isfile(exact):
            return exact
        others += glob.glob(os.path.join(cache, f"{rel}@v3.*", "python", "cmd", EXEC_NAME))
    return max(others, key=_version_key) if others else None


def resolve_command(cmd: str) -> str:
    if os.sep in cmd:
        return os.path.abspath(cmd)
    return shutil.which(cmd) or cmd


def python_for(info: Any) -> Tuple[str, Optional[str]]:
    """(python executable, virtualenv dir to activate or None) for a program.

    PULUMI_PYTHON_CMD wins; else the project's `runtime.options.virtualenv` (relative to the project
    root) if it holds a python; else the Python running this host.
    """
    env_cmd = os.environ.get("PULUMI_PYTHON_CMD")
    if env_cmd:
        return resolve_command(env_cmd), None
    venv = options_of(info).get("virtualenv")
    if isinstance(venv, str) and venv:
        root = getattr(info, "root_directory", "") or os.getcwd()
        venv_dir = venv if os.path.isabs(venv) else os.path.join(root, venv)
        python = os.path.join(venv_dir, "bin", "python")
        if os.path.isfile(python):
            return python, venv_dir
        sys.stderr.write(
            f"pulumi-language-python: the 'virtualenv' option is set to {venv!r} but {python} does not "
            f"exist; using {sys.executable}\n"
        )
    return sys.executable, None


def options_of(info: Any) -> Dict[str, Any]:
    if info is None or not info.HasField("options"):
        return {}
    from google.protobuf import json_format

    return json_format.MessageToDict(info.options)


def activate_venv(env: Dict[str, str], venv_dir: str) -> Dict[str, str]:
    """What the Go toolchain does: venv bin first on PATH, VIRTUAL_ENV set, PYTHONHOME dropped."""
    env = {k: v for k, v in env.items() if k.upper() not in ("PYTHONHOME", "VIRTUAL_ENV")}
    bin_dir = os.path.join(venv_dir, "bin")
    env["PATH"] = bin_dir + (os.pathsep + env["PATH"] if env.get("PATH") else "")
    env["VIRTUAL_ENV"] = venv_dir
    return env


# --- the service ----------------------------------------------------------------------------------


class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):
    def __init__(self, engine_address: str, tracing: str, given_exec: Optional[str]) -> None:
        self.engine_address = engine_address
        self.tracing = tracing
        self.given_exec = given_exec
        self._children: Dict[int, subprocess.Popen] = {}
        self._lock = threading.Lock()

    # Handshake / info ---------------------------------------------------------------------------

    def Handshake(self, request, context):
        if request.engine_address:
            self.engine_address = request.engine_address
        return language_pb2.LanguageHandshakeResponse()

    def GetPluginInfo(self, request, context):
        return plugin_pb2.PluginInfo(version=VERSION)

    def GetRequiredPlugins(self, request, context):
        return language_pb2.GetRequiredPluginsResponse()

    def GetRequiredPackages(self, request, context):
        return language_pb2.GetRequiredPackagesResponse()

    def RuntimeOptionsPrompts(self, request, context):
        return language_pb2.RuntimeOptionsResponse()

    def InstallDependencies(self, request, context) -> Iterator[Any]:
        yield language_pb2.InstallDependenciesResponse(
            stdout=b"pulumi-language-python (pachca): dependencies are managed outside Pulumi; "
            b"nothing to install\n"
        )

    def About(self, request, context):
        python, _ = python_for(request.info if request.HasField("info") else None)
        probe = "import json, sys; print(json.dumps([sys.executable, '%d.%d.%d' % sys.version_info[:3]]))"
        try:
            out = subprocess.run(
                [python, "-c", probe], capture_output=True, text=True, timeout=60, check=True
            ).stdout
            executable, version = json.loads(out)
        except (OSError, ValueError, subprocess.SubprocessError):
            executable, version = python, ""
        return language_pb2.AboutResponse(executable=executable, version=version)

    def GetProgramDependencies(self, request, context):
        python, _ = python_for(request.info if request.HasField("info") else None)
        probe = (
            "import json, importlib.metadata as m; "
            "print(json.dumps(sorted({(d.metadata['Name'] or '', d.version or '') "
            "for d in m.distributions()})))"
        )
        try:
            out = subprocess.run(
                [python, "-c", probe], capture_output=True, text=True, timeout=60, check=True
            ).stdout
            deps = [language_pb2.DependencyInfo(name=n, version=v) for n, v in json.loads(out) if n]
        except (OSError, ValueError, subprocess.SubprocessError):
            deps = []
        return language_pb2.GetProgramDependenciesResponse(dependencies=deps)

    def Cancel(self, request, context):
        self.stop_children()
        return empty_pb2.Empty()

    # Run ----------------------------------------------------------------------------------------

    def exec_arguments(self, request) -> List[str]:
        """The exec shim's command line, in the Go host's order (empty values are left out)."""
        info = request.info if request.HasField("info") else None
        args: List[str] = []

        def maybe(key: str, value: str) -> None:
            if value:
                args.extend([f"--{key}", value])

        maybe("monitor", request.monitor_address)
        maybe("engine", self.engine_address)
        maybe("project", request.project)
        maybe("root_directory", info.root_directory if info else "")
        maybe("stack", request.stack)
        maybe("pwd", request.pwd or (info.program_directory if info else ""))
        maybe("dry_run", "true" if request.dryRun else "false")
        maybe("parallel", str(request.parallel))
        maybe("tracing", self.tracing)
        maybe("organization", request.organization)
        args.append((info.entry_point if info else "") or request.program or ".")
        args.extend(request.args)
        return args

    def exec_environment(self, request, venv_dir: Optional[str]) -> Dict[str, str]:
        env = dict(os.environ)
        if venv_dir:
            env = activate_venv(env, venv_dir)
        if request.config:
            env["PULUMI_CONFIG"] = json.dumps(dict(request.config))
        env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(list(request.configSecretKeys))
        return env

    def Run(self, request, context):
        exec_path = find_exec(self.given_exec)
        if not exec_path or not os.path.isfile(exec_path):
            return language_pb2.RunResponse(
                error=f"could not find {EXEC_NAME} (set PULUMI_LANGUAGE_PYTHON_EXEC, or install it beside "
                f"{os.path.abspath(__file__)})"
            )
        python, venv_dir = python_for(request.info if request.HasField("info") else None)
        argv = [python, "-u", exec_path, *self.exec_arguments(request)]
        debug(f"running {' '.join(argv)}")
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            # stdout/stderr are inherited: the engine reads ours and shows them as program output.
            child = subprocess.Popen(argv, env=self.exec_environment(request, venv_dir))
        except OSError as exc:
            return language_pb2.RunResponse(
                error=f"problem executing program (could not run language executor): {exc}"
            )
        with self._lock:
            self._children[child.pid] = child
        try:
            code = child.wait()
        finally:
            with self._lock:
                self._children.pop(child.pid, None)
        debug(f"program exited with {code}")
        if code == 0:
            return language_pb2.RunResponse()
        if code == EXIT_AFTER_USER_ACTIONABLE_MESSAGE:
            return language_pb2.RunResponse(bail=True)
        if code < 0:
            return language_pb2.RunResponse(error=f"program exited unexpectedly: signal {-code}")
        return language_pb2.RunResponse(error=f"program exited with non-zero exit code: {code}")

    def stop_children(self, timeout: float = 3.0) -> None:
        with self._lock:
            children = list(self._children.values())
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                child.kill()


# --- main -----------------------------------------------------------------------------------------


def main(argv: List[str]) -> int:
    global _verbose
    flags, positional = parse_args(argv)
    try:
        _verbose = int(flags.get("v", "0")) if flags.get("logtostderr") == "true" else 0
    except ValueError:
        _verbose = 0
    engine_address = positional[-1] if positional else ""
    host = LanguageHost(engine_address, flags.get("tracing", ""), flags.get("use-executor") or None)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16), options=GRPC_OPTIONS)
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(host, server)
    port = server.add_insecure_port("127.0.0.1:0")
    if not port:
        sys.stderr.write("pulumi-language-python: could not bind a port on 127.0.0.1\n")
        return 1
    server.start()

    # The port, alone on the first stdout line, is how the engine finds us.
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    debug(f"serving on 127.0.0.1:{port}, engine {engine_address or '-'}")

    parent = os.getppid()
    while not _stopping.wait(1.0):
        if os.getppid() != parent:  # the engine went away without stopping us
            break
    host.stop_children()
    server.stop(grace=1.0).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
