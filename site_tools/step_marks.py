"""The marks under command blocks, placed in a page's rendered HTML and drawn by the theme's template.

A mark (``site_tools.verification.Mark``) goes right after its command block, outside ``<pre>``, so that
copying a command copies only the command and the mark needs no JavaScript. Highlighted code blocks are
``div.highlight`` elements holding ``pre > code`` (the markup Material styles); each is read with an
HTML parser from its start tag to its end, for its text as the reader sees it and where it ends. Each mark is
``partials/step-mark.html`` of the theme (``docs/overrides``), rendered with the build's own template
environment.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Protocol

import jinja2

from languages import section
from site_tools.verification import Mark, mark_language

TEMPLATE = "partials/step-mark.html"


@dataclass(frozen=True)
class CodeBlock:
    """A highlighted code block of a page: its text (tags gone, entities decoded) and the offset just after it."""

    text: str
    end: int


#: Where a highlighted block may start: a ``<div>`` whose classes include ``highlight`` (any order of
#: attributes and classes). Each candidate is then read with an HTML parser, up to the div's end.
_CANDIDATE = re.compile(r"""<div\s[^>]*?\bclass\s*=\s*["'][^"']*\bhighlight\b""")


class _Block(HTMLParser):
    """Reads one ``div.highlight`` from its start tag: the text of its ``pre > code`` and where it closes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # <div> elements open inside the block, the block's own included
        self.closed_at: tuple[int, int] | None = None  # (line, column) of the block's </div>
        self._pre = self._code = False
        self._text: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self._text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.closed_at is not None:
            return
        if tag == "div":
            self.depth += 1
        elif tag == "pre":
            self._pre = True
        elif self._pre and tag == "code":
            self._code = True

    def handle_endtag(self, tag: str) -> None:
        if self.closed_at is not None:
            return
        if tag == "code":
            self._code = False
        elif tag == "pre":
            self._pre = False
        elif tag == "div":
            self.depth -= 1
            if self.depth == 0:
                self.closed_at = self.getpos()

    def handle_data(self, data: str) -> None:
        if self._code and self.closed_at is None:
            self._text.append(data)


def _read_block(page_html: str, start: int) -> CodeBlock | None:
    """The block whose start tag is at ``start``, fed to the parser up to each next ``</div>`` until it closes
    (the first one closes a block without nested divs: the parser reads the block and little more)."""
    parser = _Block()
    fed = start
    while parser.closed_at is None and fed < len(page_html):
        close = page_html.find("</div>", fed)
        until = len(page_html) if close < 0 else close + len("</div>")
        parser.feed(page_html[fed:until])
        fed = until
    if parser.closed_at is None:
        return None  # never closed: not a block
    line, column = parser.closed_at
    lines = page_html[start:fed].split("\n")
    closing = start + sum(len(text) + 1 for text in lines[: line - 1]) + column
    return CodeBlock(parser.text, page_html.index(">", closing) + 1)


def code_blocks(page_html: str) -> list[CodeBlock]:
    """Every highlighted code block of ``page_html``, in page order."""
    blocks: list[CodeBlock] = []
    position = 0
    while (candidate := _CANDIDATE.search(page_html, position)) is not None:
        block = _read_block(page_html, candidate.start())
        if block is None:
            position = candidate.end()
            continue
        blocks.append(block)
        position = block.end
    return blocks


class CommandBlock(Protocol):
    """What a mark is placed by: the block's text as written in the page (a verify.model.Step)."""

    raw: str


class MarkRenderer:
    """Draws marks with the theme's ``partials/step-mark.html``."""

    def __init__(self, env: jinja2.Environment) -> None:
        env.filters.setdefault("html_escape", html.escape)  # the escaping of the mark's text (quotes too)
        self.template = env.get_template(TEMPLATE)

    def html(self, mark: Mark, lang: str, shared_title: str | None = None) -> str:
        """One mark in ``lang`` (the page's language). Its tooltip (the record's date and target) is written into
        it unless it is ``shared_title``, which the page holds once for all its marks (None: no tooltip)."""
        title = mark.title if shared_title is not None and mark.title != shared_title else None
        return self.template.render(
            mark=mark, title=title, sr=section(lang, "verification.page")["sr"],
            detail_lang=mark_language(mark.detail, lang),
        )


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))


def insert_marks(page_html: str, marks: Sequence[tuple[Any, Mark]], lang: str,
                 renderer: MarkRenderer, shared_title: str) -> tuple[str, list[Any]]:
    """``page_html`` with each mark right after its command block; and the steps whose block was not found.

    ``marks`` pairs each step (``CommandBlock``) with its mark, in page order; a step's block is the
    next code block, in order, whose text is the step's. ``shared_title`` is the tooltip the page's status
    slot gives every mark (``partials/page-status.html``); a mark with another one keeps its own.
    """
    blocks = [(block.end, _normal(block.text)) for block in code_blocks(page_html)]
    inserts: list[tuple[int, str]] = []
    missing = []
    position = 0
    for step, mark in marks:
        wanted = _normal(step.raw)
        for index in range(position, len(blocks)):
            if blocks[index][1] == wanted:
                inserts.append((blocks[index][0], renderer.html(mark, lang, shared_title)))
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
    items = "".join(f"<li>{renderer.html(mark, lang)}</li>" for mark in marks)
    return f'<ul class="k8s-step-legend">{items}</ul>'

