"""Fenced code blocks: where each starts and ends, its info string, language and body.

The rules are those of the verifier (and of Sybil's Markdown lexer):

- a fence is three or more backticks or tildes, after indentation, a blockquote's ``>`` or a list
  marker (content inside tabs and admonitions is indented);
- a fence is closed by a line of the same character, at least as long, with the same indentation
  and no info string; so a longer fence (```` ```` ````) may hold shorter ones, which are its body;
- a fence never closed runs to the end of the page: `find_fences` returns it with
  ``closed=False`` (the verifier reports it), `closed_fences` raises `UnclosedFence`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pagegrammar.errors import GrammarError

FENCE = re.compile(
    r"^(?P<prefix>(?:[ \t]*>)+[ \t]*|[ \t]*(?:[-*+]|\d+[.)])[ \t]+|[ \t]*)(?P<marker>`{3,}|~{3,})(?P<info>[^\n]*)",
    re.MULTILINE,
)
#: A body line that opens a fence of its own (a marker and a language): the block before it was not closed.
OPENING_WITH_INFO = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*[A-Za-z{]")
TITLE = re.compile(r"""\btitle=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>\S+))""")
ATTRIBUTE_LANGUAGE = re.compile(r"\.([\w-]+)")


class UnclosedFence(GrammarError):
    """A fence with no closing fence: the rest of the page would be its body."""


@dataclass(frozen=True)
class Fence:
    """One fenced code block.

    `start` and `end` are character offsets into the page text (`end` is past the closing fence,
    or the end of the text when the fence is not closed); `line` and `end_line` are 1-based.
    """

    start: int
    end: int
    line: int
    end_line: int | None  # the closing fence's line; None when the fence is never closed
    prefix: str  # what precedes the marker on the opening line (indentation, `>`, a list marker)
    marker: str  # "```", "~~~~", …
    info: str  # the whole info string, stripped
    body: str  # the lines between the fences, the fence's indentation removed (nothing else)

    @property
    def closed(self) -> bool:
        return self.end_line is not None

    @property
    def language(self) -> str:
        """The first word of the info string, or the class of ``{.lang …}`` attributes; "" if none."""
        return info_language(self.info)

    @property
    def title(self) -> str | None:
        """The ``title="…"`` of the info string (pymdownx.superfences), if any."""
        return info_title(self.info)

    @property
    def body_lines(self) -> list[str]:
        return self.body.split("\n") if self.body else []

    def opening_inside(self) -> int | None:
        """The 0-based body line that opens another fence with a language, if any.

        In a closed block this means its own closing fence is missing: the next block's
        opening closed it by accident.
        """
        for offset, line in enumerate(self.body.split("\n")):
            if OPENING_WITH_INFO.match(line):
                return offset
        return None

    def __str__(self) -> str:
        return f"{self.prefix.strip()}{self.marker}{self.info}"


def info_language(info: str) -> str:
    """The language an info string names: ``shell title="x"`` → ``shell``, ``{.yaml}`` → ``yaml``."""
    info = info.strip()
    if info.startswith("{"):
        match = ATTRIBUTE_LANGUAGE.search(info)
        return match.group(1) if match else ""
    words = info.split()
    return words[0] if words else ""


def info_title(info: str) -> str | None:
    match = TITLE.search(info)
    if not match:
        return None
    for group in ("dq", "sq", "bare"):
        if match.group(group) is not None:
            return match.group(group)
    return None


def _closes(current: re.Match[str], opening: re.Match[str]) -> bool:
    marker, opened = current.group("marker"), opening.group("marker")
    return (
        marker[0] == opened[0]
        and len(marker) >= len(opened)
        and len(current.group("prefix")) == len(opening.group("prefix"))
        and not current.group("info").strip()
    )


class LineIndex:
    """The 1-based line of any offset of one text, by bisection over where its line breaks are.

    ``text.count("\\n", 0, offset) + 1`` for each fence and comment of a page counted the page again and
    again (a third of the time to read a long page's fences and comments); this reads it once.
    """

    def __init__(self, text: str) -> None:
        self._breaks = [match.start() for match in _NEWLINE.finditer(text)]

    def line_of(self, offset: int) -> int:
        """The line ``offset`` is on: the line breaks before it, plus one."""
        return bisect_left(self._breaks, offset) + 1


_NEWLINE = re.compile("\n")


def _body(text: str, opening: re.Match[str], content_end: int) -> str:
    """The lines after the opening fence up to `content_end`, each without the fence's indentation."""
    open_end = text.find("\n", opening.start())
    if open_end == -1 or open_end >= content_end:
        return ""
    content = text[open_end + 1 : content_end]
    if content.endswith("\n"):
        content = content[:-1]
    width = len(opening.group("prefix"))
    if not width:  # a fence at the start of its line: nothing to remove
        return content
    lines = []
    for line in content.split("\n"):
        lead = len(line) - len(line.lstrip(" \t"))
        lines.append(line[min(width, lead) :])
    return "\n".join(lines)


def _fence(text: str, opening: re.Match[str], closing: re.Match[str] | None, lines: LineIndex) -> Fence:
    if closing is None:
        content_end = end = len(text)
    else:
        content_end = text.rfind("\n", 0, closing.start()) + 1
        end = closing.end()
    return Fence(
        start=opening.start(),
        end=end,
        line=lines.line_of(opening.start()),
        end_line=None if closing is None else lines.line_of(closing.start()),
        prefix=opening.group("prefix"),
        marker=opening.group("marker"),
        info=opening.group("info").strip(),
        body=_body(text, opening, content_end),
    )


def _lex(text: str) -> Iterator[Fence]:
    """Every fence, nested ones included, in the order they close (the unclosed one last)."""
    open_fences: list[re.Match[str]] = []
    lines = LineIndex(text)
    for match in FENCE.finditer(text):
        for index, opening in enumerate(open_fences):
            if _closes(match, opening):
                yield _fence(text, opening, match, lines)
                del open_fences[index:]
                break
        else:
            open_fences.append(match)
    if open_fences:
        yield _fence(text, open_fences[0], None, lines)


def find_fences(text: str) -> list[Fence]:
    """The page's fenced blocks in page order; a fence inside a longer one is body, not a block."""
    found = sorted(_lex(text), key=lambda fence: fence.start)
    outer: list[Fence] = []
    for fence in found:
        if outer and fence.start < outer[-1].end:
            continue
        outer.append(fence)
    return outer


def closed_fences(text: str, path: Path | str = "<text>") -> list[Fence]:
    """`find_fences`, raising `UnclosedFence` (``path:line: …``) for a fence that is never closed."""
    fences = find_fences(text)
    for fence in fences:
        if not fence.closed:
            raise UnclosedFence(path, fence.line, f"code fence {fence.marker}{fence.info} is never closed")
    return fences


def outside(fences: list[Fence], offset: int) -> bool:
    """Whether the character at `offset` lies outside every fence of `fences`."""
    return not any(fence.start <= offset < fence.end for fence in fences)


class Spans:
    """`outside` for many offsets of one page: the fences sorted once, each offset found by bisection.

    Any list of fences will do (nested or overlapping ones too): an offset is inside when some fence
    that starts at or before it ends after it, that is when the furthest end among those fences is past it.
    """

    def __init__(self, fences: Sequence[Fence]) -> None:
        spans = sorted((fence.start, fence.end) for fence in fences)
        self._starts = [start for start, _ in spans]
        self._furthest: list[int] = []
        furthest = -1
        for _, end in spans:
            furthest = max(furthest, end)
            self._furthest.append(furthest)

    def outside(self, offset: int) -> bool:
        """Whether the character at `offset` lies outside every fence."""
        before = bisect_right(self._starts, offset)
        return before == 0 or self._furthest[before - 1] <= offset
