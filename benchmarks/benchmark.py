"""`make bench`: how close `pachca_pulumi.Chat` stacks come to the engine's and the API's floors.

For stacks of N chats (default 50, 200 and 1000) against the emulator in its own process (rate
limit `--rate`, the documented ~50 requests/s), five operations run in order on a fresh stack:

    up (from empty), preview (no change), up (no change), refresh, destroy

Each is measured for wall time (the `pulumi` command itself; the Automation API's follow-up
`stack output`/`stack history` calls are reported apart), API requests (emulator statistics,
reset before each operation) and the peak RSS of the dynamic-provider process (`python -m
pulumi.dynamic`, polled every 50 ms; the `pulumi` CLI's peak is recorded too).

Two floors come from the same run:

* engine floor: the same N resources, same input shape, with a dynamic provider whose hooks do
  nothing (`NoopProvider` in benchlib/noop.py), through the same five operations;
* API floor: the requests an operation cannot avoid divided by the rate limit (up: one create per
  chat + the profile + one member lookup per distinct group tag; refresh: ceil(N/50) list pages;
  destroy: one archive per chat; no-change preview/up: none).

Each figure is printed with its ratio to the larger floor and a verdict against the targets:
up/destroy within 1.3x, no-change preview/up within 1.5x (stated for 1000 chats), refresh within
1.3x and at most 3*ceil(N/50) requests plus one per unlistable chat. The emulator's state is
checked through its HTTP API after each step (every chat exists exactly once; all archived after
destroy); the exit status is non-zero when a check fails. Target misses are reported, not fatal.

The parts live in the package `benchlib` next to this file: `workload` (the chats, operations and API
floor), `noop` (the engine floor; the provider process imports it, PYTHONPATH being set to this
directory, so that dill pickles `NoopProvider` by reference), `measure` (one operation's figures),
`emulator` (`python -m pachca_pulumi.emulator` as a child process, so that it does not share this
process's interpreter with the inline program host), `api` (the emulator over plain HTTP and the state
checks) and `report` (tables and verdicts).

Usage: benchmarks/benchmark.py [--sizes 50,200,1000] [--rate 50] [--json FILE] [--quick]
                            [--skip-checkpoints] [--keep-pickler-leak]

--skip-checkpoints runs both stacks with PULUMI_SKIP_CHECKPOINTS=true: the file backend then writes
state once per operation instead of after every resource step, which is most of the engine floor of
`up` and `destroy` at 1000 chats. --keep-pickler-leak shows the pulumi SDK bug described at
`_undo_pickler_leak` in benchlib/noop.py (a program of ~960+ dynamic resources fails with RecursionError).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchlib.api import Api, check_state
from benchlib.emulator import EmulatorProcess
from benchlib.measure import OpResult, ProcessMonitor, run_op
from benchlib.native import YamlStack, native_program
from benchlib.native import install as install_native
from benchlib.noop import PICKLER_LEAK, noop_program
from benchlib.report import memory_summary, print_front_ends, print_memory, print_table, print_verdicts, table_rows
from benchlib.workload import OP_LABELS, OPS, TOKEN, chat_specs, expected_changes, real_program

BENCH_DIR = Path(__file__).resolve().parent


def run_stack(kind: str, specs: dict[str, dict[str, Any]], server: EmulatorProcess, api: Api, workdir: Path,
              engine: Path, engine_env: dict[str, str], check: bool
              ) -> tuple[dict[str, OpResult], list[str]]:
    """The five operations, in order, on a new stack of `kind` ("noop", "chat", "native": the same
    chats through `pulumi-resource-pachca` from a Python program, or "yaml": from a `runtime: yaml`
    project); (figures, problems)."""
    from pachca_pulumi.testing import LocalStack

    pythonpath = os.pathsep.join(p for p in (str(BENCH_DIR), os.environ.get("PYTHONPATH", "")) if p)
    stack: Any
    if kind == "yaml":
        stack = YamlStack(workdir, specs, project="bench-yaml", stack="bench", engine_dir=engine,
                          extra_env={"PYTHONPATH": pythonpath, **engine_env})
    else:
        program = {"chat": real_program, "noop": noop_program, "native": native_program}[kind](specs)
        stack = LocalStack(workdir, program, project=f"bench-{kind}", stack="bench", engine_dir=engine,
                           extra_env={"PYTHONPATH": pythonpath, **engine_env})
    if kind in ("native", "yaml"):
        install_native(engine, stack.env)
    stack.configure(token=TOKEN, base_url=server.base_url)
    monitor = ProcessMonitor()
    results: dict[str, OpResult] = {}
    problems: list[str] = []
    for op in OPS:
        result = results[op] = run_op(stack, op, api, monitor)
        label = f"{kind} {OP_LABELS[op]}"
        print(f"  {label:28} {result.wall_s:7.2f} s  {result.requests:5} requests  "
              f"provider {result.provider_peak_mb:6.1f} MB", flush=True)
        if result.error:
            problems.append(f"{label}: failed: {result.error}")
            print(f"    FAILED: {result.error}", file=sys.stderr)
            if op == "up":
                break
            continue
        want = expected_changes(op, len(specs))
        if result.changes != want:
            problems.append(f"{label}: changes {result.changes}, expected {want}")
        if result.rate_limited:
            problems.append(f"{label}: {result.rate_limited} requests were rate limited (429)")
        if check and op != "preview":
            problems += [f"after {label}: {p}" for p in check_state(api, specs, archived=op == "destroy")]
    return results, problems


def run_size(count: int, rate: float, engine: Path, engine_env: dict[str, str], tmp: Path,
             kinds: tuple[str, ...] = ("noop", "chat")) -> dict[str, Any]:
    specs = chat_specs(count)
    figures: dict[str, Any] = {"chats": count}
    problems: list[str] = []
    print(f"\n== {count} chats (emulator rate limit {rate:g}/s) ==", flush=True)
    for kind in kinds:
        with EmulatorProcess() as server:
            server.faults(rate_limit=rate)
            api = Api(server)
            try:
                results, found = run_stack(kind, specs, server, api, tmp / f"{kind}-{count}",
                                           engine, engine_env, check=kind != "noop")
            finally:
                api.close()
        figures[kind] = {op: asdict(r) for op, r in results.items()}
        problems += found
    figures["problems"] = problems
    figures["rows"] = table_rows(count, specs, rate, figures)
    return figures


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,200,1000", help="stack sizes in chats, comma-separated")
    parser.add_argument("--rate", type=float, default=50.0,
                        help="the emulator's rate limit, requests/s per token")
    parser.add_argument("--json", metavar="FILE", help="also write every figure to FILE")
    parser.add_argument("--quick", action="store_true", help="50 chats only")
    parser.add_argument("--skip-checkpoints", action="store_true",
                        help="run both stacks with PULUMI_SKIP_CHECKPOINTS=true (no per-step state writes), "
                             "to see the provider against the API floor, not the engine's checkpointing")
    parser.add_argument("--native", action="store_true",
                        help="also run the chats through the native provider (pachca:index:Chat by type token), "
                             "from a Python program and from a `runtime: yaml` project")
    parser.add_argument("--keep-pickler-leak", action="store_true",
                        help="do not undo pulumi's pickler leak between resources (shows the RecursionError)")
    args = parser.parse_args(argv)
    try:
        args.size_list = [50] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes takes comma-separated whole numbers, e.g. 50,200,1000")
    if not args.size_list or any(n <= 0 for n in args.size_list) or args.rate <= 0:
        parser.error("sizes and the rate must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    from pachca_pulumi.testing import find_engine

    args = parse_args(argv)
    PICKLER_LEAK["undo"] = not args.keep_pickler_leak
    engine_env = {"PULUMI_SKIP_CHECKPOINTS": "true"} if args.skip_checkpoints else {}
    engine = find_engine()
    started = time.perf_counter()
    results: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="pachca-bench-") as tmp:
        for count in args.size_list:
            kinds = ("noop", "chat", "native", "yaml") if args.native else ("noop", "chat")
            results[count] = run_size(count, args.rate, engine, engine_env, Path(tmp), kinds)
    print("\nWall: the `pulumi` command; floors: engine = no-op dynamic provider, API = requests needed / "
          f"{args.rate:g} per s; ratio = wall / larger floor."
          + (" Engine env: " + " ".join(f"{k}={v}" for k, v in engine_env.items()) if engine_env else ""))
    for count in args.size_list:
        print_table(count, results[count])
        print_front_ends(count, results[count])
    memory = memory_summary(args.size_list, results)
    print_memory(memory)
    problems = [p for count in args.size_list for p in results[count]["problems"]]
    print_verdicts(args.size_list, results, problems, PICKLER_LEAK["undone"])
    total = time.perf_counter() - started
    print(f"Benchmark took {total:.0f} s.")
    if args.json:
        document = {"rate": args.rate, "sizes": args.size_list, "engine_env": engine_env, "results": results,
                    "memory": memory, "pickler_leak_undone": PICKLER_LEAK["undone"], "correct": not problems,
                    "problems": problems, "seconds": total}
        Path(args.json).write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
