"""Where the static tier's time goes: `python -m bench.static_profile --root ROOT [--cold]`.

Runs `verify.static.run.run_static` in this process, as `python -m verify static` does, with
timers around its phases and around every process it starts, and prints one JSON object:

- ``parse``: Sybil parsing each page into steps (`read_page`);
- ``prefetch``: the external checks run up front in parallel (kubectl argument checks, `bash -n`,
  `kubectl patch --local`): the processes when cold (how many of each, their CPU time), only cache
  lookups when warm;
- ``schema``: manifest validation against the Kubernetes schemas (`_schema_errors`), wherever called;
- ``review``: the program review of each page (what it runs);
- ``checks``: the per-block checks after the prefetch (page entries), schema validation and review excluded;
- ``sweep``: the manifest files under manifests/ (schema validation excluded);
- ``other``: the rest of the run (the cache file, the kubectl version, the report);

each phase without the timed phases inside it.
- ``startup``: interpreter start and imports, measured from the parent as process wall minus the rest.

The wrappers only time; the verifier runs unchanged. ``--cold`` removes ``ROOT/.cache/verify`` first.
"""

from __future__ import annotations

import argparse
import functools
import json
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

_started = time.perf_counter()
# The verifier is imported after the clock starts: the profile reports how long its imports take.
from verify.cli import default_pages  # noqa: E402 - timed import
from verify.static import make_context  # noqa: E402 - timed import
from verify.static import manifests as _manifests  # noqa: E402 - timed import
from verify.static import programs as _programs  # noqa: E402 - timed import
from verify.static import run as _run  # noqa: E402 - timed import

_imported = time.perf_counter()
_totals: defaultdict[str, float] = defaultdict(float)
_lock = threading.Lock()
_processes: Counter[str] = Counter()
_process_wall: defaultdict[str, float] = defaultdict(float)


_stack = threading.local()


_P = ParamSpec("_P")
_T = TypeVar("_T")


def _timed(name: str, func: Callable[_P, _T]) -> Callable[_P, _T]:
    """Wrap `func` so that its time, minus the time of timed calls inside it, is added to `name`."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        frames = _stack.__dict__.setdefault("frames", [])
        frame = [time.perf_counter(), 0.0]
        frames.append(frame)
        try:
            return func(*args, **kwargs)
        finally:
            frames.pop()
            elapsed = time.perf_counter() - frame[0]
            if frames:
                frames[-1][1] += elapsed
            with _lock:
                _totals[name] += elapsed - frame[1]
    return wrapper


_real_run = subprocess.run


def _counting_run(argv: Any, *args: Any, **kwargs: Any) -> subprocess.CompletedProcess[Any]:
    program = Path(str(argv[0])).name if argv else "?"
    if program == "kubectl" and len(argv) > 1 and argv[1] == "patch":
        program = "kubectl patch --local"
    elif program == "kubectl" and len(argv) > 1 and argv[1] == "version":
        program = "kubectl version"
    elif program == "bash":
        program = "bash -n"
    begin = time.perf_counter()
    try:
        return _real_run(argv, *args, **kwargs)
    finally:
        with _lock:
            _processes[program] += 1
            _process_wall[program] += time.perf_counter() - begin


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.static_profile")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--cold", action="store_true", help="remove ROOT/.cache/verify first")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.cold:
        shutil.rmtree(root / ".cache" / "verify", ignore_errors=True)

    # The profile counts the verifier's processes by standing in for subprocess.run, whose overloads a wrapper
    # cannot restate.
    subprocess.run = _counting_run  # type: ignore[assignment]
    _manifests._schema_errors = _timed("schema", _manifests._schema_errors)
    _programs.review_page = _timed("review", _programs.review_page)
    _run.read_page = _timed("parse", _run.read_page)
    _run.prefetch = _timed("prefetch", _run.prefetch)
    _run.page_entries = _timed("checks", _run.page_entries)
    _run.validate_file = _timed("sweep", _run.validate_file)

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    begin = time.perf_counter()
    ctx = make_context(root)
    pages = default_pages(root)
    run = _run.run_static(pages, ctx)
    total = time.perf_counter() - begin
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run = _real_run

    phases = {name: round(_totals[name], 3) for name in ("parse", "prefetch", "schema", "review", "checks", "sweep")}
    result = {
        "pages": run.pages,
        "manifest_files": run.manifests,
        "counts": run.counts.to_json(),
        "imports_s": round(_imported - _started, 3),
        "run_s": round(total, 3),
        "phases_s": {**phases, "other": round(max(0.0, total - sum(phases.values())), 3)},
        "processes": dict(_processes),
        "process_wall_s": {k: round(v, 3) for k, v in _process_wall.items()},
        "children_cpu_s": round((after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime), 3),
        "self_cpu_s": round(time.process_time(), 3),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
