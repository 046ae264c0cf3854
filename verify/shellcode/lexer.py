"""The shell lexer: a logical command line → simple commands → words, assignments, redirections.

Commands on a page are written for a reader, not for a parser: loops, pipelines, command
substitutions, heredocs and `<pod_name>` placeholders. This follows what bash does closely enough
for such pages (`verify.live.sandbox` contains a page it misreads): `simple_commands` cuts a command
line at its operators and pulls substitutions out, `parse_simple` takes one simple command apart.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"(?<![<\w])<(?![<\s=])[^<>\n]*?[^<>\s]>")
HEREDOC = re.compile(r"<<-?[ \t]*(['\"]?)([A-Za-z_]\w*)\1")
#: `$NAME`, `${NAME}` and `${NAME:-default}` (also `=`, `+`, `?`, with or without the colon).
VARIABLE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_]\w*)(?::?[-=+?](?P<default>[^}]*))?\}|(?P<plain>[A-Za-z_]\w*))")
#: `NAME=value`, `NAME+=value`, `NAME[i]=value` at the start of a simple command (or after `env`, `export`).
ASSIGNMENT = re.compile(r"^(?P<name>[A-Za-z_]\w*)(\[[^]]*\])?\+?=(?P<value>.*)$", re.DOTALL)
#: A redirection operator as `shell_words` separates it (`>`, `>>`, `2>&`, `&>`, `<`, `<<<`, `>|`).
REDIRECT = re.compile(r"^[<>&|]*[<>][<>&|-]*$")
#: Words that are syntax, not programs.
KEYWORDS = frozenset(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "esac", "in", "{", "}", "!",
                      "]]", "time", "function"])
#: Value used for a variable or placeholder nobody gave a value to, and for a substitution's output.
PLAUSIBLE = "x"


def substitute_placeholders(text: str) -> str:
    """`<pod_name>` → `x`, so that bash and kubectl see a word, not a redirection."""
    return PLACEHOLDER.sub(PLAUSIBLE, text)


def strip_heredocs(command: str) -> str:
    """Drop heredoc bodies (the lines after `<<EOF` up to `EOF`) and the `<<EOF` operators."""
    out: list[str] = []
    pending: list[str] = []
    for line in command.split("\n"):
        if pending:
            if line.strip() == pending[0]:
                pending.pop(0)
            continue
        pending.extend(m.group(2) for m in HEREDOC.finditer(line))
        out.append(HEREDOC.sub(" ", line))
    return "\n".join(out)


@dataclass(frozen=True)
class Simple:
    """One simple command cut out of a logical command line.

    Substitutions inside it (`$(…)`, backticks, `<(…)`, `>(…)`) are replaced by the word `x` in
    `text`; their inner commands are `Simple`s of their own (listed before it), and their inner
    text is kept in `substitutions` so that a caller can ask what produced an argument.
    """

    text: str
    line_offset: int  # 0-based line within the logical command
    piped: bool = False  # its standard input is the previous command's output (`a | b`)
    nesting: str = ""  # "" at top level, else the opener it sits in: "$(", "`", "<(" or ">("
    subshell: int = 0  # how many `( … )` subshells enclose it
    substitutions: tuple[tuple[str, str], ...] = ()  # (opener, inner text) of each substitution in it


def simple_commands(command: str, nesting: str = "") -> list[Simple]:
    """Split on unquoted `;`, `&&`, `||`, `|`, `&`, newlines and `( … )`; pull out substitutions.

    `$((…))` is arithmetic (a word), `NAME=( … )` an array assignment (a word), and what a
    `case` pattern's `)` closes is a pattern, not a command (dropped).
    """
    return _Splitter(command, nesting).run()


class _Splitter:
    """One pass over a command line, character by character, for `simple_commands`.

    Each handler looks at the character at `i`; the first that takes it returns where to go on.
    """

    def __init__(self, command: str, nesting: str) -> None:
        self.command, self.nesting = command, nesting
        self.results: list[Simple] = []
        self.current: list[str] = []  # the simple command being read
        self.subs: list[tuple[str, str]] = []  # its substitutions
        self.line = self.start = self.depth = 0  # line now, line the simple command began on, `(` depth
        self.piped = False
        self.quote: str | None = None

    def run(self) -> list[Simple]:
        handlers = (self._single_quoted, self._escaped, self._substitution, self._double_quoted, self._quote,
                    self._comment, self._word_with_parens, self._operator)
        i = 0
        while i < len(self.command):
            c = self.command[i]
            if c == "\n":
                self.line += 1
            for handler in handlers:
                end = handler(i, c)
                if end is not None:
                    i = end
                    break
            else:
                self.current.append(c)
                i += 1
        self._flush()
        return self.results

    def _flush(self, piped_next: bool = False, pattern: bool = False) -> None:
        text = "".join(self.current).strip()
        if text and not pattern:
            self.results.append(Simple(text, self.start, self.piped, self.nesting, self.depth, tuple(self.subs)))
        self.current.clear()
        self.subs.clear()
        self.piped = piped_next

    def _substitute(self, opener: str, inner: str, replacement: str) -> None:
        for sub in simple_commands(inner, opener):
            self.results.append(dataclasses.replace(sub, line_offset=self.line + sub.line_offset,
                                                    subshell=sub.subshell + self.depth))
        self.subs.append((opener, inner))
        self.line += inner.count("\n")
        self.current.append(replacement)

    def _single_quoted(self, i: int, c: str) -> int | None:
        if self.quote != "'":
            return None
        self.current.append(c)
        if c == "'":
            self.quote = None
        return i + 1

    def _escaped(self, i: int, c: str) -> int | None:
        if c != "\\" or i + 1 >= len(self.command):
            return None
        self.current.append(self.command[i : i + 2])
        return i + 2

    def _substitution(self, i: int, c: str) -> int | None:
        """`$((…))` (arithmetic: a word), `$(…)` and backticks (commands of their own)."""
        command = self.command
        if command.startswith("$((", i):
            end = _matching_paren(command, i + 1)
            self.line += command[i:end].count("\n")
            self.current.append(PLAUSIBLE)
            return end + 1
        if command.startswith("$(", i):
            end = _matching_paren(command, i + 1)
            self._substitute("$(", command[i + 2 : end], PLAUSIBLE)
            return end + 1
        if c == "`":
            end = command.find("`", i + 1)
            end = len(command) if end == -1 else end
            self._substitute("`", command[i + 1 : end], PLAUSIBLE)
            return end + 1
        return None

    def _double_quoted(self, i: int, c: str) -> int | None:
        if self.quote != '"':
            return None
        self.current.append(c)
        if c == '"':
            self.quote = None
        return i + 1

    def _quote(self, i: int, c: str) -> int | None:
        if c not in "'\"":
            return None
        self.quote = c
        self.current.append(c)
        return i + 1

    def _comment(self, i: int, c: str) -> int | None:
        if c != "#" or "".join(self.current)[-1:] not in (" ", "\t", ""):
            return None
        end = self.command.find("\n", i)
        return len(self.command) if end == -1 else end

    def _word_with_parens(self, i: int, c: str) -> int | None:
        """`<(…)`/`>(…)` (process substitution), `NAME=( a b )` (an array), `2>&1`/`&>file` (not operators)."""
        command, so_far = self.command, "".join(self.current)
        if c in "<>" and command.startswith("(", i + 1):
            end = _matching_paren(command, i + 1)
            self._substitute(c + "(", command[i + 2 : end], "/dev/fd/63")
            return end + 1
        if c == "(" and so_far.endswith("="):
            end = _matching_paren(command, i)
            self.line += command[i:end].count("\n")
            self.current.append(command[i : end + 1])
            return end + 1
        if c == "&" and (so_far[-1:] in (">", "<") or command.startswith(">", i + 1)):
            self.current.append(c)
            return i + 1
        return None

    def _operator(self, i: int, c: str) -> int | None:
        if c not in ";|&\n()":
            return None
        two = self.command[i : i + 2]
        if c == ")" and not self.depth:
            self._flush(pattern=True)  # `pattern)` of a case
        else:
            self._flush(piped_next=c == "|" and two != "||")
        if c == "(":
            self.depth += 1
        elif c == ")":
            self.depth = max(0, self.depth - 1)
        self.start = self.line  # a newline has already been counted
        return i + 2 if two in ("||", "&&", "|&", ";;") else i + 1


def _matching_paren(text: str, open_index: int) -> int:
    depth = 0
    quote: str | None = None
    i = open_index
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text)


def shell_words(text: str) -> list[str]:
    """Words and operators of one simple command, quotes removed (`echo hi>/x` → echo, hi, >, /x)."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""  # `#` starts a comment only at a word start, which `simple_commands` handled
    try:
        return list(lexer)
    except ValueError:
        return text.split()


@dataclass
class Parsed:
    """A simple command taken apart."""

    assignments: list[tuple[str, str]]
    words: list[str]  # program and arguments, leading keywords and redirections removed
    redirects: list[tuple[str, str]]  # (operator, target)


def parse_simple(text: str) -> Parsed:
    """The assignments, words and redirections of one simple command (`A=1 do x 2>/dev/null y`)."""
    tokens = shell_words(text)
    assignments: list[tuple[str, str]] = []
    words: list[str] = []
    redirects: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not words and not assignments and token in KEYWORDS:
            i += 1  # `do x=1`, `then kubectl …`: the command starts after the keyword
            continue
        if REDIRECT.match(token):
            if words and words[-1].isdigit() and len(words) > 1:
                words.pop()  # the file descriptor of `2>`
            target = tokens[i + 1] if i + 1 < len(tokens) else ""
            redirects.append((token, target))
            i += 2
            continue
        assignment = ASSIGNMENT.match(token) if not words else None
        if assignment is not None:
            value = assignment.group("value")
            if value == "" and i + 1 < len(tokens) and tokens[i + 1] == "(":  # NAME=( a b ): an array
                end = tokens.index(")", i) if ")" in tokens[i:] else len(tokens)
                value = " ".join(tokens[i + 2 : end])
                i = end + 1
            else:
                i += 1
            assignments.append((assignment.group("name"), value))
            continue
        words.append(token)
        i += 1
    return Parsed(assignments, words, redirects)
