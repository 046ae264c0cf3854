"""The verification records as the site reads them: the committed JSON under ``verification/``.

The verifier writes a record for each Japanese page it ran (``python -m verify live --record``,
verify/records.py; the format is in verification/README.md). The site only reads them, in every
language build; importing the verifier for that would load its page parser and, through the
records' step identities, its live tier. So the site reads the JSON itself into the small values
below: what ran, on which target, each step's outcome, and the two rules a reader meets, what counts
as matched and when a page may be called verified. ``tests/site/test_site_records.py`` reads every
committed record with both this module and ``verify.records`` and requires the same values, counts
and verdicts, so a change of the format or of a rule on the verifier's side fails there until the
site follows it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = 1
PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
#: What a passed step checked that counts as "ran and matched"; the others (exit, not-compared, none,
#: background) only ran.
MATCHED_CHECKS = ("output", "watch", "claim")
#: Needs that only real nodes (a container runtime, kubelets, node networking) meet.
REAL_NODE_NEEDS = frozenset({"exec", "apparmor", "cluster-network", "node-shell", "load-balancer"})


class RecordError(Exception):
    """A record that cannot be read; the message names the file."""


@dataclass(frozen=True)
class RecordStep:
    """One step of a record (``needs``: what the target lacked, for a step skipped for its needs)."""

    n: int
    kind: str
    sha: str
    line: int
    command: str
    status: str
    hidden: bool = False
    output_sha: str | None = None  # the documented output's hash (None: the step shows none)
    check: str | None = None  # passed: what was checked
    reason: str | None = None  # why the output was not compared, or why the step was skipped
    skip: str | None = None  # skipped: needs, directive, after-failure, not-reached, interrupted, other
    needs: tuple[str, ...] = ()
    why: str | None = None  # failed: output, timeout, exit, claim, refused, other

    @property
    def matched(self) -> bool:
        """Ran, and its documented output, watch or claim was checked (never a step that only ran)."""
        return self.status == PASSED and self.check in MATCHED_CHECKS

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RecordStep:
        return cls(data["n"], data["kind"], data["sha"], data["line"], data["command"], str(data["status"]),
                   bool(data.get("hidden", False)), data.get("output_sha"), data.get("check"), data.get("reason"),
                   data.get("skip"), tuple(data.get("needs") or ()), data.get("why"))


@dataclass(frozen=True)
class Target:
    """What ran the page: ``control-plane`` (nodes simulated by kwok) or ``cluster`` (real nodes)."""

    kind: str | None
    kubernetes: str | None
    kubectl: str | None
    nodes: int | None
    kwok: str | None = None

    @property
    def control_plane(self) -> bool:
        """Anything but a full cluster counts as a control plane (never "verified")."""
        return self.kind != "cluster"


@dataclass(frozen=True)
class Failure:
    """Where a page failed: its first failed step (``n``, ``line``), or its cleanup (both None)."""

    n: int | None
    line: int | None
    why: str
    message: str


@dataclass(frozen=True)
class OutputCounts:
    documented: int  # steps that show an output
    compared: int  # of those, passed steps whose output (or watch) was compared


@dataclass(frozen=True)
class Summary:
    """The counts the site shows."""

    steps: int
    run: int
    failed: int
    skipped: int
    outputs: OutputCounts


def summarize(steps: Iterable[RecordStep]) -> Summary:
    steps = list(steps)
    passed = [s for s in steps if s.status == PASSED]
    return Summary(
        steps=len(steps),
        run=sum(1 for s in steps if s.status in (PASSED, FAILED)),
        failed=sum(1 for s in steps if s.status == FAILED),
        skipped=sum(1 for s in steps if s.status == SKIPPED),
        outputs=OutputCounts(documented=sum(1 for s in steps if s.output_sha),
                             compared=sum(1 for s in passed if s.check in ("output", "watch") and s.output_sha)),
    )


@dataclass(frozen=True)
class Record:
    """A page's record."""

    page: str  # docs_src/ja/… (posix)
    files: dict[str, str]  # repository-relative path → git blob id
    target: Target
    date: str
    commit: str | None
    outcome: str  # passed | failed
    steps: tuple[RecordStep, ...]
    failure: Failure | None = None

    @property
    def summary(self) -> Summary:
        return summarize(self.steps)

    def step(self, n: int | None) -> RecordStep | None:
        return next((s for s in self.steps if s.n == n), None)


def verdict(record: Record) -> str:
    """What a record says about its page as a whole: ``failed``, ``verified`` (a full cluster ran every
    step it could and nothing was left out for a missing need), ``partial`` (a full cluster, some steps
    left out for needs it lacked) or ``control-plane`` (ran on the control plane: never "verified")."""
    if record.outcome != PASSED:
        return "failed"
    if record.target.control_plane:
        return "control-plane"
    if any(s.status == SKIPPED and s.skip in ("needs", "not-reached", "other") for s in record.steps):
        return "partial"
    return "verified"


def read_record(path: Path) -> Record:
    """The record in ``path``; RecordError naming the file when it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise RecordError(f"{path}: cannot read: {err.strerror or err}") from None
    except ValueError as err:
        raise RecordError(f"{path}: not valid JSON: {err}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("steps"), list) \
            or not isinstance(data.get("files"), dict):
        raise RecordError(f"{path}: not a verification record (schema {SCHEMA}, see verification/README.md)")
    try:
        target, failure = data["target"], data.get("failure")
        return Record(
            data["page"], dict(data["files"]),
            Target(target["kind"], target["kubernetes"], target["kubectl"], target["nodes"], target.get("kwok")),
            data["date"], data["commit"], data["outcome"], tuple(RecordStep.from_json(s) for s in data["steps"]),
            Failure(failure["n"], failure["line"], failure["why"], failure["message"]) if failure is not None else None,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise RecordError(f"{path}: not a verification record: missing or wrong {error}") from None


def blob_id(data: bytes) -> str:
    """The git blob id of ``data`` (what ``git hash-object`` prints), computed without git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def changed_files(record: Record, root: Path, page_file: Path | None = None) -> list[str]:
    """The files of the record whose content differs now (or that are gone), repository-relative.

    ``page_file`` is where the page itself is read from (default: its path below ``root``)."""
    changed = []
    for name, blob in sorted(record.files.items()):
        path = Path(page_file) if page_file is not None and name == record.page else Path(root) / name
        try:
            now = blob_id(path.read_bytes())
        except OSError:
            changed.append(f"{name} (gone)")
            continue
        if now != blob:
            changed.append(name)
    return changed
