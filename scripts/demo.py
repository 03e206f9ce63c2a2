"""`make demo`: the emulator on loopback, `pulumi up` of the repo's own stack, the resulting chats,
and a second `up` that changes nothing. Everything lives in .demo/ and is started afresh."""

from __future__ import annotations

import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from pachca_pulumi import PachcaClient, ProviderConfig
from pachca_pulumi.localstack import LocalStack

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".demo"
TOKEN = "demo-token"


def start_emulator() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pachca_pulumi.emulator", "--port", "0", "--quiet",
         "--state", str(WORK / "emulator.json"), "--token", TOKEN],
        stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    base_url = proc.stdout.readline().strip()
    if not base_url.startswith("http"):
        proc.kill()
        raise SystemExit(f"the emulator did not start (said {base_url!r})")
    return proc, base_url


def print_chats(base_url: str) -> None:
    with PachcaClient(ProviderConfig.resolve(token=TOKEN, base_url=base_url)) as client:
        print("\nChats in the emulator now:")
        for chat in sorted(client.list_chats(), key=lambda c: c.id):
            kind = "channel" if chat.channel else "chat"
            print(f"  #{chat.id} {chat.name!r:18} {kind:7} public={chat.public!s:5} members={sorted(chat.member_ids)}")


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir()
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    program_file = ROOT / project["main"] / "__main__.py"
    emulator, base_url = start_emulator()
    try:
        print(f"Emulator: {base_url}\nProgram: {program_file.relative_to(ROOT)}\n")
        stack = LocalStack(WORK, lambda: runpy.run_path(str(program_file), run_name="__main__"),
                           project=project["name"])
        stack.configure(token=TOKEN, base_url=base_url)
        stack.up(on_output=print, color="never")
        print_chats(base_url)
        print("\nSecond `pulumi up` (expect no changes):\n")
        result = stack.up(on_output=print, color="never")
        changed = {k: v for k, v in (result.summary.resource_changes or {}).items() if k != "same"}
        print("\nNo changes." if not changed else f"\nUnexpected changes: {changed}")
        if changed:
            raise SystemExit(1)
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)


if __name__ == "__main__":
    main()
