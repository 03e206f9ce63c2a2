"""Chat avatars: file validation and digests in `check`, bytes parked by the program, drift markers."""

from __future__ import annotations

from pathlib import Path

import pytest

from pachca_pulumi.api.errors import PachcaError
from pachca_pulumi.api.models import Chat as ApiChat
from pachca_pulumi.chat.avatar import (
    AVATAR_MAX_BYTES,
    CHANGED_BY_HAND,
    REMOVED_BY_HAND,
    avatar_path,
    load_avatar,
    observed_avatar,
    read_declared,
)
from pachca_pulumi.chat.inputs import check_inputs

from ..payloads import chat_json

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 16


def _file(tmp_path: Path, content: bytes, name: str = "logo.png") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


@pytest.mark.parametrize(("content", "content_type"), [(PNG, "image/png"), (JPEG, "image/jpeg"),
                                                       (b"GIF89a" + b"\x00" * 8, "image/gif"), (WEBP, "image/webp")])
def test_load_avatar_knows_the_image_type(tmp_path: Path, content: bytes, content_type: str) -> None:
    assert load_avatar(_file(tmp_path, content)).content_type == content_type


def test_check_inputs_keeps_a_digest_and_the_path_not_the_image(tmp_path: Path) -> None:
    path = _file(tmp_path, PNG)

    inputs, failures = check_inputs({"name": "Eng", "avatar": path})

    assert failures == []
    assert inputs["avatar"].startswith("sha256:") and len(inputs["avatar"]) == len("sha256:") + 16
    assert inputs["avatar_file"] == path


def test_check_inputs_digest_changes_with_the_content(tmp_path: Path) -> None:
    first, _ = check_inputs({"name": "Eng", "avatar": _file(tmp_path, PNG, "a.png")})
    second, _ = check_inputs({"name": "Eng", "avatar": _file(tmp_path, PNG + b"x", "b.png")})

    assert first["avatar"] != second["avatar"]


def test_check_inputs_refuses_a_file_that_is_not_an_image(tmp_path: Path) -> None:
    _, failures = check_inputs({"name": "Eng", "avatar": _file(tmp_path, b"<html>", "logo.png")})

    assert [(f.property, f.reason.split(";")[1].strip()) for f in failures] == [
        ("avatar", "convert it to one of those")]
    assert "is not a PNG, JPEG, GIF or WebP image" in failures[0].reason


def test_check_inputs_refuses_an_image_over_the_size_limit(tmp_path: Path) -> None:
    _, failures = check_inputs({"name": "Eng", "avatar": _file(tmp_path, PNG + b"\x00" * AVATAR_MAX_BYTES)})

    assert [f.property for f in failures] == ["avatar"]
    assert "shrink it to at most 1 MiB" in failures[0].reason


def test_check_inputs_names_a_missing_avatar_file(tmp_path: Path) -> None:
    _, failures = check_inputs({"name": "Eng", "avatar": str(tmp_path / "nope.png")})

    assert [f.property for f in failures] == ["avatar"]
    assert "cannot read" in failures[0].reason and "nope.png" in failures[0].reason


def test_check_inputs_names_the_avatar_for_a_path_no_file_can_have() -> None:
    _, failures = check_inputs({"name": "Eng", "avatar": "logo\x00.png"})

    assert [f.property for f in failures] == ["avatar"]
    assert "cannot read" in failures[0].reason and "embedded null byte" in failures[0].reason


def test_avatar_path_parks_bytes_once_under_their_hash() -> None:
    first = avatar_path(PNG)

    assert Path(first).read_bytes() == PNG
    assert avatar_path(PNG) == first


def test_avatar_path_makes_a_relative_path_absolute() -> None:
    assert Path(avatar_path("logo.png")).is_absolute()


def test_read_declared_refuses_a_file_changed_since_check(tmp_path: Path) -> None:
    path = _file(tmp_path, PNG)
    digest = load_avatar(path).digest
    Path(path).write_bytes(PNG + b"changed")

    with pytest.raises(PachcaError, match="changed after the preview checked it"):
        read_declared(path, digest)


def _chat(avatar_url: str | None) -> ApiChat:
    return ApiChat.model_validate(chat_json(avatar_url=avatar_url))


@pytest.mark.parametrize(("url", "observed"), [
    ("https://files/a.png", "sha256:0123456789abcdef"),
    ("https://files/b.png", CHANGED_BY_HAND),
    (None, REMOVED_BY_HAND),
])
def test_observed_avatar_marks_a_change_by_hand(url: str | None, observed: str) -> None:
    stored = {"avatar": "sha256:0123456789abcdef", "avatar_url": "https://files/a.png"}

    assert observed_avatar(_chat(url), stored) == observed


def test_observed_avatar_tolerates_one_set_by_hand_when_none_is_declared() -> None:
    assert observed_avatar(_chat("https://files/hand.png"), {"avatar": None, "avatar_url": None}) is None
