"""Which programs a command line runs, and each `kubectl …` in it with its arguments made concrete.

A program may run through a wrapper (`sudo -u x kubectl …`, `timeout 10 kubectl …`,
`env A=b kubectl …`): `unwrap` lists the wrapper and what it runs, so the static review holds both
to its list and the live guard sees the kubectl behind them. kubectl can only check what it is
given, so `kubectl_invocations` cuts each invocation out of loops, pipelines and substitutions and
makes shell variables and placeholders plausible values (`web-$i` → `web-0`, `<x>` → `x`).
"""

from __future__ import annotations

import functools
import posixpath
import re
import shlex
from dataclasses import dataclass

from verify.shellcode.lexer import (
    ASSIGNMENT,
    KEYWORDS,
    PLAUSIBLE,
    VARIABLE,
    parse_simple,
    simple_commands,
    strip_heredocs,
    substitute_placeholders,
)

#: Builtins that run the program named after them (checked in its place).
TRANSPARENT = frozenset({"exec", "command", "builtin"})
#: Programs that run another program named in their arguments: both are listed and checked.
WRAPPERS = frozenset({"sudo", "doas", "env", "nohup", "nice", "timeout", "xargs", "watch", "stdbuf", "setsid", "chroot"})
#: A wrapper's options that take a value (`sudo -u USER`), so the value is not taken for the program.
WRAPPER_VALUE_OPTIONS = {"sudo": {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"}, "timeout": {"-k", "-s"},
                         "nice": {"-n"}, "watch": {"-n", "-d"},
                         "xargs": {"-I", "-L", "-n", "-P", "-d", "-E", "-s", "-a"},
                         "env": {"-u", "-C", "-S"}, "stdbuf": {"-i", "-o", "-e"}, "exec": {"-a"}}
FOR_LOOP = re.compile(r"\bfor\s+([A-Za-z_]\w*)\s+in\s+(.+?)\s*(?:;|\n)\s*do\b", re.DOTALL)
BRACE_RANGE = re.compile(r"\{(-?\d+)\.\.(-?\d+)(?:\.\.\d+)?\}")
SEQ = re.compile(r"\$\(\s*seq\s+(-?\d+)(?:\s+\S+)*\s*\)")
#: Flags kubectl parses as numbers or durations: a substituted value there must be one.
TYPED_FLAGS = {
    **dict.fromkeys(
        ("--replicas", "--port", "--target-port", "--grace-period", "--tail", "--limit-bytes",
         "--current-replicas", "--min", "--max", "--cpu-percent", "--revision", "--to-revision"),
        "1",
    ),
    **dict.fromkeys(("--timeout", "--since", "--request-timeout"), "1s"),
}


# -- programs through wrappers -------------------------------------------------------------------
def unwrap(words: list[str]) -> list[list[str]]:
    """The program and each program it runs through wrappers: `sudo -u x env A=1 sh` → sudo…, env…, sh…."""
    chain = []
    while words:
        while words and words[0] in KEYWORDS:
            words = words[1:]
        if not words:
            break
        program = words[0]
        chain.append(words)
        rest = words[1:]
        if program in TRANSPARENT:
            if program == "command" and rest[:1] and rest[0] in ("-v", "-V"):
                break  # `command -v x` asks where x is
            chain.pop()
            words = _wrapped(program, rest) if program == "exec" else rest  # `exec -a NAME cmd …`
            continue
        if program not in WRAPPERS:
            break
        words = _wrapped(program, rest)
    return chain


def _wrapped(program: str, rest: list[str]) -> list[str]:
    """What a wrapper runs: its arguments after its own options (and env's NAME=value)."""
    takes_value = WRAPPER_VALUE_OPTIONS.get(program, set())
    i = 0
    while i < len(rest):
        word = rest[i]
        if word == "--":
            i += 1
            break
        if word.startswith("-") and word != "-":
            i += 2 if word in takes_value else 1
            continue
        if program == "env" and ASSIGNMENT.match(word):
            i += 1
            continue
        break
    rest = rest[i:]
    if program in ("timeout", "chroot") and rest:
        rest = rest[1:]  # the duration, the new root
    return rest


def argument_lists(command: str) -> list[list[str]]:
    """Every program a command line runs, with its arguments, wrappers unwrapped.

    `for n in $NODES; do curl -s $n; done` gives ``[["for", …], ["curl", "-s", "$n"]]``-like lists
    whose first word is always the program (shell keywords are dropped), `sudo -u x kubectl get po`
    gives ``["sudo", …]`` and ``["kubectl", "get", "po"]``, and commands inside ``$(…)`` count too.
    The live tier decides what a step needs and whether it only reads from these lists.
    """
    found: list[list[str]] = []
    for simple in simple_commands(strip_heredocs(command)):
        found.extend(unwrap(parse_simple(simple.text).words))
    return found


# -- variables -----------------------------------------------------------------------------------
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


# -- kubectl -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Invocation:
    """One kubectl invocation: its arguments (after `kubectl`) and the line it was found on."""

    args: tuple[str, ...]
    text: str  # the simple command as written, for messages
    line_offset: int  # 0-based line within the logical command


@functools.lru_cache(maxsize=4096)
def kubectl_invocations(command: str) -> tuple[Invocation, ...]:
    """Every `kubectl …` inside a logical command, behind wrappers too, variables and placeholders substituted."""
    values = loop_values(command)
    found: list[Invocation] = []
    for simple in simple_commands(strip_heredocs(substitute_placeholders(command))):
        if _kubectl_args(simple.text) is None:
            continue
        args = _kubectl_args(substitute_variables(simple.text, values)) or []
        found.append(Invocation(_typed(args), simple.text, simple.line_offset))
    return tuple(found)


def _kubectl_args(simple: str) -> list[str] | None:
    """The arguments of the kubectl a simple command runs (itself or through wrappers), or None."""
    for link in unwrap(parse_simple(simple).words):
        if posixpath.basename(link[0]) == "kubectl":
            return link[1:]
    return None


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
