"""Measuring one operation: wall and CPU time, peak RSS per process, request and resource-event times.

Request counts and times come from the emulator's statistics (`GET /_emulator/stats`), so the emulator
may run in another process."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import psutil

from .api import Api


@dataclass
class ProcPeak:
    kind: str
    verb: str
    peak_rss: int = 0
    cpu: float = 0.0
    first: float = 0.0
    last: float = 0.0


class ProcessMonitor:
    """Polls this process's descendants: peak RSS and CPU time of the provider host and the CLI."""

    SAMPLE_S = 0.05
    RESCAN_S = 0.25

    def __init__(self) -> None:
        self._me = psutil.Process()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._known: dict[int, tuple[Any, ProcPeak]] = {}
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._known = {}
        self._thread = threading.Thread(target=self._run, name="bench-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> list[ProcPeak]:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()
        with self._lock:
            return [peak for _proc, peak in self._known.values()]

    def _run(self) -> None:
        last_scan = 0.0
        while True:
            now = time.perf_counter()
            if now - last_scan >= self.RESCAN_S:
                self._scan(now)
                last_scan = now
            self._sample(now)
            if self._stop.wait(self.SAMPLE_S):
                self._scan(time.perf_counter())
                self._sample(time.perf_counter())
                return

    def _scan(self, now: float) -> None:
        try:
            children = self._me.children(recursive=True)
        except psutil.Error:
            return
        for proc in children:
            if proc.pid in self._known:
                continue
            try:
                cmdline = proc.cmdline()
            except psutil.Error:
                continue
            if any("pulumi.dynamic" in part or "pachca_pulumi.native" in part for part in cmdline):  # a provider
                kind, verb = "provider", ""
            elif cmdline and os.path.basename(cmdline[0]) == "pulumi":
                words = [part for part in cmdline[1:] if not part.startswith("-")]
                kind, verb = "cli", " ".join(words[:2]) if words[:1] == ["stack"] else " ".join(words[:1])
            else:
                kind, verb = "other", os.path.basename(cmdline[0]) if cmdline else "?"
            with self._lock:
                self._known[proc.pid] = (proc, ProcPeak(kind, verb, first=now, last=now))

    def _sample(self, now: float) -> None:
        with self._lock:
            items = list(self._known.values())
        for proc, peak in items:
            try:
                with proc.oneshot():
                    rss = proc.memory_info().rss
                    times = proc.cpu_times()
            except psutil.Error:
                continue
            peak.peak_rss = max(peak.peak_rss, rss)
            peak.cpu = times.user + times.system
            peak.last = now


class EventLog:
    """Receipt times of the engine's resource events (the Automation API tails the event log)."""

    def __init__(self) -> None:
        self.first_resource: float | None = None
        self.last_resource: float | None = None
        self.resource_events = 0

    def __call__(self, event: Any) -> None:
        if event.resource_pre_event is not None or event.res_outputs_event is not None:
            now = time.perf_counter()
            if self.first_resource is None:
                self.first_resource = now
            self.last_resource = now
            self.resource_events += 1


@dataclass
class OpResult:
    op: str
    wall_s: float = 0.0  # the `pulumi <op>` command
    automation_s: float = 0.0  # the whole Automation API call (adds `stack output` and `stack history`)
    requests: int = 0
    by_route: dict[str, int] = field(default_factory=dict)
    rate_limited: int = 0
    provider_peak_mb: float = 0.0
    provider_processes: int = 0
    provider_cpu_s: float = 0.0
    cli_peak_mb: float = 0.0
    cli_cpu_s: float = 0.0
    bench_cpu_s: float = 0.0  # this process: the inline program's host and this script
    to_first_resource_s: float | None = None
    resource_phase_s: float | None = None
    first_request_s: float | None = None
    last_request_s: float | None = None
    changes: dict[str, int] = field(default_factory=dict)
    error: str | None = None


_MAIN_VERBS = ("up", "preview", "refresh", "destroy")


def run_op(stack: Any, op: str, api: Api, monitor: ProcessMonitor) -> OpResult:
    """Run one operation with fresh emulator statistics; returns its figures."""
    result = OpResult(op)
    api.reset_stats()
    events = EventLog()
    commands: list[tuple[str, float, float]] = []
    _time_commands(stack, commands)
    cpu_before = time.process_time()
    monitor.start()
    started = time.perf_counter()
    try:
        result.changes = _run_command(stack, op, events)
    except Exception as exc:  # the benchmark reports and carries on
        text = getattr(exc, "stderr", "") or str(exc)
        result.error = f"{type(exc).__name__}: {text.strip()[-2000:]}"
    finally:
        ended = time.perf_counter()
        peaks = monitor.stop()
        del stack.stack._run_pulumi_cmd_sync
    result.automation_s = ended - started
    result.bench_cpu_s = time.process_time() - cpu_before
    main = [c for c in commands if c[0] in _MAIN_VERBS]
    cmd_start, cmd_end = (main[0][1], main[0][2]) if main else (started, ended)
    result.wall_s = cmd_end - cmd_start
    _record_processes(result, peaks)
    stats = api.stats()
    _record_timeline(result, events, stats, cmd_start)
    _record_stats(result, stats)
    return result


def _time_commands(stack: Any, commands: list[tuple[str, float, float]]) -> None:
    """Times every `pulumi` command the Automation API runs into `commands`; `run_op` removes the wrapper."""
    inner = stack.stack._run_pulumi_cmd_sync

    def timed_cmd(args: list[str], *rest: Any, **kwargs: Any) -> Any:
        verb, started = args[0], time.perf_counter()  # (the Automation API edits args in place)
        try:
            return inner(args, *rest, **kwargs)
        finally:
            commands.append((verb, started, time.perf_counter()))

    stack.stack._run_pulumi_cmd_sync = timed_cmd


def _run_command(stack: Any, op: str, events: EventLog) -> dict[str, int]:
    """Runs `op` through the Automation API; returns the engine's summary of resource changes."""
    kwargs: dict[str, Any] = {"on_event": events, "color": "never"}
    if op in ("up", "up-again"):
        outcome = stack.up(**kwargs)
        return dict(outcome.summary.resource_changes or {})
    if op == "preview":
        outcome = stack.preview(**kwargs)
        return {str(k): v for k, v in (outcome.change_summary or {}).items()}
    if op == "refresh":
        outcome = stack.refresh(**kwargs)
        return dict(outcome.summary.resource_changes or {})
    outcome = stack.destroy(**kwargs)
    return dict(outcome.summary.resource_changes or {})


def _record_processes(result: OpResult, peaks: list[ProcPeak]) -> None:
    providers = [p for p in peaks if p.kind == "provider"]
    clis = [p for p in peaks if p.kind == "cli"]
    result.provider_processes = len(providers)
    result.provider_peak_mb = max((p.peak_rss for p in providers), default=0) / 2**20
    result.provider_cpu_s = sum(p.cpu for p in providers)
    main_cli = [p for p in clis if p.verb in _MAIN_VERBS]
    result.cli_peak_mb = max((p.peak_rss for p in main_cli or clis), default=0) / 2**20
    result.cli_cpu_s = sum(p.cpu for p in main_cli)


def _record_timeline(result: OpResult, events: EventLog, stats: dict[str, Any], cmd_start: float) -> None:
    if events.first_resource is not None and events.last_resource is not None:
        result.to_first_resource_s = events.first_resource - cmd_start
        result.resource_phase_s = events.last_resource - events.first_resource
    if stats.get("first_request_time") is not None:
        epoch_at_start = cmd_start + (time.time() - time.perf_counter())  # the emulator counts epoch seconds
        result.first_request_s = stats["first_request_time"] - epoch_at_start
        result.last_request_s = stats["last_request_time"] - epoch_at_start


def _record_stats(result: OpResult, stats: dict[str, Any]) -> None:
    result.requests = int(stats["total_requests"])
    result.by_route = dict(stats["by_route"])
    result.rate_limited = int(stats["rate_limited"])
