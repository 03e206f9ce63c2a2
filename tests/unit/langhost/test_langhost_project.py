"""The project's virtualenv, found before the SDK is imported (pachca_langhost/project.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pachca_langhost.project import find_project, project_python, running_in, virtualenv_option


def _venv(root: Path, name: str = "venv") -> Path:
    python = root / name / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    return python


@pytest.mark.parametrize("text", [
    "name: p\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n",
    "name: p\nruntime: {name: python, options: {virtualenv: venv}}\n",
    "name: p\nruntime:\n  name: python\n  options:\n    virtualenv: \"venv\"  # the project's own\n",
])
def test_virtualenv_option_reads_block_and_flow_style(tmp_path: Path, text: str) -> None:
    (tmp_path / "Pulumi.yaml").write_text(text)
    assert virtualenv_option(str(tmp_path / "Pulumi.yaml")) == "venv"


def test_virtualenv_option_is_none_without_options(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    assert virtualenv_option(str(tmp_path / "Pulumi.yaml")) is None


def test_find_project_walks_up_from_a_subdirectory(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yml").write_text("name: p\n")
    (tmp_path / "src" / "deep").mkdir(parents=True)
    assert find_project(str(tmp_path / "src" / "deep")) == str(tmp_path / "Pulumi.yml")


def test_project_python_is_the_named_venvs_relative_to_the_project(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("runtime:\n  name: python\n  options:\n    virtualenv: .venv\n")
    python = _venv(tmp_path, ".venv")
    (tmp_path / "src").mkdir()
    assert project_python(str(tmp_path / "src"), {}) == str(python)


def test_project_python_gives_way_to_pulumi_python_cmd_and_missing_venvs(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("runtime:\n  name: python\n  options:\n    virtualenv: venv\n")
    assert project_python(str(tmp_path), {}) is None  # named, but not created yet
    _venv(tmp_path)
    assert project_python(str(tmp_path), {"PULUMI_PYTHON_CMD": "/usr/bin/python3"}) is None


def test_running_in_knows_the_current_interpreters_prefix(tmp_path: Path) -> None:
    assert running_in(str(Path(sys.prefix) / "bin" / "python"))
    assert not running_in(str(_venv(tmp_path)))
