"""Where the language host finds the exec shim and the program's Python (pachca_langhost/locate.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from pachca_langhost import EXEC_NAME, VERSION
from pachca_langhost.locate import (
    activate_venv,
    find_exec,
    find_in_module_caches,
    python_for,
    resolve_command,
    version_key,
)

SDK = Path("github.com", "pulumi", "pulumi", "sdk")


def _shim(cache: Path, version: str) -> Path:
    path = cache / SDK / f"v3@v{version}" / "python" / "cmd" / EXEC_NAME
    path.parent.mkdir(parents=True)
    path.write_text("#!/bin/sh\n")
    return path


def test_find_exec_prefers_the_flag_then_the_environment(tmp_path: Path) -> None:
    environ = {"PULUMI_LANGUAGE_PYTHON_EXEC": "from-env", "GOMODCACHE": str(tmp_path)}

    assert find_exec("given", str(tmp_path), environ) == os.path.abspath("given")
    assert find_exec(None, str(tmp_path), environ) == os.path.abspath("from-env")


def test_find_exec_takes_the_shim_beside_the_host(tmp_path: Path) -> None:
    (tmp_path / EXEC_NAME).write_text("#!/bin/sh\n")

    assert find_exec(None, str(tmp_path), {}) == str(tmp_path / EXEC_NAME)


def test_find_in_module_caches_prefers_the_pinned_version(tmp_path: Path) -> None:
    newer = _shim(tmp_path / "a", "3.300.0")
    pinned = _shim(tmp_path / "b", VERSION)

    assert find_in_module_caches([str(tmp_path / "a"), str(tmp_path / "b")]) == str(pinned)
    assert find_in_module_caches([str(tmp_path / "a")]) == str(newer)


def test_find_in_module_caches_picks_the_newest_v3_otherwise(tmp_path: Path) -> None:
    _shim(tmp_path, "3.9.0")
    newest = _shim(tmp_path, "3.100.1")

    assert find_in_module_caches([str(tmp_path)]) == str(newest)
    assert find_in_module_caches([str(tmp_path / "empty")]) is None


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/m/sdk/v3@v3.259.0/python/cmd/x", [3, 259, 0]),
        ("/m/sdk/v3@v3.100.0-beta.1/python", [3, 100, 0, -1, 1]),
    ],
)
def test_version_key_reads_the_module_version(path: str, key: list[int]) -> None:
    assert version_key(path) == key


def test_python_for_prefers_pulumi_python_cmd(tmp_path: Path) -> None:
    python = tmp_path / "py"

    assert python_for({"virtualenv": "venv"}, str(tmp_path), {"PULUMI_PYTHON_CMD": str(python)}) == (
        str(python), None)


def test_python_for_uses_the_project_virtualenv(tmp_path: Path) -> None:
    (tmp_path / "venv" / "bin").mkdir(parents=True)
    (tmp_path / "venv" / "bin" / "python").write_text("")

    assert python_for({"virtualenv": "venv"}, str(tmp_path), {}) == (
        str(tmp_path / "venv" / "bin" / "python"), str(tmp_path / "venv"))


def test_python_for_warns_about_a_virtualenv_without_python(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert python_for({"virtualenv": "missing"}, str(tmp_path), {}) == (sys.executable, None)
    assert "'virtualenv' option is set to 'missing'" in capsys.readouterr().err


def test_python_for_falls_back_to_this_python() -> None:
    assert python_for({}, "/nowhere", {}) == (sys.executable, None)


def test_resolve_command_makes_paths_absolute() -> None:
    assert resolve_command("bin/python") == os.path.abspath("bin/python")
    assert resolve_command("no-such-command-here") == "no-such-command-here"


def test_activate_venv_puts_its_bin_first_and_drops_pythonhome() -> None:
    env = {"PATH": "/usr/bin", "PYTHONHOME": "/ph", "VIRTUAL_ENV": "/old", "KEEP": "1"}

    activated = activate_venv(env, "/v")

    assert activated == {"PATH": f"/v/bin{os.pathsep}/usr/bin", "VIRTUAL_ENV": "/v", "KEEP": "1"}
    assert env["PYTHONHOME"] == "/ph"
