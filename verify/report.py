"""`verify-report.json`: one section per tier, one entry per step, written atomically.

The file is only ever replaced whole (`os.replace` of a finished temporary file in the same
directory), so a reader never sees half a report and an interrupted run leaves the previous report
and no temporary file behind. Each tier replaces only its own section (`tiers.static`,
`tiers.live`), so the static and live tiers can run one after the other into the same file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.model import Location, display_path
from verify.static.findings import Finding

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


@dataclass
class Entry:
    """The result of one step (or of one manifest file, or of a stray directive)."""

    location: Location
    kind: str
    findings: list[Finding] = field(default_factory=list)
    skip_reason: str | None = None

    @property
    def status(self) -> str:
        if any(not f.ok for f in self.findings):
            return FAILED
        if self.skip_reason is not None:
            return SKIPPED
        return PASSED

    def as_json(self) -> dict[str, Any]:
        failed = [f for f in self.findings if not f.ok]
        if failed:
            message = str(failed[0]) + (f" (+{len(failed) - 1} more)" if len(failed) > 1 else "")
        elif self.skip_reason is not None:
            message = f"skipped: {self.skip_reason}"
        else:
            message = f"{len(self.findings)} check(s) passed" if self.findings else "nothing to check"
        return {
            "location": str(self.location),
            "path": display_path(self.location.path),
            "line": self.location.line,
            "kind": self.kind,
            "status": self.status,
            "check": failed[0].check if failed else ("skip" if self.skip_reason is not None else "all"),
            "message": message,
            "checks": [
                {"check": f.check, "status": PASSED if f.ok else FAILED, "location": str(f.location), "message": f.message}
                for f in self.findings
            ],
        }


def summarize(entries: Iterable[Entry]) -> dict[str, int]:
    counts = {PASSED: 0, FAILED: 0, SKIPPED: 0}
    for entry in entries:
        counts[entry.status] += 1
    return counts


def summary_line(counts: Mapping[str, int]) -> str:
    return f"{counts[PASSED]} passed, {counts[FAILED]} failed, {counts[SKIPPED]} skipped"


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to `path` through a temporary file in the same directory and a rename."""
    _write_atomic(path, lambda handle: (json.dump(data, handle, ensure_ascii=False, indent=2), handle.write("\n")))


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same directory and a rename."""
    _write_atomic(path, lambda handle: handle.write(text))


def _write_atomic(path: Path, write: Any) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_writable(path: Path) -> str | None:
    """Why `path` cannot be written (None when it can): tried for real, in the directory it would go to,
    before a run starts, so a finished run never ends in a traceback and loses its results."""
    path = Path(path)
    if path.is_dir():
        return f"{path} is a directory"
    directory = path.parent
    while not directory.exists():
        if directory == directory.parent:
            break
        directory = directory.parent
    if not directory.is_dir():
        return f"{directory} is not a directory"
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=directory)
        os.close(fd)
        os.unlink(tmp)
        if path.exists():
            with open(path, "a", encoding="utf-8"):
                pass
    except OSError as error:
        return f"cannot write {path}: {error.strerror or error}"
    return None


def update_report(path: Path, tier: str, section: Mapping[str, Any]) -> None:
    """Replace the `tier` section of the report at `path` (keeping other tiers), atomically."""
    report: dict[str, Any] = {"schema": 1, "tiers": {}}
    try:
        existing = json.loads(Path(path).read_text(encoding="utf-8"))
        if isinstance(existing, dict) and isinstance(existing.get("tiers"), dict):
            report = existing
    except (OSError, ValueError):
        pass
    report["tiers"][tier] = dict(section)
    write_json_atomic(path, report)
