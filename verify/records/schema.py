"""The shape of a record (what ``--record`` writes and the site reads), its summary and its verdict, and the files.

Every value a record holds comes from the live run's typed outcomes (`verify.outcomes`): a passed
step's ``check`` is a `Checked`, a skipped step's ``skip`` a `Skip`, a failed step's ``why`` a
`Failure`. Reading a record back gives the same object, which writes back byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atomic_files import write_text
from languages import SOURCE_LANGUAGE
from verify.outcomes import MATCHED, Checked, Skip
from verify.outcomes import verdict as page_verdict
from verify.results import FAILED, PASSED, SKIPPED, Status, read_json

SCHEMA = 1
RECORDS_DIR = "verification"
SOURCE_DIR = Path(SOURCE_LANGUAGE.docs_dir)


class RecordError(Exception):
    """A record that cannot be read; the message names the file."""


@dataclass(frozen=True)
class RecordStep:
    """One step of a record. Optional keys are written only when they say something (``None``/empty:
    absent), so a record reads back into the same object and writes back byte for byte."""

    n: int
    kind: str
    sha: str
    line: int
    command: str
    status: Status
    hidden: bool = False
    output_sha: str | None = None  # the documented output's hash (None: the step shows none)
    check: str | None = None  # passed: what was checked (a verify.outcomes.Checked)
    reason: str | None = None  # why the output was not compared, or why the step was skipped
    skip: str | None = None  # skipped: why (a verify.outcomes.Skip)
    after: int | None = None  # skip == "after-failure": the failed step's `n` (written even when None)
    needs: tuple[str, ...] = ()  # skip == "needs": what the target lacked
    why: str | None = None  # failed: how (a verify.outcomes.Failure), or "cleanup"
    message: str | None = None  # failed
    diff: str | None = None  # failed, when there is one

    @property
    def matched(self) -> bool:
        """Ran, and its documented output, watch or claim was checked (never a step that only ran)."""
        return self.status == PASSED and self.check in MATCHED

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"n": self.n, "kind": self.kind, "sha": self.sha, "line": self.line,
                                "command": self.command, "status": self.status}
        if self.hidden:
            data["hidden"] = True
        optional = {"output_sha": self.output_sha, "check": self.check, "reason": self.reason, "skip": self.skip,
                    "why": self.why, "message": self.message, "diff": self.diff}
        data.update({key: value for key, value in optional.items() if value is not None})
        if self.skip == Skip.AFTER_FAILURE:
            data["after"] = self.after
        if self.needs:
            data["needs"] = list(self.needs)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RecordStep:
        return cls(data["n"], data["kind"], data["sha"], data["line"], data["command"], Status(data["status"]),
                   bool(data.get("hidden", False)), data.get("output_sha"), data.get("check"), data.get("reason"),
                   data.get("skip"), data.get("after"), tuple(data.get("needs") or ()), data.get("why"),
                   data.get("message"), data.get("diff"))


@dataclass(frozen=True)
class Target:
    """What ran the page: ``control-plane`` (nodes simulated by kwok) or ``cluster`` (real nodes)."""

    kind: str | None
    kubernetes: str | None
    kubectl: str | None
    nodes: int | None
    kwok: str | None = None  # kwok's version, on a control plane
    context: str | None = None  # the kubeconfig context that ran it (k8s-tutorials-nodes: this project's real nodes)
    runtime: str | None = None  # the nodes' container runtime (containerd://2.4.2), on real nodes

    @property
    def control_plane(self) -> bool:
        """Anything but a full cluster counts as a control plane (never "verified")."""
        return self.kind != "cluster"

    def to_json(self) -> dict[str, Any]:
        data = {"kind": self.kind, "kubernetes": self.kubernetes, "kubectl": self.kubectl, "nodes": self.nodes}
        optional = {"kwok": self.kwok, "context": self.context, "runtime": self.runtime}
        data.update({key: value for key, value in optional.items() if value})
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Target:
        return cls(data["kind"], data["kubernetes"], data["kubectl"], data["nodes"], data.get("kwok"),
                   data.get("context"), data.get("runtime"))


@dataclass(frozen=True)
class PageFailure:
    """Where a page failed: its first failed step (`n`, `line`), or its cleanup (`n` and `line` None)."""

    n: int | None
    line: int | None
    why: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "line": self.line, "why": self.why, "message": self.message}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PageFailure:
        return cls(data["n"], data["line"], data["why"], data["message"])


@dataclass(frozen=True)
class OutputCounts:
    documented: int  # steps that show an output
    compared: int  # of those, passed steps whose output (or watch) was compared


@dataclass(frozen=True)
class Summary:
    """Counts a reader needs, derived from the steps (`summarize`)."""

    steps: int
    run: int
    matched: int
    ran_unchecked: int
    failed: int
    skipped: int
    checks: dict[str, int]  # passed steps by what was checked
    skips: dict[str, int]  # skipped steps by why
    needs: dict[str, int]  # steps skipped for needs, by the needs ("exec", "cluster-network,node-shell")
    outputs: OutputCounts

    def to_json(self) -> dict[str, Any]:
        return {"steps": self.steps, "run": self.run, "matched": self.matched, "ran_unchecked": self.ran_unchecked,
                "failed": self.failed, "skipped": self.skipped, "checks": dict(self.checks),
                "skips": dict(self.skips), "needs": dict(self.needs),
                "outputs": {"documented": self.outputs.documented, "compared": self.outputs.compared}}


@dataclass(frozen=True)
class Record:
    """A page's record. ``summary`` is derived from the steps, so it always agrees with them."""

    page: str  # docs_src/ja/… (posix)
    files: dict[str, str]  # repository-relative path → git blob id
    target: Target
    date: str
    commit: str | None
    outcome: str  # passed | failed
    steps: tuple[RecordStep, ...]
    failure: PageFailure | None = None
    page_skipped: str | None = None
    schema: int = SCHEMA
    #: Per image name the page uses, what the target's image was built from (real nodes; empty elsewhere).
    images: Mapping[str, Mapping[str, Any]] | None = None

    @property
    def summary(self) -> Summary:
        return summarize(self.steps)

    def step(self, n: int | None) -> RecordStep | None:
        return next((s for s in self.steps if s.n == n), None)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema": self.schema, "page": self.page, "files": dict(sorted(self.files.items())),
            "target": self.target.to_json(), "date": self.date, "commit": self.commit, "outcome": self.outcome,
            "summary": self.summary.to_json(), "steps": [s.to_json() for s in self.steps],
        }
        if self.page_skipped:
            data["page_skipped"] = self.page_skipped
        if self.failure is not None:
            data["failure"] = self.failure.to_json()
        if self.images:
            data["images"] = {name: dict(facts) for name, facts in sorted(self.images.items())}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Record:
        """The record in `data` (KeyError, TypeError or ValueError when it is not one)."""
        failure = data.get("failure")
        return cls(data["page"], dict(data["files"]), Target.from_json(data["target"]), data["date"], data["commit"],
                   data["outcome"], tuple(RecordStep.from_json(s) for s in data["steps"]),
                   PageFailure.from_json(failure) if failure is not None else None, data.get("page_skipped"),
                   data["schema"], data.get("images") or None)


def summarize(steps: Iterable[RecordStep]) -> Summary:
    """Counts a reader needs: steps, run, matched, failed, skipped (by why), documented outputs compared."""
    steps = list(steps)
    passed = [s for s in steps if s.status == PASSED]
    skipped = [s for s in steps if s.status == SKIPPED]
    by_check: dict[str, int] = {}
    for s in passed:
        by_check[str(s.check)] = by_check.get(str(s.check), 0) + 1
    by_skip: dict[str, int] = {}
    for s in skipped:
        by_skip[str(s.skip)] = by_skip.get(str(s.skip), 0) + 1
    needs: dict[str, int] = {}
    for s in skipped:
        if s.skip == Skip.NEEDS:
            key = ",".join(s.needs or ("?",))
            needs[key] = needs.get(key, 0) + 1
    return Summary(
        steps=len(steps),
        run=sum(1 for s in steps if s.status in (PASSED, FAILED)),
        matched=sum(1 for s in passed if s.matched),
        ran_unchecked=sum(1 for s in passed if not s.matched),
        failed=len(steps) - len(passed) - len(skipped),
        skipped=len(skipped),
        checks=dict(sorted(by_check.items())),
        skips=dict(sorted(by_skip.items())),
        needs=dict(sorted(needs.items())),
        outputs=OutputCounts(documented=sum(1 for s in steps if s.output_sha),
                             compared=sum(1 for s in passed if s.check in (Checked.OUTPUT, Checked.WATCH)
                                          and s.output_sha)),
    )


def verdict(record: Record) -> str:
    """What a record says about its page as a whole (`verify.outcomes.verdict`, the rule a live run follows too):
    ``failed``, ``verified``, ``partial`` or ``control-plane``."""
    known = {skip.value: skip for skip in Skip}
    skips = [known.get(str(s.skip), Skip.NOT_REACHED) for s in record.steps if s.status == SKIPPED]
    return page_verdict(record.target.control_plane, record.outcome == PASSED, skips).value


# --- files ---------------------------------------------------------------------------------------
def dumps(record: Record) -> str:
    """Sorted keys, two-space indents, and one line per step, so a re-run's diff is one line per change."""
    items = sorted(record.to_json().items())
    lines = ["{"]
    for index, (key, value) in enumerate(items):
        if key == "steps" and value:
            text = "[\n" + ",\n".join("    " + json.dumps(step, ensure_ascii=False, sort_keys=True)
                                       for step in value) + "\n  ]"
        else:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2).replace("\n", "\n  ")
        lines.append(f"  {json.dumps(key)}: {text}" + ("," if index < len(items) - 1 else ""))
    return "\n".join([*lines, "}"]) + "\n"


def write_record(root: Path, record: Record) -> Path:
    """Write `record` atomically at its place under verification/; returns the path."""
    relative = Path(record.page).relative_to(SOURCE_DIR)
    path = Path(root) / RECORDS_DIR / relative.with_suffix(".json")
    write_text(path, dumps(record))
    return path


def read_record(path: Path) -> Record:
    data = read_json(path, RecordError)
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("steps"), list) \
            or not isinstance(data.get("files"), dict):
        raise RecordError(f"{path}: not a verification record (schema {SCHEMA}, see verify/records/)")
    try:
        return Record.from_json(data)
    except (KeyError, TypeError, ValueError) as error:
        raise RecordError(f"{path}: not a verification record: missing or wrong {error}") from None

