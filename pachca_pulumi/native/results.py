"""What a native resource adapter's hooks return, in plain values (snake_case names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .detailed import Entries

__all__ = ["Changes", "Checked", "Read"]


@dataclass(frozen=True)
class Checked:
    """Checked inputs, and failures as (field, reason)."""

    inputs: dict[str, Any]
    failures: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Changes:
    """A diff: whether anything changes, which inputs replace the resource, and the detailed entries."""

    changes: bool
    replaces: tuple[str, ...] = ()
    entries: Entries = field(default_factory=dict)


@dataclass(frozen=True)
class Read:
    """A read: the id (None when the resource is gone), its outputs and the inputs describing it."""

    id: str | None
    outputs: dict[str, Any]
    inputs: dict[str, Any]
