"""Recovery after a `pulumi up` that was killed while creating chats.

The engine records every create it starts as a pending operation in the stack's state before it
calls the provider. If the CLI dies (SIGKILL, a CI runner killed), the chats whose `POST /chats`
reached the server exist but are tracked nowhere, and a plain `pulumi up` would create them again.
`recover_pending_creates()` repairs an exported deployment instead: each pending create of a
`pachca:Chat` becomes a tracked resource bound to the chat it made, found by its declared name,
kind and visibility among the untracked, active chats owned by the token's user (newest first);
a pending create with no such chat (the request never arrived) is dropped, so the next `up`
creates it once. Limits: a chat created by hand with the same name, kind and owner between the
crash and the recovery cannot be told apart from the lost one.

`recover_stack()` runs the whole repair through the pulumi CLI (`stack export`, then `stack import`)
and `config_from_stack()` reads the stack's own `pachca:token` / `pachca:baseUrl` for it; both raise
`PulumiNotFoundError` when the CLI cannot be run and `PachcaError` when a pulumi command fails.
"""

from __future__ import annotations

import copy
import json
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..api._constants import BASE_URL_CONFIG_KEY, TOKEN_CONFIG_KEY
from ..api.client import PachcaClient
from ..api.config import ProviderConfig
from ..api.errors import PachcaError
from ..api.models import Chat
from ..chat.creating import RECOVERY_WINDOW, created_at
from ..chat.inputs import inputs_from
from ..chat.journal import CREATED, INTENT, ORPHAN, ChatKey, JournalEntry, read_journal, write_orphans
from ..chat.provider import ChatProvider
from ..chat.schema import ChatInputs
from ..chat.service import ChatService
from ..native.values import camel, snake
from .checkpoint import repair_checkpoint_metadata

__all__ = [
    "PulumiNotFoundError",
    "RecoveryReport",
    "config_from_stack",
    "recover_journal",
    "recover_pending_creates",
    "recover_stack",
]

# Lost creates are a chat's only: `Chat` journals each POST (`chat/journal.py`) and a lost answer is
# found again by that journal; a `GroupTag`'s create finds its tag again by name in `create` itself.
CHAT_TYPES = ChatProvider.type_tokens()  # a Python program's chats and a YAML program's
NATIVE_CHAT_TYPE = "pachca:index:Chat"
PULUMI_INSTALL_URL = "https://www.pulumi.com/docs/install/"


class PulumiNotFoundError(PachcaError):
    """The pulumi CLI could not be started (not installed, not on PATH, or not executable)."""


@dataclass
class RecoveryReport:
    """What the repair did, one line per pending create, plus untracked look-alikes left alone."""

    adopted: list[tuple[str, int]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    untouched: list[str] = field(default_factory=list)
    leftovers: list[int] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)
    journal: Path | None = None
    repaired: list[Path] = field(default_factory=list)

    @property
    def repairs(self) -> bool:
        """Whether the repair changes the stack (binds or drops a pending create)."""
        return bool(self.adopted or self.dropped)

    def lines(self) -> list[str]:
        out = [f"repaired {path.name}: removed the empty metadata file the killed run left beside the "
               "checkpoint (the checkpoint itself is intact)" for path in self.repaired]
        out += [f"bound {urn} to existing chat {chat_id}" for urn, chat_id in self.adopted]
        if self.orphans:
            out.append(f"journal {self.journal}: chats {sorted(self.orphans)} were made by a killed run and are "
                       "tracked nowhere; the next `pulumi up` takes each over for the resource with its name, kind "
                       "and visibility instead of creating it again")
        out += [f"dropped {urn}: its create never reached Pachca; `pulumi up` will create it" for urn in self.dropped]
        out += [f"left {urn}: not a pachca:Chat pending create" for urn in self.untouched]
        if self.leftovers:
            out.append(f"untracked chats with a pending create's name remain: {sorted(self.leftovers)}; "
                       "archive them if they are leftovers of earlier crashes")
        if self.journal is not None and not self.orphans:
            out.append(f"journal {self.journal}: every chat it records is tracked")
        return out or ["no pending creates: nothing to recover"]


def recover_pending_creates(deployment: dict[str, Any], service: ChatService) -> tuple[dict[str, Any], RecoveryReport]:
    """Return a repaired copy of an exported deployment (`pulumi stack export`'s `deployment`)."""
    repaired = copy.deepcopy(deployment)
    pending = repaired.get("pending_operations") or []
    report = RecoveryReport()
    creates = [op for op in pending if op.get("type") == "creating" and _is_chat(op.get("resource", {}))]
    repaired["pending_operations"] = [op for op in pending if op not in creates]
    report.untouched = [op.get("resource", {}).get("urn", "?") for op in repaired["pending_operations"]]
    if not creates:
        return repaired, report
    tracked = {str(r.get("id")) for r in repaired.get("resources", []) if _is_chat(r)}
    candidates = _candidates(service, tracked)
    for op in creates:
        resource = op["resource"]
        inputs = _inputs(resource)
        chat = _take_match(candidates, inputs)
        if chat is None:
            report.dropped.append(resource["urn"])
            continue
        repaired["resources"].append(_tracked(resource, chat, service.outputs_for(chat, inputs)))
        report.adopted.append((resource["urn"], chat.id))
    names = {_inputs(op["resource"]).name for op in creates}
    report.leftovers = [chat.id for chat in candidates if chat.name in names]
    return repaired, report


def recover_journal(path: Path, deployment: dict[str, Any], service: ChatService) -> list[int]:
    """Rewrite a create journal (`chat/journal.py`) to hold the chats a killed fast run made that
    `deployment` does not track: those it journaled, and for each request whose answer it never
    journaled, the newest untracked chat with that name, kind and visibility made since (owned by
    the token's user). Returns their ids; the next `pulumi up` takes them over."""
    entries = read_journal(path)
    tracked = {str(r.get("id")) for r in deployment.get("resources", []) if _is_chat(r)}
    orphans: dict[int, JournalEntry] = {}
    for entry in entries:
        if entry.chat_id is not None and str(entry.chat_id) not in tracked:
            orphans.setdefault(entry.chat_id, entry)
    unanswered = _unanswered_intents(entries)
    if unanswered:
        known = tracked | {str(chat_id) for chat_id in orphans} | _journaled(entries)
        candidates = _candidates(service, known)
        for intent in unanswered:
            chat = _made_since(candidates, intent)
            if chat is not None:
                orphans[chat.id] = JournalEntry(ORPHAN, intent.key, chat.id, intent.at)
    write_orphans(path, orphans.values())
    return sorted(orphans)


def _unanswered_intents(entries: list[JournalEntry]) -> list[JournalEntry]:
    """Intents with no `created` after them for the same key (their answer died with the run)."""
    waiting: dict[ChatKey, list[JournalEntry]] = {}
    for entry in entries:
        if entry.op == INTENT:
            waiting.setdefault(entry.key, []).append(entry)
        elif entry.op == CREATED and waiting.get(entry.key):
            waiting[entry.key].pop(0)
    return [entry for pending in waiting.values() for entry in pending]


def _journaled(entries: list[JournalEntry]) -> set[str]:
    return {str(e.chat_id) for e in entries if e.chat_id is not None}


def _made_since(candidates: list[Chat], intent: JournalEntry) -> Chat | None:
    since = datetime.fromisoformat(intent.at) - RECOVERY_WINDOW
    for chat in candidates:
        if (ChatKey(chat.name, chat.channel, chat.public) == intent.key
                and created_at(chat) >= since):
            candidates.remove(chat)
            return chat
    return None


def _candidates(service: ChatService, tracked: set[str]) -> list[Chat]:
    owner = service.token_user_id()
    chats: Iterable[Chat] = service.client.list_chats(sort="id", order="desc")
    return [c for c in chats if c.owner_id == owner and not c.archived and not c.personal and str(c.id) not in tracked]


def _take_match(candidates: list[Chat], inputs: ChatInputs) -> Chat | None:
    for chat in candidates:
        if (chat.name, chat.channel, chat.public) == (inputs.name, inputs.channel, inputs.public):
            candidates.remove(chat)
            return chat
    return None


def _tracked(resource: dict[str, Any], chat: Chat, outputs: dict[str, Any]) -> dict[str, Any]:
    """The pending resource bound to `chat`, with the outputs its front end keeps: a dynamic `Chat`'s
    (snake_case, with the pickled provider) or a native one's (camelCase, no hidden keys)."""
    if resource.get("type") == NATIVE_CHAT_TYPE:
        return {**resource, "id": str(chat.id),
                "outputs": {camel(key): value for key, value in outputs.items() if not key.startswith("__")}}
    provider = resource.get("inputs", {}).get("__provider")
    return {**resource, "id": str(chat.id), "outputs": {**outputs, "__provider": provider}}


def _inputs(resource: dict[str, Any]) -> ChatInputs:
    """A pending resource's inputs by the table's names (a native resource's are camelCase)."""
    return inputs_from({snake(key): value for key, value in (resource.get("inputs") or {}).items()})


def _is_chat(resource: dict[str, Any]) -> bool:
    return str(resource.get("type", "")) in CHAT_TYPES


def recover_stack(
    cwd: Path,
    config: ProviderConfig,
    *,
    stack: str | None = None,
    dry_run: bool = False,
    pulumi: str = "pulumi",
    journal: Path | None = None,
) -> RecoveryReport:
    """Repair the checkpoint metadata a kill may have cut short and release the dead run's lock (as
    `pulumi cancel` does), export the stack's state, repair its pending creates and import it back
    (none of it with `dry_run`); with `journal`, also mark the chats a killed fast run made as
    orphans for the next `up`. Never run it while another `up` of the stack is running."""
    stack_args = ["--stack", stack] if stack else []
    backend = json.loads(_pulumi(pulumi, cwd, "whoami", "--json")).get("url", "")
    repaired = repair_checkpoint_metadata(str(backend), dry_run=dry_run)
    if not dry_run:
        _pulumi(pulumi, cwd, "cancel", "--yes", *stack_args)
    exported = json.loads(_pulumi(pulumi, cwd, "stack", "export", *stack_args))
    with PachcaClient(config) as client:
        service = ChatService(client)
        deployment, report = recover_pending_creates(exported["deployment"], service)
        report.repaired = repaired
        if journal is not None and not dry_run:
            report.journal, report.orphans = journal, recover_journal(journal, deployment, service)
    if dry_run or not (report.adopted or report.dropped):
        return report
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "repaired.json"
        path.write_text(json.dumps({**exported, "deployment": deployment}))
        _pulumi(pulumi, cwd, "stack", "import", "--file", str(path), *stack_args)
    return report


def config_from_stack(cwd: Path, stack: str | None = None, *, pulumi: str = "pulumi") -> dict[str, str]:
    """The stack's `pachca:token` and `pachca:baseUrl` (decrypted), keyed by name; unset ones are absent.

    Runs `pulumi config --json --show-secrets` in `cwd`, so the secrets provider (for example
    PULUMI_CONFIG_PASSPHRASE) must be set up as for any pulumi command.
    """
    stack_args = ["--stack", stack] if stack else []
    values = json.loads(_pulumi(pulumi, cwd, "config", "--json", "--show-secrets", *stack_args) or "{}")
    wanted = (TOKEN_CONFIG_KEY, BASE_URL_CONFIG_KEY)
    return {key: values[key]["value"] for key in wanted if isinstance(values.get(key, {}).get("value"), str)}


def _pulumi(pulumi: str, cwd: Path, *args: str) -> str:
    try:
        done = subprocess.run([pulumi, *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise PulumiNotFoundError(
            f"cannot run the pulumi CLI {pulumi!r}: {exc.strerror or exc}; install it ({PULUMI_INSTALL_URL}) "
            "and put it on PATH"
        ) from None
    if done.returncode != 0:
        raise PachcaError(f"`pulumi {' '.join(args[:2])}` failed in {cwd}: {done.stderr.strip()[-800:]}")
    return done.stdout
