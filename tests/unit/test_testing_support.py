"""`pachca_pulumi.testing`: the engine's environment and finding the engine (no engine runs here)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from pachca_pulumi import ConfigError
from pachca_pulumi.testing import ENGINE_DIR_ENV, PASSPHRASE, engine_env, find_engine

BASE = {"PATH": "/usr/bin", "HOME": "/home/dev", "PULUMI_ACCESS_TOKEN": "pul-123", "PULUMI_HOME": "/x"}


def _engine_dir(tmp_path: Path) -> Path:
    engine = tmp_path / "engine"
    engine.mkdir()
    (engine / "pulumi").write_text("#!/bin/sh\n")
    return engine


def test_engine_env_points_pulumi_at_a_file_backend_in_workdir(tmp_path: Path) -> None:
    env = engine_env(tmp_path / "engine", tmp_path / "work", base=BASE)

    assert env["PULUMI_BACKEND_URL"] == f"file://{(tmp_path / 'work' / 'state').resolve()}"
    assert env["PULUMI_HOME"] == str((tmp_path / "work" / "home").resolve())
    assert (tmp_path / "work" / "state").is_dir() and (tmp_path / "work" / "home").is_dir()
    assert env["PULUMI_CONFIG_PASSPHRASE"] == PASSPHRASE
    assert env["PULUMI_SKIP_UPDATE_CHECK"] == env["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"] == "true"
    assert env["PULUMI_PYTHON_CMD"] == sys.executable


def test_engine_env_puts_the_engine_first_on_path(tmp_path: Path) -> None:
    env = engine_env(tmp_path / "engine", tmp_path, base=BASE)

    assert env["PATH"] == f"{tmp_path / 'engine'}{os.pathsep}/usr/bin"


def test_engine_env_drops_inherited_pulumi_variables_and_keeps_the_rest(tmp_path: Path) -> None:
    env = engine_env(tmp_path / "engine", tmp_path, base=BASE)

    assert "PULUMI_ACCESS_TOKEN" not in env
    assert env["HOME"] == "/home/dev"
    assert BASE["PULUMI_HOME"] == "/x"  # the base is not modified


def test_engine_env_defaults_to_the_process_environment(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACHCA_TESTING_PROBE", "seen")

    assert engine_env(tmp_path / "engine", tmp_path)["PACHCA_TESTING_PROBE"] == "seen"


def test_find_engine_prefers_the_argument_to_the_environment(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENGINE_DIR_ENV, str(tmp_path / "elsewhere"))
    engine = _engine_dir(tmp_path)

    assert find_engine(engine) == engine


def test_find_engine_reads_the_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _engine_dir(tmp_path)
    monkeypatch.setenv(ENGINE_DIR_ENV, str(engine))

    assert find_engine() == engine


def test_find_engine_falls_back_to_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _engine_dir(tmp_path)
    (engine / "pulumi").chmod(0o755)
    monkeypatch.delenv(ENGINE_DIR_ENV, raising=False)
    monkeypatch.setenv("PATH", str(engine))

    assert find_engine() == engine.resolve()


def test_find_engine_without_pulumi_names_the_fixes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENGINE_DIR_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(ConfigError) as raised:
        find_engine()

    assert "put pulumi on PATH" in str(raised.value) and "engine_dir=" in str(raised.value)
    assert "scripts/" not in str(raised.value)


def test_find_engine_rejects_a_directory_without_pulumi(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"{tmp_path} holds no pulumi CLI.*put pulumi on PATH"):
        find_engine(tmp_path)
