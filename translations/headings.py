"""Heading ids: the anchor of a section is the same in every language.

The site makes each heading's id the way mkdocs.yml configures its `toc` extension (a lower-case
slug of the heading's text that keeps Japanese readable: `#statefulsetを作成する`), unless the
heading says `{#id}` itself. A translation's headings carry the ids of their Japanese headings
as `{#id}`, so a link into a section (`example.md#serviceを公開する`) reads the same in every
language and survives translation; `translations.parity` reports a heading whose id differs, and
`write_ids` writes the source's ids into a translation and repoints the links that used the old
ones.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import markdown
from pymdownx.slugs import slugify

from atomic_files import write_text
from pagegrammar import find_fences

from .align import Alignment
from .findings import Mismatch
from .layout import PagePair, command
from .structure import ATTRIBUTES, Block, Page

#: mkdocs.yml's toc slugify (tests/translations/test_heading_ids.py holds the two together).
SLUGIFY = slugify(case="lower")
_HEADING_ID = re.compile(r'<h[1-6][^>]*\sid="([^"]*)"')
#: A Markdown link's target: `](target)` (a title after a space is kept apart).
LINK_TARGET = re.compile(r"\]\((?P<target>[^)\s]*)(?P<rest>[^)]*)\)")


def heading_text(block: Block) -> str:
    """The heading's Markdown text, without its `#` marks and its `{…}` attributes."""
    return block.text.lstrip("#").strip()


def heading_ids(blocks: Iterable[Block]) -> dict[Block, str]:
    """The id the site gives each heading among `blocks` (in page order, so that repeated titles get `_1`…)."""
    headings = [b for b in blocks if b.kind == "heading"]
    if not headings:
        return {}
    source = "\n\n".join(f"{'#' * b.level} {heading_text(b)}" + (f" {{#{b.anchor}}}" if b.anchor else "")
                         for b in headings)
    rendered = markdown.markdown(source, extensions=["toc", "attr_list"], extension_configs={"toc": {"slugify": SLUGIFY}})
    ids = [html.unescape(found) for found in _HEADING_ID.findall(rendered)]
    if len(ids) != len(headings):  # a heading Markdown did not render as one: give up rather than guess
        raise ValueError(f"expected {len(headings)} headings, Markdown rendered {len(ids)}")
    return dict(zip(headings, ids, strict=True))


def with_id(line: str, anchor: str) -> str:
    """A heading line written with `{#anchor}` (replacing the id it had, keeping other attributes)."""
    found = ATTRIBUTES.search(line)
    if not found:
        return f"{line.rstrip()} {{#{anchor}}}"
    others = [a for a in found["attributes"].split() if not a.startswith("#")]
    return f"{line[: found.start()].rstrip()} {{{' '.join([f'#{anchor}', *others])}}}"


@dataclass
class IdChanges:
    """What `write_ids` changed in one translated page."""

    path: Path
    ids: int = 0
    links: int = 0


def repoint_links(text: str, page: str, renamed: dict[str, dict[str, str]]) -> tuple[str, int]:
    """`text` of the page at `page` (a path below the docs folder) with each link to a renamed anchor
    repointed (code blocks left as they are); `renamed` maps a page path to its {old id: new id}.
    Returns the text and how many links changed."""
    count = 0
    code = [(fence.start, fence.end) for fence in find_fences(text)]

    def repoint(match: re.Match[str]) -> str:
        nonlocal count
        if any(start <= match.start() < end for start, end in code):
            return match.group(0)
        target = match["target"]
        path, hash_mark, anchor = target.partition("#")
        if not hash_mark or "://" in path or path.startswith(("mailto:", "/")):
            return match.group(0)
        linked = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
        new = renamed.get(linked, {}).get(anchor)
        if new is None:
            return match.group(0)
        count += 1
        return f"]({path}#{new}{match['rest']})"

    return LINK_TARGET.sub(repoint, text), count


def rename_in_lines(text: str, changes: dict[int, str]) -> str:
    """`text` with line number N (1-based) replaced by `changes[N]`."""
    lines = text.split("\n")
    for number, line in changes.items():
        lines[number - 1] = line
    return "\n".join(lines)


def paired_headings(alignment: Alignment) -> list[tuple[Block, Block]]:
    """Each source heading below the page title with the heading that translates it (a title's anchor names the page)."""
    return [(p.source.heading, p.translation.heading) for p in alignment.pairs
            if p.source.heading and p.translation.heading and p.source.heading.level > 1]


def id_mismatches(src: Page, dst: Page, alignment: Alignment, lang: str) -> list[Mismatch]:
    """A translated heading whose id is not its source heading's id."""
    src_ids, dst_ids = heading_ids(src.blocks), heading_ids(dst.blocks)
    out = []
    for a, b in paired_headings(alignment):
        want, have = src_ids[a], dst_ids[b]
        if want != have:
            out.append(Mismatch(src.path, a.line, dst.path, b.line,
                                f"heading '{b.shown}' has the id '{have}', its source '{a.shown}' has '{want}': "
                                f"a link into the section would differ by language; write '{with_id(b.shown, want)}' "
                                f"({command(lang)}ids {dst.path})"))
    return out


def write_ids(pairs: list[tuple[PagePair, Page, Page, Alignment]], docs_dir: Path) -> list[IdChanges]:
    """Give each translated heading its source heading's id, and repoint every link of the translation's
    pages (below `docs_dir`) that used an id it replaced. Returns what changed, page by page."""
    renamed: dict[str, dict[str, str]] = {}
    changes: dict[Path, IdChanges] = {}
    texts: dict[Path, str] = {}
    for pair, src, dst, alignment in pairs:
        src_ids, dst_ids = heading_ids(src.blocks), heading_ids(dst.blocks)
        lines = {b.line: with_id(b.raw, src_ids[a]) for a, b in paired_headings(alignment) if src_ids[a] != dst_ids[b]}
        if not lines:
            continue
        page = pair.relative.as_posix()
        renamed[page] = {dst_ids[b]: src_ids[a] for a, b in paired_headings(alignment) if src_ids[a] != dst_ids[b]}
        texts[pair.translation] = rename_in_lines(pair.translation.read_text(encoding="utf-8"), lines)
        changes[pair.translation] = IdChanges(pair.translation, ids=len(lines))
    if renamed:
        for path in sorted(p for p in docs_dir.rglob("*.md")):
            text = texts.get(path) or path.read_text(encoding="utf-8")
            text, count = repoint_links(text, path.relative_to(docs_dir).as_posix(), renamed)
            if count:
                texts[path] = text
                changes.setdefault(path, IdChanges(path)).links += count
    for path, text in texts.items():
        write_text(path, text)
    return [changes[path] for path in sorted(changes)]
