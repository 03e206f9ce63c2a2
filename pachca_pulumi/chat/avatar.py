"""Chat avatars as code: an image file in the program, a content hash in state.

The program names an image (a path, or bytes that `Chat` parks in a temporary file); `check` reads
it, validates its type and size, and keeps only `sha256:<digest>` (the input the preview compares)
plus the file's path (to upload from). The image itself never enters state. Refresh notices an
avatar changed or removed by hand through the chat's `avatar_url`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..api.errors import PachcaError
from ..api.models import Chat

if TYPE_CHECKING:  # the HTTP client is not loaded where only `check` runs
    from ..api.client import PachcaClient
    from .schema import ChatInputs

__all__ = [
    "AVATAR_DIGEST_PREFIX",
    "AVATAR_MAX_BYTES",
    "CHANGED_BY_HAND",
    "REMOVED_BY_HAND",
    "Avatar",
    "avatar_path",
    "load_avatar",
    "observed_avatar",
    "read_declared",
    "sync_avatar",
]

AVATAR_MAX_BYTES = 1024 * 1024  # the emulator refuses more (422 too_long); the public API documents no limit
AVATAR_DIGEST_PREFIX = "sha256:"
CHANGED_BY_HAND = "changed by hand"
REMOVED_BY_HAND = "removed by hand"

_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
)


@dataclass(frozen=True)
class Avatar:
    """A validated avatar image: its bytes, MIME type and content hash."""

    content: bytes
    content_type: str

    @property
    def digest(self) -> str:
        """`sha256:` and the first 16 hex digits of the content's SHA-256: what previews show."""
        return AVATAR_DIGEST_PREFIX + hashlib.sha256(self.content).hexdigest()[:16]


def load_avatar(path: str) -> Avatar:
    """Read and validate an avatar file; `ValueError` names the problem and the fix."""
    try:
        content = Path(path).read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a path no file can have (a NUL byte in it)
        cause = getattr(exc, "strerror", None) or exc
        raise ValueError(f"avatar: cannot read {path!r} ({cause}); give the path of a PNG, JPEG, GIF or WebP "
                         "image, relative to the program or absolute") from None
    if len(content) > AVATAR_MAX_BYTES:
        raise ValueError(f"avatar: {path!r} is {len(content) / 1048576:.1f} MiB; "
                         f"shrink it to at most {AVATAR_MAX_BYTES // 1048576} MiB")
    content_type = _sniff(content)
    if content_type is None:
        raise ValueError(f"avatar: {path!r} is not a PNG, JPEG, GIF or WebP image; convert it to one of those")
    return Avatar(content, content_type)


def read_declared(path: str, digest: str) -> Avatar:
    """The avatar to upload: the file `check` hashed, unchanged since (else a `PachcaError`)."""
    try:
        avatar = load_avatar(path)
    except ValueError as exc:
        raise PachcaError(f"{exc}; it was readable when the preview checked it") from None
    if avatar.digest != digest:
        raise PachcaError(f"avatar: {path!r} changed after the preview checked it ({digest} became "
                          f"{avatar.digest}); run `pulumi up` again to upload the new image")
    return avatar


def observed_avatar(chat: Chat, stored: Mapping[str, Any]) -> str | None:
    """The `avatar` a refresh records: the digest applied while the chat still shows the URL that
    upload gave, else a marker the preview shows as drift. None when the program never declared one
    (an avatar set by hand is then tolerated)."""
    applied = stored.get("avatar")
    if applied is None or chat.avatar_url == stored.get("avatar_url"):
        return applied if applied is None else str(applied)
    return REMOVED_BY_HAND if chat.avatar_url is None else CHANGED_BY_HAND


def sync_avatar(client: PachcaClient, chat: Chat, inputs: ChatInputs, stored: Mapping[str, Any]) -> Chat | None:
    """Upload the declared avatar unless it is the one applied and untouched; delete one the
    program declared before and no longer does. An avatar never declared is left alone.
    Returns the chat with its new `avatar_url`, or None when nothing was done."""
    applied = stored.get("avatar")
    if inputs.avatar is not None:
        if inputs.avatar == applied and chat.avatar_url == stored.get("avatar_url"):
            return None
        image = read_declared(inputs.avatar_file or "", inputs.avatar)
        url = client.set_chat_avatar(chat.id, image.content, image.content_type)
        return chat.model_copy(update={"avatar_url": url})
    if applied is None or chat.avatar_url is None:
        return None
    client.delete_chat_avatar(chat.id)
    return chat.model_copy(update={"avatar_url": None})


def avatar_path(value: str | bytes | os.PathLike[str]) -> str:
    """The absolute path `check` reads: a path as given (made absolute against the program's working
    directory), or bytes parked once in a temporary file named after their hash."""
    if isinstance(value, bytes):
        digest = hashlib.sha256(value).hexdigest()
        parked = Path(tempfile.gettempdir()) / "pachca-pulumi-avatars" / digest
        if not parked.exists():
            parked.parent.mkdir(parents=True, exist_ok=True)
            staged = parked.with_suffix(f".{os.getpid()}")
            staged.write_bytes(value)
            staged.replace(parked)
        return str(parked)
    return str(Path(value).expanduser().absolute())


def _sniff(content: bytes) -> str | None:
    for signature, offset, content_type in _SIGNATURES:
        if content[offset:offset + len(signature)] == signature:
            return content_type
    return None
