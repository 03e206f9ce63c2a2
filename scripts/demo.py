"""`make demo`: the emulator on loopback, `pulumi up` of the repo's own stack (Pulumi.yaml at the
root) with the real CLI, the resulting chats, and a second `up` that must change nothing.
Everything lives in .demo/ and starts afresh; the token and base URL come from the environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pachca_pulumi import PachcaClient, ProviderConfig
from pachca_pulumi.testing import engine_env, find_engine

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".demo"
TOKEN = "demo-token"


def start_emulator() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pachca_pulumi.emulator", "--port", "0", "--quiet",
         "--state", str(WORK / "emulator.json")],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PACHCA_EMULATOR_TOKEN": TOKEN},
    )
    assert proc.stdout is not None
    base_url = proc.stdout.readline().strip()
    if not base_url.startswith("http"):
        proc.kill()
        raise SystemExit(f"the emulator did not start (said {base_url!r})")
    return proc, base_url


def pulumi_env(base_url: str) -> dict[str, str]:
    """The engine's environment (pachca_pulumi.testing), plus the token and the emulator's URL."""
    env = engine_env(find_engine(), WORK)
    return {**env, "PACHCA_TOKEN": TOKEN, "PACHCA_BASE_URL": base_url}


def pulumi(env: dict[str, str], *args: str) -> None:
    print(f"\n$ pulumi {' '.join(args)}", flush=True)
    subprocess.run(["pulumi", *args, "--color", "never"], cwd=ROOT, env=env, check=True)


def print_chats(base_url: str) -> None:
    with PachcaClient(ProviderConfig.resolve(token=TOKEN, base_url=base_url)) as client:
        print("\nChats in the emulator now:")
        for chat in sorted(client.list_chats(), key=lambda c: c.id):
            kind = "channel" if chat.channel else "chat"
            print(f"  #{chat.id} {chat.name!r:18} {kind:7} public={chat.public!s:5} members={sorted(chat.member_ids)}")


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    (ROOT / "Pulumi.demo.yaml").unlink(missing_ok=True)  # the stack's config file (its passphrase salt)
    WORK.mkdir(parents=True)
    emulator, base_url = start_emulator()
    try:
        print(f"Emulator: {base_url}")
        env = pulumi_env(base_url)
        subprocess.run(["pulumi", "stack", "init", "demo"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        pulumi(env, "up", "--yes", "--stack", "demo")
        print_chats(base_url)
        pulumi(env, "up", "--yes", "--stack", "demo", "--expect-no-changes")
        print("\nSecond `pulumi up`: no changes.")
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)


if __name__ == "__main__":
    main()
