"""Split the body of a ```shell block into logical commands.

A logical command is what a reader types before pressing Enter for the last time: `\\` line
continuations, open quotes, unfinished `for … do … done` / `if … fi` / `case … esac`, open
parentheses (`$(`), trailing `|`, `&&`, `||` and heredoc bodies all continue it. A line that
starts with `#` outside a command is prose (a comment addressed to the reader).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENERS = {"for", "while", "until", "if", "case", "select"}
CLOSERS = {"done", "fi", "esac"}
HEREDOC = re.compile(r"<<(-?)[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class Command:
    """One logical command and the 0-based line (within the block) where it starts."""

    text: str
    line_offset: int


@dataclass
class _Scan:
    quote: str | None = None  # "'" or '"' while inside a quoted string
    depth: int = 0  # open ( and {
    compound: int = 0  # open for/while/if/case
    continued: bool = False  # the line ended with \ or an operator


def _scan_line(line: str, state: _Scan, heredocs: list[tuple[str, bool]]) -> None:
    """Advance `state` over one line, collecting heredoc delimiters that start on it."""
    i = 0
    word_start = True  # at a position where a comment or a keyword could start
    state.continued = False
    while i < len(line):
        if state.quote == "'":
            i = _single_quoted(line, i, state)
        elif state.quote == '"':
            i = _double_quoted(line, i, state)
        else:
            advanced = _unquoted(line, i, state, heredocs, word_start)
            if advanced is None:  # a comment or a trailing backslash: nothing more on this line counts
                return
            i, word_start = advanced
    stripped = line.rstrip()
    if stripped.endswith(("|", "&&", "||")) and not stripped.endswith(("\\|",)):
        state.continued = True


def _single_quoted(line: str, i: int, state: _Scan) -> int:
    """One character inside '…'; the index of the next."""
    if line[i] == "'":
        state.quote = None
    return i + 1


def _double_quoted(line: str, i: int, state: _Scan) -> int:
    """One character (or escape, or `$(`) inside "…"; the index of the next."""
    c = line[i]
    if c == "\\":
        return i + 2
    if c == '"':
        state.quote = None
    elif c == "$" and line.startswith("$(", i):
        state.depth += 1
        return i + 2
    elif c == ")" and state.depth:
        state.depth -= 1
    return i + 1


def _unquoted(line: str, i: int, state: _Scan, heredocs: list[tuple[str, bool]],
              word_start: bool) -> tuple[int, bool] | None:
    """One character, word or heredoc operator outside quotes: the index of what follows and whether a word
    could start there; None when the rest of the line does not count (a comment, a trailing backslash)."""
    c = line[i]
    if c == "\\":
        if i == len(line) - 1:
            state.continued = True
            return None
        return i + 2, False
    if c in "'\"":
        state.quote = c
        return i + 1, False
    if c == "#" and word_start:
        return None  # the rest of the line is a comment
    if c in "({":
        state.depth += 1
    elif c in ")}" and state.depth:
        state.depth -= 1
    if c == "<":
        heredoc = HEREDOC.match(line, i)
        if heredoc:
            heredocs.append((heredoc.group(3), bool(heredoc.group(1))))
            return heredoc.end(), word_start
    word = WORD.match(line, i) if word_start else None
    if word is not None:
        _keyword(line, word, state)
        return word.end(), False
    return i + 1, c in " \t;&|()`"


def _keyword(line: str, word: re.Match[str], state: _Scan) -> None:
    """Count a compound command's opening or closing keyword (a whole word, not `done-ish`)."""
    end = word.end()
    if end == len(line) or line[end] in " \t;&|)":
        token = word.group(0)
        if token in OPENERS:
            state.compound += 1
        elif token in CLOSERS and state.compound:
            state.compound -= 1


def split_commands(body: str) -> list[Command]:
    """Split a shell block body into logical commands (comment-only lines dropped)."""
    commands: list[Command] = []
    lines = body.split("\n")
    state = _Scan()
    heredocs: list[tuple[str, bool]] = []
    current: list[str] = []
    start = 0
    for offset, line in enumerate(lines):
        if not current:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            start = offset
        current.append(line)
        if heredocs:  # a heredoc body line: only its delimiter matters
            delimiter, strip_tabs = heredocs[0]
            candidate = line.lstrip("\t") if strip_tabs else line
            if candidate.rstrip() == delimiter:
                heredocs.pop(0)
        else:
            _scan_line(line, state, heredocs)
        if heredocs or state.quote or state.depth or state.compound or state.continued:
            continue
        commands.append(Command(_join(current), start))
        current = []
        state = _Scan()
    if current:
        commands.append(Command(_join(current), start))
    return commands


def _join(lines: list[str]) -> str:
    """Join `\\`-continued lines into one; other line breaks (loops, heredocs) are kept."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].endswith("\\") and not out[-1].endswith("\\\\"):
            out[-1] = out[-1][:-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
    return "\n".join(out)
