"""The project's `runtime.options.virtualenv`, found before the SDK is imported (standard library only).

The official host is a Go program, so it never needs a Python of its own; this one does (grpcio and
the SDK). Like the official host, it honours the virtualenv a project names: when no
PULUMI_PYTHON_CMD is given, `main` re-runs this host on that virtualenv's python, so `pulumi up`
works without `source venv/bin/activate`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping

PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")
# Pulumi.yaml has one `virtualenv` key, under runtime.options; block and flow style both match.
_VIRTUALENV = re.compile(r"""\bvirtualenv\s*:\s*["']?([^"'\s,}#]+)""")


def find_project(start: str) -> str | None:
    """The Pulumi.yaml (or .yml) in `start` or the nearest directory above it; None without one."""
    here = os.path.abspath(start)
    while True:
        for name in PROJECT_FILES:
            path = os.path.join(here, name)
            if os.path.isfile(path):
                return path
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def virtualenv_option(project_file: str) -> str | None:
    """The `runtime.options.virtualenv` value of a project file, as written (None when absent)."""
    try:
        with open(project_file, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return None
    found = _VIRTUALENV.search(text)
    return found.group(1) if found else None


def project_python(start: str, environ: Mapping[str, str]) -> str | None:
    """The python of the project's virtualenv (relative to the project file), or None: when
    PULUMI_PYTHON_CMD is set (it wins), no project or option is found, or the venv has no python."""
    if environ.get("PULUMI_PYTHON_CMD"):
        return None
    project = find_project(start)
    venv = virtualenv_option(project) if project else None
    if project is None or venv is None:
        return None
    venv_dir = venv if os.path.isabs(venv) else os.path.join(os.path.dirname(project), venv)
    python = os.path.join(venv_dir, "bin", "python")
    return python if os.path.isfile(python) else None


def running_in(python: str) -> bool:
    """Whether this process already runs in the virtualenv that `python` belongs to."""
    venv_dir = os.path.dirname(os.path.dirname(python))
    try:
        return os.path.samefile(sys.prefix, venv_dir)
    except OSError:
        return False
