"""Chat avatars: the uploaded bytes, their type, and the path they are served at.

Each upload gets a new path ``/uploads/chat_avatars/<chat id>/<random>.<ext>`` (so a changed
avatar shows as a changed URL); the previous file is forgotten. The bytes are persisted.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import Any

from .. import errors as e

MAX_AVATAR_BYTES = 1024 * 1024
UPLOADS_PREFIX = "/uploads/chat_avatars/"
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
UNTYPED = ("", "application/octet-stream")
Json = dict[str, Any]


@dataclass(frozen=True)
class Avatar:
    path: str
    content_type: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The image type the bytes start with (PNG, JPEG, GIF or WebP), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_image(data: bytes, declared_type: str) -> str:
    """The image's content type, or 422: ``too_long`` over 1 MiB, ``invalid`` when it is no image."""
    if len(data) > MAX_AVATAR_BYTES:
        message = f"Image is too large ({len(data)} bytes; the maximum is {MAX_AVATAR_BYTES} bytes)"
        raise e.unprocessable("image", None, message, e.TOO_LONG)
    declared = declared_type.split(";", 1)[0].strip().lower()
    found = sniff(data)
    if found is None or declared not in (*UNTYPED, found):
        shown = declared or "no content type"
        message = f"Image must be a PNG, JPEG, GIF or WebP picture (got {shown}, {len(data)} bytes)"
        raise e.unprocessable("image", None, message, e.INVALID)
    return found


class Avatars:
    """Owns the current avatar of each chat that has one."""

    def __init__(self) -> None:
        self._by_chat: dict[int, Avatar] = {}

    def reset(self) -> None:
        self._by_chat = {}

    def dump(self) -> Json:
        items = [
            {"chat_id": i, "path": a.path, "content_type": a.content_type, "data": _b64(a.data)}
            for i, a in self._by_chat.items()
        ]
        return {"items": items}

    def load(self, state: Json) -> None:
        self._by_chat = {
            item["chat_id"]: Avatar(item["path"], item["content_type"], base64.b64decode(item["data"]))
            for item in state.get("items", [])
        }

    def path(self, chat_id: int) -> str | None:
        avatar = self._by_chat.get(chat_id)
        return avatar.path if avatar else None

    def put(self, chat_id: int, data: bytes, declared_type: str) -> str:
        """Replace the chat's avatar (bytes checked first); returns its new path."""
        content_type = check_image(data, declared_type)
        path = f"{UPLOADS_PREFIX}{chat_id}/{secrets.token_hex(8)}.{IMAGE_TYPES[content_type]}"
        self._by_chat[chat_id] = Avatar(path, content_type, data)
        return path

    def drop(self, chat_id: int) -> None:
        self._by_chat.pop(chat_id, None)

    def file(self, path: str) -> Avatar | None:
        """The avatar served at ``path``, if it is still a chat's current one."""
        return next((a for a in self._by_chat.values() if a.path == path), None)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
