"""Find the kubectl invocations inside a shell command, with variables made concrete.

Commands on a page are written for a reader: `for i in 0 1; do kubectl exec "web-$i" …; done`,
`$(kubectl get pods -o name)`, `<pod_name>` placeholders. kubectl can only check what it is
given, so each invocation is cut out of loops, pipelines and command substitutions, and shell
variables and placeholders are replaced by plausible values (`web-$i` → `web-0`, `<x>` → `x`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

PLACEHOLDER = re.compile(r"(?<![<\w])<(?![<\s=])[^<>\n]*?[^<>\s]>")
FOR_LOOP = re.compile(r"\bfor\s+([A-Za-z_]\w*)\s+in\s+(.+?)\s*(?:;|\n)\s*do\b", re.DOTALL)
BRACE_RANGE = re.compile(r"\{(-?\d+)\.\.(-?\d+)(?:\.\.\d+)?\}")
SEQ = re.compile(r"\$\(\s*seq\s+(-?\d+)(?:\s+\S+)*\s*\)")
VARIABLE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_]\w*)(?::?[-=+?](?P<default>[^}]*))?\}|(?P<plain>[A-Za-z_]\w*))")
HEREDOC = re.compile(r"<<-?[ \t]*(['\"]?)([A-Za-z_]\w*)\1")
ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
REDIRECT = re.compile(r"^(?:\d*>>?|\d*<|&>|\d*>&\d*|\d*<&\d*)(?P<target>.*)$")
KEYWORDS = {"do", "then", "else", "elif", "!", "{", "(", "time", "sudo", "watch", "exec", "command"}
#: Value used for a variable or placeholder nobody gave a value to.
PLAUSIBLE = "x"
#: Flags kubectl parses as numbers or durations: a substituted value there must be one.
TYPED_FLAGS = {
    **dict.fromkeys(
        ("--replicas", "--port", "--target-port", "--grace-period", "--tail", "--limit-bytes",
         "--current-replicas", "--min", "--max", "--cpu-percent", "--revision", "--to-revision"),
        "1",
    ),
    **dict.fromkeys(("--timeout", "--since", "--request-timeout"), "1s"),
}


@dataclass(frozen=True)
class Invocation:
    """One kubectl invocation: its arguments (after `kubectl`) and the line it was found on."""

    args: tuple[str, ...]
    text: str  # the simple command as written, for messages
    line_offset: int  # 0-based line within the logical command


def substitute_placeholders(text: str) -> str:
    """`<pod_name>` → `x`, so that bash and kubectl see a word, not a redirection."""
    return PLACEHOLDER.sub(PLAUSIBLE, text)


def loop_values(command: str) -> dict[str, str]:
    """The first value each `for VAR in …` loop gives its variable."""
    values: dict[str, str] = {}
    for m in FOR_LOOP.finditer(command):
        items = m.group(2)
        brace = BRACE_RANGE.search(items)
        seq = SEQ.search(items)
        if brace:
            first = brace.group(1)
        elif seq:
            first = seq.group(1)
        else:
            words = shlex.split(items, comments=False) if items.strip() else []
            first = words[0] if words else PLAUSIBLE
        values[m.group(1)] = first
    return values


def substitute_variables(text: str, values: dict[str, str]) -> str:
    """Replace `$VAR`/`${VAR}` outside single quotes (where the shell would expand them)."""
    parts: list[str] = []
    quote: str | None = None
    start = 0
    for i, c in enumerate(text):
        if c == "'" and quote in (None, "'"):
            if quote is None:
                parts.append(_expand(text[start:i], values))
                start = i
                quote = "'"
            else:
                parts.append(text[start : i + 1])
                start = i + 1
                quote = None
        elif c == '"' and quote != "'":
            quote = None if quote == '"' else '"'
    tail = text[start:]
    parts.append(tail if quote == "'" else _expand(tail, values))
    return "".join(parts)


def _expand(text: str, values: dict[str, str]) -> str:
    def value(m: re.Match[str]) -> str:
        name = m.group("braced") or m.group("plain")
        if name in values:
            return values[name]
        if m.group("default"):
            return m.group("default")
        return PLAUSIBLE

    return VARIABLE.sub(value, text)


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
    results: list[Simple] = []
    current: list[str] = []
    subs: list[tuple[str, str]] = []
    state = {"line": 0, "start": 0, "piped": False, "depth": 0}
    i, n = 0, len(command)
    quote: str | None = None

    def flush(piped_next: bool = False, pattern: bool = False) -> None:
        text = "".join(current).strip()
        if text and not pattern:
            results.append(Simple(text, state["start"], bool(state["piped"]), nesting, state["depth"], tuple(subs)))
        current.clear()
        subs.clear()
        state["piped"] = piped_next

    def substitution(opener: str, inner: str, replacement: str) -> None:
        for sub in simple_commands(inner, opener):
            results.append(dataclasses.replace(sub, line_offset=state["line"] + sub.line_offset,
                                               subshell=sub.subshell + state["depth"]))
        subs.append((opener, inner))
        state["line"] += inner.count("\n")
        current.append(replacement)

    while i < n:
        c = command[i]
        if c == "\n":
            state["line"] += 1
        if quote == "'":
            current.append(c)
            if c == "'":
                quote = None
            i += 1
            continue
        if c == "\\" and i + 1 < n:
            current.append(command[i : i + 2])
            i += 2
            continue
        if command.startswith("$((", i):
            end = _matching_paren(command, i + 1)
            state["line"] += command[i:end].count("\n")
            current.append(PLAUSIBLE)
            i = end + 1
            continue
        if command.startswith("$(", i):
            end = _matching_paren(command, i + 1)
            substitution("$(", command[i + 2 : end], PLAUSIBLE)
            i = end + 1
            continue
        if c == "`":
            end = command.find("`", i + 1)
            end = n if end == -1 else end
            substitution("`", command[i + 1 : end], PLAUSIBLE)
            i = end + 1
            continue
        if quote == '"':
            current.append(c)
            if c == '"':
                quote = None
            i += 1
            continue
        if c in "'\"":
            quote = c
            current.append(c)
            i += 1
            continue
        so_far = "".join(current)
        if c == "#" and so_far[-1:] in (" ", "\t", ""):
            while i < n and command[i] != "\n":
                i += 1
            continue
        if c in "<>" and command.startswith("(", i + 1):
            end = _matching_paren(command, i + 1)
            substitution(c + "(", command[i + 2 : end], "/dev/fd/63")
            i = end + 1
            continue
        if c == "(" and so_far.endswith("="):
            end = _matching_paren(command, i)  # NAME=( a b c ): one word
            state["line"] += command[i:end].count("\n")
            current.append(command[i : end + 1])
            i = end + 1
            continue
        if c == "&" and (so_far[-1:] in (">", "<") or command.startswith(">", i + 1)):
            current.append(c)  # 2>&1, &>file
            i += 1
            continue
        if c in ";|&\n()":
            two = command[i : i + 2]
            if c == ")" and not state["depth"]:
                flush(pattern=True)  # `pattern)` of a case
            else:
                flush(piped_next=c == "|" and two != "||")
            if c == "(":
                state["depth"] += 1
            elif c == ")":
                state["depth"] = max(0, state["depth"] - 1)
            state["start"] = state["line"]  # a newline has already been counted
            i += 2 if two in ("||", "&&", "|&", ";;") else 1
            continue
        current.append(c)
        i += 1
    flush()
    return results


def split_simple_commands(command: str) -> list[tuple[str, int]]:
    """(simple command, 0-based line offset) pairs of `simple_commands`, for callers that need no more."""
    return [(s.text, s.line_offset) for s in simple_commands(command)]


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


def _words(simple: str) -> list[str] | None:
    try:
        words = shlex.split(simple, comments=True)
    except ValueError:
        return None
    while words and (words[0] in KEYWORDS or ASSIGNMENT.match(words[0])):
        words = words[1:]
    return words


def _drop_redirections(args: list[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        m = REDIRECT.match(arg)
        if m and arg and arg[0] in "0123456789<>&":
            if not m.group("target") and not arg.endswith(("&1", "&2")):
                skip = True
            continue
        out.append(arg)
    return out


def _typed(args: list[str]) -> tuple[str, ...]:
    """`--replicas=x` (from `--replicas=$N`) → `--replicas=1`: a number kubectl can parse."""
    out = list(args)
    for i, arg in enumerate(out):
        name, eq, value = arg.partition("=")
        if eq and value == PLAUSIBLE and name in TYPED_FLAGS:
            out[i] = f"{name}={TYPED_FLAGS[name]}"
        elif not eq and arg in TYPED_FLAGS and i + 1 < len(out) and out[i + 1] == PLAUSIBLE:
            out[i + 1] = TYPED_FLAGS[arg]
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def kubectl_invocations(command: str) -> tuple[Invocation, ...]:
    """Every `kubectl …` inside a logical command, with variables and placeholders substituted."""
    values = loop_values(command)
    prepared = strip_heredocs(substitute_placeholders(command))
    found: list[Invocation] = []
    for simple, offset in split_simple_commands(prepared):
        words = _words(simple)
        if not words or Path(words[0]).name != "kubectl":
            continue
        words = _words(substitute_variables(simple, values)) or []
        found.append(Invocation(_typed(_drop_redirections(words[1:])), simple, offset))
    return tuple(found)
