"""Which command block of a page is which step of its record: found by the verifier, kept in a cache.

The marks under command blocks need each visible step's identity in the record (its ordinal, kind,
the hash of its commands and of its documented output, ``verify.records.identities``) and its text as
the page shows it. Only the verifier's parser knows how a page's blocks become steps, and loading it
costs a language build more than all of a plain Material build's own imports. So the identities of
each page are kept in ``.cache/site/steps/``, under a key made of the page's bytes and the verifier's
own code (every Python file of ``verify/`` and ``pagegrammar/``, so a change in how pages are parsed
makes every entry stale); the files the page includes are stored with their git blob ids and checked
on every use. A build imports the verifier only for a page whose entry is missing or stale.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from atomic_files import write_text
from gitfacts import blob_id
from site_tools.languages import REPO_ROOT

CACHE_DIR = REPO_ROOT / ".cache" / "site" / "steps"
#: The code that decides a page's steps and their identities.
PARSER_CODE = ("verify", "pagegrammar")
FORMAT = 1


class PageUnreadable(ValueError):
    """The verifier could not read the page; the message names file and line."""


@dataclass(frozen=True)
class VisibleStep:
    """A step the reader sees (a command block), as the record knows it (``n``, ``kind``, ``sha``) and as the
    page shows it (``raw``, the block's text; ``line``, where its fence opens)."""

    n: int
    kind: str
    sha: str
    output_sha: str | None
    raw: str
    line: int

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.n, self.kind, self.sha)


@cache
def parser_digest(root: Path = REPO_ROOT) -> str:
    """A hash of the verifier's parsing code (once per build process)."""
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    for folder in PARSER_CODE:
        for path in sorted((root / folder).rglob("*.py")):
            digest.update(f"{path.relative_to(root).as_posix()}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _entry_path(page_bytes: bytes, cache_dir: Path) -> Path:
    key = hashlib.sha256(parser_digest().encode() + b"\0" + page_bytes).hexdigest()
    return cache_dir / key[:2] / f"{key[2:]}.json"


def _read_entry(path: Path, root: Path) -> list[VisibleStep] | None:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        for name, blob in entry["includes"].items():
            if blob_id((root / name).read_bytes()) != blob:
                return None
        return [VisibleStep(**step) for step in entry["steps"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing, half-written by a killed build, or from an older format: computed again


def _from_verifier(page_file: Path, root: Path) -> tuple[list[VisibleStep], dict[str, str]]:
    from verify import records
    from verify.model import PageError
    from verify.parsers import load_page

    try:
        page = load_page(page_file, root)
    except PageError as err:
        raise PageUnreadable(str(err)) from err
    steps = [VisibleStep(i.n, i.kind, i.sha, i.output_sha, i.step.raw, i.step.location.line)
             for i in records.identities(page) if not i.hidden]
    includes = {name: blob_id((root / name).read_bytes()) for name in records.included_files(page, root)}
    return steps, includes


def visible_steps(page_file: Path, root: Path = REPO_ROOT, cache_dir: Path = CACHE_DIR) -> list[VisibleStep]:
    """The visible steps of the page at ``page_file``, in page order, from the cache or the verifier."""
    page_bytes = page_file.read_bytes()
    entry = _entry_path(page_bytes, cache_dir)
    found = _read_entry(entry, root)
    if found is not None:
        return found
    steps, includes = _from_verifier(page_file, root)
    write_text(entry, json.dumps({"page": str(page_file), "includes": includes,
                                  "steps": [asdict(step) for step in steps]}, ensure_ascii=False))
    return steps
