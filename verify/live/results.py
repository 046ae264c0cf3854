"""Results of a live run: one per step and per page (the pages of the report's `live` section,
verify.report.LiveSection), and a JUnit XML file for CI systems.

A step's result carries its `verify.outcomes.Outcome` as the runner decided it; everything here reads
the outcome (and the page's typed `PageEnd`), never the words of a message."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from atomic_files import write_bytes
from verify.model import Location, display_path
from verify.outcomes import Outcome, Verdict, verdict
from verify.results import FAILED, PASSED, SKIPPED, Counts, Status


@dataclass
class StepResult:
    location: Location
    kind: str  # verify.records.step_kind: command | hidden-command | terminal | in-container | claim
    outcome: Outcome
    command: str = ""
    output: str = ""
    diff: str = ""
    seconds: float = 0.0
    attempts: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> Status:
        return self.outcome.status

    @property
    def message(self) -> str:
        return self.outcome.message

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


class PageEnd(StrEnum):
    """How a page's run ended."""

    COMPLETED = "completed"  # every step has its outcome (a failed step ends a page too: the rest is skipped)
    NO_COMMANDS = "no-commands"
    NEEDS = "needs"  # the page as a whole needs what the cluster lacks: every step skipped for it
    UNREADABLE = "unreadable"  # the page could not be parsed (`error` says where)
    CRASHED = "crashed"  # the verifier failed on it (`error` says how); its cleanup still ran
    INTERRUPTED = "interrupted"  # Ctrl-C or SIGTERM
    CLUSTER_GONE = "cluster-gone"  # the API server stopped answering
    NOT_STARTED = "not-started"  # the run stopped (a signal, the API server gone) before this page

    @property
    def reached_the_end(self) -> bool:
        """Whether the run took the page to its end, so that a record of it says what the page does."""
        return self in (PageEnd.COMPLETED, PageEnd.NEEDS)


@dataclass
class PageResult:
    path: Path
    namespace: str | None = None
    steps: list[StepResult] = field(default_factory=list)
    end: PageEnd = PageEnd.COMPLETED
    skip_reason: str | None = None  # for people: why no step ran (the page needs, it was interrupted)
    error: str | None = None  # for people: why the page is unreadable, or how the verifier crashed
    leftovers: list[str] = field(default_factory=list)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    capabilities: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    identity: dict[str, Any] = field(default_factory=dict)  # the ServiceAccount and the declared grants
    confinement: dict[str, Any] = field(default_factory=dict)  # the network and the limits it ran with
    cleanup_notes: list[str] = field(default_factory=list)  # differences in the cluster that were not the page's
    images: dict[str, Any] = field(default_factory=dict)  # per image the page uses, the target's (real nodes only)

    @property
    def interrupted(self) -> bool:
        return self.end is PageEnd.INTERRUPTED

    @property
    def status(self) -> Status:
        if self.error or self.leftovers or any(s.status == FAILED for s in self.steps):
            return FAILED
        if self.skip_reason is not None or (self.steps and all(s.status == SKIPPED for s in self.steps)):
            return SKIPPED
        return PASSED

    def verdict(self, control_plane: bool) -> Verdict:
        """The page as a whole, by the rule records follow too (verify.outcomes.verdict)."""
        if not self.steps:  # nothing ran: nothing to call verified
            return Verdict.FAILED if self.status == FAILED else Verdict.PARTIAL
        return verdict(control_plane, self.status != FAILED, (s.outcome.skip for s in self.steps))

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
        if self.images:
            data["images"] = self.images
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

