"""How a page's steps are found in a record, and what a record keys files by.

A step is keyed by its ordinal among the steps the live tier runs, its kind and a hash of what it
runs (`StepIdentity`), so the English page, whose steps are the same by parity, finds each of its
steps in the Japanese page's record; files by their git blob id (`blob_id`), computed without git.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from verify.model import LIVE_KINDS, Page, Step, StepKind
from verify.records.schema import RECORDS_DIR, SOURCE_DIR


def step_kind(step: Step) -> str:
    """A step's kind as reports and records name it: ``command``, ``hidden-command``, ``terminal``,
    ``in-container`` or ``claim`` (the one place this is decided)."""
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
    steps = [s for s in page.steps if s.kind in LIVE_KINDS]
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
