"""`--record` and `--check-records` for the live command line (the records themselves: verify/records.py)."""

from __future__ import annotations

import datetime as _dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from languages import SOURCE_LANGUAGE
from verify import records
from verify.model import PageError, display_path
from verify.options import UsageError


def snapshots(pages: list[Path], root: Path) -> dict[Path, records.Snapshot]:
    """Each page's files and step keys before the run; a page that is not a source-language page is an error."""
    from verify.parsers import load_page

    taken: dict[Path, records.Snapshot] = {}
    for path in pages:
        try:
            records.source_relative(root, path)
        except ValueError:
            raise UsageError(f"--record: {display_path(path)} is not below {records.SOURCE_DIR.as_posix()}; records are "
                             f"kept for the {SOURCE_LANGUAGE.english_name} pages (a translation finds its steps in its "
                             "source's record)") from None
        try:
            page = load_page(path, root)
        except PageError:
            continue  # the run reports it; no record for a page that cannot be read
        taken[Path(path).resolve()] = records.snapshot(page, root)
    return taken


def write_records(run: Any, taken: dict[Path, records.Snapshot], target: dict[str, Any], kubectl: str, root: Path,
                  say: Callable[[str], None]) -> int:
    """A record for each page the run took to its end; returns how many were written."""
    date = _dt.datetime.now(_dt.UTC).date().isoformat()
    commit = records.head_commit(root)
    written = 0
    for result in run.pages:
        snap = taken.get(Path(result.path).resolve())
        if snap is None or not snap.steps:
            continue
        if result.interrupted or _not_reached(result):
            say(f"record: {snap.relative} not recorded (the run did not reach the end of the page); "
                "its previous record is kept")
            continue
        record = records.build_record(snap, result, target, kubectl, date, commit, root)
        path = records.write_record(root, record)
        written += 1
        summary = record.summary
        say(f"record: {display_path(path)}: {record.outcome}, {summary.run} of {summary.steps} step(s) run, "
            f"{summary.outputs.compared} of {summary.outputs.documented} documented output(s) compared")
    return written


def _not_reached(result: Any) -> bool:
    """A page the run did not take to its end: a crash of the verifier, a page that could not be read,
    a cluster that stopped answering, or steps never reached."""
    if result.error and not result.steps:
        return True
    if result.error and result.error.startswith("verifier error"):
        return True
    if result.skip_reason and result.skip_reason.startswith(("interrupted", "not run: the API server")):
        return True
    gone = "the API server stopped answering"
    return any(gone in s.message for s in result.steps) or any(gone in left for left in result.leftovers)


def check(root: Path) -> int:
    """Print each page whose record is missing or out of date; 0 when every record is current, else 1."""
    problems = records.check_records(root)
    for problem in problems:
        print(f"FAILED   {problem}", file=sys.stderr)
    pages = len(records.pages_needing_records(root))
    if problems:
        print(f"records: {len(problems)} problem(s); {pages} page(s) need a current record under "
              f"{records.RECORDS_DIR}/", flush=True)
        return 1
    print(f"records: all {pages} page(s) with commands have a current record under {records.RECORDS_DIR}/", flush=True)
    return 0
