"""`python -m bench` (`nox -s bench`): how fast the site builds, the verifier runs and the pages load.

Each figure is measured side by side with a baseline in this one invocation (the machines are
shared and noisy: ratios and medians, not absolute seconds), printed as tables and written to
``bench/results.json``. A missed target is reported, never an error: the exit status is 0 unless
the benchmark itself could not run (2).

    python -m bench [--only site,static,reader,cluster,live,corpus] [--budget SECONDS] [--out FILE] [--keep]

Everything runs on throwaway copies of the repository in a temporary directory (the working tree
as it is when the run starts); the live measurements use the running control plane (context
``kwok-verify``) and namespaces named ``bench-…`` that they delete again.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import live, reader, site, static
from bench.corpus import docs_dir, snapshot
from bench.results import RESULTS, Measurement, commit_id, machine, table, write_results
from languages import LANGUAGES, SOURCE_LANGUAGE
from site_tools.languages import REPO_ROOT

SECTIONS = ("site", "static", "reader", "cluster", "live", "corpus")
TITLES = {"site": "1. Site build", "static": "2. Static tier", "live": "3. Live tier", "cluster": "3. Control plane",
          "reader": "4. Reader's cost"}
PAGE = docs_dir(SOURCE_LANGUAGE) / "tutorials/stateful-application/basic-stateful-set.md"
CORPUS = 400
#: Alternating pairs of the real-page site build and its baseline (the median of their ratios is quoted).
SITE_PAIRS = 7
#: Rough seconds the corpus site build takes on the 2-core machine (one round), to keep within the budget.
CORPUS_ROUND_ESTIMATE = 240.0


def _control_plane() -> tuple[Path, str, Path] | None:
    """The running control plane's private kubeconfig, context and binaries, or None."""
    try:
        from cluster import build, kwok

        binaries = build.cached()
        if binaries is None or not kwok.status(binaries).running:
            return None
        return kwok.private_kubeconfig(), kwok.CONTEXT, binaries
    except Exception:  # noqa: BLE001 - no control plane is a reason to skip, reported as such
        return None


def _skipped(section: str, name: str, why: str) -> Measurement:
    return Measurement(section, name, notes=[f"not measured: {why}"])


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through every `finally`: namespaces deleted, processes stopped


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in only if s not in SECTIONS]
    if unknown:
        print(f"bench: unknown section(s) {', '.join(unknown)} (known: {', '.join(SECTIONS)})", file=sys.stderr)
        return 2
    out = args.out or (RESULTS if set(only) == set(SECTIONS) else None)

    started = time.monotonic()
    signal.signal(signal.SIGTERM, _terminate)
    info = machine()
    print(f"bench: {info['cpus']} CPUs ({info['cpu_model']}), {info['memory_gb']} GB, load {info['load_average_at_start']}; "
          f"budget {args.budget:.0f} s", flush=True)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    run = _Run(work)
    try:
        _measure(run, only, deadline=started + args.budget)
    finally:
        elapsed = time.monotonic() - started
        _print(run.measurements, run.rows)
        print(f"\nbench: {elapsed / 60:.1f} min in all (budget {args.budget / 60:.1f} min)", flush=True)
        if out is not None and run.measurements:
            write_results(out, run.measurements, {"machine": info, "commit": commit_id(REPO_ROOT),
                                                  "seconds": round(elapsed, 1), "sections": only, "pages": run.rows,
                                                  "tables": _tables(run.measurements)})
            print(f"bench: results in {out}")
        if args.keep:
            print(f"bench: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections ({', '.join(SECTIONS)})")
    parser.add_argument("--budget", type=float, default=840.0, metavar="SECONDS",
                        help="the whole run's time budget; repeated rounds are dropped to stay within it")
    parser.add_argument("--out", type=Path, default=None, help=f"results file (default: {RESULTS.relative_to(REPO_ROOT)} "
                                                                 "for a full run, none otherwise)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (copies, builds, logs)")
    return parser


@dataclass
class _Run:
    """One benchmark run: its temporary directory, the working tree's copy in it, and what was measured so far."""

    work: Path
    real: Path = Path()
    measurements: list[Measurement] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # the reader's cost, page by page

    @property
    def log(self) -> Path:
        return self.work / "bench.log"

    def section(self, name: str, measure: Callable[[], Measurement | list[Measurement]]) -> None:
        """Run one section's measurement; its failure is recorded as such and the other sections go on."""
        try:
            found = measure()
        except Exception as error:  # noqa: BLE001 - one section's failure must not lose the others
            print(f"bench: section {name} failed: {error}\n{traceback.format_exc()}", file=sys.stderr, flush=True)
            self.skip(name, f"{name} (failed)", f"{type(error).__name__}: {error}")
            return
        self.measurements.extend(found if isinstance(found, list) else [found])

    def skip(self, section: str, name: str, why: str) -> None:
        self.measurements.append(_skipped(section, name, why))


def _measure(run: _Run, only: list[str], deadline: float) -> None:
    """The sections asked for, in the order that lets them share work (the reader's cost reads the site built)."""
    real = run.real = snapshot(run.work / "repo")
    work, log = run.work, run.log
    print(f"bench: working tree copied to {real} (commit {commit_id(REPO_ROOT)}); output of every run in {log}",
          flush=True)
    if "site" in only or "reader" in only:
        print("\n1. site build, real pages", flush=True)
        # Seven pairs, not three: a pair costs about 4 s, and one slow plain build among three moved the
        # median ratio by a third on this shared machine.
        run.section("site", lambda: site.measure_real(real, work, runs=SITE_PAIRS, log=log))
    if "static" in only:
        print("\n2. static tier, real pages", flush=True)
        run.section("static", lambda: static.measure_real(real, work, runs=3, log=log))
    if "reader" in only:
        _reader(run)
    plane = _control_plane()
    if "cluster" in only:
        _cluster(run, plane)
    if "corpus" in only:
        print(f"\n2. static tier, corpus of {CORPUS} vs 4 pages per language", flush=True)
        run.section("static", lambda: static.measure_corpus(real, work, CORPUS, log=log))
    if "live" in only:
        _live(run, plane, deadline=deadline - (CORPUS_ROUND_ESTIMATE if "corpus" in only else 0.0))
    if "corpus" in only:
        print(f"\n1. site build, corpus of {CORPUS} pages per language", flush=True)
        run.section("site", lambda: site.measure_corpus(snapshot(work / "corpus-repo"), work, CORPUS, runs=1, log=log))


def _reader(run: _Run) -> None:
    print("\n4. reader's cost", flush=True)
    built = [m for m in run.measurements if m.section == "site"]
    if not (built and built[-1].a is not None and built[-1].a["exit_codes"] == [0]):
        run.skip("reader", "reader's cost", "the site did not build")
        return

    def read() -> list[Measurement]:
        found, run.rows[:] = reader.measure(run.work / "site-real", run.work / "baseline-real",
                                            {lang.code: run.real / docs_dir(lang) for lang in LANGUAGES}, runs=3)
        return found

    run.section("reader", read)


def _cluster(run: _Run, plane: tuple[Path, str, Path] | None) -> None:
    print("\n3. control plane: start (a second instance) and build (cache hit)", flush=True)
    if plane is None:
        run.skip("cluster", "control plane start", "the control plane's binaries are not built or it is not running")
    else:
        binaries = plane[2]
        run.section("cluster", lambda: list(live.control_plane_start(run.real, run.work, binaries, runs=2, log=run.log)))
    run.section("cluster", lambda: live.build_warm(run.real, runs=3, log=run.log))


def _live(run: _Run, plane: tuple[Path, str, Path] | None, deadline: float) -> None:
    print(f"\n3. live tier overhead: {PAGE.name}", flush=True)
    if plane is None:
        run.skip("live", "live tier overhead", "the control plane is not running (`nox -s cluster -- --kwok`)")
        return
    kubeconfig, context, _ = plane
    run.section("live", lambda: live.measure_overhead(run.real, run.real / PAGE, run.work, kubeconfig, context,
                                                      log=run.log, deadline=deadline))
    print("\n3. pages side by side: every page with -j against the slowest alone", flush=True)
    pages = sorted((run.real / docs_dir(SOURCE_LANGUAGE) / "tutorials").rglob("*.md"))
    run.section("live", lambda: live.measure_side_by_side(run.real, pages, run.real / PAGE, run.work, kubeconfig,
                                                          context, log=run.log, deadline=deadline))


def _tables(measurements: list[Measurement]) -> dict[str, str]:
    sections: dict[str, list[Measurement]] = {}
    for m in measurements:
        sections.setdefault(m.section, []).append(m)
    return {TITLES.get(name, name): table(items) for name, items in sections.items()}


def _print(measurements: list[Measurement], rows: list[dict]) -> None:
    for title, text in _tables(measurements).items():
        print(f"\n## {title}\n\n{text}")
        for m in measurements:
            if TITLES.get(m.section, m.section) == title:
                for note in m.notes:
                    print(f"- {m.name}: {note}")
    if rows:
        print("\n## 4. Reader's cost, every page (first load, empty cache)\n")
        print("| page | KB | gzip KB | requests | diagrams | mermaid | plain build KB | target | met |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            met = "—" if r["met"] is None else ("met" if r["met"] else "**missed**")
            plain = "—" if r["baseline_kb"] is None else f"{r['baseline_kb']:.0f}"
            print(f"| {r['lang']} {r['page']} | {r['kb']:.0f} | {r['gzip_kb']:.0f} | {r['requests']} | {r['diagrams']} | "
                  f"{'yes' if r['mermaid_loaded'] else 'no'} | {plain} | "
                  f"{r['target']} | {met} |")


if __name__ == "__main__":
    sys.exit(main())
