"""`main()`: the host's process, from signal handlers to shutdown. Importing this module does nothing.

It imports only the standard library, so `main` can catch the engine's SIGINT/SIGTERM before the
(slow) SDK and grpc imports, and can name the fix when they are missing.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType, ModuleType
from typing import Any

from .flags import Log, parse_args, verbosity
from .project import project_python, running_in

# Same limit as the engine and the SDK use for their gRPC channels.
MAX_MESSAGE = 400 * 1024 * 1024
GRPC_OPTIONS = [
    ("grpc.max_receive_message_length", MAX_MESSAGE),
    ("grpc.max_send_message_length", MAX_MESSAGE),
]
_WORKERS = 16


def main(argv: Sequence[str], home: str) -> int:
    """Serve the language runtime until the engine stops us; the process's exit code.

    `home` is the directory holding the host (and, once installed, the exec shim beside it).
    """
    stopping = stop_on_signals()
    reexec_in_project_venv(argv, home)
    service = import_service()
    if service is None:
        return 1
    flags, positional = parse_args(argv)
    host = service.LanguageHost(
        engine_address=positional[-1] if positional else "",
        tracing=flags.get("tracing", ""),
        given_exec=flags.get("use-executor") or None,
        home=home,
        log=Log(verbosity(flags)),
    )
    server = start_server(host, service)
    if server is None:
        return 1
    wait_for_stop(stopping)
    host.children.stop()
    server.stop(grace=1.0).wait()
    return 0


def stop_on_signals() -> threading.Event:
    """Install SIGINT/SIGTERM handlers (the engine's way to stop a plugin); the event they set."""
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    return stopping


def reexec_in_project_venv(argv: Sequence[str], home: str) -> None:
    """Replace this process with the host running on the project's virtualenv python, when the
    project names one (`runtime.options.virtualenv`) and PULUMI_PYTHON_CMD does not say otherwise."""
    python = project_python(os.getcwd(), os.environ)
    if python is None or running_in(python):
        return
    os.execv(python, [python, os.path.join(home, "pulumi_language_python.py"), *argv])


def import_service() -> ModuleType | None:
    """The servicer module, or None (having said why on stderr) on a Python without the SDK."""
    try:
        from . import service
    except ImportError as exc:
        sys.stderr.write(
            f"pulumi-language-python: cannot import the Pulumi SDK/grpcio ({exc}) with {sys.executable}; "
            "name a virtualenv that has `pulumi` in Pulumi.yaml (runtime.options.virtualenv), or set "
            "PULUMI_PYTHON_CMD to a Python that has it\n"
        )
        return None
    return service


def start_server(host: Any, service: ModuleType) -> Any:
    """Serve `host` on a free loopback port and announce the port on stdout; None if none binds."""
    from concurrent import futures

    import grpc

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=_WORKERS), options=GRPC_OPTIONS)
    service.language_pb2_grpc.add_LanguageRuntimeServicer_to_server(host, server)
    port = server.add_insecure_port("127.0.0.1:0")
    if not port:
        sys.stderr.write("pulumi-language-python: could not bind a port on 127.0.0.1\n")
        return None
    server.start()
    # The port, alone on the first stdout line, is how the engine finds us.
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    host.log.debug(f"serving on 127.0.0.1:{port}, engine {host.engine_address or '-'}")
    return server


def wait_for_stop(stopping: threading.Event, poll_seconds: float = 1.0) -> None:
    """Return once a signal came or the engine (our parent) went away without sending one."""
    parent = os.getppid()
    while not stopping.wait(poll_seconds):
        if os.getppid() != parent:
            return
