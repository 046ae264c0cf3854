"""Timing two commands side by side: A, B, A, B, … with the ratio A/B taken pair by pair.

These machines are shared and noisy, so a figure is never one run: each command runs a few times
after an uncounted warm-up, alternating with its baseline, so that both see the same drift; the
median is the figure to quote and min–max says how noisy the machine was. Each run is one whole
process (wall time from outside, CPU time from the kernel's accounting of the finished children).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """One finished run of a command."""

    wall: float  # seconds, from outside
    cpu: float  # user + sys seconds of the command and every child it waited for
    code: int  # exit status (negative: killed by a signal)


@dataclass(frozen=True)
class Stats:
    """median, min, max of some runs (seconds, bytes or a ratio)."""

    median: float
    min: float
    max: float
    runs: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        if not values:
            return cls(float("nan"), float("nan"), float("nan"), 0)
        return cls(statistics.median(values), min(values), max(values), len(values))


@dataclass
class Side:
    """One side of a comparison: what ran and how long it took."""

    label: str
    command: str
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> Stats:
        return Stats.of([r.wall for r in self.runs])

    @property
    def cpu(self) -> Stats:
        return Stats.of([r.cpu for r in self.runs])

    def as_json(self) -> dict[str, object]:
        return {"label": self.label, "command": self.command, "wall_s": _rounded(asdict(self.wall)),
                "cpu_s": _rounded(asdict(self.cpu)), "exit_codes": sorted({r.code for r in self.runs})}


def _rounded(values: Mapping[str, float], digits: int = 3) -> dict[str, float]:
    return {k: (round(v, digits) if isinstance(v, float) else v) for k, v in values.items()}


@dataclass(frozen=True)
class Command:
    """A command to time: argv, its working directory and environment, and what to do before each run."""

    label: str
    argv: Sequence[str]
    cwd: Path | None = None
    env: Mapping[str, str] | None = None
    before: Callable[[], None] | None = None  # untimed preparation (remove an output directory, …)
    timeout: float = 900.0

    def describe(self) -> str:
        return " ".join(str(a) for a in self.argv)


def run_once(command: Command, log: Path | None = None) -> Run:
    """Run `command` once; its output goes to `log` (appended) or is thrown away."""
    if command.before is not None:
        command.before()
    with contextlib.ExitStack() as files:
        out = files.enter_context(open(log, "ab")) if log is not None else subprocess.DEVNULL
        started = time.perf_counter()
        proc = subprocess.Popen(list(map(str, command.argv)), cwd=command.cwd, env=dict(command.env) if command.env else None,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        killer = threading.Timer(command.timeout, proc.kill)  # a run that hangs is ended, not waited for
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_utime + usage.ru_stime, proc.returncode)


@dataclass
class Pair:
    """A command A against its baseline B, run alternately."""

    a: Side
    b: Side
    ratios: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> Stats:
        return Stats.of(self.ratios)


def compare(a: Command, b: Command, runs: int, warmup: int = 1, log: Path | None = None,
            progress: Callable[[str], None] = print) -> Pair:
    """Time `a` against `b`: `warmup` uncounted rounds, then `runs` rounds of A then B."""
    pair = Pair(Side(a.label, a.describe()), Side(b.label, b.describe()))
    for index in range(warmup + runs):
        ra, rb = run_once(a, log), run_once(b, log)
        counted = index >= warmup
        if counted:
            pair.a.runs.append(ra)
            pair.b.runs.append(rb)
            pair.ratios.append(ra.wall / rb.wall if rb.wall > 0 else float("inf"))
        tag = "run" if counted else "warm-up"
        progress(f"    {tag} {index + 1 - (warmup if counted else 0)}: {a.label} {ra.wall:.2f} s (exit {ra.code}), "
                 f"{b.label} {rb.wall:.2f} s (exit {rb.code})")
    return pair
