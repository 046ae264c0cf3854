"""Recorded event streams: what `python -m verify live --record-events DIR` writes, read back.

A recording is JSON lines: a header (`{"recording": {...}}`), the marks (`{"mark": {"step", "rv"}}`:
where each first-terminal watch began), the claims as they were checked (`{"claim": {"step", "claim",
"since", "until", "status"}}`) and then the events, in resourceVersion order. The unit tests replay
every claim of a page against the recording of a real run, and against edited copies of it, without
a cluster.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.claims.evidence import Event, Evidence


@dataclass
class CheckedClaim:
    step: str  # file:line of the claim comment
    claim: str  # claim=NAME key=value …
    since: int
    until: int
    status: str


@dataclass
class Recording:
    page: str
    events: list[Event]
    marks: list[tuple[str, int]] = field(default_factory=list)
    claims: list[CheckedClaim] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    def evidence(self, claim: CheckedClaim, manifests: dict[str, Any] | None = None,
                 events: list[Event] | None = None) -> Evidence:
        """What `claim` saw: the events up to when it was checked, its window starting at `since`."""
        return Evidence([e for e in (self.events if events is None else events) if e.rv <= claim.until],
                        claim.since, dict(manifests or {}))


def load(path: Path) -> Recording:
    recording = Recording("", [])
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        if "recording" in data:
            recording.page = data["recording"].get("page", "")
            recording.gaps = list(data["recording"].get("gaps") or [])
        elif "mark" in data:
            recording.marks.append((data["mark"]["step"], int(data["mark"]["rv"])))
        elif "claim" in data:
            c = data["claim"]
            recording.claims.append(CheckedClaim(c["step"], c["claim"], int(c["since"]), int(c["until"]), c["status"]))
        else:
            recording.events.append(Event.from_json(data))
    return recording
