"""A file-backend checkpoint that a SIGKILL cut short, repaired before recovery reads it.

The file backend (gocloud's fileblob) renames each new checkpoint into place atomically, then writes
the small `.attrs` metadata file beside it without that care. A run killed between the two leaves an
empty `<stack>.json.attrs`, and every pulumi command then fails with `failed to load checkpoint: EOF`.
The metadata holds only a content type and a checksum: removing a broken one makes the checkpoint,
which is intact, readable again. Other backends keep no such file and need nothing here.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["repair_checkpoint_metadata"]

FILE_SCHEME = "file://"


def repair_checkpoint_metadata(backend_url: str, *, dry_run: bool = False) -> list[Path]:
    """The broken (empty or unreadable) metadata files of a file backend's stacks, removed unless
    `dry_run`; nothing for any other backend."""
    if not backend_url.startswith(FILE_SCHEME):
        return []
    stacks = Path(backend_url[len(FILE_SCHEME):]).expanduser() / ".pulumi" / "stacks"
    broken = sorted(path for path in stacks.rglob("*.attrs") if not _readable(path))
    if not dry_run:
        for path in broken:
            path.unlink()
    return broken


def _readable(path: Path) -> bool:
    try:
        return isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
    except (OSError, UnicodeDecodeError, ValueError):
        return False
