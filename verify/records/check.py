"""The check of the committed records (`python -m verify live --check-records`, and CI through the tests): every page
with commands has a record, and neither the page nor a file it includes changed since."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from gitfacts import blob_id
from pagegrammar.wording import says_the_same
from verify.model import LIVE_KINDS
from verify.records.identity import included_files, record_path
from verify.records.schema import RECORDS_DIR, SOURCE_DIR, Record, RecordError, read_record


def changed_files(record: Record, root: Path, page_file: Path | None = None) -> list[str]:
    """The files of the record whose content differs now (or that are gone), repo-relative.

    The page itself counts as changed only when it says something else than the recorded version
    (read back from git, `pagegrammar.wording`): rewrapping a paragraph or a blank line changes no
    step and no word.
    `page_file` is where the page itself is read from (default: its path below `root`)."""
    changed = []
    for name, blob in sorted(record.files.items()):
        path = Path(page_file) if page_file is not None and name == record.page else Path(root) / name
        try:
            data = Path(path).read_bytes()
        except OSError:
            changed.append(f"{name} (gone)")
            continue
        if blob_id(data) != blob and not (name == record.page and _says_what_was_recorded(root, blob, data)):
            changed.append(name)
    return changed


def _says_what_was_recorded(root: Path, blob: str, data: bytes) -> bool:
    """Whether the page `data` says what its recorded version `blob` said (False when git cannot show that version)."""
    try:
        done = subprocess.run(["git", "cat-file", "blob", blob], cwd=root, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    if done.returncode != 0:
        return False
    try:
        return says_the_same(done.stdout.decode("utf-8"), data.decode("utf-8"))
    except UnicodeDecodeError:
        return False


@dataclass(frozen=True)
class RecordProblem:
    page: str
    message: str

    def __str__(self) -> str:
        return f"{self.page}: {self.message}"


def pages_needing_records(root: Path) -> list[Path]:
    """Every Japanese page with a step the live tier runs."""
    from verify.parsers import load_page

    base = Path(root) / SOURCE_DIR
    found = []
    for path in sorted(base.rglob("*.md")):
        page = load_page(path, Path(root))
        if any(s.kind in LIVE_KINDS for s in page.steps):
            found.append(path)
    return found


def check_records(root: Path) -> list[RecordProblem]:
    """Pages without a record, pages (or their included files) changed since theirs, stray records."""
    from verify.model import PageError
    from verify.parsers import load_page

    root = Path(root).resolve()
    problems: list[RecordProblem] = []
    expected: set[Path] = set()
    base = root / SOURCE_DIR
    for path in sorted(base.rglob("*.md")):
        relative = (SOURCE_DIR / path.relative_to(base)).as_posix()
        try:
            page = load_page(path, root)
        except PageError as error:
            problems.append(RecordProblem(relative, f"cannot be read, so its record cannot be checked: {error}"))
            continue
        if not any(s.kind in LIVE_KINDS for s in page.steps):
            continue
        where = record_path(root, path)
        expected.add(where.resolve())
        shown = where.relative_to(root).as_posix()
        if not where.is_file():
            problems.append(RecordProblem(relative, f"has no verification record ({shown}); run "
                                                    f"`python -m verify live --record {relative}`"))
            continue
        try:
            record = read_record(where)
        except RecordError as error:
            problems.append(RecordProblem(relative, str(error)))
            continue
        changed = changed_files(record, root)
        now = set(included_files(page, root)) | {relative}
        added = sorted(now - set(record.files))
        if changed or added:
            what = ", ".join(changed + [f"{a} (newly included)" for a in added])
            problems.append(RecordProblem(relative, f"changed since its record ({shown}, {record.date}): "
                                                    f"{what}; run `python -m verify live --record {relative}`"))
    records_dir = root / RECORDS_DIR
    if records_dir.is_dir():
        for stray in sorted(records_dir.rglob("*.json")):
            if stray.resolve() not in expected:
                source = (SOURCE_DIR / stray.relative_to(records_dir).with_suffix(".md")).as_posix()
                problems.append(RecordProblem(source, f"{stray.relative_to(root).as_posix()} records a page that does "
                                                    "not exist or has no commands; delete it"))
    return problems
