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
import difflib
import hashlib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from verify.parsers.frontmatter import split_front_matter

from . import frontmatter
from .layout import PagePair, pairs

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


def recorded_blob(translation: Path) -> str | None:
    meta = frontmatter.read(translation)
    info = meta.get("translation")
    if not isinstance(info, dict) or not isinstance(info.get("source_blob"), str):
        raise frontmatter.FrontMatterError(
            f"{translation}:1: front matter has no 'translation: {{source_blob: …}}' "
            "(run `nox -s translations -- stamp <page>` after translating)"
        )
    return info["source_blob"]


def last_changed(root: Path, path: Path) -> str | None:
    """The date the file last changed: its last commit, or today if it has uncommitted changes."""
    rel = path.relative_to(root)
    try:
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", str(rel)], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        if dirty:
            return _dt.date.today().isoformat()
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", str(rel)], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        return out or None
    except (OSError, subprocess.CalledProcessError):
        return None


def status_of(root: Path, pair: PagePair, *, with_dates: bool = True) -> PageStatus:
    current = blob_id(pair.source.read_bytes())
    if not pair.translation.exists():
        return PageStatus(pair, "missing", None, current, None)
    recorded = recorded_blob(pair.translation)
    state: State = "current" if recorded == current else "outdated"
    changed = last_changed(root, pair.source) if (with_dates and state == "outdated") else None
    return PageStatus(pair, state, recorded, current, changed)


def statuses(root: Path, lang: str = "en", *, with_dates: bool = True) -> list[PageStatus]:
    return [status_of(root, pair, with_dates=with_dates) for pair in pairs(root, lang)]


class SourceVersionUnavailable(LookupError):
    """The Japanese text a translation was made from is not in the repository."""


def source_text_at(root: Path, blob: str) -> str:
    proc = subprocess.run(["git", "cat-file", "blob", blob], cwd=root, capture_output=True)
    if proc.returncode != 0:
        raise SourceVersionUnavailable(
            f"the Japanese version {blob[:12]} that this translation records is not in git history "
            "(was the Japanese page committed before the translation was stamped?)"
        )
    return proc.stdout.decode("utf-8")


def source_diff(root: Path, status: PageStatus) -> str:
    """Unified diff of the Japanese page from the translated version to now."""
    if status.state == "missing":
        raise SourceVersionUnavailable(f"{status.pair.translation.relative_to(root)} does not exist yet")
    if status.state == "current":
        return ""
    old = source_text_at(root, status.recorded_blob or "")
    new = status.pair.source.read_text(encoding="utf-8")
    rel = status.pair.source.relative_to(root)
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"{rel} (translated version {status.recorded_blob[:12] if status.recorded_blob else '?'})",
            tofile=f"{rel} (now)",
        )
    )


def stamp(pair: PagePair) -> str:
    """Record the current Japanese source as the one `pair.translation` translates.

    Only the `source_blob` line changes (or a `translation:` mapping is added at the
    end of the front matter); the rest of the file is left byte for byte.
    """
    text = pair.translation.read_text(encoding="utf-8")
    frontmatter.split(text, pair.translation)  # validates; raises with file:line
    blob = blob_id(pair.source.read_bytes())
    raw, _ = split_front_matter(text)
    end = text.index("\n") + 1 + len(raw or "")  # the front matter's closing '---' line starts here
    head, rest = text[:end], text[end:]
    if _BLOB_LINE.search(head):
        head = _BLOB_LINE.sub(lambda m: f"{m.group(1)}{blob}", head, count=1)
    else:
        head += f"translation:\n  source_blob: {blob}\n"
    tmp = pair.translation.with_name(pair.translation.name + ".tmp")
    tmp.write_text(head + rest, encoding="utf-8")
    tmp.replace(pair.translation)
    return blob


_BLOB_LINE = re.compile(r"^(\s+source_blob:\s*)\S+", re.MULTILINE)
