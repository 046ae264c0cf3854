"""A page read as the blocks a translation must keep.

A translation changes prose only. This module reads a Markdown page into a flat list of
blocks, each with its lines: headings, paragraphs, list items, table rows, admonitions and
tabs (whose text is translated but whose number and order are not), and code blocks and
verification directives (which must stay identical). Pages are then compared section by
section (`translations.align`), so that a mismatch can name both files and lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pagegrammar import DIRECTIVES, Comment, Fence, FrontMatter, UnclosedFence, closed_fences, find_comments, is_shell
from pagegrammar import parse_front_matter as read_front

__all__ = ["ANCHOR_KINDS", "PLACEHOLDER", "PROSE_KINDS", "Block", "Element", "Page", "UnclosedFence", "parse"]

_HEADING = re.compile(r"^(#{1,6})\s+(?P<text>\S.*?)\s*#*\s*$")
#: attr_list's attributes at the end of a heading: `## Text {#id}` (or `{: #id .class}`).
ATTRIBUTES = re.compile(r"\s*\{:?(?P<attributes>[^{}]*)\}\s*$")
_ID = re.compile(r"(?:^|\s)#(?P<id>[^\s#}]+)")
_ADMONITION = re.compile(r"^\s*(?P<mark>!!!|\?\?\?\+?)\s+(?P<kind>[\w-]+)")
_TAB = re.compile(r'^\s*===\+?\s+"')
_LIST_ITEM = re.compile(r"^\s*(?:[*+-]|\d+[.)])\s+\S")

#: A value the reader supplies, written in each language's own words (docs/conventions.md):
#: `<あなたのメールアドレス>` on the Japanese page, `<your-email-address>` in the translation.
#: Angle brackets around text with no whitespace, not `<<` (a heredoc), `< file` or `<!--`.
PLACEHOLDER = re.compile(r"(?<![<\w])<(?![<=!])[^<>\s]+>")
# Blocks the reader types or edits; outputs are not among them (`<none>` is what kubectl prints).
_EDITABLE_OPTIONS = frozenset({"file", "excerpt"})

PROSE_KINDS = ("paragraph", "list item", "table row")
ANCHOR_KINDS = ("code", "directive")


@dataclass(frozen=True)
class Element:
    """One element that must match across languages; `key` is what must be equal."""

    kind: str  # code, directive, heading, admonition, tab
    key: str
    line: int
    shown: str = field(default="", compare=False)  # short human description for messages


@dataclass(frozen=True)
class Block:
    """One block of a page, in page order.

    `key` is what must match in the translation for anchors (code, directives), the
    admonition type for admonitions, the heading level for headings; prose blocks only
    need to exist. `container` is the index of the admonition or tab the block sits in.
    """

    kind: str  # heading, paragraph, list item, table row, admonition, tab, code, directive
    key: str
    line: int
    lines: tuple[tuple[int, str], ...]  # (line number, text) of the translatable lines (a heading: without `{#id}`)
    container: int | None = None
    level: int = 0  # headings only
    shown: str = ""
    anchor: str | None = None  # headings: the id written as `{#id}`, if any
    raw: str = ""  # code blocks and directives: their text exactly as written; headings: the line as written

    @property
    def end(self) -> int:
        return self.lines[-1][0] if self.lines else self.line

    @property
    def text(self) -> str:
        return "\n".join(t.strip() for _, t in self.lines)


@dataclass
class Page:
    path: Path
    elements: list[Element]
    prose: list[tuple[int, str]]  # (line, text) outside code blocks and comments
    blocks: list[Block] = field(default_factory=list)
    front: FrontMatter = field(default_factory=lambda: FrontMatter({}))

    @property
    def front_matter(self) -> dict[str, Any]:
        return self.front.data


def _normalise_code(language: str, lines: list[str], *, editable: bool = False) -> str:
    """The comparable content of a code block: comments in shell and labels in diagrams may be translated.

    `editable` (commands, and files or excerpts the reader writes): each placeholder is compared
    as `<…>`, so each language may word it differently as long as it stands in the same place.
    """
    if editable or is_shell(language):
        lines = [PLACEHOLDER.sub("<…>", ln) for ln in lines]
    if is_shell(language):
        kept = [ln.rstrip() for ln in lines if not ln.lstrip().startswith("#")]
        return "\n".join(ln for ln in kept if ln.strip())
    if language == "mermaid":
        out = [_mermaid_shape(ln) for ln in lines]
        return "\n".join(ln for ln in out if ln and not ln.startswith("%%"))
    return "\n".join(ln.rstrip() for ln in lines).strip("\n")


def _mermaid_shape(line: str) -> str:
    """A mermaid line without its words: quoted strings, node and edge labels."""
    line = re.sub(r'"[^"]*"', '""', line)
    line = re.sub(r"\[[^\]]*\]|\([^)]*\)|\{[^}]*\}|\|[^|]*\|", "_", line)
    line = re.sub(r"-\.\s.*?\s\.->", "-..->", line)
    line = re.sub(r"--\s[^->]+?\s-->", "-->", line)
    return line.strip()


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())


class _Scanner:
    """Reads body lines into blocks; one instance per page.

    :param fences: the page's fences by the 0-based index of their opening line.
    :param comments: the page's comments by the 0-based index of their first line.
    """

    def __init__(self, lines: list[str], fences: dict[int, Fence], comments: dict[int, Comment]) -> None:
        self.lines = lines
        self.fences = fences
        self.comments = comments
        self.blocks: list[Block] = []
        self.containers: list[tuple[int, int]] = []  # (indent, block index) of open admonitions/tabs
        self.open_prose: int | None = None  # index of the paragraph/list item a next line continues
        self.directive_end: int | None = None  # 0-based index of the last line of the latest directive

    def add(self, kind: str, key: str, number: int, lines: list[tuple[int, str]], **extra: Any) -> int:
        container = self.containers[-1][1] if self.containers else None
        self.blocks.append(Block(kind, key, number, tuple(lines), container, **extra))
        return len(self.blocks) - 1

    def extend(self, index: int, number: int, line: str) -> None:
        block = self.blocks[index]
        self.blocks[index] = replace(block, lines=(*block.lines, (number, line)))

    def fence(self, i: int, fence: Fence) -> int:
        language = fence.language
        key = f"{language}\n{_normalise_code(language, fence.body_lines, editable=self._edited_by_reader(i))}"
        self.add("code", key, i + 1, [], shown=f"```{language} block", raw=f"{fence.info}\n{fence.body}")
        assert fence.end_line is not None  # closed_fences raised for an unclosed one
        return fence.end_line

    def _edited_by_reader(self, fence_index: int) -> bool:
        """Whether the directive right before the fence at `fence_index` says `file` or `excerpt`."""
        if not self.blocks or self.blocks[-1].kind != "directive" or self.directive_end != fence_index - 1:
            return False
        text = self.blocks[-1].key
        if not text.startswith("<!--") or "verify:" not in text:
            return False
        options = re.sub(r'"[^"]*"', "", text.split("verify:", 1)[1].removesuffix("-->"))
        return not _EDITABLE_OPTIONS.isdisjoint(options.split())

    def comment(self, i: int, comment: Comment) -> int:
        j = comment.end_line - 1
        if comment.keyword in DIRECTIVES:
            self.directive_end = j
            text = "\n".join(s.strip() for s in self.lines[i : j + 1])
            self.add("directive", text, i + 1, [], shown=text.splitlines()[0][:60], raw=text)
        return j + 1

    def scan(self, start: int) -> list[Block]:
        i = start
        while i < len(self.lines):
            line, number = self.lines[i], i + 1
            if not line.strip():
                self.open_prose = None
                i += 1
                continue
            indent = _indent(line)
            while self.containers and indent <= self.containers[-1][0]:
                self.containers.pop()
            fence, comment = self.fences.get(i), self.comments.get(i)
            if fence is not None:
                self.open_prose = None
                i = self.fence(i, fence)
            elif comment is not None:
                self.open_prose = None
                i = self.comment(i, comment)
            else:
                self.line(line, number, indent)
                i += 1
        return self.blocks

    def line(self, line: str, number: int, indent: int) -> None:
        heading = _HEADING.match(line)
        admonition = _ADMONITION.match(line)
        if heading:
            level = len(line) - len(line.lstrip("#"))
            attributes = ATTRIBUTES.search(line)
            anchor = _ID.search(attributes["attributes"]) if attributes else None
            text = line[: attributes.start()] if attributes else line
            self.add("heading", f"h{level}", number, [(number, text)], level=level, shown=text.strip(),
                     anchor=anchor["id"] if anchor else None, raw=line)
            self.open_prose = None
        elif admonition:
            key = f"{'???' if admonition['mark'].startswith('?') else '!!!'} {admonition['kind']}"
            index = self.add("admonition", key, number, [(number, line)], shown=f"admonition '{key}'")
            self.containers.append((indent, index))
            self.open_prose = None
        elif _TAB.match(line):
            index = self.add("tab", f"tab@{indent}", number, [(number, line)], shown="tab")
            self.containers.append((indent, index))
            self.open_prose = None
        elif line.lstrip().startswith("|"):
            self.add("table row", "tr", number, [(number, line)], shown="table row")
            self.open_prose = None
        elif _LIST_ITEM.match(line):
            self.open_prose = self.add("list item", "li", number, [(number, line)], shown="list item")
        elif self.open_prose is not None:
            self.extend(self.open_prose, number, line)
        else:
            self.open_prose = self.add("paragraph", "p", number, [(number, line)], shown="paragraph")


def parse(path: Path, text: str | None = None, display: Path | str | None = None) -> Page:
    """Read `path` (or `text`); messages name the page as `display` (default: `path`)."""
    text = path.read_text(encoding="utf-8") if text is None else text
    name = display or path
    front = read_front(text, name, required=False)
    fences = [f for f in closed_fences(text, name) if f.start >= front.body_offset]
    comments = find_comments(text, fences, front.body_offset)
    lines = text.split("\n")
    scanner = _Scanner(lines, {f.line - 1: f for f in fences}, {c.line - 1: c for c in comments})
    blocks = scanner.scan(front.body_line - 1)
    elements = [Element(b.kind, b.key, b.line, b.shown) for b in blocks if b.kind not in PROSE_KINDS]
    prose = [pair for b in blocks if b.kind not in ANCHOR_KINDS for pair in b.lines]
    return Page(Path(name), elements, prose, blocks, front)
