"""`make bench-workspace`: stacks in a workspace that looks like a real one.

The emulator (a child process, `benchlib/emulator.py`; rate limit `--rate`, the documented ~50
requests/s) holds `--workspace` older chats (group chats, channels and a fifth of personal chats,
seeded in one step through `POST /_emulator/workspace`) and `--users` users; each stack of N chats
(default 20, 200, 1000) is created after them, so its chats carry the newest ids (a team adopting
chats-as-code late), and 40 older chats are active after it (`POST /_emulator/workspace/activity`).
Its chats name 2-4 people each from the whole directory (ids, and a nickname in most chats); a
quarter are tagged and one in eight has an admin (`benchlib.workload.workspace_specs`).
Per size, in one run:

- engine floor: a no-op dynamic provider through up, preview, no-change up, refresh, destroy, and
  up/destroy with `PULUMI_SKIP_CHECKPOINTS=true`;
- default: `Chat` through the same five operations (file backend, engine checkpoints);
- fast: first rollout and destroy with `PULUMI_SKIP_CHECKPOINTS=true` and a create journal;
- S3: first rollout and no-change up with the state in a bucket of moto's server on loopback
  (`--no-s3` skips it).

Every figure stands next to the naive cost (one request per chat), the requests needed and the API
floor (needed / rate), with the provider's peak memory. The check after each rollout lists the
chats made since the stack's start through the API and expects each declared chat once.

Usage: benchmarks/workspace.py [--sizes 20,200,1000] [--workspace 20000] [--users 5000] [--rate 50]
                               [--no-s3] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx

from benchlib.api import Api
from benchlib.emulator import EmulatorProcess
from benchlib.measure import OpResult, ProcessMonitor, run_op
from benchlib.noop import noop_program
from benchlib.workload import PAGE, TOKEN, real_program, workspace_specs

BENCH_DIR = Path(__file__).resolve().parent
SKIP = {"PULUMI_SKIP_CHECKPOINTS": "true"}
ACTIVE_AFTER = 40  # older chats that receive a message after the rollout, before the refresh
RUNS = (  # (label, stack kind, backend, engine env, operations)
    ("engine floor", "noop", "file", {}, ("up", "preview", "up-again", "refresh", "destroy")),
    ("engine floor, fast", "noop", "file", SKIP, ("up", "destroy")),
    ("default", "chat", "file", {}, ("up", "preview", "up-again", "refresh", "destroy")),
    ("fast", "chat", "file", SKIP, ("up", "destroy")),
    ("S3", "chat", "s3", {}, ("up", "up-again")),
)
LABELS = {"up": "first rollout", "preview": "preview", "up-again": "no-change up", "refresh": "refresh",
          "destroy": "destroy"}


def needed(op: str, specs: dict[str, dict[str, Any]], visible: int, users: int) -> int:
    """Requests an operation cannot avoid. First rollout: the creates, the token's profile, one role
    write per chat with an admin, each tag's people, and the people verified the cheaper way
    (one read each, or every page of the directory). Refresh: min(N, list pages), each tag's
    people, and the role lists of chats with roles (the API lists roles per chat only). Destroy:
    the archives."""
    count, tags = len(specs), len({t for spec in specs.values() for t in spec.get("group_tag_ids", [])})
    with_roles = [spec for spec in specs.values() if spec.get("admins") or spec.get("editors")]
    people = {ref for spec in specs.values() for group in ("members", "admins", "editors")
              for ref in spec.get(group, [])}
    verified = min(len(people), math.ceil(users / PAGE))
    role_reads = sum(1 + bool(spec.get("channel")) for spec in with_roles)
    return {"up": count + 1 + len(with_roles) + tags + verified,
            "refresh": min(count, math.ceil(visible / PAGE)) + tags + role_reads, "destroy": count}.get(op, 0)


def seed_workspace(server: EmulatorProcess, chats: int, personal: int) -> None:
    server.control("POST", "workspace", {"chats": chats, "personal": personal, "random_seed": 11})


def activity(server: EmulatorProcess, chats: int) -> None:
    server.control("POST", "workspace/activity", {"chats": chats, "random_seed": 12})


def made_since(server: EmulatorProcess, since: str) -> list[dict[str, Any]]:
    """Non-personal chats active since `since` (the stack's own, and the touched older ones)."""
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": PAGE, "archived": "true", "personal": "false", "last_message_at_after": since}
    with httpx.Client(base_url=server.base_url + "/", headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        while True:
            response = http.get("chats", params=params)
            if response.status_code == 429:
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            body = response.raise_for_status().json()
            found += body["data"]
            if not body["data"] or not body["meta"]["paginate"].get("has_next"):
                return found
            params["cursor"] = body["meta"]["paginate"]["next_page"]


def check(server: EmulatorProcess, specs: dict[str, dict[str, Any]], since: str, archived: bool) -> list[str]:
    names = {spec["name"] for spec in specs.values()}
    mine = [c for c in made_since(server, since) if c["name"] in names]
    problems = []
    if Counter(c["name"] for c in mine) != Counter(names):
        problems.append(f"{len(mine)} chats named as declared, {len(names)} declared (duplicates or missing)")
    if any(c["archived"] != archived for c in mine):
        problems.append(f"chats not archived={archived}")
    return problems


def run_stack(label: str, kind: str, backend: str, engine_env: dict[str, str], ops: tuple[str, ...],
              specs: dict[str, dict[str, Any]], server: EmulatorProcess, workdir: Path, engine: Path
              ) -> dict[str, Any]:
    from pachca_pulumi.testing import LocalStack, S3Backend

    pythonpath = os.pathsep.join(p for p in (str(BENCH_DIR), os.environ.get("PYTHONPATH", "")) if p)
    extra = {"PYTHONPATH": pythonpath, **engine_env}
    if kind == "chat" and engine_env:
        extra["PACHCA_PULUMI_JOURNAL"] = str(workdir / "journal.jsonl")
    bucket = S3Backend() if backend == "s3" else None
    try:
        if bucket is not None:
            extra.update(bucket.env)
        program = real_program(specs) if kind == "chat" else noop_program(specs)
        stack = LocalStack(workdir, program, project=f"ws-{kind}", stack="bench", engine_dir=engine, extra_env=extra)
        stack.configure(token=TOKEN, base_url=server.base_url)
        return run_ops(label, kind, ops, stack, specs, server)
    finally:
        if bucket is not None:
            bucket.close()


def run_ops(label: str, kind: str, ops: tuple[str, ...], stack: Any, specs: dict[str, dict[str, Any]],
            server: EmulatorProcess) -> dict[str, Any]:
    api, monitor = Api(server), ProcessMonitor()
    since = server.health()["now"]
    results: dict[str, OpResult] = {}
    problems: list[str] = []
    try:
        for op in ops:
            result = results[op] = run_op(stack, op, api, monitor)
            print(f"  {label:20} {LABELS[op]:14} {result.wall_s:7.2f} s {result.requests:6} requests "
                  f"provider {result.provider_peak_mb:6.1f} MB", flush=True)
            if result.error:
                problems.append(f"{label} {op}: {result.error}")
                break
            if op == "up":
                activity(server, ACTIVE_AFTER)
            if kind == "chat" and op in ("up", "destroy"):
                problems += check(server, specs, since, archived=op == "destroy")
    finally:
        api.close()
    return {"results": {op: asdict(r) for op, r in results.items()}, "problems": problems}


def run_size(count: int, args: argparse.Namespace, engine: Path, tmp: Path) -> dict[str, Any]:
    from pachca_pulumi.emulator.workspace import directory_seed

    specs = workspace_specs(count, args.users)
    out: dict[str, Any] = {"chats": count, "users": args.users, "specs": specs, "runs": {}}
    print(f"\n== {count} chats in a workspace of {args.workspace} chats and {args.users} users ==", flush=True)
    for label, kind, backend, engine_env, ops in RUNS:
        if backend == "s3" and args.no_s3:
            continue
        with EmulatorProcess(seed=directory_seed(args.users)) as server:
            seed_workspace(server, args.workspace * 4 // 5, args.workspace // 5)
            server.faults(rate_limit=args.rate)
            figures = run_stack(label, kind, backend, engine_env, ops, specs, server,
                                tmp / f"{count}-{label.replace(' ', '-').replace(',', '')}", engine)
            figures["visible"] = server.health()["chats"]["visible"]
        out["runs"][label] = figures
    return out


def print_table(size: dict[str, Any], rate: float) -> None:
    count = size["chats"]
    print(f"\n{count} chats | requests | naive | needed | API floor s | wall s | engine floor s | provider MB")
    floor = size["runs"].get("engine floor", {}).get("results", {})
    fast_floor = size["runs"].get("engine floor, fast", {}).get("results", {})
    for label in ("default", "fast", "S3"):
        run = size["runs"].get(label)
        if run is None:
            continue
        for op, r in run["results"].items():
            need = needed(op, size["specs"], run["visible"], size["users"])
            engine = (fast_floor if label == "fast" else floor).get(op, {}).get("wall_s")
            naive = count if op in ("up", "refresh", "destroy") else 0
            print(f"{label + ' ' + LABELS[op]:26} | {r['requests']:6} | {naive:5} | {need:6} | {need / rate:6.1f} | "
                  f"{r['wall_s']:6.1f} | {'-' if engine is None else f'{engine:6.1f}'} | {r['provider_peak_mb']:6.1f}")


def main(argv: list[str] | None = None) -> int:
    from pachca_pulumi.testing import find_engine

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20,200,1000")
    parser.add_argument("--workspace", type=int, default=20000, help="older chats, a fifth of them personal")
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--no-s3", action="store_true", help="skip the runs with state in moto's S3 server")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    engine, started = find_engine(), time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pachca-ws-bench-") as tmp:
        results = [run_size(count, args, engine, Path(tmp)) for count in sizes]
    for size in results:
        print_table(size, args.rate)
    problems = [p for size in results for run in size["runs"].values() for p in run["problems"]]
    print("\nproblems: " + ("; ".join(problems) if problems else "none"))
    print(f"Benchmark took {time.perf_counter() - started:.0f} s.")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "results": results}, indent=2, default=str))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
