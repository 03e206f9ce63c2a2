"""Finding things: the SDK's exec shim, and the Python (and virtualenv) a program runs on.

Pure functions of their arguments (the environment is passed in), apart from looking at files and,
as a last resort, asking `go env GOMODCACHE`.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from . import EXEC_NAME, VERSION

SDK_MODULE = "github.com/pulumi/pulumi/sdk/v3"
_SDK_DIR = os.path.join(*SDK_MODULE.split("/"))


def find_exec(given: str | None, home: str, environ: Mapping[str, str]) -> str | None:
    """The exec shim: -use-executor, $PULUMI_LANGUAGE_PYTHON_EXEC, `home` (the host's own
    directory), else the Go module cache (the pinned SDK version first, else the newest v3)."""
    for candidate in (given, environ.get("PULUMI_LANGUAGE_PYTHON_EXEC")):
        if candidate:
            return os.path.abspath(candidate)
    beside = os.path.join(home, EXEC_NAME)
    if os.path.isfile(beside):
        return beside
    return find_in_module_caches(gomodcache_dirs(environ))


def find_in_module_caches(caches: Iterable[str]) -> str | None:
    """The shim of SDK v`VERSION` in the first cache that has it, else the newest v3 in any."""
    others: list[str] = []
    for cache in caches:
        exact = os.path.join(cache, f"{_SDK_DIR}@v{VERSION}", "python", "cmd", EXEC_NAME)
        if os.path.isfile(exact):
            return exact
        others += glob.glob(os.path.join(cache, f"{_SDK_DIR}@v3.*", "python", "cmd", EXEC_NAME))
    return max(others, key=version_key) if others else None


def version_key(path: str) -> list[int]:
    """Sort key of a module path's ``@vX.Y.Z[-pre]`` part; non-numeric parts sort lowest."""
    version = path.rsplit("@v", 1)[-1].split("/", 1)[0]
    return [int(part) if part.isdigit() else -1 for part in version.replace("-", ".").split(".")]


def gomodcache_dirs(environ: Mapping[str, str]) -> Iterator[str]:
    """Candidate Go module caches, cheapest first (`go env` only if the usual places miss)."""
    seen: set[str] = set()
    gopath = environ.get("GOPATH") or os.path.join(os.path.expanduser("~"), "go")
    static = [environ.get("GOMODCACHE", "")]
    static += [os.path.join(p, "pkg", "mod") for p in gopath.split(os.pathsep) if p]
    for d in static:
        if d and d not in seen:
            seen.add(d)
            yield d
    asked = _go_env_gomodcache()
    if asked and asked not in seen:
        yield asked


def _go_env_gomodcache() -> str:
    """`go env GOMODCACHE`, or "" without a Go toolchain."""
    go = shutil.which("go")
    if not go:
        return ""
    try:
        return subprocess.run(
            [go, "env", "GOMODCACHE"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def resolve_command(cmd: str) -> str:
    """An absolute path for a command given as a path or looked up on PATH (else as given)."""
    if os.sep in cmd:
        return os.path.abspath(cmd)
    return shutil.which(cmd) or cmd


def python_for(options: Mapping[str, Any], root: str, environ: Mapping[str, str]) -> tuple[str, str | None]:
    """(python executable, virtualenv dir to activate or None) for a program.

    PULUMI_PYTHON_CMD wins; else the project's `runtime.options.virtualenv` (relative to the project
    `root`) if it holds a python; else the Python running this host (with a warning on stderr when
    the virtualenv was named but has no python).
    """
    env_cmd = environ.get("PULUMI_PYTHON_CMD")
    if env_cmd:
        return resolve_command(env_cmd), None
    venv = options.get("virtualenv")
    if not isinstance(venv, str) or not venv:
        return sys.executable, None
    venv_dir = venv if os.path.isabs(venv) else os.path.join(root, venv)
    python = os.path.join(venv_dir, "bin", "python")
    if os.path.isfile(python):
        return python, venv_dir
    sys.stderr.write(
        f"pulumi-language-python: the 'virtualenv' option is set to {venv!r} but {python} does not "
        f"exist; using {sys.executable}\n"
    )
    return sys.executable, None


def activate_venv(env: Mapping[str, str], venv_dir: str) -> dict[str, str]:
    """What the Go toolchain does: venv bin first on PATH, VIRTUAL_ENV set, PYTHONHOME dropped."""
    activated = {k: v for k, v in env.items() if k.upper() not in ("PYTHONHOME", "VIRTUAL_ENV")}
    bin_dir = os.path.join(venv_dir, "bin")
    activated["PATH"] = bin_dir + (os.pathsep + activated["PATH"] if activated.get("PATH") else "")
    activated["VIRTUAL_ENV"] = venv_dir
    return activated
