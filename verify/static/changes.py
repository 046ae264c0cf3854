"""`--changed-since REV`: the access and the commands a change adds or alters, in one place.

A pull request's reviewer reads Markdown diffs, where a hidden step is an HTML comment among
prose and a changed flag is one character. This compares each page at REV (``git show REV:path``)
with the working tree and lists, first, every step whose Pods need more than the Pod Security
`baseline` every page's namespace enforces (``pod-security=privileged reason=…``), then every rule
of cluster access the page newly declares
(`access:` in its front matter: what it may do beyond its own namespace), then every command that
is new or different, hidden ones first, with its file:line and where it runs (shown, hidden, in a pod).
"""

from __future__ import annotations

import contextlib
import difflib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pagegrammar import FrontMatterError, parse_front_matter
from verify.model import Location, Page, StepKind
from verify.parsers import parse_text, read_page

ACCESS, HIDDEN, SHOWN, POD = "access", "hidden", "shown", "in a pod"
POD_SECURITY = "pod security"  # a step whose Pods need more than the baseline every page's namespace enforces


class RevisionError(ValueError):
    """REV is not a commit of the repository the pages are in."""


@dataclass(frozen=True)
class Command:
    """One logical command of a page, and how it runs."""

    text: str
    how: str  # HIDDEN, SHOWN or POD
    location: Location


@dataclass(frozen=True)
class Change:
    command: Command
    status: str  # "added" or "altered"

    def __str__(self) -> str:
        text = self.command.text.replace("\n", "\n" + " " * 12)
        return f"  {self.command.how:<9} {self.command.location}  ({self.status})\n            {text}"


def page_commands(page: Page) -> list[Command]:
    """Every command of the page, in order."""
    found = []
    for step in page.steps:
        if step.kind not in (StepKind.COMMAND, StepKind.HIDDEN_COMMAND):
            continue
        how = POD if step.directive.in_container else HIDDEN if step.kind is StepKind.HIDDEN_COMMAND else SHOWN
        lines = step.command_lines or (step.location.line,) * len(step.commands)
        found += [Command(text, how, Location(step.location.path, line)) for text, line in zip(step.commands, lines, strict=True)]
    return found


def page_access(page: Page, text: str | None = None) -> list[Command]:
    """Each rule of the page's declared access, as a reviewer reads it, at the line of `access:`."""
    line = 1
    if text is not None:
        with contextlib.suppress(FrontMatterError):
            line = parse_front_matter(text, page.path, required=False).line_of("access")
    return [Command(grant.describe(), ACCESS, Location(page.path, line)) for grant in page.front_matter.access]


def page_pod_security(page: Page) -> list[Command]:
    """Each step that asks for more than Pod Security baseline, with its level, its reason and its command."""
    found = []
    for step in page.steps:
        directive = step.directive
        if directive.pod_security:
            text = (f"pod-security={directive.pod_security} ({directive.pod_security_reason}): "
                    + "\n".join(step.commands))
            found.append(Command(text, POD_SECURITY, step.location))
    return found


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60, check=False)


def check_revision(root: Path, rev: str) -> str:
    """The commit `rev` names; `RevisionError` with git's reason if it names none."""
    done = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if done.returncode != 0 or not done.stdout.strip():
        raise RevisionError(f"--changed-since {rev}: not a commit in {root}")
    return done.stdout.strip()


def page_at(path: Path, root: Path, commit: str) -> Page | None:
    """The page as it was at `commit`, or None if it did not exist then."""
    top = _git(root, "rev-parse", "--show-toplevel").stdout.strip()
    relative = Path(path).resolve().relative_to(Path(top).resolve()).as_posix()
    shown = _git(root, "show", f"{commit}:{relative}")
    if shown.returncode != 0:
        return None
    return parse_text(shown.stdout, Path(path).resolve(), Path(root).resolve()).page


def changed_commands(before: list[Command], after: list[Command]) -> list[Change]:
    """Commands of `after` that `before` did not have (added), or had otherwise (altered)."""
    key = [(c.how, c.text) for c in before]
    now = [(c.how, c.text) for c in after]
    changes = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=key, b=now, autojunk=False).get_opcodes():
        if tag in ("insert", "replace"):
            replaced = i2 - i1 if tag == "replace" else 0  # the first ones stand in for old commands
            changes += [Change(c, "altered" if n < replaced else "added") for n, c in enumerate(after[j1:j2])]
    return changes


def changes_since(pages: list[Path], root: Path, rev: str) -> list[Change]:
    """Every command the working tree adds or alters since `rev`: hidden first, then shown, then in pods."""
    commit = check_revision(root, rev)
    changes: list[Change] = []
    for path in pages:
        current = read_page(path, root).page
        old = page_at(path, root, commit)
        text = Path(path).read_text(encoding="utf-8")
        changes += changed_commands(page_pod_security(old) if old else [], page_pod_security(current))
        changes += changed_commands(page_access(old) if old else [], page_access(current, text))
        changes += changed_commands(page_commands(old) if old else [], page_commands(current))
    order = {POD_SECURITY: -1, ACCESS: 0, HIDDEN: 1, SHOWN: 2, POD: 3}
    return sorted(changes, key=lambda c: (order[c.command.how], str(c.command.location.path), c.command.location.line))


def render(changes: list[Change], rev: str) -> list[str]:
    """The console report."""
    if not changes:
        return [f"changes since {rev}: no command added or altered"]
    hidden = sum(c.command.how == HIDDEN for c in changes)
    access = sum(c.command.how == ACCESS for c in changes)
    above = sum(c.command.how == POD_SECURITY for c in changes)
    commands = len(changes) - access - above
    first = f"{above} step(s) whose Pods need more than Pod Security baseline; " if above else ""
    lines = [f"changes since {rev}: {first}{access} access rule(s) declared or altered; {commands} command(s) added "
             f"or altered, {hidden} of them hidden"]
    return lines + [str(c) for c in changes]
