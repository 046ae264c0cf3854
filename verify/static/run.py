"""Run the static tier over pages and manifest files, producing report entries and progress."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from verify.model import Location, PageError, display_path
from verify.parsers import ParsedPage, read_page
from verify.results import Counts, Entry, Finding, count_entries
from verify.static import StaticContext, check_block, prefetch
from verify.static.manifests import manifest_files, validate_file

Progress = Callable[[str], None]


@dataclass
class StaticRun:
    entries: list[Entry]
    counts: Counts
    pages: int
    manifests: int
    seconds: float
    kubectl_runs: int
    programs: dict[str, list[dict[str, object]]] = field(default_factory=dict)  # page → what it runs


def page_entries(parsed: ParsedPage, ctx: StaticContext) -> list[Entry]:
    """One entry per step (outputs fold into their command), plus one per stray problem."""
    entries: dict[tuple[str, int], Entry] = {}
    extra: list[Entry] = []
    for _, _, block in parsed.blocks:
        findings = check_block(block, parsed.page, ctx)
        step = block.step
        if step is None:
            extra.append(Entry(block.location, block.role, findings))
            continue
        key = (str(step.location.path), step.location.line)  # an output's block shares its command's key
        entry = entries.get(key)
        if entry is None:
            entry = Entry(step.location, step.kind.value, [], step.directive.skip_reason if step.directive.sybil_skip else None)
            entries[key] = entry
        entry.findings.extend(findings)
    return sorted([*entries.values(), *extra], key=lambda e: e.location.line)


def run_static(
    pages: list[Path], ctx: StaticContext, progress: Progress = lambda line: None, sweep_manifests: bool = True
) -> StaticRun:
    started = time.perf_counter()
    parsed: list[ParsedPage] = []
    entries: list[Entry] = []
    for path in pages:
        try:
            parsed.append(read_page(path, ctx.root))
        except PageError as error:
            where = Location(error.path, error.line)
            entries.append(Entry(where, "page", [Finding(error.check, False, where, error.message)]))
        except Exception as error:  # noqa: BLE001 - a verifier bug must not hide the other pages
            entries.append(_crash_entry(path.resolve(), error))
    prefetch(ctx, [p.page for p in parsed])
    programs: dict[str, list[dict[str, object]]] = {}
    for page in parsed:
        listing: list[str] = []
        try:
            mine = page_entries(page, ctx)
            review = ctx.review(page.page)
            listing = review.listing()
            programs[display_path(page.page.path)] = review.as_json()
        except Exception as error:  # noqa: BLE001 - a verifier bug must not hide the other pages
            mine = [_crash_entry(page.page.path, error)]
        entries.extend(mine)
        _progress_page(progress, page.page.path, mine, listing)
    swept = 0
    if sweep_manifests:
        for path in manifest_files(ctx.root):
            swept += 1
            findings = validate_file(path, ctx.cache)
            entry = Entry(Location(path, 1), "manifest-file", findings)
            entries.append(entry)
            _progress_page(progress, path, [entry])
    ctx.cache.save()
    runs = ctx.checker.runs if ctx.checker else 0
    return StaticRun(entries, count_entries(entries), len(parsed), swept, time.perf_counter() - started, runs, programs)


def _crash_entry(path: Path, error: Exception) -> Entry:
    """A failed entry for a page the verifier itself crashed on (a bug to report, never a pass)."""
    where = Location(path, 1)
    detail = "".join(traceback.format_exception_only(type(error), error)).strip()
    return Entry(where, "page", [Finding("internal", False, where, f"the verifier crashed on this page: {detail}")])


#: Prefix of the lines that list what a page runs (the CLI leaves them out with --quiet).
LISTING = "     | "


def _progress_page(progress: Progress, path: Path, entries: list[Entry], listing: Sequence[str] = ()) -> None:
    counts = count_entries(entries)
    mark = "FAIL" if counts.failed else "ok  "
    progress(f"{mark} {display_path(path)}: {counts.line()}")
    for line in listing:
        progress(LISTING + line)
    for entry in entries:
        for finding in entry.findings:
            if not finding.ok:
                progress(f"     {finding}")
