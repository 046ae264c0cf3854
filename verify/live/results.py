"""Results of a live run: one per step and per page, the `live` section of `verify-report.json`, and
a JUnit XML file for CI systems."""

from __future__ import annotations

import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.model import Location, display_path

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


@dataclass
class StepResult:
    location: Location
    kind: str  # command | hidden-command | terminal | in-container | claim
    status: str
    command: str = ""
    message: str = ""
    output: str = ""
    diff: str = ""
    seconds: float = 0.0
    attempts: int = 0
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "location": str(self.location), "path": display_path(self.location.path), "line": self.location.line,
            "kind": self.kind, "status": self.status, "command": self.command, "message": self.message,
            "seconds": round(self.seconds, 3),
        }
        if self.attempts > 1:
            data["attempts"] = self.attempts
        if self.output:
            data["output"] = self.output
        if self.diff:
            data["diff"] = self.diff
        if self.notes:
            data["notes"] = self.notes
        return data


@dataclass
class PageResult:
    path: Path
    namespace: str | None = None
    steps: list[StepResult] = field(default_factory=list)
    skip_reason: str | None = None
    error: str | None = None
    leftovers: list[str] = field(default_factory=list)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    capabilities: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def status(self) -> str:
        if self.error or self.leftovers or any(s.status == FAILED for s in self.steps):
            return FAILED
        if self.skip_reason is not None or (self.steps and all(s.status == SKIPPED for s in self.steps)):
            return SKIPPED
        return PASSED

    def counts(self) -> dict[str, int]:
        counts = {PASSED: 0, FAILED: 0, SKIPPED: 0}
        for step in self.steps:
            counts[step.status] += 1
        if self.error or self.leftovers:
            counts[FAILED] += 1
        return counts

    def claim_counts(self) -> dict[str, int]:
        """The claim steps alone (`<!-- verify: claim=… -->`), apart from the text matches."""
        counts = {PASSED: 0, FAILED: 0, SKIPPED: 0}
        for step in self.steps:
            if step.kind == "claim":
                counts[step.status] += 1
        return counts

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": display_path(self.path), "status": self.status,
                                "namespace": self.namespace, "seconds": round(self.seconds, 3),
                                "summary": self.counts(), "claims": self.claim_counts(),
                                "steps": [s.as_json() for s in self.steps],
                                "cleanup": {"leftovers": self.leftovers, "ok": not self.leftovers}}
        if self.skip_reason:
            data["skip_reason"] = self.skip_reason
        if self.error:
            data["error"] = self.error
        if self.capabilities:
            data["capabilities"] = self.capabilities
        if self.diagnostics:
            data["diagnostics"] = self.diagnostics
        if self.interrupted:
            data["interrupted"] = True
        return data


def total(pages: Iterable[PageResult]) -> dict[str, int]:
    counts = {PASSED: 0, FAILED: 0, SKIPPED: 0}
    for page in pages:
        for key, value in page.counts().items():
            counts[key] += value
    return counts


def claim_total(pages: Iterable[PageResult]) -> dict[str, int]:
    counts = {PASSED: 0, FAILED: 0, SKIPPED: 0}
    for page in pages:
        for key, value in page.claim_counts().items():
            counts[key] += value
    return counts


def write_junit(path: Path, pages: list[PageResult], target: str) -> None:
    """One <testsuite> per page, one <testcase> per step; written through a temporary file."""
    suites = ET.Element("testsuites", name=f"verify live ({target})")
    for page in pages:
        counts = page.counts()
        suite = ET.SubElement(suites, "testsuite", name=display_path(page.path), tests=str(sum(counts.values())),
                              failures=str(counts[FAILED]), skipped=str(counts[SKIPPED]),
                              time=f"{page.seconds:.3f}")
        for step in page.steps:
            case = ET.SubElement(suite, "testcase", classname=display_path(page.path),
                                 name=f"{step.location} {step.command[:80]}".strip(), time=f"{step.seconds:.3f}")
            if step.status == FAILED:
                failure = ET.SubElement(case, "failure", message=step.message)
                failure.text = step.diff or step.output
            elif step.status == SKIPPED:
                ET.SubElement(case, "skipped", message=step.message)
        if page.error or page.leftovers:
            case = ET.SubElement(suite, "testcase", classname=display_path(page.path), name="cleanup")
            ET.SubElement(case, "failure", message=page.error or ("left behind: " + ", ".join(page.leftovers)))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            ET.ElementTree(suites).write(handle, encoding="utf-8", xml_declaration=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
