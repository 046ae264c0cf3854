"""What a page says, its whitespace aside: two versions that differ only in where a line wraps,
trailing spaces or how many blank lines separate two blocks say the same words.

Markdown joins the lines of a paragraph. CSS Text 3 ("segment break transformation") removes a
line break between two East Asian wide characters instead of showing it as a space, so a Japanese
sentence may wrap anywhere without a visible trace. Not every browser follows it: Debian's
Chromium 156 shows such a break as a space (「外部IPが⏎割り当てられる」 measures 3.6 px wider than
on one line), a stray space, not a different word. Any other run of whitespace in prose is one
space. Code blocks and HTML comments keep every character (a space in a command shows, and a
directive is read as written); the front matter counts as the values it holds.

The translation tools use this to ignore such changes in a Japanese page (no outdated
translation, nothing for `--diff` to show), and the verification records to keep a page's record
current: a rewrap changes no word a translator translates and no step the verifier runs.
"""

from __future__ import annotations

import json
import re
import unicodedata

from pagegrammar.comments import find_comments
from pagegrammar.errors import GrammarError
from pagegrammar.fences import closed_fences
from pagegrammar.frontmatter import parse_front_matter

_WHITESPACE = re.compile(r"\s+")
#: A line that starts a block of its own rather than continuing a paragraph: a heading, a list item,
#: a table row, an admonition, a tab, a quote, an attribute list.
_BLOCK_START = re.compile(r"(?:#{1,6}\s|[*+-]\s|\d+[.)]\s|\||!!!|\?\?\?|===|>|\{)")


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def flatten(text: str) -> str:
    """`text` on one line, as CSS Text 3 joins it: a run of whitespace holding a line break between two
    wide characters disappears, every other run of whitespace is one space; no space at either end."""

    def space(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        between_wide = start > 0 and end < len(text) and _wide(text[start - 1]) and _wide(text[end])
        return "" if "\n" in match.group(0) and between_wide else " "

    return _WHITESPACE.sub(space, text).strip()


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


def wording(text: str) -> tuple[str, tuple[tuple[str, ...], ...]]:
    """A value equal for two versions of a page exactly when they say the same (see the module's docstring).

    Raises the grammar's errors (`FrontMatterError`, `UnclosedFence`) for a page that cannot be read.
    """
    front = parse_front_matter(text, required=False)
    fences = closed_fences(text)
    verbatim: dict[int, tuple[int, str]] = {}  # first line → (last line, kind) of a code block or comment
    for fence in fences:
        if fence.start >= front.body_offset:
            verbatim[fence.line] = (fence.end_line or fence.line, "code")
    for comment in find_comments(text, fences, front.body_offset):
        verbatim[comment.line] = (comment.end_line, "comment")
    lines = text.split("\n")
    blocks: list[tuple[str, ...]] = []
    prose: list[str] = []
    indent = 0

    def close_prose() -> None:
        if prose:
            blocks.append(("text", str(indent), flatten("\n".join(prose))))
            prose.clear()

    number = front.body_line
    while number <= len(lines):
        line = lines[number - 1]
        if number in verbatim:
            close_prose()
            last, kind = verbatim[number]
            blocks.append((kind, "\n".join(ln.rstrip() for ln in lines[number - 1 : last])))
            number = last + 1
            continue
        if not line.strip():
            close_prose()
        elif not prose or _BLOCK_START.match(line.lstrip()):
            close_prose()
            indent = _indent(line)
            prose.append(line)
        else:
            prose.append(line)
        number += 1
    close_prose()
    return json.dumps(front.data, sort_keys=True, default=str, ensure_ascii=False), tuple(blocks)


def says_the_same(old: str, new: str) -> bool:
    """Whether two versions of a page say the same; a version that cannot be read says something else."""
    if old == new:
        return True
    try:
        return wording(old) == wording(new)
    except GrammarError:  # broken front matter, an unclosed fence
        return False
