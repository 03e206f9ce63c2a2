"""Atomic JSON persistence of the emulator state."""

from __future__ import annotations

import functools
import json
import os
import tempfile
from pathlib import Path

STATE_FORMAT = "pachca-emulator-state/1"


class StateError(ValueError):
    """The state file cannot be used."""


def write_state(path: Path, state: dict) -> None:
    """Write ``state`` to ``path`` atomically: a temp file in the same folder, fsync, os.replace."""
    text = json.dumps({"format": STATE_FORMAT, **state}, ensure_ascii=False, indent=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_state(path: Path) -> dict:
    """Read a state file written by :func:`write_state`; StateError if it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
            raise ValueError("not a pachca emulator state file")
        return {
            "users": {u["id"]: u for u in data["users"]},
            "group_tags": {t["id"]: t for t in data["group_tags"]},
            "chats": {c["id"]: c for c in data["chats"]},
            "next_chat_id": int(data["next_chat_id"]),
            "next_message_id": int(data["next_message_id"]),
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StateError(f"state file {path} is not usable: {exc}") from None


def mutation(method):
    """Run a store method under its lock, then save the state (only if it did not raise)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            result = method(self, *args, **kwargs)
            self._save()
            return result

    return wrapper
