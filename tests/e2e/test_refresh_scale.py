"""`pulumi refresh` in a large workspace costs at most `min(N, ceil(M/50)) + 2` requests for N
managed chats among M visible ones, wherever the stack's chats sit in id order, plus one read per
group tag and per role list the stack declares; a preview's verification costs what the change adds,
not the directory's size. Counted through the emulator's `GET /_emulator/stats`, with the real engine."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.emulator.workspace import directory_seed

from .conftest import TOKEN, Api, chats_program

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


USERS = 2500  # a directory of 50 pages


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(tokens=(TOKEN,), seed=directory_seed(USERS)) as server:
        yield server


def _mixed_stack(size: int) -> dict[str, dict[str, Any]]:
    """Chats whose people are scattered over the directory (ids and nicknames), a third tagged, a
    fifth with admins (every tenth a channel with an editor)."""
    specs: dict[str, dict[str, Any]] = {}
    for i in range(size):
        spec: dict[str, Any] = {"name": f"Mixed {i:03}",
                                "members": [130 + (i * 97) % (USERS - 130), f"@user{200 + i * 31}"]}
        if i % 3 == 0:
            spec["group_tag_ids"] = [9101 + i % 4]
        if i % 5 == 0:
            spec["admins"] = [f"@user{140 + i}"]
        if i % 10 == 0:
            spec.update(channel=True, editors=[f"@user{150 + i}"])
        specs[f"m{i:03}"] = spec
    return specs


def _role_reads(specs: dict[str, dict[str, Any]]) -> int:
    """`GET /chats/{id}/members?role=` per chat that declares roles: admins, and editors in channels."""
    return sum(1 + bool(s.get("channel")) for s in specs.values() if s.get("admins") or s.get("editors"))


def test_preview_verification_costs_what_the_change_adds_not_the_directory(make_stack, api: Api):
    specs = _mixed_stack(30)
    stack = make_stack(specs)
    stack.up()
    httpx.post(api.server.root_url + "/_emulator/stats/reset").raise_for_status()

    assert stack.preview().change_summary == {"same": 31}
    unchanged = api.request_count()
    specs["m001"]["members"] = [*specs["m001"]["members"], 2400, "@user2301"]
    stack.set_program(chats_program(specs))
    httpx.post(api.server.root_url + "/_emulator/stats/reset").raise_for_status()
    assert stack.preview().change_summary == {"same": 30, "update": 1}
    changed = api.request_count()

    assert unchanged <= 2, api.stats()["by_route"]  # the token's profile and scopes, whatever the directory
    # and one read per person the change adds, plus at most one page of users read on speculation
    assert changed <= 2 + 2 + 1, api.stats()["by_route"]


def test_refresh_with_tags_and_roles_adds_one_read_per_tag_and_per_role_list(make_stack, api: Api):
    specs = _mixed_stack(30)
    stack = make_stack(specs)
    stack.up()
    _populate(api, WORKSPACE, seed=3)
    visible = _visible(api)
    httpx.post(api.server.root_url + "/_emulator/stats/reset").raise_for_status()

    result = stack.refresh()

    tags = len({t for s in specs.values() for t in s.get("group_tag_ids", [])})
    bound = min(len(specs), math.ceil(visible / 50)) + 2 + tags + _role_reads(specs)
    assert api.request_count() <= bound, (api.request_count(), bound, api.stats()["by_route"])
    assert result.summary.resource_changes == {"same": 31}
