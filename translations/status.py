"""Is each translation current, outdated or missing?

A translated page records, in its front matter, the git blob id of the Japanese
file it was translated from::

    translation:
      source_blob: 3b18e512dba79e4c8300dd08aeb37f8e728b8dad

A blob id is a hash of the file's bytes (what `git hash-object` prints), so
freshness needs no git at all, and the translated version of the source stays
retrievable from the repository's object store for `--diff`. The id is read as
written on its line (YAML would read an id of digits only as a number), and may
be abbreviated as git allows (7 hexadecimal digits or more).

A translation whose source changed only in ways that say the same (a line
rewrapped, a blank line; `pagegrammar.wording`) is current: that needs git, to
read the recorded version back. A translation with no record at all is outdated,
"never stamped": it may translate any version.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from atomic_files import write_text
from gitfacts import blob_id
from languages import SOURCE_LANGUAGE
from pagegrammar.frontmatter import FIRST_YAML_LINE, FrontMatterError, parse_front_matter, split_front_matter
from pagegrammar.wording import says_the_same

from . import gitrepo
from .layout import DEFAULT_TRANSLATION, PagePair, pairs

State = Literal["current", "outdated", "missing"]


@dataclass(frozen=True)
class PageStatus:
    pair: PagePair
    state: State
    recorded_blob: str | None  # None: missing, or never stamped
    current_blob: str
    source_changed: str | None  # ISO date of the source's last change, when known

    @property
    def never_stamped(self) -> bool:
        return self.state == "outdated" and self.recorded_blob is None

    @property
    def relative(self) -> Path:
        return self.pair.relative


@dataclass(frozen=True)
class PageError:
    """A page whose state cannot be known (e.g. its front matter is broken); `message` names file and line."""

    pair: PagePair
    message: str

    @property
    def relative(self) -> Path:
        return self.pair.relative


def display(root: Path, path: Path) -> Path:
    """`path` relative to the repository root when it is inside it: what messages show."""
    try:
        return path.relative_to(root)
    except ValueError:
        return path


_BLOB = re.compile(r"[0-9a-f]{7,40}")
#: The `source_blob:` line of the `translation:` mapping, as written.
_BLOB_LINE = re.compile(r"^(?P<lead>[ \t]+source_blob:[ \t]*)(?P<value>[^\s#]*)", re.MULTILINE)


def recorded_blob(translation: Path, name: Path | str | None = None) -> str | None:
    """The source blob a translation records, as written (None: it records none, it was never stamped).

    Raises FrontMatterError (naming the page as `name`, and the line) for broken front matter or a
    `source_blob` that is not a blob id."""
    name = name or translation
    text = translation.read_text(encoding="utf-8")
    front = parse_front_matter(text, name)
    info = front.data.get("translation")
    if not isinstance(info, dict) or "source_blob" not in info:
        return None
    raw, _ = split_front_matter(text)
    found = _BLOB_LINE.search(raw or "")
    value = found["value"].strip("'\"") if found else str(info["source_blob"])
    if not _BLOB.fullmatch(value):
        line = FIRST_YAML_LINE + (raw or "")[: found.start()].count("\n") if found else front.line_of("translation")
        raise FrontMatterError(name, line, f"source_blob {value!r} is not a git blob id (40 hexadecimal digits, or at "
                                           f"least 7 of them); stamp the page to record it")
    return value


def same_blob(recorded: str, current: str) -> bool:
    """Whether a recorded blob id (perhaps abbreviated) names the current blob."""
    return current.startswith(recorded)


def last_changed(root: Path, path: Path) -> str | None:
    """The date the file last changed: its last commit, or today if it has uncommitted changes."""
    if not gitrepo.is_repository(root):
        return None
    if gitrepo.has_uncommitted_changes(root, path):
        return _dt.date.today().isoformat()
    return gitrepo.last_changed(root, path)


def status_of(root: Path, pair: PagePair, *, with_dates: bool = True) -> PageStatus:
    """The state of one translation; raises FrontMatterError when its front matter is broken."""
    data = pair.source.read_bytes()
    current = blob_id(data)
    if not pair.translation.exists():
        return PageStatus(pair, "missing", None, current, None)
    recorded = recorded_blob(pair.translation, display(root, pair.translation))
    state: State = "current" if recorded and (same_blob(recorded, current) or _says_as(root, recorded, data)) \
        else "outdated"
    changed = last_changed(root, pair.source) if (with_dates and state == "outdated") else None
    return PageStatus(pair, state, recorded, current, changed)


def _says_as(root: Path, blob: str, data: bytes) -> bool:
    """Whether the source `data` says what its version `blob` said (False when git cannot show that version)."""
    old = gitrepo.blob_text(root, blob)
    try:
        return old is not None and says_the_same(old, data.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def statuses(root: Path, lang: str = DEFAULT_TRANSLATION, *, with_dates: bool = True) -> list[PageStatus]:
    """Every page's state; raises on the first broken page (the site build must stop there)."""
    return [status_of(root, pair, with_dates=with_dates) for pair in pairs(root, lang)]


def survey(root: Path, pairs_: list[PagePair], *, with_dates: bool = True) -> list[PageStatus | PageError]:
    """Every page's state, with a broken page reported as a PageError instead of stopping the others."""
    out: list[PageStatus | PageError] = []
    for pair in pairs_:
        try:
            out.append(status_of(root, pair, with_dates=with_dates))
        except (FrontMatterError, UnicodeDecodeError, OSError) as exc:
            out.append(PageError(pair, str(exc)))
    return out


class SourceVersionUnavailable(LookupError):
    """The source text a translation was made from is not in the repository."""


def source_text_at(root: Path, blob: str) -> str:
    if not gitrepo.is_repository(root):
        raise SourceVersionUnavailable(
            f"--diff needs git: {root} is not a git repository, so the {SOURCE_LANGUAGE.english_name} version {blob[:12]} "
            "that the translation records cannot be read"
        )
    text = gitrepo.blob_text(root, blob)
    if text is None:
        raise SourceVersionUnavailable(
            f"the {SOURCE_LANGUAGE.english_name} version {blob[:12]} that this translation records is not in git "
            f"history (was the {SOURCE_LANGUAGE.english_name} page committed before the translation was stamped?)"
        )
    return text


@dataclass(frozen=True)
class Acknowledgement:
    """A changed place of the source that needed no edit of the translation, and why (`stamp --ack`)."""

    line: int  # its line in the source page
    change: str  # what changed there, as --diff shows it
    reason: str


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is one)."""
    return json.dumps(text, ensure_ascii=False)


def record_text(blob: str, acknowledged: list[Acknowledgement]) -> str:
    """The `translation:` mapping of the front matter, as written by `stamp`."""
    out = f"translation:\n  source_blob: {blob}\n"
    if acknowledged:
        out += "  acknowledged:  # source changes that needed no edit here (stamp --ack)\n"
        for ack in acknowledged:
            out += f"    - line: {ack.line}\n      change: {_quoted(ack.change)}\n      reason: {_quoted(ack.reason)}\n"
    return out


_RECORD = re.compile(r"^translation:[^\n]*\n(?:[ \t]+[^\n]*\n|[ \t]*\n)*", re.MULTILINE)


def stamp(pair: PagePair, name: Path | str | None = None, acknowledged: list[Acknowledgement] | None = None) -> str:
    """Record the current Japanese source as the one `pair.translation` translates, with the places
    acknowledged as needing no edit (the previous stamp's acknowledgements are replaced).

    Only the `translation:` mapping changes (or is added at the end of the front matter); the rest
    of the file is left byte for byte.
    """
    text = pair.translation.read_text(encoding="utf-8")
    parse_front_matter(text, name or pair.translation)  # validates; raises with file:line
    blob = blob_id(pair.source.read_bytes())
    raw, _ = split_front_matter(text)
    start = text.index("\n") + 1
    end = start + len(raw or "")  # the front matter's closing '---' line starts here
    head, yaml_text, rest = text[:start], text[start:end], text[end:]
    record = record_text(blob, acknowledged or [])
    if _RECORD.search(yaml_text):
        yaml_text = _RECORD.sub(lambda _: record, yaml_text, count=1)
    else:
        yaml_text += record
    write_text(pair.translation, head + yaml_text + rest)
    return blob
