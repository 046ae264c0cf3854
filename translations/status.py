"""Is each translation current, outdated or missing?

A translated page records, in its front matter, the git blob id of the Japanese
file it was translated from::

    translation:
      source_blob: 3b18e512dba79e4c8300dd08aeb37f8e728b8dad

A blob id is a hash of the file's bytes (what `git hash-object` prints), so
freshness needs no git at all, and the translated version of the source stays
retrievable from the repository's object store for `--diff`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from atomic_files import write_text
from languages import SOURCE_LANGUAGE
from pagegrammar.frontmatter import FrontMatterError, parse_front_matter, read_front_matter, split_front_matter

from . import gitrepo
from .layout import DEFAULT_TRANSLATION, PagePair, pairs

State = Literal["current", "outdated", "missing"]


def blob_id(data: bytes) -> str:
    """The git blob id of `data` (same as `git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True)
class PageStatus:
    pair: PagePair
    state: State
    recorded_blob: str | None
    current_blob: str
    source_changed: str | None  # ISO date of the source's last change, when known

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


def recorded_blob(translation: Path, name: Path | str | None = None) -> str:
    """The source blob a translation records; errors name the page as `name`."""
    name = name or translation
    meta = read_front_matter(translation, name).data
    info = meta.get("translation")
    if not isinstance(info, dict) or not isinstance(info.get("source_blob"), str):
        raise FrontMatterError(
            name,
            1,
            "front matter has no 'translation: {source_blob: …}' "
            "(run `nox -s translations -- stamp <page>` after translating)",
        )
    return info["source_blob"]


def last_changed(root: Path, path: Path) -> str | None:
    """The date the file last changed: its last commit, or today if it has uncommitted changes."""
    if not gitrepo.is_repository(root):
        return None
    if gitrepo.has_uncommitted_changes(root, path):
        return _dt.date.today().isoformat()
    return gitrepo.last_changed(root, path)


def status_of(root: Path, pair: PagePair, *, with_dates: bool = True) -> PageStatus:
    """The state of one translation; raises FrontMatterError when its front matter is broken."""
    current = blob_id(pair.source.read_bytes())
    if not pair.translation.exists():
        return PageStatus(pair, "missing", None, current, None)
    recorded = recorded_blob(pair.translation, display(root, pair.translation))
    state: State = "current" if recorded == current else "outdated"
    changed = last_changed(root, pair.source) if (with_dates and state == "outdated") else None
    return PageStatus(pair, state, recorded, current, changed)


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


def stamp(pair: PagePair, name: Path | str | None = None) -> str:
    """Record the current Japanese source as the one `pair.translation` translates.

    Only the `source_blob` line changes (or a `translation:` mapping is added at the
    end of the front matter); the rest of the file is left byte for byte.
    """
    text = pair.translation.read_text(encoding="utf-8")
    parse_front_matter(text, name or pair.translation)  # validates; raises with file:line
    blob = blob_id(pair.source.read_bytes())
    raw, _ = split_front_matter(text)
    end = text.index("\n") + 1 + len(raw or "")  # the front matter's closing '---' line starts here
    head, rest = text[:end], text[end:]
    if _BLOB_LINE.search(head):
        head = _BLOB_LINE.sub(lambda m: f"{m.group(1)}{blob}", head, count=1)
    else:
        head += f"translation:\n  source_blob: {blob}\n"
    write_text(pair.translation, head + rest)
    return blob


_BLOB_LINE = re.compile(r"^(\s+source_blob:\s*)\S+", re.MULTILINE)
