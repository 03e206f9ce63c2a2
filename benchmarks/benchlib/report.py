"""Reporting: each size's table against the floors, where the time goes, provider memory, verdicts."""

from __future__ import annotations

import itertools
import math
from typing import Any

from .workload import OP_LABELS, OPS, PAGE, TARGETS, requests_needed


def table_rows(count: int, specs: dict[str, dict[str, Any]], rate: float,
               figures: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for op in OPS:
        real, floor = figures["chat"].get(op), figures["noop"].get(op)
        if real is None or floor is None:
            continue
        needed = requests_needed(op, specs)
        api_floor = needed / rate
        engine_floor = floor["wall_s"]
        larger = max(api_floor, engine_floor)
        ratio = real["wall_s"] / larger if larger else math.inf
        target = TARGETS[op]
        met = ratio <= target
        notes = [f"<={target:g}x"]
        budget = None
        if op == "refresh":
            budget = 3 * math.ceil(count / PAGE)
            met = met and real["requests"] <= budget
            notes.append(f"<={budget} req")
        if real.get("error"):
            met = False
        rows.append({
            "op": op, "label": OP_LABELS[op], "wall_s": real["wall_s"], "requests_made": real["requests"],
            "requests_needed": needed, "api_floor_s": api_floor, "engine_floor_s": engine_floor,
            "ratio_to_larger_floor": ratio,
            "ratio_to_api_floor": real["wall_s"] / api_floor if api_floor else None,
            "provider_peak_mb": real["provider_peak_mb"], "target_ratio": target, "request_budget": budget,
            "met": met, "verdict": ("met " if met else "MISSED ") + " ".join(notes),
        })
    return rows


def print_table(count: int, figures: dict[str, Any]) -> None:
    header = (f"{'op':20} {'wall s':>7} {'req made':>8} {'req need':>8} {'API fl s':>8} {'eng fl s':>8} "
              f"{'ratio':>6} {'prov MB':>7}  verdict")
    print(f"\n{count} chats")
    print(header)
    print("-" * len(header))
    for row in figures["rows"]:
        print(f"{row['label']:20} {row['wall_s']:7.2f} {row['requests_made']:8} {row['requests_needed']:8} "
              f"{row['api_floor_s']:8.2f} {row['engine_floor_s']:8.2f} {row['ratio_to_larger_floor']:5.2f}x "
              f"{row['provider_peak_mb']:7.1f}  {row['verdict']}")
    for row in figures["rows"]:
        if row["op"] in ("up", "destroy") and row["engine_floor_s"] > row["api_floor_s"]:
            times = row["engine_floor_s"] / row["api_floor_s"]
            print(f"  note: {row['label']}: the engine floor is {times:.1f}x the API floor; against the API "
                  f"floor alone the wall is {row['ratio_to_api_floor']:.2f}x")
    print("  where the time goes (seconds from the command's start; CPU seconds per process; "
          "noop = engine floor):")
    for op in OPS:
        real, floor = figures["chat"].get(op), figures["noop"].get(op)
        if real is None or floor is None:
            continue
        print(f"  {OP_LABELS[op]}: first resource event {_secs(real['to_first_resource_s'])} (noop "
              f"{_secs(floor['to_first_resource_s'])}), resource phase {_secs(real['resource_phase_s'])} "
              f"(noop {_secs(floor['resource_phase_s'])}){_request_window(real)}")
        print(f"      CPU: provider {real['provider_cpu_s']:.1f} (noop {floor['provider_cpu_s']:.1f}), "
              f"pulumi CLI {real['cli_cpu_s']:.1f} (noop {floor['cli_cpu_s']:.1f}), program host "
              f"{real['bench_cpu_s']:.1f} (noop {floor['bench_cpu_s']:.1f}); CLI peak "
              f"{real['cli_peak_mb']:.0f} MB; Automation API follow-up calls "
              f"+{real['automation_s'] - real['wall_s']:.1f} s")


def _secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _request_window(real: dict[str, Any]) -> str:
    if real["first_request_s"] is None or not real["requests"]:
        return ""
    span = real["last_request_s"] - real["first_request_s"]
    rate = f"{real['requests'] / span:.1f} req/s" if span > 0 else "one burst"
    return f", API requests {_secs(real['first_request_s'])}..{_secs(real['last_request_s'])} ({rate})"


FRONT_ENDS = {"chat": "dynamic Chat", "native": "native, by type token", "yaml": "native, YAML program",
              "noop": "engine floor"}


def print_front_ends(count: int, figures: dict[str, Any]) -> None:
    """With `--native`: each operation's wall time (and provider peak) on every front end, beside the
    engine floor, all from this run."""
    kinds = [kind for kind in FRONT_ENDS if kind in figures]
    if not {"native", "yaml"} & set(kinds):
        return
    print(f"\n{count} chats by front end, wall s (provider peak MB)")
    print(f"{'op':20} " + " ".join(f"{FRONT_ENDS[kind]:>22}" for kind in kinds))
    for op in OPS:
        cells = []
        for kind in kinds:
            result = figures[kind].get(op)
            cell = "-" if result is None or result.get("error") else \
                f"{result['wall_s']:.2f} ({result['provider_peak_mb']:.0f})"
            cells.append(f"{cell:>22}")
        print(f"{OP_LABELS[op]:20} " + " ".join(cells))


def memory_summary(sizes: list[int], results: dict[int, dict[str, Any]]) -> dict[str, Any]:
    def peak(ops: dict[str, Any]) -> float:
        return max((figures["provider_peak_mb"] for figures in ops.values()), default=0.0)

    peaks = {n: peak(r["chat"]) for n, r in results.items()}
    floors = {n: peak(r["noop"]) for n, r in results.items()}
    per_1000 = {n: peaks[n] / n * 1000 for n in sizes if n in peaks}
    ordered = [n for n in sizes if n in peaks]
    slopes = {f"{a}->{b}": (peaks[b] - peaks[a]) / (b - a) * 1000 for a, b in itertools.pairwise(ordered)}
    linear = all(per_1000[b] <= per_1000[a] * 1.1 for a, b in itertools.pairwise(ordered))
    slope_values = list(slopes.values())
    if len(slope_values) >= 2 and slope_values[-1] > 1.5 * max(slope_values[0], 0) + 5:
        linear = False
    return {"provider_peak_mb": peaks, "noop_provider_peak_mb": floors, "mb_per_1000_chats": per_1000,
            "marginal_mb_per_1000_chats": slopes, "linear_or_better": linear}


def print_memory(summary: dict[str, Any]) -> None:
    parts = ", ".join(f"{n}: {summary['provider_peak_mb'][n]:.1f} MB ({summary['mb_per_1000_chats'][n]:.1f} "
                      f"MB/1000 chats; noop {summary['noop_provider_peak_mb'][n]:.1f} MB)"
                      for n in summary["provider_peak_mb"])
    slopes = ", ".join(f"{k}: {v:.1f} MB/1000" for k, v in summary["marginal_mb_per_1000_chats"].items())
    verdict = "linear or better: met" if summary["linear_or_better"] else "linear or better: MISSED"
    print(f"\nProvider memory: {parts}. Marginal: {slopes or 'n/a'}. {verdict}")


def print_verdicts(sizes: list[int], results: dict[int, dict[str, Any]], problems: list[str],
                   leak_undone: int) -> None:
    """The targets at the largest size, the correctness checks and the pickler-leak note."""
    largest = 1000 if 1000 in sizes else max(sizes)
    missed = [r["label"] for r in results[largest]["rows"] if not r["met"]]
    stated = "" if largest == 1000 else " (the issue states its targets for 1000)"
    print(f"Targets at {largest} chats{stated}: " + (", ".join(f"MISSED {m}" for m in missed) or "all met"))
    if problems:
        print("Correctness: FAILED")
        for problem in problems:
            print(f"  - {problem}")
    else:
        print(f"Correctness: ok (at {', '.join(str(n) for n in sizes)} chats: each chat created "
              "exactly once as declared, unchanged by preview/up/refresh, all archived by destroy; engine "
              "summaries as expected; no 429s)")
    if leak_undone:
        print(f"Note: undid pulumi.dynamic's pickler leak {leak_undone} times (once per dynamic "
              "resource); without that a process fails after ~960 dynamic resources "
              "(see --keep-pickler-leak).")
