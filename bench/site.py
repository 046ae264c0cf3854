"""1. Site build: the project's build (every language) against a plain one-language mkdocs-material build.

A: ``python -m site_tools.build --out OUT`` in a copy of the repository (what ``nox -s site``
runs after ``npm ci``): one strict build per language of the registry, in parallel, with every hook
and the macros plugin, the merge and the sitemap index. B: ``python -m mkdocs build`` of the same
source-language pages with the configuration of `bench.baseline`. Then the same on a generated corpus of 400 pages per language.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from bench.baseline import write_baseline_config
from bench.corpus import SOURCE_DOCS, commit, make_corpus
from bench.results import Measurement
from bench.timing import Command, Pair, Run, compare, run_once
from languages import LANGUAGES, SOURCE_LANGUAGE

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
_ALL = " + ".join(lang.code for lang in LANGUAGES)


def _commands(root: Path, work: Path, tag: str) -> tuple[Command, Command]:
    out = work / f"site-{tag}"
    base_out = work / f"baseline-{tag}"
    config = write_baseline_config(root, root / SOURCE_DOCS, base_out, work / f"baseline-{tag}.yml")
    project = Command(f"project build ({_ALL})", [sys.executable, "-m", "site_tools.build", "--out", str(out)],
                      cwd=root, env=ENV, before=lambda: shutil.rmtree(out, ignore_errors=True))
    plain = Command(f"plain mkdocs-material ({SOURCE_LANGUAGE.code})",
                    [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
                    cwd=work, env=ENV, before=lambda: shutil.rmtree(base_out, ignore_errors=True))
    return project, plain


def _measurement(name: str, pair: Pair, target: float, notes: list[str]) -> Measurement:
    failed = sorted({r.code for side in (pair.a, pair.b) for r in side.runs if r.code != 0})
    cpu_a, cpu_b = pair.a.cpu.median, pair.b.cpu.median
    notes = [*notes, f"CPU time (all processes): A {cpu_a:.1f} s for {len(LANGUAGES)} languages, B {cpu_b:.1f} s for one "
                     f"(A per language / B = {cpu_a / len(LANGUAGES) / cpu_b:.2f})"]
    measurement = Measurement.from_pair("site", name, pair, target=target, notes=notes)
    if failed:
        # A failed build is no figure: its time says nothing about a build that works.
        measurement.met = None
        measurement.notes.append(f"a build failed (exit {failed}): not a valid comparison; its output is in the log")
    return measurement


def measure_real(root: Path, work: Path, runs: int, log: Path) -> Measurement:
    project, plain = _commands(root, work, "real")
    print(f"  real pages: {project.describe()}  vs  {plain.describe()}", flush=True)
    cold = _cold_build(root, project, log)
    pair = compare(project, plain, runs=runs, warmup=1, log=log)
    pages = len(list((root / SOURCE_DOCS).rglob("*.md")))
    return _measurement(f"build, real pages ({pages} per language)", pair, 1.5,
                        [f"A builds {len(LANGUAGES)} languages (forked from one process that imported MkDocs once, "
                         f"in parallel on 2 cores); B builds {SOURCE_LANGUAGE.english_name} only",
                         f"the timed runs reuse the build's caches ({SITE_CACHE}: compiled templates, which block is "
                         f"which step), filled by the warm-up; one run without them before: {cold.wall:.2f} s wall, "
                         f"{cold.cpu:.2f} s CPU (exit {cold.code})"])


#: The site build's own caches (site_tools/plugin/templates.py, site_tools/step_identities.py).
SITE_CACHE = ".cache/site"


def _cold_build(root: Path, project: Command, log: Path) -> Run:
    """One project build with the site's caches removed first (what a fresh clone or CI pays)."""
    shutil.rmtree(root / SITE_CACHE, ignore_errors=True)
    cold = run_once(project, log=log)
    print(f"    cold (no {SITE_CACHE}): {cold.wall:.2f} s (exit {cold.code})", flush=True)
    return cold


def measure_corpus(root: Path, work: Path, per_language: int, runs: int, log: Path) -> Measurement:
    """`root` is a throwaway copy: its pages are replaced by the generated corpus (and committed)."""
    make_corpus(root, per_language)
    commit(root, f"bench: a corpus of {per_language} pages per language")
    project, plain = _commands(root, work, f"corpus{per_language}")
    print(f"  corpus of {per_language} pages per language", flush=True)
    pair = compare(project, plain, runs=runs, warmup=0, log=log)
    return _measurement(f"build, generated corpus ({per_language} per language)", pair, 1.2,
                        ["no warm-up round (each round takes minutes), and the corpus is a fresh copy without the site's caches "
                         f"({SITE_CACHE}): the round is cold"])
