"""`stamp`: record that a translation follows its Japanese source, checked block by block.

A stamp stores the Japanese file's blob id. Later, `--diff` and the next stamp read that version
back from git, so a stamp taken from a Japanese file that is untracked or has uncommitted changes
would record a version that may never reach the repository: it is refused, with the fix.

Every place where the Japanese page changed since the previous stamp must be followed by the
English page (`translations.coverage`: its block changed since that stamp, and a rewritten block
by as many sentences). A place that needs no English edit is acknowledged, with a reason
(`--ack LINE --reason TEXT`); the acknowledgements are written into the English page's front
matter, where a reviewer sees them, and replaced by the next stamp's. There is no way to stamp
over a place that is neither followed nor acknowledged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gitfacts import blob_id
from languages import SOURCE_LANGUAGE

from . import coverage, gitrepo
from .glossary import Glossary
from .layout import PagePair, command
from .status import Acknowledgement, SourceVersionUnavailable, display, recorded_blob, same_blob, source_text_at, stamp
from .structure import parse


class StampRefused(Exception):
    """Stamping this page now would record something untrue or unusable; the message says why and what to do."""


@dataclass
class StampResult:
    blob: str
    changed: bool  # False when the page already recorded this version
    acknowledged: list[Acknowledgement] = field(default_factory=list)


def _unusable(root: Path, pair: PagePair) -> str | None:
    """Why the source's current version could not be found later (None: it can)."""
    source, source_name = display(root, pair.source), SOURCE_LANGUAGE.english_name
    if not gitrepo.is_repository(root):
        return (f"{root} is not a git repository, so the {source_name} version being stamped could not be found "
                "later by --diff; stamp inside the project's git checkout")
    if not gitrepo.is_tracked(root, pair.source):
        return (f"{source} is not committed (git does not track it yet), so --diff could not find this version "
                f"later; commit it first: git add {source} && git commit")
    committed = gitrepo.committed_blob(root, pair.source)
    if committed is None:
        return f"{source} is added but not committed yet; commit it first: git commit {source}"
    if committed != blob_id(pair.source.read_bytes()):
        return (f"{source} has uncommitted changes, so the version being stamped is not in git history and --diff "
                f"could not find it later; commit the {source_name} page first (git commit {source}), or undo the changes")
    return None


def change_text(place: coverage.Place) -> str:
    """What changed at a place, on one line, as the acknowledgement records it."""
    change = place.change
    if change.lines:
        return " / ".join(change.lines)
    return f"{change.noun} {coverage.describe(change)}"


def _survey(root: Path, pair: PagePair, recorded: str, glossary: Glossary | None) -> coverage.Survey:
    target = display(root, pair.translation)
    try:
        old_ja = source_text_at(root, recorded)
    except SourceVersionUnavailable as exc:
        raise StampRefused(
            f"{exc}; without it the changes since cannot be listed. If {target} translates the whole current page, "
            f"delete its 'translation:' record and stamp it as a new translation"
        ) from None
    then = gitrepo.text_when_recorded(root, pair.translation, recorded)
    source = parse(pair.source, display=display(root, pair.source))
    english = parse(pair.translation, display=target)
    return coverage.survey(old_ja, source, then[1] if then else None, english, glossary, pair.lang)


def _refusal(root: Path, pair: PagePair, places: list[coverage.Place], history: bool) -> str:
    target, source = display(root, pair.translation), display(root, pair.source)
    page = pair.relative.as_posix()
    counted = "1 changed place" if len(places) == 1 else f"{len(places)} changed places"
    lines = [f"{target}: {counted} of {source} since the last stamp {'is' if len(places) == 1 else 'are'} "
             "not followed by the translation:"]
    lines += [f"  {source}:{p.line} <-> {target}:{p.english_line}: {p.why_not()}" for p in places]
    if not history:
        lines.append(f"  (the English page as stamped is not in git history: commit {target} with each stamp)")
    acks = " ".join(f"--ack {p.line}" for p in places)
    lines.append(f"Update those blocks ({command(pair.lang)}--diff {page} shows each change with the English it "
                 f"affects), then stamp again; where a change needs no edit of the translation, say so: "
                 f"{command(pair.lang)}stamp {page} {acks} --reason \"…\"")
    return "\n".join(lines)


def stamp_page(root: Path, pair: PagePair, glossary: Glossary | None = None, *, acks: tuple[int, ...] = (),
               reason: str | None = None) -> StampResult:
    """Stamp one page, or raise StampRefused with every reason and its fix."""
    target, source = display(root, pair.translation), display(root, pair.source)
    if not pair.translation.exists():
        raise StampRefused(f"{target} does not exist, so there is nothing to stamp; create it first "
                           f"(copy {source} there and translate it), then stamp it")
    if acks and not reason:
        raise StampRefused("--ack needs --reason: why the acknowledged changes need no edit of the translation")
    current = blob_id(pair.source.read_bytes())
    recorded = recorded_blob(pair.translation, target)
    if recorded is not None and same_blob(recorded, current) and len(recorded) == len(current):
        if acks:
            raise StampRefused(f"{target} already records the current {source}: there is no change to acknowledge")
        return StampResult(current, changed=False)
    unusable = _unusable(root, pair)
    if unusable:
        raise StampRefused(unusable)
    places: list[coverage.Place] = []
    history = True
    if recorded is not None:
        found = _survey(root, pair, recorded, glossary)
        places, history = found.unfollowed, found.history
    lines = {p.line for p in places}
    for line in acks:
        if line not in lines:
            listed = ", ".join(str(n) for n in sorted(lines)) or "none"
            raise StampRefused(f"--ack {line}: no change of {source} that its translation lacks starts at line {line} "
                               f"(such places: {listed})")
    remaining = [p for p in places if p.line not in acks]
    if remaining:
        raise StampRefused(_refusal(root, pair, remaining, history))
    acknowledged = [Acknowledgement(p.line, change_text(p), reason or "") for p in places]
    return StampResult(stamp(pair, target, acknowledged), changed=True, acknowledged=acknowledged)
