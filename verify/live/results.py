"""Results of a live run: one per step and per page (the pages of the report's `live` section,
verify.report.LiveSection), and a JUnit XML file for CI systems. Statuses and counts are the result
layer's (verify.results)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from atomic_files import write_bytes
from verify.model import Location, display_path
from verify.results import FAILED, PASSED, SKIPPED, Counts, Status


@dataclass
class StepResult:
    location: Location
    kind: str  # command | hidden-command | terminal | in-container | claim
    status: Status
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
    identity: dict[str, Any] = field(default_factory=dict)  # the ServiceAccount and the declared grants
    confinement: dict[str, Any] = field(default_factory=dict)  # the network and the limits it ran with
    cleanup_notes: list[str] = field(default_factory=list)  # differences in the cluster that were not the page's

    @property
    def status(self) -> Status:
        if self.error or self.leftovers or any(s.status == FAILED for s in self.steps):
            return FAILED
        if self.skip_reason is not None or (self.steps and all(s.status == SKIPPED for s in self.steps)):
            return SKIPPED
        return PASSED

    def counts(self) -> Counts:
        """The steps, and one failure more when the page failed as a whole (an error, or leftovers)."""
        counts = Counts.of(step.status for step in self.steps)
        if self.error or self.leftovers:
            counts.add(FAILED)
        return counts

    def claim_counts(self) -> Counts:
        """The claim steps alone (`<!-- verify: claim=… -->`), apart from the text matches."""
        return Counts.of(step.status for step in self.steps if step.kind == "claim")

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": display_path(self.path), "status": self.status,
                                "namespace": self.namespace, "seconds": round(self.seconds, 3),
                                "summary": self.counts().to_json(), "claims": self.claim_counts().to_json(),
                                "steps": [s.as_json() for s in self.steps],
                                "cleanup": {"leftovers": self.leftovers, "ok": not self.leftovers,
                                            **({"notes": self.cleanup_notes} if self.cleanup_notes else {})}}
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
        if self.identity:
            data["identity"] = self.identity
        if self.confinement:
            data["confinement"] = self.confinement
        return data


def total(pages: Iterable[PageResult]) -> Counts:
    return sum((page.counts() for page in pages), Counts())


def claim_total(pages: Iterable[PageResult]) -> Counts:
    return sum((page.claim_counts() for page in pages), Counts())


def write_junit(path: Path, pages: list[PageResult], target: str) -> None:
    """One <testsuite> per page, one <testcase> per step; written atomically."""
    suites = ET.Element("testsuites", name=f"verify live ({target})")
    for page in pages:
        counts = page.counts()
        suite = ET.SubElement(suites, "testsuite", name=display_path(page.path), tests=str(counts.total),
                              failures=str(counts.failed), skipped=str(counts.skipped),
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
    write_bytes(path, ET.tostring(suites, encoding="utf-8", xml_declaration=True))
