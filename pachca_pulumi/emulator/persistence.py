"""Atomic JSON persistence of the emulator state, and the one way the store saves it.

A state file holds one section per part of the store (``{"format": ..., "directory": {...},
"chats": {...}, ...}``); :func:`mutation` is the only code path that writes it. Files of the
previous format (``pachca-emulator-state/1``, one flat object) are read and upgraded.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

STATE_FORMAT = "pachca-emulator-state/2"
V1_FORMAT = "pachca-emulator-state/1"
Json = dict[str, Any]


class StateError(ValueError):
    """The state file cannot be used."""


def write_state(path: Path, sections: Json) -> None:
    """Write ``sections`` to ``path`` atomically: a temp file in the same folder, fsync, os.replace."""
    text = json.dumps({"format": STATE_FORMAT, **sections}, ensure_ascii=False, indent=1)
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


def read_state(path: Path, sections: tuple[str, ...]) -> Json:
    """The named sections of a state file written by :func:`write_state`; StateError if unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("format") == V1_FORMAT:
            data = _upgrade_v1(data)
        if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
            raise ValueError("not a pachca emulator state file")
        return {name: data.get(name, {}) for name in sections}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StateError(f"state file {path} is not usable: {exc}") from None


def _upgrade_v1(data: Json) -> Json:
    """Format 1 kept each chat's owner, members and tags inside the chat record."""
    people = ("owner_id", "member_ids", "group_tag_ids")
    chats = [{k: v for k, v in c.items() if k not in people} for c in data["chats"]]
    rosters = [{"chat_id": c["id"], **{k: c[k] for k in people}} for c in data["chats"]]
    return {
        "format": STATE_FORMAT,
        "directory": {"users": data["users"], "group_tags": data["group_tags"]},
        "chats": {"next_id": data["next_chat_id"], "items": chats},
        "membership": {"rosters": rosters},
        "messages": {"next_id": data["next_message_id"]},
    }


class Persistent(Protocol):
    """What :func:`mutation` and :func:`locked` need: one lock and a save of the whole state."""

    _lock: threading.RLock

    def _save(self) -> None: ...


S = TypeVar("S", bound=Persistent)
P = ParamSpec("P")
R = TypeVar("R")


def mutation(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Run a store method under its lock, then save the state (only if it did not raise)."""

    @functools.wraps(method)
    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            result = method(self, *args, **kwargs)
            self._save()
            return result

    return wrapper


def locked(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Run a read-only store method under its lock (nothing is saved)."""

    @functools.wraps(method)
    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper
