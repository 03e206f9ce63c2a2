"""The create journal: fsynced entries, orphans taken once each, and recovery against the state."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from pachca_pulumi.api.client import PachcaClient
from pachca_pulumi.api.config import JournalSetting, ProviderConfig
from pachca_pulumi.api.errors import PachcaError
from pachca_pulumi.chat.journal import (
    ChatKey,
    CreateJournal,
    JournalEntry,
    MissingJournal,
    journal_for,
    read_journal,
    write_orphans,
)
from pachca_pulumi.chat.schema import ChatInputs
from pachca_pulumi.chat.service import ChatService
from pachca_pulumi.emulator import Store
from pachca_pulumi.emulator.app import create_app
from pachca_pulumi.tools.recovery import recover_journal

TWIN = ChatKey("Twin", False, False)


def _orphans(path: Path, *chat_ids: int, key: ChatKey = TWIN) -> None:
    write_orphans(path, [JournalEntry("orphan", key, chat_id, "2026-01-01T00:00:00+00:00") for chat_id in chat_ids])


def test_journal_records_intent_and_created_in_order(tmp_path: Path):
    journal = CreateJournal(tmp_path / "j.jsonl")
    journal.intent(TWIN)
    journal.created(TWIN, 1001)
    assert [(e.op, e.key, e.chat_id) for e in read_journal(journal.path)] == [
        ("intent", TWIN, None), ("created", TWIN, 1001)]


def test_journal_syncs_intents_and_claims_but_created_lines_only_when_asked(tmp_path: Path):
    path = tmp_path / "j.jsonl"
    _orphans(path, 11)
    synced: list[int] = []
    journal = CreateJournal(path, sync=synced.append)
    journal.intent(TWIN)
    opened = len(synced)  # the directory (once) and the intent
    journal.created(TWIN, 1)
    unsynced = len(synced)
    journal.created(TWIN, 2, durable=True)
    journal.take_orphan(TWIN, lambda _id: True)
    assert (opened, unsynced, len(synced)) == (2, 2, 4)


def test_journal_appends_through_one_descriptor(tmp_path: Path):
    path, moved = tmp_path / "j.jsonl", tmp_path / "moved.jsonl"
    journal = CreateJournal(path)
    journal.intent(TWIN)
    path.rename(moved)
    journal.created(TWIN, 1)
    journal.close()
    assert [e.op for e in read_journal(moved)] == ["intent", "created"] and not path.exists()


def test_journal_skips_a_line_cut_by_a_crash(tmp_path: Path):
    path = tmp_path / "j.jsonl"
    CreateJournal(path).created(TWIN, 7)
    with open(path, "a") as stream:
        stream.write('{"op": "created", "name": "Tw')
    assert [e.chat_id for e in read_journal(path)] == [7]


def test_journal_gives_each_orphan_to_one_taker(tmp_path: Path):
    path = tmp_path / "j.jsonl"
    _orphans(path, 11, 12)
    journal = CreateJournal(path)
    taken = [journal.take_orphan(TWIN, lambda _id: True) for _ in range(3)]
    assert taken == [11, 12, None]
    assert CreateJournal(path).take_orphan(TWIN, lambda _id: True) is None  # claims are on disk


def test_journal_takes_only_orphans_of_the_same_name_kind_and_visibility(tmp_path: Path):
    path = tmp_path / "j.jsonl"
    _orphans(path, 11, key=ChatKey("Twin", True, False))
    assert CreateJournal(path).take_orphan(TWIN, lambda _id: True) is None


def test_journal_never_hands_over_a_chat_only_created(tmp_path: Path):
    path = tmp_path / "j.jsonl"
    CreateJournal(path).created(TWIN, 11)
    assert CreateJournal(path).take_orphan(TWIN, lambda _id: True) is None


def test_journal_passes_over_an_orphan_that_is_not_usable(tmp_path: Path):
    path = tmp_path / "j.jsonl"
    _orphans(path, 11, 12)
    assert CreateJournal(path).take_orphan(TWIN, lambda chat_id: chat_id == 12) == 12


def test_missing_journal_refuses_to_create_and_names_the_fix():
    with pytest.raises(PachcaError, match="PACHCA_PULUMI_JOURNAL"):
        MissingJournal().intent(TWIN)


@pytest.mark.parametrize(("config", "environ", "expected"), [
    ({}, {}, None),
    ({}, {"PULUMI_SKIP_CHECKPOINTS": "true"}, MissingJournal),
    ({}, {"PACHCA_PULUMI_JOURNAL": "j.jsonl", "PULUMI_SKIP_CHECKPOINTS": "true"}, CreateJournal),
    ({"pachca:journal": "j.jsonl"}, {}, CreateJournal),
])
def test_journal_for_follows_config_then_environment(config: dict[str, Any], environ: dict[str, str],
                                                     expected: type | None):
    journal = journal_for(JournalSetting.resolve(config.get, environ))
    assert type(journal) is expected if expected else journal is None


def test_write_orphans_replaces_the_journal(tmp_path: Path):
    path = tmp_path / "j.jsonl"
    CreateJournal(path).created(TWIN, 1)
    _orphans(path, 2)
    assert [json.loads(line)["op"] for line in path.read_text().splitlines()] == ["orphan"]


def test_recover_journal_marks_untracked_chats_and_finds_unanswered_creates(tmp_path: Path):
    token = f"journal-test-{uuid.uuid4().hex}"
    store = Store(tokens=(token,))
    config = ProviderConfig(token=SecretStr(token), base_url="http://127.0.0.1/api/shared/v1")
    names = ("Twin", "Twin", "Lost", "Lost")
    tracked, untracked, lost, by_hand = (store.create_chat(1, name).chat["id"] for name in names)
    store.set_archived(by_hand, True)  # archived chats are never taken for a lost create
    path = tmp_path / "j.jsonl"
    journal = CreateJournal(path)
    for chat_id in (tracked, untracked):
        journal.intent(TWIN)
        journal.created(TWIN, chat_id)
    journal.intent(ChatKey("Lost", False, False))
    deployment = {"resources": [{"type": "pulumi-python:dynamic/pachca:Chat", "id": str(tracked)}]}
    with PachcaClient(config, transport=httpx.WSGITransport(app=create_app(store))) as client:
        orphans = recover_journal(path, deployment, ChatService(client))
    assert orphans == sorted([untracked, lost])
    assert {(e.op, e.chat_id) for e in read_journal(path)} == {("orphan", untracked), ("orphan", lost)}


def _service_over(store: Store, token: str) -> ChatService:
    config = ProviderConfig(token=SecretStr(token), base_url="http://127.0.0.1/api/shared/v1")
    return ChatService(PachcaClient(config, transport=httpx.WSGITransport(app=create_app(store))))


def test_recover_journal_finds_chats_whose_created_lines_a_power_loss_took(tmp_path: Path):
    token = f"journal-test-{uuid.uuid4().hex}"
    store = Store(tokens=(token,))
    tracked, first, second = (store.create_chat(1, "Twin").chat["id"] for _ in range(3))
    path = tmp_path / "j.jsonl"
    journal = CreateJournal(path)
    for _ in range(3):
        journal.intent(TWIN)
    journal.created(TWIN, tracked)  # the two later `created` lines were never synced, and are gone
    deployment = {"resources": [{"type": "pulumi-python:dynamic/pachca:Chat", "id": str(tracked)}]}
    assert recover_journal(path, deployment, _service_over(store, token)) == [first, second]


def test_service_syncs_the_created_line_of_a_chat_it_archives_at_once(tmp_path: Path):
    token = f"journal-test-{uuid.uuid4().hex}"
    service = _service_over(Store(tokens=(token,)), token)
    synced: list[int] = []
    service.journal = CreateJournal(tmp_path / "j.jsonl", sync=synced.append)
    service.create(ChatInputs(name="Active"))
    active = len(synced)  # the directory and the intent
    service.create(ChatInputs(name="Shelved", archived=True))
    assert (active, len(synced)) == (2, 4)
