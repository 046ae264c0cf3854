"""Verification records: what the last live run of each page did, committed under ``verification/``.

``python -m verify live --record`` writes one small JSON file per Japanese page, at the page's path
below ``docs_src/ja`` with ``.json`` for ``.md`` (``verification/tutorials/services/source-ip.json``).
A record holds:

- ``files``: the git blob id of the page and of every file it includes (``manifests/…``), so that
  ``--check-records`` can tell, without git and without a cluster, that a page or one of its
  manifests changed since it was run;
- ``target``: ``control-plane`` (a real API server and controllers, nodes simulated by kwok) or
  ``cluster`` (every node a real kubelet), with the Kubernetes, kubectl and kwok versions and the
  number of nodes; ``date`` (UTC day) and ``commit`` (HEAD when the run started);
- ``steps``: one entry per step the live tier knows (commands, hidden steps, terminals, commands
  typed into a container, claims), in page order. Each is keyed by its ordinal ``n``, its ``kind``
  and ``sha``, a hash of its command text without comments, so the English page, whose steps are
  the same by parity (comments translated), finds each of its steps; ``line`` is for humans.
  ``status`` is ``passed``, ``failed`` or ``skipped``. A passed step says what was checked
  (``check``): ``output`` (its documented output was compared), ``watch`` (a background
  terminal's stream was compared), ``claim`` (a claim was checked from cluster data) — these count
  as *matched* — or ``exit`` (no documented output; it ended with the expected status),
  ``not-compared`` (its documented output is marked not to be compared), ``none`` (``exit=any``
  and no output: nothing was checked) and ``background`` (a watch started in the background): these
  ran, and are never shown as matched. A skipped step says why (``skip``: ``needs`` with the
  missing ``needs``, ``directive`` (the page says not to run it), ``after-failure``).

Records are written only for a page the run took to its end (a failure stops a page, and the
record then says where and why); an interrupted run or a cluster that stopped answering leaves the
previous record alone. Files are written atomically, with sorted keys, no absolute paths and no
secrets, and nothing that changes from run to run (durations, namespaces, attempts), so a re-run
with the same outcome changes only ``date`` (and ``commit`` when HEAD moved).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from atomic_files import write_text
from languages import SOURCE_LANGUAGE
from pagegrammar.wording import says_the_same
from verify.model import Page, Step, StepKind
from verify.results import FAILED, PASSED, SKIPPED, Status, read_json

SCHEMA = 1
RECORDS_DIR = "verification"
SOURCE_DIR = Path(SOURCE_LANGUAGE.docs_dir)

#: What a passed step checked that counts as "ran and matched" (the others, exit, not-compared, none
#: and background, only ran: see the module docstring).
MATCHED_CHECKS = ("output", "watch", "claim")
#: Needs that only real nodes (a container runtime, kubelets, node networking) meet.
REAL_NODE_NEEDS = frozenset({"exec", "apparmor", "cluster-network", "node-shell", "load-balancer"})


class RecordError(Exception):
    """A record that cannot be read; the message names the file."""


# --- the record's shape (what the site reads) -------------------------------------------------------
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
    check: str | None = None  # passed: what was checked (see MATCHED_CHECKS)
    reason: str | None = None  # why the output was not compared, or why the step was skipped
    skip: str | None = None  # skipped: needs, directive, after-failure, not-reached, interrupted, other
    after: int | None = None  # skip == "after-failure": the failed step's `n` (written even when None)
    needs: tuple[str, ...] = ()  # skip == "needs": what the target lacked
    why: str | None = None  # failed: output, timeout, exit, claim, refused, other
    message: str | None = None  # failed
    diff: str | None = None  # failed, when there is one

    @property
    def matched(self) -> bool:
        """Ran, and its documented output, watch or claim was checked (never a step that only ran)."""
        return self.status == PASSED and self.check in MATCHED_CHECKS

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"n": self.n, "kind": self.kind, "sha": self.sha, "line": self.line,
                                "command": self.command, "status": self.status}
        if self.hidden:
            data["hidden"] = True
        optional = {"output_sha": self.output_sha, "check": self.check, "reason": self.reason, "skip": self.skip,
                    "why": self.why, "message": self.message, "diff": self.diff}
        data.update({key: value for key, value in optional.items() if value is not None})
        if self.skip == "after-failure":
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

    @property
    def control_plane(self) -> bool:
        """Anything but a full cluster counts as a control plane (never "verified")."""
        return self.kind != "cluster"

    def to_json(self) -> dict[str, Any]:
        data = {"kind": self.kind, "kubernetes": self.kubernetes, "kubectl": self.kubectl, "nodes": self.nodes}
        if self.kwok:
            data["kwok"] = self.kwok
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Target:
        return cls(data["kind"], data["kubernetes"], data["kubectl"], data["nodes"], data.get("kwok"))


@dataclass(frozen=True)
class Failure:
    """Where a page failed: its first failed step (`n`, `line`), or its cleanup (`n` and `line` None)."""

    n: int | None
    line: int | None
    why: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "line": self.line, "why": self.why, "message": self.message}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Failure:
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
    failure: Failure | None = None
    page_skipped: str | None = None
    schema: int = SCHEMA

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
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Record:
        """The record in `data` (KeyError, TypeError or ValueError when it is not one)."""
        failure = data.get("failure")
        return cls(data["page"], dict(data["files"]), Target.from_json(data["target"]), data["date"], data["commit"],
                   data["outcome"], tuple(RecordStep.from_json(s) for s in data["steps"]),
                   Failure.from_json(failure) if failure is not None else None, data.get("page_skipped"),
                   data["schema"])


# --- identities ---------------------------------------------------------------------------------
def blob_id(data: bytes) -> str:
    """The git blob id of `data` (what `git hash-object` prints), computed without git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def file_blob(path: Path) -> str:
    return blob_id(Path(path).read_bytes())


def live_kinds() -> tuple[StepKind, ...]:
    """The kinds of step the live tier runs (its own list, so new kinds are recorded too)."""
    from verify.live.runner import LIVE_KINDS

    return tuple(LIVE_KINDS)


def step_kind(step: Step) -> str:
    """A step's kind in a record: ``command``, ``hidden-command``, ``terminal``, ``in-container``, ``claim``…"""
    if step.directive.in_container:
        return "in-container"
    if step.directive.terminal:
        return "terminal"
    return step.kind.value


#: A placeholder the reader replaces (`<your-email>`): each language words it its own way, as the
#: translation parity check allows (translations/structure.py), so it is hashed as `<…>`.
PLACEHOLDER = re.compile(r"(?<![<\w])<(?![<=!])[^<>\s]+>")


def _hash(text: str) -> str:
    return hashlib.sha256(PLACEHOLDER.sub("<…>", text).encode("utf-8")).hexdigest()[:12]


def step_sha(step: Step) -> str:
    """A short hash of what the step runs (its commands without comments; a claim's text)."""
    return _hash("\n".join(" ".join(c.split()) for c in step.commands) if step.commands else " ".join(step.text.split()))


def output_sha(step: Step) -> str | None:
    """A short hash of the step's documented output (None: it shows none)."""
    if step.output is None:
        return None
    return _hash("\n".join(line.rstrip() for line in step.output.text.strip("\n").splitlines()))


def is_hidden(step: Step) -> bool:
    return step.kind != StepKind.COMMAND


@dataclass(frozen=True)
class StepIdentity:
    """How a page's step is found in a record: ordinal, kind and command hash (line only for humans)."""

    n: int
    kind: str
    sha: str
    line: int
    hidden: bool
    output_sha: str | None
    step: Step

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.n, self.kind, self.sha)


def identities(page: Page) -> list[StepIdentity]:
    """Every step of `page` the live tier runs, in page order, with its record key."""
    kinds = live_kinds()
    steps = [s for s in page.steps if s.kind in kinds]
    return [StepIdentity(n, step_kind(s), step_sha(s), s.location.line, is_hidden(s), output_sha(s), s)
            for n, s in enumerate(steps, 1)]


def included_files(page: Page, root: Path) -> list[str]:
    """The repository-relative paths of every file the page includes (``manifests/…``), sorted."""
    found = set()
    base = Path(root).resolve()
    for step in page.steps:
        for path in step.includes:
            found.add(_relative(Path(path), base))
    return sorted(found)


def _relative(path: Path, root: Path) -> str:
    for candidate in (path, path.resolve()):
        relative = os.path.relpath(candidate, root)
        if not relative.startswith(".."):
            return Path(relative).as_posix()
    raise ValueError(f"{path} is outside the repository {root}")


def record_path(root: Path, page_path: Path) -> Path:
    """``verification/<path below docs_src/ja>.json`` for a Japanese page."""
    relative = source_relative(root, page_path)
    return Path(root) / RECORDS_DIR / relative.with_suffix(".json")


def source_relative(root: Path, page_path: Path) -> Path:
    """The page's path below docs_src/ja; ValueError for a page that is not a Japanese source page."""
    return Path(page_path).resolve().relative_to((Path(root) / SOURCE_DIR).resolve())


def head_commit(root: Path) -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=30,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


# --- a page as it was when the run started -----------------------------------------------------
@dataclass
class Snapshot:
    """A page's files and step keys, taken before it runs (so a page edited mid-run is not misrecorded)."""

    page_path: Path
    relative: str  # docs_src/ja/… (posix)
    files: dict[str, str]
    steps: list[StepIdentity]
    secrets: list[str] = field(default_factory=list)


def snapshot(page: Page, root: Path) -> Snapshot:
    from verify.live.redact import Redactor

    root = Path(root).resolve()
    relative = (SOURCE_DIR / source_relative(root, page.path)).as_posix()
    files = {relative: file_blob(page.path)}
    for name in included_files(page, root):
        files[name] = file_blob(root / name)
    redactor = Redactor.for_page(page, environ={})
    return Snapshot(Path(page.path), relative, files, identities(page), sorted(redactor._values))


# --- building a record --------------------------------------------------------------------------
def _short(text: str, width: int = 100) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def _clean(text: str, replacements: Mapping[str, str]) -> str:
    for old, new in sorted(replacements.items(), key=lambda item: len(item[0]), reverse=True):
        if old:
            text = text.replace(old, new)
    return text


def _failure_kind(message: str) -> str:
    if message.startswith("output differs") or message.startswith("not all documented rows") \
            or message.startswith("the watch ended"):
        return "output"
    if message.startswith("timed out"):
        return "timeout"
    if message.startswith("exit status") or message.startswith("the background command exited"):
        return "exit"
    if message.startswith("claim"):
        return "claim"
    if message.startswith("refused"):
        return "refused"
    return "other"


def _infer_check(identity: StepIdentity, result: Any) -> str:
    """What a passed step checked, for results that do not say (older runners, new step kinds)."""
    step = identity.step
    if step.kind.value == "claim":
        return "claim"
    if identity.kind == "terminal":
        return "background" if "background" in (result.message or "") else "watch"
    if step.output is not None:
        return "not-compared" if step.output.directive.skip_reason is not None else "output"
    if step.directive.exit_status == "any":
        return "none"
    return "exit"


def _infer_skip(identity: StepIdentity, message: str) -> str:
    if message.startswith("after failure at"):
        return "after-failure"
    if message.startswith("interrupted"):
        return "interrupted"
    if identity.step.directive.skip_reason is not None and message == identity.step.directive.skip_reason:
        return "directive"
    if message.startswith("cluster lacks") or message.startswith("page needs"):
        return "needs"
    return "other"


def build_record(snap: Snapshot, result: Any, target: Mapping[str, Any], kubectl: str, date: str,
                 commit: str | None, root: Path) -> Record:
    """The record of one page from its snapshot and its `PageResult` (verify.live.results)."""
    replacements = {str(Path(root).resolve()) + os.sep: "", str(Path(root).resolve()): "."}
    if result.namespace:
        replacements[result.namespace] = "NAMESPACE"
    for secret in snap.secrets:
        replacements[secret] = "***"
    by_line = {r.location.line: r for r in result.steps}
    steps: list[RecordStep] = []
    failure: Failure | None = None
    for identity in snap.steps:
        step = identity.step
        commands = step.commands or (step.text,)
        entry = RecordStep(identity.n, identity.kind, identity.sha, identity.line,
                           _clean(_short(commands[0]) + (" …" if len(commands) > 1 else ""), replacements),
                           SKIPPED, hidden=identity.hidden, output_sha=identity.output_sha)
        res = by_line.get(identity.line)
        if res is None:
            steps.append(replace(entry, skip="not-reached"))
            continue
        entry = replace(entry, status=Status(res.status))
        message = _clean(res.message or "", replacements)
        if res.status == PASSED:
            check = getattr(res, "check", "") or _infer_check(identity, res)
            reason = None
            if check == "not-compared" and step.output is not None and step.output.directive.skip_reason:
                reason = _clean(step.output.directive.skip_reason, replacements)
            entry = replace(entry, check=check, reason=reason)
        elif res.status == SKIPPED:
            skip = getattr(res, "skip", "") or _infer_skip(identity, res.message or "")
            needs = list(getattr(res, "needs", []) or [])
            if skip == "needs" and not needs:
                needs = _needs_from_message(res.message or "")
            entry = replace(entry, skip=skip, needs=tuple(sorted(needs)),
                            after=failure.n if failure and skip == "after-failure" else None,
                            reason=None if skip == "after-failure" else message)
        else:
            entry = replace(entry, why=_failure_kind(res.message or ""), message=_short(message, 300),
                            diff=_clean("\n".join(res.diff.splitlines()[:40]), replacements) if res.diff else None)
            if failure is None:
                failure = Failure(identity.n, identity.line, entry.why or "other", entry.message or "")
        steps.append(entry)
    # The page as a whole failed without a failed step (its cleanup left something behind).
    cleanup_ok = not result.leftovers
    outcome = FAILED if failure or not cleanup_ok or result.error else PASSED
    if failure is None and not cleanup_ok:
        failure = Failure(None, None, "cleanup",
                          _short(_clean("cleanup left: " + ", ".join(result.leftovers), replacements), 300))
    return Record(snap.relative, dict(snap.files), _target(target, kubectl), date, commit, outcome, tuple(steps),
                  failure, _clean(result.skip_reason, replacements) if result.skip_reason else None)


def _needs_from_message(message: str) -> list[str]:
    return sorted(set(re.findall(r"(?:cluster lacks|page needs) ([a-z-]+)", message))
                  | set(n.strip() for part in re.findall(r"page needs ([a-z, -]+):", message) for n in part.split(",")))


def _target(target: Mapping[str, Any], kubectl: str) -> Target:
    return Target(target.get("target"), target.get("server_version"), kubectl, target.get("nodes"),
                  target.get("kwok_version") or None)


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
        by_skip[s.skip or "other"] = by_skip.get(s.skip or "other", 0) + 1
    needs: dict[str, int] = {}
    for s in skipped:
        if s.skip == "needs":
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
                             compared=sum(1 for s in passed if s.check in ("output", "watch") and s.output_sha)),
    )


def page_verified(result: Any, control_plane: bool) -> bool:
    """Whether a page's run may be called verified: a full cluster ran it to its end without a failure,
    and no step was left out for a need the cluster lacked (the guestbook without Elasticsearch is not)."""
    if control_plane or result.status != PASSED or not result.steps:
        return False
    return not any(s.status == SKIPPED and (s.message or "").startswith(("cluster lacks", "page needs"))
                   for s in result.steps)


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
        raise RecordError(f"{path}: not a verification record (schema {SCHEMA}, see verify/records.py)")
    try:
        return Record.from_json(data)
    except (KeyError, TypeError, ValueError) as error:
        raise RecordError(f"{path}: not a verification record: missing or wrong {error}") from None


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


# --- checking the committed records ---------------------------------------------------------------
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
    kinds = live_kinds()
    for path in sorted(base.rglob("*.md")):
        page = load_page(path, Path(root))
        if any(s.kind in kinds for s in page.steps):
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
    kinds = live_kinds()
    for path in sorted(base.rglob("*.md")):
        relative = (SOURCE_DIR / path.relative_to(base)).as_posix()
        try:
            page = load_page(path, root)
        except PageError as error:
            problems.append(RecordProblem(relative, f"cannot be read, so its record cannot be checked: {error}"))
            continue
        if not any(s.kind in kinds for s in page.steps):
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
