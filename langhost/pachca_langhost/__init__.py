"""A Pulumi language host for `runtime: python`, written in Python.

Pulumi's own host (`pulumi-language-python`, a Go program) is not served by the Go module proxy, so
this one stands in for it (scripts/ensure-pulumi-cli installs it beside `pulumi`). It speaks the same
plugin protocol:

* the engine starts it as ``pulumi-language-python [flags] <engine address>``; it serves the
  ``pulumirpc.LanguageRuntime`` gRPC service on 127.0.0.1, prints the port on stdout and serves
  until the engine stops it (SIGINT/SIGTERM, or the engine process going away);
* ``Run`` starts the SDK's ``pulumi-language-python-exec`` shim with the same command line and
  environment as the Go host, with stdout/stderr inherited so the engine shows the program's output.

It runs on the Python given by PULUMI_PYTHON_CMD (it needs the `pulumi` SDK and grpcio) and manages
no dependencies: no plugin packages are reported and InstallDependencies does nothing.

Modules: `flags` (the command line), `locate` (the exec shim and the program's Python), `service`
(the gRPC servicer), `main` (signals, the server, the wait). Importing any of them starts nothing;
only `main.main()` installs signal handlers and serves.
"""

VERSION = "3.259.0"
EXEC_NAME = "pulumi-language-python-exec"
