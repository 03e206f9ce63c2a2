"""A `pulumi up` killed with SIGKILL while creating chats, then the README's recovery:
`pachca-pulumi recover` (which also releases the lock), `pulumi up`. Ends with one chat per resource,
all tracked, wherever the kill lands (even between a checkpoint and its metadata file)."""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from pachca_pulumi.testing import engine_env
from pachca_pulumi.tools.cli import main
from pachca_pulumi.tools.recovery import CHAT_TYPES

from .conftest import FRONT_ENDS, TOKEN, Api
from .yaml_project import install_native_plugin

pytestmark = pytest.mark.e2e

CHATS = 40
PROGRAM = f"""
from pachca_pulumi import Chat

for i in range({CHATS}):
    Chat(f"c{{i:02}}", name=f"Crash {{i:02}}", member_ids=[2 + i])
"""
# The same chats through the native provider, by type token, as any other language declares them.
NATIVE_PROGRAM = f"""
import pulumi

for i in range({CHATS}):
    pulumi.CustomResource("pachca:index:Chat", f"c{{i:02}}", {{"name": f"Crash {{i:02}}", "memberIds": [2 + i]}})
"""


@pytest.fixture(params=FRONT_ENDS)
def project(request, tmp_path: Path, engine: Path, emulator) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "project"
    root.mkdir()
    (root / "Pulumi.yaml").write_text("name: crashtest\nruntime: python\n")
    (root / "__main__.py").write_text(NATIVE_PROGRAM if request.param == "native" else PROGRAM)
    env = {**engine_env(engine, tmp_path), "PACHCA_TOKEN": TOKEN, "PACHCA_BASE_URL": emulator.base_url}
    if request.param == "native":
        install_native_plugin(engine, env)
    _pulumi(root, env, "stack", "init", "dev")
    return root, env


def _pulumi(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["pulumi", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, f"pulumi {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _kill_mid_create(cwd: Path, env: dict[str, str], emulator) -> None:
    up = subprocess.Popen(["pulumi", "up", "--yes", "--skip-preview"], cwd=cwd, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(emulator.store.list_chats(1, archived=True)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    # The engine starts its plugins in process groups of their own: kill the whole tree, as the
    # death of a CI runner would, so no provider process outlives the test.
    cli = psutil.Process(up.pid)
    for process in [cli, *cli.children(recursive=True)]:
        process.kill()
    up.wait()


def test_killed_up_then_recover_leaves_exactly_one_chat_per_resource(project, api: Api, emulator):
    cwd, env = project
    emulator.faults.configure(latency_ms=1200)
    _kill_mid_create(cwd, env, emulator)
    time.sleep(1.5)  # requests already on the wire land after the CLI died: those are the orphans
    emulator.faults.clear()
    created_before_recovery = len(api.chats())
    assert 0 < created_before_recovery < CHATS

    recovered = CliRunner().invoke(main, ["recover", "--stack", "dev", "--cwd", str(cwd)], env=env)
    assert recovered.exit_code == 0, recovered.output
    _pulumi(cwd, env, "up", "--yes", "--skip-preview")

    names = Counter(chat["name"] for chat in api.chats())
    assert names == Counter({f"Crash {i:02}": 1 for i in range(CHATS)})
    state = json.loads(_pulumi(cwd, env, "stack", "export").stdout)["deployment"]
    tracked = {r["id"] for r in state["resources"] if r["type"] in CHAT_TYPES}
    assert tracked == {str(chat["id"]) for chat in api.chats()}
    assert not state.get("pending_operations")
    # the chats whose answers died with the CLI were bound, not re-created
    assert "bound " in recovered.stdout, recovered.output


def test_recover_repairs_the_metadata_file_a_kill_cut_short(project, api: Api, emulator):
    cwd, env = project
    _pulumi(cwd, env, "up", "--yes", "--skip-preview")
    stacks = Path(env["PULUMI_BACKEND_URL"].removeprefix("file://")) / ".pulumi" / "stacks"
    attrs = next(stacks.rglob("dev.json.attrs"))
    attrs.write_text("")  # what a SIGKILL between the checkpoint's rename and its metadata write leaves
    broken = subprocess.run(["pulumi", "stack", "export"], cwd=cwd, env=env, capture_output=True, text=True)
    assert "failed to load checkpoint: EOF" in broken.stderr

    recovered = CliRunner().invoke(main, ["recover", "--stack", "dev", "--cwd", str(cwd)], env=env)

    assert recovered.exit_code == 0, recovered.output
    assert "repaired dev.json.attrs" in recovered.output
    state = json.loads(_pulumi(cwd, env, "stack", "export").stdout)["deployment"]
    assert len([r for r in state["resources"] if r["type"] in CHAT_TYPES]) == CHATS
