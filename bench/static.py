"""2. The static tier: cold and warm on the real pages; time per page on a generated corpus; where the time goes.

Every run is ``python -m verify static --root ROOT`` on a copy (ROOT), so the kubectl result cache
is ``ROOT/.cache/verify`` and the real repository's cache and report are never touched; the verifier
itself is the one in the copy of the working tree (the run's working directory). Cold: that
cache removed before the run; warm: the cache the previous run left.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.corpus import make_corpus
from bench.results import Measurement
from bench.timing import Command, compare
from languages import LANGUAGES

TARGET_FLAT = 110.0


def _static(root: Path, work: Path, label: str, cold: bool, code: Path) -> Command:
    """`python -m verify static` on the pages under `root`, with the verifier of the copy `code`."""
    cache = root / ".cache" / "verify"
    before = (lambda: shutil.rmtree(cache, ignore_errors=True)) if cold else None
    return Command(label, [sys.executable, "-m", "verify", "static", "--root", str(root), "-q",
                           "--report", str(work / f"static-report-{root.name}.json")], cwd=code, before=before)


def static_root(source: Path, dest: Path, per_language: int | None) -> Path:
    """The pages, translations and manifests of `source` at `dest`; with `per_language`, a corpus instead."""
    # Each language's pages are under the top folder of its docs_dir (languages/registry.yaml): docs_src/, docs/.
    for name in dict.fromkeys((*(Path(lang.docs_dir).parts[0] for lang in LANGUAGES), "manifests")):
        shutil.copytree(source / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    if per_language is not None:
        make_corpus(dest, per_language, site_pages=False)
    return dest


def profile(root: Path, cold: bool, code: Path) -> dict:
    """Where the time goes in one run (see `bench.static_profile`), with the interpreter's start-up."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bench.static_profile", "--root", str(root), *(["--cold"] if cold else [])],
                          capture_output=True, text=True, check=False, cwd=code)
    wall = time.perf_counter() - started
    try:
        result = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": (done.stderr or done.stdout)[-500:]}
    result["process_wall_s"] = round(wall, 3)
    result["startup_s"] = round(max(0.0, wall - result["run_s"]), 3)
    return result


def where(profile_: dict) -> str:
    """One line: the phases, largest first, with the processes started."""
    if "error" in profile_:
        return f"profile failed: {profile_['error']}"
    phases = {**profile_["phases_s"], "start-up and imports": profile_["startup_s"]}
    parts = [f"{name} {seconds:.2f} s" for name, seconds in sorted(phases.items(), key=lambda kv: -kv[1]) if seconds >= 0.005]
    procs = ", ".join(f"{n} {k}" for k, n in sorted(profile_["processes"].items(), key=lambda kv: -kv[1]))
    line = "; ".join(parts)
    if procs:
        line += f" (processes: {procs}; their CPU {profile_['children_cpu_s']:.1f} s)"
    return line


def measure_real(snapshot_root: Path, work: Path, runs: int, log: Path) -> list[Measurement]:
    """Cold against warm on the real pages, and where the time goes in each."""
    real = static_root(snapshot_root, work / "static-real", None)
    cold, warm = _static(real, work, "cold (empty cache)", True, snapshot_root), _static(real, work, "warm", False, snapshot_root)
    print(f"  {cold.describe()}", flush=True)
    pair = compare(cold, warm, runs=runs, warmup=0, log=log)
    prof_cold, prof_warm = profile(real, True, snapshot_root), profile(real, False, snapshot_root)
    return [Measurement.from_pair("static", "static tier, real pages: cold (A) vs warm (B)", pair, target=None,
                                  notes=[f"cold: {where(prof_cold)}", f"warm: {where(prof_warm)}"],
                                  profile_cold=prof_cold, profile_warm=prof_warm)]


def measure_corpus(snapshot_root: Path, work: Path, per_language: int, log: Path) -> list[Measurement]:
    """400 pages per language against 4, warm, each run profiled (`bench.static_profile`).

    The corpus repeats the real pages' commands, so the cache a cold 4-page run leaves holds every
    kubectl, `bash -n` and manifest result the 400-page corpus needs: it is copied over, and neither
    warm run starts a kubectl. What is left is the verifier's own work per page, which must stay flat.
    """
    small = static_root(snapshot_root, work / "static-corpus4", 4)
    large = static_root(snapshot_root, work / f"static-corpus{per_language}", per_language)
    scale = per_language / 4
    cold_small = profile(small, True, snapshot_root)
    shutil.copytree(small / ".cache", large / ".cache", dirs_exist_ok=True)
    print(f"  4 pages per language, cold: {cold_small.get('process_wall_s', '?')} s; now both warm", flush=True)
    warm_large = profile(large, False, snapshot_root)
    warm_small = [profile(small, False, snapshot_root) for _ in range(3)]
    failed = [p for p in (cold_small, warm_large, *warm_small) if "error" in p]
    if failed:
        return [Measurement("static", "static tier, corpus", notes=[f"profile failed: {failed[0]['error']}"])]
    small_walls = sorted(p["process_wall_s"] for p in warm_small)
    large_wall = warm_large["process_wall_s"]
    ratio = large_wall / small_walls[1]
    print(f"  {per_language} pages per language, warm: {large_wall:.1f} s; 4 pages: {small_walls[1]:.2f} s", flush=True)
    return [Measurement(
        "static", f"static tier, corpus: {per_language} (A) vs 4 (B) pages per language, warm", "s",
        a={"label": f"{per_language * 2} pages", "median": large_wall, "min": None, "max": None, "runs": 1},
        b={"label": "8 pages", "median": small_walls[1], "min": small_walls[0], "max": small_walls[-1], "runs": 3},
        ratio={"median": round(ratio, 2), "min": None, "max": None, "runs": 1}, target=f"≤ {TARGET_FLAT:g}×",
        met=ratio <= TARGET_FLAT,
        notes=[f"linear would be {scale:.0f}×; {per_language}-page run: {where(warm_large)}",
               f"4-page run: {where(warm_small[1])}",
               f"the 4-page corpus cold (cache removed): {cold_small['process_wall_s']:.1f} s; "
               f"{where(cold_small)}",
               "the corpus repeats the real pages' commands, so its warm runs start no kubectl: the figure is the "
               "verifier's own work per page (a cold run adds one kubectl per distinct command line, however many "
               "pages repeat it)"],
        details={"profile_large": warm_large, "profile_small": warm_small[1], "profile_small_cold": cold_small})]
