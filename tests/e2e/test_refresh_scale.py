"""`pulumi refresh` in a large workspace costs at most `min(N, ceil(M/50)) + 2` requests for N
managed chats among M visible ones, wherever the stack's chats sit in id order; counted through the
emulator's `GET /_emulator/stats`, with the real engine."""

from __future__ import annotations

import math

import httpx
import pytest

from .conftest import Api

pytestmark = pytest.mark.e2e

WORKSPACE = 3000  # group chats and channels besides the stack's, plus personal chats
PERSONAL = 600


def _populate(api: Api, chats: int, seed: int) -> None:
    body = {"chats": chats, "personal": PERSONAL * chats // WORKSPACE, "random_seed": seed}
    httpx.post(api.server.root_url + "/_emulator/workspace", json=body, timeout=120).raise_for_status()


def _touch(api: Api, chats: int) -> None:
    body = {"chats": chats, "random_seed": 7}
    httpx.post(api.server.root_url + "/_emulator/workspace/activity", json=body, timeout=60).raise_for_status()


def _visible(api: Api) -> int:
    return len(api.chats(archived=True))


@pytest.mark.parametrize(("where", "size"), [("start", 20), ("middle", 20), ("end", 20), ("middle", 120)])
def test_refresh_requests_stay_within_the_bound(make_stack, api: Api, where: str, size: int):
    before = {"start": 0, "middle": WORKSPACE // 2, "end": WORKSPACE}[where]
    if before:
        _populate(api, before, seed=1)
    stack = make_stack({f"c{i:03}": {"name": f"Scale {i:03}", "member_ids": [2 + i % 50]} for i in range(size)})
    stack.up()
    if WORKSPACE - before:
        _populate(api, WORKSPACE - before, seed=2)
    _touch(api, 30)  # older chats active since the stack was made
    visible = _visible(api)
    httpx.post(api.server.root_url + "/_emulator/stats/reset").raise_for_status()

    result = stack.refresh()

    made = api.request_count()
    assert made <= min(size, math.ceil(visible / 50)) + 2, (made, api.stats()["by_route"])
    assert result.summary.resource_changes == {"same": size + 1}
    assert stack.preview().change_summary == {"same": size + 1}
