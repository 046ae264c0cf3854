"""Measurements, the tables printed for them, and ``bench/results.json``."""

from __future__ import annotations

import math
import os
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from atomic_files import write_json
from bench.timing import Pair, Side, Stats

RESULTS = Path(__file__).resolve().parent / "results.json"


def _stats(stats: Stats, scale: float = 1.0, digits: int = 3) -> dict[str, float | int | None]:
    def r(x: float) -> float | None:
        return None if math.isnan(x) else round(x * scale, digits)
    return {"median": r(stats.median), "min": r(stats.min), "max": r(stats.max), "runs": stats.runs}


@dataclass
class Measurement:
    """One figure: A (and its baseline B), their ratio, the target and whether it is met.

    `a` and `b` hold median/min/max/runs in `unit`; `ratio` is A/B pair by pair (or the figure the
    target is about, see `compared`). `met` is None where there is no target.
    """

    section: str
    name: str
    unit: str = "s"
    a: dict[str, Any] | None = None
    b: dict[str, Any] | None = None
    ratio: dict[str, Any] | None = None
    target: str | None = None
    met: bool | None = None
    compared: str = "median ratio A/B"
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_pair(cls, section: str, name: str, pair: Pair, target: float | None, notes: list[str] | None = None,
                  **details: Any) -> Measurement:
        ratio = pair.ratio
        return cls(section, name, "s", _side(pair.a), _side(pair.b), _stats(ratio), None if target is None else f"≤ {target}×",
                   None if target is None or math.isnan(ratio.median) else ratio.median <= target,
                   notes=list(notes or []), details=details)

    @classmethod
    def single(cls, section: str, name: str, side: Side, notes: list[str] | None = None, **details: Any) -> Measurement:
        return cls(section, name, "s", _side(side), notes=list(notes or []), details=details)


def _side(side: Side) -> dict[str, Any]:
    cpu = side.cpu
    return {"label": side.label, "command": side.command, **_stats(side.wall),
            "cpu_median": None if math.isnan(cpu.median) else round(cpu.median, 3),
            "exit_codes": sorted({r.code for r in side.runs})}


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"
    if unit == "KB":
        return f"{value:.0f} KB"
    if unit == "ms":
        return f"{value:.0f} ms"
    return f"{value:g}"


def _range(d: dict[str, Any] | None, unit: str) -> str:
    if not d or d.get("median") is None:
        return "—"
    if d.get("runs", 1) <= 1:
        return _fmt(d["median"], unit)
    return f"{_fmt(d['median'], unit)} ({_fmt(d['min'], unit)}–{_fmt(d['max'], unit)})"


def _ratio(d: dict[str, Any] | None) -> str:
    if not d or d.get("median") is None:
        return "—"
    if d.get("runs", 1) <= 1 or d.get("min") is None:
        return f"{d['median']:.2f}"
    return f"{d['median']:.2f} ({d['min']:.2f}–{d['max']:.2f})"


def _met(met: bool | None) -> str:
    return "—" if met is None else ("met" if met else "**missed**")


def table(measurements: list[Measurement]) -> str:
    """A Markdown table: measurement, A and B median (min–max), runs, ratio, target, met."""
    lines = ["| measurement | A: median (min–max) | B (baseline): median (min–max) | runs | ratio | target | met |",
             "|---|---|---|---|---|---|---|"]
    for m in measurements:
        a_label = f"{m.a['label']}: " if m.a and m.a.get("label") else ""
        b_label = f"{m.b['label']}: " if m.b and m.b.get("label") else ""
        runs = (m.a or {}).get("runs") or (m.ratio or {}).get("runs") or "—"
        lines.append(f"| {m.name} | {a_label}{_range(m.a, m.unit)} | {b_label}{_range(m.b, m.unit)} | {runs} | "
                     f"{_ratio(m.ratio)} | {m.target or '—'} | {_met(m.met)} |")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """What the figures came from."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        memory_kb = int(next(row.split()[1] for row in meminfo if row.startswith("MemTotal")))
    except (OSError, StopIteration, ValueError):
        memory_kb = 0
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = []
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_gb": round(memory_kb / 1024 / 1024, 1),
            "system": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "load_average_at_start": load}


def commit_id(root: Path) -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=False).stdout.strip()
    except OSError:
        return ""


def write_results(path: Path, measurements: list[Measurement], extra: dict[str, Any]) -> None:
    data = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        **extra,
        "measurements": [asdict(m) for m in measurements],
    }
    write_json(path, data)
