"""The marks under command blocks, placed in a page's rendered HTML and drawn by the theme's template.

A mark (``site_tools.verification.Mark``) goes right after its command block, outside ``<pre>``, so that
copying a command copies only the command and the mark needs no JavaScript. Highlighted code blocks are
``div.highlight`` elements holding ``pre > code`` (the markup Material styles); the page's HTML is read
with an HTML parser to find each one, its text as the reader sees it, and where it ends. Each mark is
``partials/step-mark.html`` of the theme (``docs/overrides``), rendered with the build's own template
environment.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Protocol

import jinja2

from languages import section
from site_tools.verification import Mark, icon_svg, mark_language

TEMPLATE = "partials/step-mark.html"


@dataclass(frozen=True)
class CodeBlock:
    """A highlighted code block of a page: its text (tags gone, entities decoded) and the offset just after it."""

    text: str
    end: int


class _CodeBlocks(HTMLParser):
    """Collects the code blocks of a page, in order."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self.line_starts.append(index + 1)
        self.blocks: list[CodeBlock] = []
        self._divs = 0  # <div> elements open
        self._block_depth: int | None = None  # the open highlight div's depth, inside one
        self._pre = self._code = False
        self._text: list[str] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div":
            self._divs += 1
            if self._block_depth is None and "highlight" in (dict(attrs).get("class") or "").split():
                self._block_depth, self._text = self._divs, []
        elif self._block_depth is not None and tag == "pre":
            self._pre = True
        elif self._pre and tag == "code":
            self._code = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self._code = False
        elif tag == "pre":
            self._pre = False
        elif tag == "div":
            if self._divs == self._block_depth:
                end = self.source.index(">", self._offset()) + 1
                self.blocks.append(CodeBlock("".join(self._text), end))
                self._block_depth = None
            self._divs -= 1

    def handle_data(self, data: str) -> None:
        if self._code:
            self._text.append(data)


def code_blocks(page_html: str) -> list[CodeBlock]:
    """Every highlighted code block of ``page_html``, in page order."""
    parser = _CodeBlocks(page_html)
    parser.feed(page_html)
    parser.close()
    return parser.blocks


class CommandBlock(Protocol):
    """What a mark is placed by: the block's text as written in the page (a verify.model.Step)."""

    raw: str


class MarkRenderer:
    """Draws marks with the theme's ``partials/step-mark.html``."""

    def __init__(self, env: jinja2.Environment) -> None:
        env.filters.setdefault("html_escape", html.escape)  # the escaping of the mark's text (quotes too)
        self.template = env.get_template(TEMPLATE)

    def html(self, mark: Mark, lang: str, tooltip: bool = True) -> str:
        """One mark in ``lang`` (the page's language); ``tooltip=False`` leaves out the record's date and target."""
        return self.template.render(
            mark=mark, icon=icon_svg(mark.icon), tooltip=tooltip, sr=section(lang, "verification.page")["sr"],
            detail_lang=mark_language(mark.detail, lang),
        )


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))


def insert_marks(page_html: str, marks: Sequence[tuple[Any, Mark]], lang: str,
                 renderer: MarkRenderer) -> tuple[str, list[Any]]:
    """``page_html`` with each mark right after its command block; and the steps whose block was not found.

    ``marks`` pairs each step (``CommandBlock``) with its mark, in page order; a step's block is the
    next code block, in order, whose text is the step's.
    """
    blocks = [(block.end, _normal(block.text)) for block in code_blocks(page_html)]
    inserts: list[tuple[int, str]] = []
    missing = []
    position = 0
    for step, mark in marks:
        wanted = _normal(step.raw)
        for index in range(position, len(blocks)):
            if blocks[index][1] == wanted:
                inserts.append((blocks[index][0], renderer.html(mark, lang)))
                position = index + 1
                break
        else:
            missing.append(step)
    out, last = [], 0
    for offset, text in inserts:
        out += [page_html[last:offset], text]
        last = offset
    out.append(page_html[last:])
    return "".join(out), missing


def legend_html(marks: Sequence[Mark], lang: str, renderer: MarkRenderer) -> str:
    """The marks a reader meets under command blocks, as a list (for the status page), without tooltips."""
    items = "".join(f"<li>{renderer.html(mark, lang, tooltip=False)}</li>" for mark in marks)
    return f'<ul class="k8s-step-legend">{items}</ul>'

