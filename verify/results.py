"""What a check or a step came to: the status names, counts of them, and the static tier's findings.

This is the bottom of the result layer: both tiers, the report (verify/report.py) and the records
(verify/records.py) use these names, and it imports neither tier. A status is a `Status` (a `str`,
so it is written to JSON and compared with text as ``"passed"``, ``"failed"``, ``"skipped"``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from verify.model import Location, display_path


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


PASSED, FAILED, SKIPPED = Status.PASSED, Status.FAILED, Status.SKIPPED


@dataclass
class Counts:
    """How many passed, failed and were skipped (steps, entries or claims: the caller says which)."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0

    @classmethod
    def of(cls, statuses: Iterable[str]) -> Counts:
        counts = cls()
        for status in statuses:
            counts.add(status)
        return counts

    def add(self, status: str, n: int = 1) -> None:
        status = Status(status)
        setattr(self, status.value, getattr(self, status.value) + n)

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.passed + other.passed, self.failed + other.failed, self.skipped + other.skipped)

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.skipped

    def line(self) -> str:
        """``3 passed, 1 failed, 0 skipped``: the summary line both tiers print."""
        return f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"

    def to_json(self) -> dict[str, int]:
        return {PASSED: self.passed, FAILED: self.failed, SKIPPED: self.skipped}

    @classmethod
    def from_json(cls, data: Any) -> Counts:
        return cls(int(data[PASSED]), int(data[FAILED]), int(data[SKIPPED]))


@dataclass(frozen=True)
class Finding:
    """One static check's verdict at one place in a page or a manifest file.

    `check` names the class of check (``manifest``, ``kubectl``, ``safety``…) as messages and the
    report show it; each check module chooses its own."""

    check: str
    ok: bool
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: [{self.check}] {self.message}"

    @property
    def status(self) -> Status:
        return PASSED if self.ok else FAILED


@dataclass
class Entry:
    """The static tier's result for one step (or one manifest file, or one stray directive)."""

    location: Location
    kind: str
    findings: list[Finding] = field(default_factory=list)
    skip_reason: str | None = None

    @property
    def status(self) -> Status:
        if any(not f.ok for f in self.findings):
            return FAILED
        if self.skip_reason is not None:
            return SKIPPED
        return PASSED

    def to_json(self) -> dict[str, Any]:
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
                {"check": f.check, "status": f.status, "location": str(f.location), "message": f.message}
                for f in self.findings
            ],
        }


def count_entries(entries: Iterable[Entry]) -> Counts:
    return Counts.of(entry.status for entry in entries)


def read_json(path: Path, error: type[Exception]) -> Any:
    """The JSON in `path` (a report or a record); `error` names the file and says what is wrong."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise error(f"{path}: cannot read: {err.strerror or err}") from None
    except ValueError as err:
        raise error(f"{path}: not valid JSON: {err}") from None
