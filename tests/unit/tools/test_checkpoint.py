"""The file backend's checkpoint metadata a kill cut short, repaired before recovery reads the state."""

from __future__ import annotations

import json
from pathlib import Path

from pachca_pulumi.tools.checkpoint import repair_checkpoint_metadata

ATTRS = {"user.content_type": "text/plain; charset=utf-8", "md5": "IglWLjbHTlVuCvsIEpogVw=="}


def _backend(tmp_path: Path, attrs: str) -> Path:
    stacks = tmp_path / ".pulumi" / "stacks" / "proj"
    stacks.mkdir(parents=True)
    (stacks / "dev.json").write_text("{}")
    (stacks / "dev.json.attrs").write_text(attrs)
    (stacks / "dev.json.bak.attrs").write_text(json.dumps(ATTRS))
    return stacks


def test_repair_removes_an_empty_metadata_file_and_keeps_the_rest(tmp_path: Path) -> None:
    stacks = _backend(tmp_path, "")

    repaired = repair_checkpoint_metadata(f"file://{tmp_path}")

    assert repaired == [stacks / "dev.json.attrs"]
    assert not (stacks / "dev.json.attrs").exists()
    assert (stacks / "dev.json").exists() and (stacks / "dev.json.bak.attrs").exists()


def test_repair_removes_half_written_metadata(tmp_path: Path) -> None:
    stacks = _backend(tmp_path, '{"user.content_type": "text/pl')

    assert repair_checkpoint_metadata(f"file://{tmp_path}") == [stacks / "dev.json.attrs"]


def test_repair_leaves_sound_metadata_alone(tmp_path: Path) -> None:
    stacks = _backend(tmp_path, json.dumps(ATTRS))

    assert repair_checkpoint_metadata(f"file://{tmp_path}") == []
    assert (stacks / "dev.json.attrs").exists()


def test_repair_dry_run_reports_without_removing(tmp_path: Path) -> None:
    stacks = _backend(tmp_path, "")

    assert repair_checkpoint_metadata(f"file://{tmp_path}", dry_run=True) == [stacks / "dev.json.attrs"]
    assert (stacks / "dev.json.attrs").exists()


def test_repair_does_nothing_for_other_backends(tmp_path: Path) -> None:
    assert repair_checkpoint_metadata("s3://state?endpoint=http://127.0.0.1:9000") == []
