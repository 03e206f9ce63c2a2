"""The create journal: what makes a fast rollout (engine checkpoints skipped) safe to kill.

With `PULUMI_SKIP_CHECKPOINTS=true` the engine writes the state once, at the end of a run, so a
run killed half-way leaves no pending creates behind: the chats it made are tracked nowhere. The
provider therefore appends to a journal file (one descriptor per process, opened on first use):

- `intent` before each `POST /chats` (name, kind, visibility, client time), fsynced before the
  request goes out: a request that may have reached the server;
- `created` once the answer names the chat, not fsynced: a killed process loses nothing it handed
  to the kernel, and after a power loss the intent still finds the chat (below). Only a chat the
  create archives right away gets a fsynced `created`, as recovery looks among active chats;
- `claimed` when a create takes over an orphan (below), fsynced before the chat is used.

`pachca-pulumi recover --journal FILE` compares the journal with the stack's state: every chat
the journal knows that the state does not track (and every intent's chat, found by name, kind,
visibility, owner and time) becomes an `orphan`, and the file is rewritten to hold just those.
The next `pulumi up` takes an orphan with the same name, kind and visibility instead of sending
`POST /chats` (then reconciles it like an adopted chat). Each orphan goes to one resource only:
claims are taken under a lock and written before the chat is used, so two resources with equal
inputs never share a chat. Only `orphan` entries written by `recover` are ever taken, never plain
`created` ones: a chat is handed over only once the state has been seen not to track it.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..api._constants import JOURNAL_CONFIG_KEY, JOURNAL_ENV, SKIP_CHECKPOINTS_ENV
from ..api.config import JournalSetting
from ..api.errors import PachcaError

__all__ = ["ChatKey", "CreateJournal", "JournalEntry", "MissingJournal", "journal_for", "read_journal",
           "write_orphans"]

INTENT, CREATED, CLAIMED, ORPHAN = "intent", "created", "claimed", "orphan"


@dataclass(frozen=True)
class ChatKey:
    """What a create fixes and recovery can match on: name, kind and visibility."""

    name: str
    channel: bool
    public: bool


@dataclass(frozen=True)
class JournalEntry:
    """One line of the journal."""

    op: str
    key: ChatKey
    chat_id: int | None = None
    at: str = ""

    def line(self) -> str:
        return json.dumps({"op": self.op, **asdict(self.key), "chat_id": self.chat_id, "at": self.at},
                          ensure_ascii=False)


def read_journal(path: Path) -> list[JournalEntry]:
    """Every complete entry of the journal (a line cut by a crash is skipped); none if no file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [entry for entry in map(_entry, text.splitlines()) if entry is not None]


def write_orphans(path: Path, orphans: Iterable[JournalEntry]) -> None:
    """Replace the journal with these orphan entries (temp file, fsync, rename)."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as stream:
        stream.writelines(JournalEntry(ORPHAN, e.key, e.chat_id, e.at).line() + "\n" for e in orphans)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)


class CreateJournal:
    """The provider's side: append and take orphans. Thread-safe; one per process, holding one
    append-only descriptor. `sync` (os.fsync) is the durability seam."""

    def __init__(self, path: Path, *, sync: Callable[[int], None] = os.fsync) -> None:
        self.path = path
        self._sync = sync
        self._lock = threading.Lock()
        self._descriptor: int | None = None
        self._orphans: list[JournalEntry] | None = None

    def intent(self, key: ChatKey) -> None:
        """Durable before it returns: the caller may then send `POST /chats`."""
        self._append(JournalEntry(INTENT, key, at=_now()), durable=True)

    def created(self, key: ChatKey, chat_id: int, *, durable: bool = False) -> None:
        """Handed to the kernel (a kill keeps it); `durable` also syncs it, for a chat about to be
        archived, which recovery would not find from its intent."""
        self._append(JournalEntry(CREATED, key, chat_id, _now()), durable=durable)

    def take_orphan(self, key: ChatKey, usable: Callable[[int], bool]) -> int | None:
        """The id of an orphan with this key that `usable` accepts, claimed for the caller; None
        when there is none. Orphans `usable` refuses are dropped for this process."""
        with self._lock:
            if self._orphans is None:
                self._orphans = _claimable(read_journal(self.path))
            for entry in [e for e in self._orphans if e.key == key]:
                self._orphans.remove(entry)
                assert entry.chat_id is not None
                if usable(entry.chat_id):
                    self._write(JournalEntry(CLAIMED, key, entry.chat_id, _now()), durable=True)
                    return entry.chat_id
            return None

    def close(self) -> None:
        """Release the descriptor once no create is running (a process's exit does it too); a later
        entry opens it again."""
        with self._lock:
            if self._descriptor is not None:
                os.close(self._descriptor)
                self._descriptor = None

    def _append(self, entry: JournalEntry, *, durable: bool) -> None:
        with self._lock:
            descriptor = self._write(entry)
        if durable:
            # Outside the lock, so creates do not queue behind each other's fsync: one that starts
            # after this line was written covers it, whoever's it is.
            self._sync(descriptor)

    def _write(self, entry: JournalEntry, *, durable: bool = False) -> int:
        if self._descriptor is None:
            self._descriptor = self._open()
        os.write(self._descriptor, (entry.line() + "\n").encode())
        if durable:
            self._sync(self._descriptor)
        return self._descriptor

    def _open(self) -> int:
        """The journal's append descriptor; its directory is synced once, so the file's entry survives
        a power loss as its lines do."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            directory = os.open(self.path.parent, os.O_RDONLY)
        except OSError:  # a platform that cannot open directories (Windows) has nothing to sync here
            return descriptor
        try:
            self._sync(directory)
        finally:
            os.close(directory)
        return descriptor


class MissingJournal(CreateJournal):
    """Stands in when the engine skips checkpoints and no journal is configured: creates fail
    before any request, with the fix, instead of making chats a killed run would lose."""

    def __init__(self) -> None:
        super().__init__(Path(os.devnull))

    def intent(self, key: ChatKey) -> None:
        raise PachcaError(
            f"create chat {key.name!r}: {SKIP_CHECKPOINTS_ENV}=true skips the engine's checkpoints, so a killed "
            f"run would leave chats untracked; set {JOURNAL_ENV}=FILE (or `pulumi config set {JOURNAL_CONFIG_KEY} "
            f"FILE`) to journal creates, or unset {SKIP_CHECKPOINTS_ENV}"
        )

    def take_orphan(self, key: ChatKey, usable: Callable[[int], bool]) -> int | None:
        return None


def journal_for(setting: JournalSetting) -> CreateJournal | None:
    """The journal this provider process writes: at the configured path; a `MissingJournal` when none
    is configured but checkpoints are skipped; else None (not needed)."""
    if setting.path is not None:
        return CreateJournal(setting.path)
    if setting.skip_checkpoints:
        return MissingJournal()
    return None


def _claimable(entries: list[JournalEntry]) -> list[JournalEntry]:
    """Orphans not claimed yet, oldest first."""
    claimed = {e.chat_id for e in entries if e.op == CLAIMED}
    return [e for e in entries if e.op == ORPHAN and e.chat_id not in claimed]


def _entry(line: str) -> JournalEntry | None:
    try:
        raw: Any = json.loads(line)
        key = ChatKey(str(raw["name"]), bool(raw["channel"]), bool(raw["public"]))
        chat_id = raw.get("chat_id")
        return JournalEntry(str(raw["op"]), key, int(chat_id) if chat_id is not None else None, str(raw["at"]))
    except (ValueError, KeyError, TypeError):
        return None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()
