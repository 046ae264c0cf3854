"""`--record` and `--check-records` for the live command line: a record built from a run's outcomes.

The records' schema, identities and check are `verify.records`; this module takes a snapshot of each
page before it runs (its files' blob ids and step keys, so a page edited mid-run is not
misrecorded), then turns each page's `PageResult` into a `Record`, step by step, from the typed
outcomes the runner produced.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from gitfacts import file_blob, head_commit
from languages import SOURCE_LANGUAGE
from verify import records
from verify.live.redact import Redactor
from verify.live.results import PageResult, StepResult
from verify.model import Page, PageError, display_path
from verify.options import UsageError
from verify.outcomes import Checked, Skip
from verify.records import PageFailure, Record, RecordStep, StepIdentity
from verify.results import FAILED, PASSED, SKIPPED

#: How many characters of a message, and lines of a diff, a record keeps.
MESSAGE_WIDTH, DIFF_LINES = 300, 40


@dataclass
class Snapshot:
    """A page's files and step keys, taken before it runs."""

    page_path: Path
    relative: str  # docs_src/ja/… (posix)
    files: dict[str, str]
    steps: list[StepIdentity]
    secrets: list[str] = field(default_factory=list)


def snapshot(page: Page, root: Path) -> Snapshot:
    root = Path(root).resolve()
    relative = (records.SOURCE_DIR / records.source_relative(root, page.path)).as_posix()
    files = {relative: file_blob(page.path)}
    for name in records.included_files(page, root):
        files[name] = file_blob(root / name)
    secrets = Redactor.for_page(page, environ={}).values
    return Snapshot(Path(page.path), relative, files, records.identities(page), sorted(secrets))


def snapshots(pages: list[Path], root: Path) -> dict[Path, Snapshot]:
    """Each page's files and step keys before the run; a page that is not a source-language page is an error."""
    from verify.parsers import load_page

    taken: dict[Path, Snapshot] = {}
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
        taken[Path(path).resolve()] = snapshot(page, root)
    return taken


# --- a record from a run ------------------------------------------------------------------------
def _short(text: str, width: int = 100) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def _clean(text: str, replacements: Mapping[str, str]) -> str:
    for old, new in sorted(replacements.items(), key=lambda item: len(item[0]), reverse=True):
        if old:
            text = text.replace(old, new)
    return text


def _entry(identity: StepIdentity, result: StepResult, replacements: Mapping[str, str],
           failed: PageFailure | None) -> RecordStep:
    """One step of the record, from the step's outcome."""
    step, outcome = identity.step, result.outcome
    commands = step.commands or (step.text,)
    entry = RecordStep(identity.n, identity.kind, identity.sha, identity.line,
                       _clean(_short(commands[0]) + (" …" if len(commands) > 1 else ""), replacements),
                       outcome.status, hidden=identity.hidden, output_sha=identity.output_sha)
    message = _clean(outcome.message, replacements)
    if outcome.status == PASSED:
        reason = None
        if outcome.check is Checked.NOT_COMPARED and step.output is not None and step.output.directive.skip_reason:
            reason = _clean(step.output.directive.skip_reason, replacements)
        return replace(entry, check=str(outcome.check), reason=reason)
    if outcome.status == SKIPPED:
        after = outcome.skip is Skip.AFTER_FAILURE
        return replace(entry, skip=str(outcome.skip), needs=outcome.needs,
                       after=failed.n if failed is not None and after else None, reason=None if after else message)
    diff = _clean("\n".join(result.diff.splitlines()[:DIFF_LINES]), replacements) if result.diff else None
    return replace(entry, why=str(outcome.failure), message=_short(message, MESSAGE_WIDTH), diff=diff)


def build_record(snap: Snapshot, result: PageResult, target: records.Target, date: str, commit: str | None,
                 root: Path) -> Record:
    """The record of one page from its snapshot and its result."""
    replacements = {str(Path(root).resolve()) + os.sep: "", str(Path(root).resolve()): "."}
    if result.namespace:
        replacements[result.namespace] = "NAMESPACE"
    for secret in snap.secrets:
        replacements[secret] = "***"
    by_line = {r.location.line: r for r in result.steps}
    steps: list[RecordStep] = []
    failure: PageFailure | None = None
    for identity in snap.steps:
        step_result = by_line.get(identity.line)
        if step_result is None:
            raise ValueError(f"{snap.relative}:{identity.line}: the run has no result for this step, although it "
                             "reached the end of the page")
        entry = _entry(identity, step_result, replacements, failure)
        if entry.status == FAILED and failure is None:
            failure = PageFailure(identity.n, identity.line, entry.why or "", entry.message or "")
        steps.append(entry)
    # The page as a whole failed without a failed step (its cleanup left something behind).
    cleanup_ok = not result.leftovers
    outcome = FAILED if failure or not cleanup_ok or result.error else PASSED
    if failure is None and not cleanup_ok:
        failure = PageFailure(None, None, "cleanup", _short(_clean("cleanup left: " + ", ".join(result.leftovers),
                                                                   replacements), MESSAGE_WIDTH))
    return Record(snap.relative, dict(snap.files), target, date, commit, outcome, tuple(steps), failure,
                  _clean(result.skip_reason, replacements) if result.skip_reason else None,
                  images=dict(result.images) or None)


def write_records(pages: list[PageResult], taken: dict[Path, Snapshot], target: records.Target, root: Path,
                  say: Callable[[str], None]) -> int:
    """A record for each page the run took to its end; returns how many were written."""
    date = _dt.datetime.now(_dt.UTC).date().isoformat()
    commit = head_commit(root)
    written = 0
    for result in pages:
        snap = taken.get(Path(result.path).resolve())
        if snap is None or not snap.steps:
            continue
        if not result.end.reached_the_end:
            say(f"record: {snap.relative} not recorded (the run did not reach the end of the page); "
                "its previous record is kept")
            continue
        record = build_record(snap, result, target, date, commit, root)
        path = records.write_record(root, record)
        written += 1
        summary = record.summary
        say(f"record: {display_path(path)}: {record.outcome}, {summary.run} of {summary.steps} step(s) run, "
            f"{summary.outputs.compared} of {summary.outputs.documented} documented output(s) compared")
    return written


def short_of_records(pages: list[PageResult], root: Path, kind: str) -> list[str]:
    """Each page of the run that ran fewer steps than its committed record of a run on the same kind of target says,
    or that ran on a target whose kind its record does not have (for CI: a run must not silently do less)."""
    problems = []
    for result in pages:
        try:
            path = records.record_path(root, Path(result.path))
        except ValueError:
            continue
        if not path.is_file():
            continue
        try:
            record = records.read_record(path)
        except records.RecordError as error:
            problems.append(str(error))
            continue
        name = display_path(Path(result.path))
        ran = sum(1 for step in result.steps if step.status in (PASSED, FAILED))
        if record.target.kind != kind:
            problems.append(f"{name}: its record is of a run on a {record.target.kind} target, this run's is {kind}")
        elif ran < record.summary.run:
            problems.append(f"{name}: {ran} step(s) ran, fewer than the {record.summary.run} its record says "
                            f"({display_path(path)})")
    return problems


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

