"""HTML comments that start a line, and the verification directives they carry.

A directive is a comment whose first word, followed by a colon, is a directive name:

- ``<!-- verify: OPTIONS -->``: how the verifier treats the next block (docs/conventions.md);
- ``<!-- invisible-code-block: shell`` + lines + ``-->``: a hidden step, run but never shown;
- ``<!-- skip: next|start|end ["reason"] -->``: Sybil's own skip directive, kept working.

`DIRECTIVES` is the one table of these names: the verifier checks pages against it, the
translation check keeps them identical across languages, and the site drops them from what
readers see.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pagegrammar.fences import Fence, LineIndex, Spans

VERIFY = "verify"
INVISIBLE_CODE_BLOCK = "invisible-code-block"
SKIP = "skip"
#: Every directive a page may write, and what it means.
DIRECTIVES: Mapping[str, str] = MappingProxyType(
    {
        VERIFY: "options for the next block: match mode, skip, needs, … (docs/conventions.md)",
        INVISIBLE_CODE_BLOCK: "a hidden step: the comment's lines are commands that run, never shown",
        SKIP: "Sybil's skip: `next`, or `start` … `end`, with an optional reason",
    }
)
#: The actions of ``<!-- skip: ACTION -->``.
SKIP_ACTIONS: tuple[str, ...] = ("next", "start", "end")
#: The reason a Sybil skip gives when its comment names none.
DEFAULT_SKIP_REASON = "skipped by Sybil's <!-- skip --> directive"

COMMENT = re.compile(r"^(?P<prefix>[ \t]*)<!--(?P<body>.*?)(?P<end>-->|\Z)", re.MULTILINE | re.DOTALL)
NAMED = re.compile(r"\A-*\s*(?P<name>[a-z][a-z0-9-]*)\s*:(?P<rest>.*)\Z", re.DOTALL)
KEYWORD = re.compile(r"\A-*\s*(?P<word>[A-Za-z][A-Za-z0-9-]*)")


@dataclass(frozen=True)
class Comment:
    """One HTML comment that starts a line (offsets into the page text, 1-based lines)."""

    start: int
    end: int
    line: int
    end_line: int  # the line of `-->` (the last line of the text when never closed)
    prefix: str  # the comment's indentation
    name: str | None  # `verify` in `<!-- verify: … -->`: a lower-case word before a colon, else None
    keyword: str  # the first word, with or without a colon (`verify` in `<!-- verify like -->`)
    arguments: str  # the rest of the first line after the colon, stripped
    source: str  # the lines after the first, without the comment's indentation (invisible-code-block)
    closed: bool
    text: str  # the comment as written

    @property
    def is_directive(self) -> bool:
        """Whether the comment is one of `DIRECTIVES` (a name and a colon)."""
        return self.name in DIRECTIVES


@dataclass(frozen=True)
class SkipInstruction:
    """``<!-- skip: ACTION "reason" -->``: what to skip, and why."""

    action: str  # one of SKIP_ACTIONS (else the comment is wrong)
    reason: str


def _dedent(text: str, prefix: str) -> str:
    lines = text.split("\n")
    return "\n".join(line[len(prefix) :] if line.startswith(prefix) else line.lstrip() for line in lines)


def find_comments(text: str, fences: list[Fence] | None = None, start: int = 0) -> list[Comment]:
    """Every HTML comment that starts a line at or after `start`, outside `fences`, in page order.

    :param fences: the page's fences (`find_fences`); a comment inside a code block is code.
    :param start: the offset the page body starts at (front matter is not searched).
    """
    found = []
    spans = Spans(fences) if fences is not None else None
    lines: LineIndex | None = None
    for match in COMMENT.finditer(text, start):
        if spans is not None and not spans.outside(match.start()):
            continue
        lines = lines or LineIndex(text)
        body = match.group("body").rstrip("-")
        named = NAMED.match(body.strip())
        keyword = KEYWORD.match(body.strip())
        first, _, rest = body.partition("\n")
        found.append(
            Comment(
                start=match.start(),
                end=match.end(),
                line=lines.line_of(match.start()),
                end_line=lines.line_of(max(match.start(), match.end() - 1)),
                prefix=match.group("prefix"),
                name=named.group("name") if named else None,
                keyword=keyword.group("word") if keyword else "",
                arguments=first.split(":", 1)[1].strip() if named and ":" in first else "",
                source=_dedent(rest, match.group("prefix")),
                closed=bool(match.group("end")),
                text=match.group(0),
            )
        )
    return found


def directive_comments(text: str, fences: list[Fence] | None = None, start: int = 0) -> list[Comment]:
    """The comments of `find_comments` that are directives of `DIRECTIVES`."""
    return [comment for comment in find_comments(text, fences, start) if comment.is_directive]


def skip_instruction(arguments: str) -> SkipInstruction:
    """Read ``next "why"`` (the arguments of a skip comment): the reason is a Python string literal."""
    action, _, rest = arguments.strip().partition(" ")
    try:
        value = ast.literal_eval(rest.strip()) if rest.strip() else None
    except (ValueError, SyntaxError):
        value = None
    reason = value if isinstance(value, str) and value else DEFAULT_SKIP_REASON
    return SkipInstruction(action, reason)
