"""`verify-report.json`: one typed section per tier, replaced atomically.

The file is ``{"schema": 1, "tiers": {"static": …, "live": …}}``. Each tier builds its section
(`StaticSection`, `LiveSection`) and `update_report` replaces that tier's section only, keeping the
other one as it is, so the static and live tiers can run one after the other into the same file.
The file is only ever replaced whole (atomic_files), so a reader never sees half a report and an
interrupted run leaves the previous report and no temporary file behind. `read_report` reads it
back into the same types.

The sections' per-step lists (`StaticSection.entries`, `LiveSection.pages`) are kept as the JSON
objects the tiers wrote (`verify.results.Entry.to_json`, `verify.live.results.PageResult.as_json`):
the report is read back for its verdicts and counts, and a step's place (a display path) cannot be
turned back into the page it came from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from atomic_files import write_json
from verify.results import Counts, Entry, read_json

SCHEMA = 1


class ReportError(Exception):
    """A report file that cannot be read; the message names the file."""


@dataclass
class StaticSection:
    """``tiers.static``: what the static tier checked, with one entry per step."""

    tier: ClassVar[str] = "static"

    started: str
    seconds: float
    kubectl: str | None
    kubernetes_schema: str
    pages: list[str]
    summary: Counts
    entries: list[dict[str, Any]]
    programs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    changed_since: dict[str, Any] | None = None

    @classmethod
    def of(cls, entries: Iterable[Entry], **fields: Any) -> StaticSection:
        """A section from the run's `Entry` objects (counted here, so the summary always matches them)."""
        entries = list(entries)
        return cls(summary=Counts.of(e.status for e in entries), entries=[e.to_json() for e in entries], **fields)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "started": self.started, "seconds": round(self.seconds, 3), "kubectl": self.kubectl,
            "kubernetes_schema": self.kubernetes_schema, "pages": list(self.pages), "summary": self.summary.to_json(),
            "entries": list(self.entries), "programs": dict(self.programs),
        }
        if self.changed_since is not None:
            data["changed_since"] = self.changed_since
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StaticSection:
        return cls(data["started"], data["seconds"], data["kubectl"], data["kubernetes_schema"], list(data["pages"]),
                   Counts.from_json(data["summary"]), list(data["entries"]), dict(data.get("programs") or {}),
                   data.get("changed_since"))


#: The keys of ``tiers.live`` that describe the target (verify.live.cluster's `Target.describe`).
TARGET_KEYS = ("target", "server_version", "nodes", "kwok_version")


@dataclass
class LiveSection:
    """``tiers.live``: the target, the run as a whole, and one object per page."""

    tier: ClassVar[str] = "live"

    target: dict[str, Any]  # written at the top level of the section: target, server_version, nodes, kwok_version
    verified: bool
    context: str
    server: str
    kubectl: str | None
    started: str
    seconds: float
    capabilities: dict[str, Any]
    probe_leftovers: list[str]
    summary: Counts
    claims: Counts
    sandbox: dict[str, Any]
    pages: list[dict[str, Any]]
    interrupted_at: str | None = None  # set when the run was interrupted
    aborted: str | None = None  # why the run stopped early (the API server stopped answering)

    @property
    def interrupted(self) -> bool:
        return self.interrupted_at is not None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            **self.target, "verified": self.verified, "context": self.context, "server": self.server,
            "kubectl": self.kubectl, "started": self.started, "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
        }
        if self.interrupted_at is not None:
            data["interrupted_at"] = self.interrupted_at
        if self.aborted:
            data["aborted"] = self.aborted
        data.update({"capabilities": self.capabilities, "probe_leftovers": list(self.probe_leftovers),
                     "summary": self.summary.to_json(), "claims": self.claims.to_json(), "sandbox": self.sandbox,
                     "pages": list(self.pages)})
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LiveSection:
        return cls({k: data[k] for k in TARGET_KEYS if k in data}, data["verified"], data["context"], data["server"],
                   data["kubectl"], data["started"], data["seconds"], data["capabilities"], list(data["probe_leftovers"]),
                   Counts.from_json(data["summary"]), Counts.from_json(data["claims"]), data["sandbox"],
                   list(data["pages"]), data.get("interrupted_at"), data.get("aborted"))


Section = StaticSection | LiveSection


@dataclass
class Report:
    """The whole file: either tier's section, or None when that tier has not written one."""

    static: StaticSection | None = None
    live: LiveSection | None = None


def read_report(path: Path) -> Report:
    data = read_json(path, ReportError)
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("tiers"), dict):
        raise ReportError(f"{path}: not a verify report (schema {SCHEMA}, see verify/report.py)")
    tiers = data["tiers"]
    try:
        return Report(StaticSection.from_json(tiers["static"]) if "static" in tiers else None,
                      LiveSection.from_json(tiers["live"]) if "live" in tiers else None)
    except (KeyError, TypeError, ValueError) as error:
        raise ReportError(f"{path}: a section lacks or misstates {error}") from None


def update_report(path: Path, section: Section) -> None:
    """Replace `section`'s tier in the report at `path` (keeping the other tier as written), atomically.

    A missing or unreadable report is started afresh: the report is a run's output, not a source."""
    report: dict[str, Any] = {"schema": SCHEMA, "tiers": {}}
    try:
        existing = json.loads(Path(path).read_text(encoding="utf-8"))
        if isinstance(existing, dict) and isinstance(existing.get("tiers"), dict):
            report = existing
    except (OSError, ValueError):
        pass
    report["tiers"][section.tier] = section.to_json()
    write_json(path, report)
