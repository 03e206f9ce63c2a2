"""The refresh snapshot's cost bound, over the emulator in process (httpx.WSGITransport seam).

Requests for N chats read among M the token can list stay within `min(N, ceil(M/50)) + 2` (the
"+2" leaves room for `GET /profile`, which the service adds), wherever the stack's chats sit in id
order, and never above N + 1 for the snapshot itself.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from pydantic import SecretStr

from pachca_pulumi.api.client import PachcaClient
from pachca_pulumi.api.config import ProviderConfig
from pachca_pulumi.chat.snapshot import ChatSnapshot
from pachca_pulumi.emulator import Faults, Store
from pachca_pulumi.emulator.app import create_app
from pachca_pulumi.emulator.workspace import WorkspacePlan

TOKEN_USER = 1
OLDER, NEWER, PERSONAL = 1500, 1500, 400


@dataclass
class Workspace:
    store: Store
    client: PachcaClient

    def visible(self) -> int:
        return len(self.store.list_chat_keys(TOKEN_USER, archived=True))


@pytest.fixture
def workspace() -> Iterator[Workspace]:
    token = f"snapshot-test-{uuid.uuid4().hex}"
    store, faults = Store(tokens=(token,)), Faults()
    app = create_app(store, faults, log_requests=False)
    config = ProviderConfig(token=SecretStr(token), base_url="http://127.0.0.1/api/shared/v1")
    client = PachcaClient(config, transport=httpx.WSGITransport(app=app), rate_limit=10_000)
    yield Workspace(store, client)
    client.close()


def _stack(store: Store, count: int) -> list[tuple[int, str]]:
    chats = [store.create_chat(TOKEN_USER, f"Stack {i}", member_ids=[2]).chat for i in range(count)]
    return [(chat["id"], chat["created_at"]) for chat in chats]


def _place(store: Store, where: str, count: int) -> list[tuple[int, str]]:
    """The stack's chats at the start, middle or end of a workspace of older and newer chats."""
    before = {"start": 0, "middle": OLDER, "end": OLDER + NEWER}[where]
    if before:
        store.workspace.populate(WorkspacePlan(chats=before, personal=PERSONAL // 2, random_seed=1))
    stack = _stack(store, count)
    if OLDER + NEWER - before:
        store.workspace.populate(WorkspacePlan(chats=OLDER + NEWER - before, personal=PERSONAL // 2, random_seed=2))
    store.workspace.touch_chats(30, random_seed=3)  # some older chats are active since the stack was made
    return stack


def _read_all(snapshot: ChatSnapshot, stack: list[tuple[int, str]]) -> None:
    for chat_id, created_at in stack:
        chat = snapshot.get(chat_id, created_at)
        assert chat is not None and chat.id == chat_id


@pytest.mark.parametrize("where", ["start", "middle", "end"])
@pytest.mark.parametrize("count", [20, 150])
def test_snapshot_reads_within_the_bound_wherever_the_stack_sits(workspace: Workspace, where: str, count: int):
    stack = _place(workspace.store, where, count)
    snapshot = ChatSnapshot(workspace.client)
    _read_all(snapshot, stack)
    made = snapshot.counts.pages + snapshot.counts.gets
    bound = min(count, math.ceil(workspace.visible() / 50)) + 1
    assert made <= bound, (where, count, snapshot.counts, bound)


def test_snapshot_pays_one_page_per_fifty_chats_of_a_clustered_stack(workspace: Workspace):
    stack = _place(workspace.store, "end", 150)
    snapshot = ChatSnapshot(workspace.client)
    _read_all(snapshot, stack)
    assert snapshot.counts.gets == 0
    assert snapshot.counts.pages <= math.ceil((150 + 30) / 50)


def test_snapshot_reads_a_scattered_stack_chat_by_chat(workspace: Workspace):
    stack = []
    for i in range(10):
        workspace.store.workspace.populate(WorkspacePlan(chats=300, random_seed=i))
        stack += _stack(workspace.store, 1)
    snapshot = ChatSnapshot(workspace.client)
    _read_all(snapshot, stack)
    assert snapshot.counts.pages + snapshot.counts.gets <= len(stack) + 1


def test_snapshot_reads_a_chat_the_listing_does_not_show(workspace: Workspace):
    hidden = workspace.store.create_chat(2, "Not ours", member_ids=[3]).chat  # the token's user is no member
    snapshot = ChatSnapshot(workspace.client)
    chat = snapshot.get(hidden["id"], hidden["created_at"])
    assert chat is not None and chat.name == "Not ours"


def test_snapshot_answers_none_only_after_a_404(workspace: Workspace):
    gone = _stack(workspace.store, 2)
    workspace.store.delete_chat(gone[0][0])
    snapshot = ChatSnapshot(workspace.client)
    assert snapshot.get(*gone[0]) is None
    assert snapshot.counts.gets == 1
    assert snapshot.get(*gone[1]) is not None


def test_snapshot_skips_personal_chats_and_chats_quiet_since_before_the_stack(workspace: Workspace):
    workspace.store.workspace.populate(WorkspacePlan(chats=10, personal=10, random_seed=4))
    stack = _stack(workspace.store, 3)
    workspace.store.workspace.populate(WorkspacePlan(chats=0, personal=60, random_seed=5))
    stack += _stack(workspace.store, 3)
    snapshot = ChatSnapshot(workspace.client)
    _read_all(snapshot, stack)
    assert (snapshot.counts.pages, snapshot.counts.gets) == (1, 0)
