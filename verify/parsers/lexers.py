"""Sybil lexers for the page shape: fenced blocks at any indentation, and HTML comments.

Sybil's stock `CodeBlockParser` matches the info string exactly and treats an unclosed fence as
running to the end of the document silently; these lexers keep the whole info string, the
indentation (content inside tabs and admonitions is indented) and whether the fence was closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import Match

from sybil import Document, Lexeme, Region
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

INFO = re.compile(r"(?P<info>[^\n]*)$\n?", re.MULTILINE)


class FenceLexer(RawFencedCodeBlockLexer):
    """Every fenced code block, with lexemes `info`, `prefix`, `closed` and `source`.

    `source` is the block body with the fence's indentation removed. Like Sybil, it yields an
    unclosed block only for the outermost open fence; `closed` flags it.
    """

    def __init__(self) -> None:
        super().__init__(info_pattern=INFO)

    def make_region(self, opening: Match[str], document: Document, closing: Match[str] | None) -> Region | None:
        region = super().make_region(opening, document, closing)
        if region is None:
            return None
        region.lexemes["info"] = region.lexemes["info"].strip()
        region.lexemes["prefix"] = opening.group("prefix")
        region.lexemes["closed"] = closing is not None
        return region


COMMENT = re.compile(r"^(?P<prefix>[ \t]*)<!--(?P<body>.*?)(?P<end>-->|\Z)", re.MULTILINE | re.DOTALL)
NAMED = re.compile(r"\A-*\s*(?P<name>[a-z][a-z0-9-]*)\s*:(?P<rest>.*)\Z", re.DOTALL)


class CommentLexer:
    """Every HTML comment that starts a line, with lexemes `name` (e.g. ``verify``), `arguments`,
    `source` (the lines after the first, for ``invisible-code-block``) and `closed`."""

    def __call__(self, document: Document) -> Iterator[Region]:
        for match in COMMENT.finditer(document.text):
            body = match.group("body").rstrip("-")
            named = NAMED.match(body.strip())
            first, _, rest = body.partition("\n")
            lexemes: dict[str, object] = {
                "name": named.group("name") if named else None,
                "arguments": first.split(":", 1)[1].strip() if named and ":" in first else "",
                "source": Lexeme(_dedent(rest, match.group("prefix")), offset=0, line_offset=1),
                "closed": bool(match.group("end")),
                "prefix": match.group("prefix"),
            }
            yield Region(match.start(), match.end(), lexemes=lexemes)


def _dedent(text: str, prefix: str) -> str:
    lines = text.split("\n")
    return "\n".join(line[len(prefix):] if line.startswith(prefix) else line.lstrip() for line in lines)
