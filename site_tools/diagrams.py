"""Mermaid diagrams of the pages and their pre-rendered SVGs.

Every ` ```mermaid ` block of every page (all languages) has a pre-rendered SVG
in ``docs/diagrams/<hash>.svg``, where ``<hash>`` is the first 16 hex digits of
the SHA-256 of the block's normalised source.  Readers without JavaScript see
that SVG; with JavaScript the site renders the block live with its own copy of
mermaid.  Because the file name is the source's hash, a diagram whose source
changed has no SVG until ``nox -s diagrams`` renders it again, and the check
below (run by the tests and by the build hook) names the page and line.

Command line (in `site_tools.render_diagrams`, which renders with Chromium):
``python -m site_tools.render_diagrams check`` (exit 1 on any problem) and
``python -m site_tools.render_diagrams render [--force]``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from languages import LANGUAGES
from pagegrammar import closed_fences
from pagegrammar.pages import list_pages
from site_tools.languages import REPO_ROOT

DIAGRAMS_DIR = REPO_ROOT / "docs" / "diagrams"
HASH_LENGTH = 16
_HEADER = re.compile(r"^<!-- k8s-diagram source-sha256=(?P<sha>[0-9a-f]{64}) mermaid=(?P<mermaid>\S+) -->")


def normalise(source: str) -> str:
    """The diagram source the hash is taken from: trailing blanks and blank edges removed."""
    lines = [line.rstrip() for line in source.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def source_sha256(source: str) -> str:
    return hashlib.sha256(normalise(source).encode("utf-8")).hexdigest()


def diagram_hash(source: str) -> str:
    """The short hash that names a diagram's SVG file."""
    return source_sha256(source)[:HASH_LENGTH]


def svg_header(source: str, mermaid_version: str) -> str:
    """The comment the renderer writes first in each SVG, recording what it was made from."""
    return f"<!-- k8s-diagram source-sha256={source_sha256(source)} mermaid={mermaid_version} -->\n"


@dataclass(frozen=True)
class Diagram:
    """A ` ```mermaid ` block: where it is (``file``, 1-based ``line`` of the fence) and its source."""

    file: Path
    line: int
    source: str

    @property
    def hash(self) -> str:
        return diagram_hash(self.source)

    def where(self) -> str:
        return f"{_shown(self.file)}:{self.line}"


def _shown(path: Path) -> str:
    """``path`` relative to the repo when it is inside it (shorter error messages)."""
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def diagrams_in_markdown(text: str, file: Path) -> list[Diagram]:
    """The mermaid fences of one Markdown text, including fences indented in tabs/admonitions.

    A fence that is never closed raises `pagegrammar.UnclosedFence` (a ValueError) naming file:line.
    """
    return [Diagram(file, fence.line, fence.body) for fence in closed_fences(text, file) if fence.language == "mermaid"]


def all_diagrams(docs_dirs: list[Path] | None = None) -> list[Diagram]:
    """Every mermaid block of every page of every language."""
    dirs = docs_dirs if docs_dirs is not None else [REPO_ROOT / lang.docs_dir for lang in LANGUAGES]
    found: list[Diagram] = []
    for docs_dir in dirs:
        for page in list_pages(docs_dir):
            found.extend(diagrams_in_markdown(page.read(), page.path))
    return found


def recorded_mermaid_version(path: Path) -> str | None:
    """The mermaid version an SVG says it was rendered with (None for a file without the header)."""
    header = _HEADER.match(path.read_text(encoding="utf-8"))
    return header.group("mermaid") if header else None


def freshness_problems(
    diagrams: list[Diagram], diagrams_dir: Path = DIAGRAMS_DIR, mermaid_version: str | None = None
) -> list[str]:
    """What is wrong between the pages' diagrams and ``diagrams_dir`` (empty when all is fresh).

    A block without its SVG (new or changed since the last render), an SVG whose
    recorded source hash disagrees with its name, an SVG rendered by another
    mermaid than ``mermaid_version`` (when given), and an SVG no page uses.
    """
    problems = []
    wanted: dict[str, Diagram] = {}
    for d in diagrams:
        wanted.setdefault(d.hash, d)
        path = diagrams_dir / f"{d.hash}.svg"
        if not path.is_file():
            problems.append(
                f"{d.where()}: mermaid diagram has no pre-rendered {_shown(path)} "
                "(new or changed since the last render): run `nox -s diagrams`"
            )
            continue
        header = _HEADER.match(path.read_text(encoding="utf-8"))
        if header is None or header.group("sha") != source_sha256(d.source):
            problems.append(
                f"{_shown(path)}: does not record the source of {d.where()} (hand-edited or renamed?): "
                "run `nox -s diagrams -- --force`"
            )
        elif mermaid_version and header.group("mermaid") != mermaid_version:
            problems.append(
                f"{_shown(path)}: rendered by mermaid {header.group('mermaid')}, the site serves {mermaid_version}: "
                "run `nox -s diagrams`"
            )
    if diagrams_dir.is_dir():
        for path in sorted(diagrams_dir.glob("*.svg")):
            if path.stem not in wanted:
                problems.append(f"{_shown(path)}: no page has this diagram any more: run `nox -s diagrams` to prune it")
    return problems
