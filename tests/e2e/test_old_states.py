"""Stacks deployed by every earlier release load and converge with no write (issue 20: state typed,
versioned, lean). The entries in old_states/ were written by those releases (see its README); each is
put into a stack of the same chats on the real engine, then previewed, updated and refreshed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from pachca_pulumi import Chat, GroupTag
from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.kit.state import SCHEMA_KEY
from pachca_pulumi.testing import LocalStack

from .conftest import TOKEN, Api

pytestmark = pytest.mark.e2e

OLD_STATES = Path(__file__).parent / "old_states"


def PROGRAM_A() -> None:  # noqa: N802 (named as the README names it)
    """What a program of the release before people maps could declare."""
    Chat("eng", name="Engineering", member_ids=[3, 4, 5], group_tag_ids=[9110])
    Chat("incident", name="Incident room", member_ids=[2], group_tag_ids=[9109], exclusive_members=True)
    Chat("retro", name="Q3 retro", member_ids=[3, 4], archived=True)
    Chat("news", name="News", channel=True, public=True)


def PROGRAM_B() -> None:  # noqa: N802
    """People by reference, roles and a group tag: a typical chat of five people, a tag and an admin."""
    reviewers = GroupTag("reviewers", name="Reviewers", members=["@tatianamoreau", 4])
    Chat("eng", name="Engineering", members=["@tatianamoreau", 3, 5], admins=[4], group_tags=[reviewers.name])
    Chat("incident", name="Incident room", member_ids=[2], group_tag_ids=[9109], exclusive_members=True)
    Chat("retro", name="Q3 retro", member_ids=[3, 4], archived=True)
    Chat("news", name="News", channel=True, public=True, editors=[3])


RELEASES: dict[str, Callable[[], None]] = {
    "before-people-maps": PROGRAM_A,
    "people-maps-id-lists": PROGRAM_B,
    "keyed-id-maps-full": PROGRAM_B,
}


def _writes(api: Api) -> list[str]:
    return [route for route in api.stats()["by_route"] if not route.startswith("GET ")]


def _changes(summary: dict[str, int] | None) -> dict[str, int]:
    return {op: count for op, count in (summary or {}).items() if op != "same"}


def _with_old_entries(deployment: dict[str, Any], release: str) -> tuple[dict[str, Any], int]:
    """The stack's deployment with each resource's inputs and outputs as the release stored them."""
    old = json.loads((OLD_STATES / f"{release}.json").read_text())
    replaced = 0
    for resource in deployment["resources"]:
        entry = old.get(resource["urn"].rsplit("::", 1)[1])
        if entry is not None and entry["type"] == resource["type"]:
            resource["inputs"], resource["outputs"] = entry["inputs"], entry["outputs"]
            replaced += 1
    return deployment, replaced


@pytest.mark.parametrize("release", sorted(RELEASES))
def test_a_stack_deployed_by_an_earlier_release_loads_and_converges_with_no_write(
    release: str, tmp_path: Path, engine: Path, emulator: EmulatorServer, api: Api
) -> None:
    stack = LocalStack(tmp_path / release, RELEASES[release], engine_dir=engine)
    stack.configure(token=TOKEN, base_url=emulator.base_url)
    stack.up()  # the same chats in the workspace
    deployment, replaced = _with_old_entries(stack.export(), release)
    assert replaced == len(json.loads((OLD_STATES / f"{release}.json").read_text()))
    stack.stack.import_stack(auto.Deployment(version=3, deployment=deployment))
    writes = _writes(api)

    preview = stack.preview(diff=True)
    up = stack.up()

    assert _changes(preview.change_summary) == {}, preview.stdout
    assert _changes(up.summary.resource_changes) == {}, up.stdout
    assert _writes(api) == writes  # nothing written to the API
    assert "error" not in preview.stdout.lower() + up.stdout.lower()

    stack.refresh()  # what a refresh reads is stored in today's lean shape
    stored = {r["urn"].rsplit("::", 1)[1]: r["outputs"] for r in stack.export()["resources"]
              if r["type"].startswith("pulumi-python:dynamic/pachca:")}
    assert {name: outs.get(SCHEMA_KEY) for name, outs in stored.items()} == dict.fromkeys(stored, 1)
    again = stack.preview(diff=True)
    assert _changes(again.change_summary) == {}, again.stdout
    assert _writes(api) == writes
