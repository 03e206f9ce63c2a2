"""A fast first rollout (`PULUMI_SKIP_CHECKPOINTS=true` with a create journal) killed with SIGKILL
while creating chats, then the README's recovery: `pachca-pulumi recover --journal` (which also
releases the lock), `pulumi up`. Ends with one chat per resource, all tracked, twins included."""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from pachca_pulumi.testing import engine_env
from pachca_pulumi.tools.cli import main

from .conftest import TOKEN, Api
from .test_crash_recovery import _kill_mid_create, _pulumi

pytestmark = pytest.mark.e2e

CHATS, TWINS = 36, 4
PROGRAM = f"""
from pachca_pulumi import Chat

for i in range({CHATS}):
    Chat(f"c{{i:02}}", name=f"Fast {{i:02}}", member_ids=[2 + i])
for i in range({TWINS}):
    Chat(f"twin{{i}}", name="Twin", member_ids=[3])
"""
EXPECTED = Counter({**{f"Fast {i:02}": 1 for i in range(CHATS)}, "Twin": TWINS})


@pytest.fixture
def fast_project(tmp_path: Path, engine: Path, emulator) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "project"
    root.mkdir()
    (root / "Pulumi.yaml").write_text("name: fastcrash\nruntime: python\n")
    (root / "__main__.py").write_text(PROGRAM)
    env = {**engine_env(engine, tmp_path), "PACHCA_TOKEN": TOKEN, "PACHCA_BASE_URL": emulator.base_url,
           "PULUMI_SKIP_CHECKPOINTS": "true", "PACHCA_PULUMI_JOURNAL": str(tmp_path / "journal.jsonl")}
    _pulumi(root, env, "stack", "init", "dev")
    return root, env


def test_killed_fast_up_then_recover_leaves_exactly_one_chat_per_resource(fast_project, api: Api, emulator):
    cwd, env = fast_project
    emulator.faults.configure(latency_ms=1200)
    _kill_mid_create(cwd, env, emulator)
    time.sleep(1.5)  # requests already on the wire land after the CLI died: those are the orphans
    emulator.faults.clear()
    made_by_killed_run = len(api.chats())
    assert 0 < made_by_killed_run < CHATS + TWINS

    recovered = CliRunner().invoke(main, ["recover", "--stack", "dev", "--cwd", str(cwd)], env=env)
    assert recovered.exit_code == 0, recovered.output
    assert "were made by a killed run" in recovered.stdout, recovered.output
    _pulumi(cwd, env, "up", "--yes", "--skip-preview")

    assert Counter(chat["name"] for chat in api.chats()) == EXPECTED
    state = json.loads(_pulumi(cwd, env, "stack", "export").stdout)["deployment"]
    tracked = [r["id"] for r in state["resources"] if r["type"].endswith("pachca:Chat")]
    assert sorted(tracked) == sorted(str(chat["id"]) for chat in api.chats())
    assert len(set(tracked)) == CHATS + TWINS
    assert _pulumi(cwd, env, "preview", "--expect-no-changes").returncode == 0


def test_fast_up_without_a_journal_refuses_to_create(fast_project, api: Api):
    cwd, env = fast_project
    env = {key: value for key, value in env.items() if key != "PACHCA_PULUMI_JOURNAL"}
    done = subprocess.run(["pulumi", "up", "--yes", "--skip-preview"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode != 0
    assert "PACHCA_PULUMI_JOURNAL" in done.stdout + done.stderr
    assert api.chats() == []
