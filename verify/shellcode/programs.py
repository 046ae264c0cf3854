"""What each program a page may run does, as far as the verifier needs to know: one table for both tiers.

The static tier's review reads which programs fetch text, run code or write files (and which of
their arguments); the live tier reads which only read (a step of them may be retried until its output
matches) and which open connections (a step of them needs the network). Which programs a page may
run at all is policy, not a fact, and stays with the review (`verify.static.programs.REVIEWED`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Program:
    name: str
    reads_only: bool = False  # changes nothing anywhere: prints, filters, waits
    connects: bool = False  # opens a connection to an address it is given
    fetches: bool = False  # prints (or saves) what it fetched from elsewhere
    runs_code: bool = False  # runs text it is given as a program (a shell, an interpreter, awk's system(), sed's e)
    writes: str | None = None  # which positional arguments it writes: "all", "last" or "but-first"
    value_options: tuple[str, ...] = ()  # options whose value is the next word (not an address, not a path)
    output_options: tuple[str, ...] = ()  # options whose value is a path it writes


_FILTERS = ("grep", "egrep", "fgrep", "head", "tail", "sort", "uniq", "wc", "cut", "tr", "echo", "printf", "jq",
            "column", "cat", "true", "false", "test", "[", "sleep", "seq", "yes", "basename", "dirname", "date")
_CURL_VALUES = ("-o", "--output", "-H", "--header", "-d", "--data", "-X", "--request", "-u", "--user", "-w",
                "--write-out", "-A", "--user-agent", "-m", "--max-time", "--connect-timeout", "--output-dir")
_WGET_VALUES = ("-O", "--output-document", "-P", "--directory-prefix", "-U", "--user-agent", "-T", "--timeout")
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "busybox"})
INTERPRETER = re.compile(r"^(python[0-9.]*|perl|ruby|node|nodejs|php|lua|tclsh|pwsh)$")
#: Builtins that run text given to them (never a program of the table).
EVALUATORS = frozenset({"eval", "source", "."})

PROGRAMS: dict[str, Program] = {p.name: p for p in [
    *(Program(name, reads_only=True) for name in _FILTERS),
    Program("curl", connects=True, fetches=True, value_options=_CURL_VALUES,
            output_options=("-o", "--output", "--output-dir")),
    Program("wget", connects=True, fetches=True, value_options=_WGET_VALUES,
            output_options=("-O", "--output-document", "-P", "--directory-prefix")),
    *(Program(name, connects=True, fetches=True) for name in ("nc", "ncat", "netcat", "socat", "telnet", "http", "https",
                                                              "xh", "aria2c", "fetch", "ftp", "tftp")),
    Program("ssh", connects=True, fetches=True, runs_code=True),
    Program("scp", connects=True, fetches=True, writes="last"),
    *(Program(name, connects=True) for name in ("ping", "nslookup", "dig", "host")),
    Program("awk", runs_code=True),  # system() and getline run commands
    Program("sed", runs_code=True, writes="but-first"),  # the `e` command runs one; -i writes the files
    *(Program(name, writes="all") for name in ("tee", "touch", "rm", "rmdir", "mkdir", "truncate", "shred", "unlink",
                                                "mv", "vi", "vim", "nvim", "view", "nano", "emacs", "ed", "ex")),
    *(Program(name, writes="last") for name in ("cp", "install", "ln", "rsync")),
    *(Program(name, writes="but-first") for name in ("chmod", "chown", "chgrp")),
    Program("tar", output_options=("-C", "--directory")),
    Program("git", output_options=("-C",)),
]}
for _name in ("cp", "mv"):
    PROGRAMS[_name] = Program(_name, writes=PROGRAMS[_name].writes, output_options=("-t", "--target-directory"))
for _name in SHELLS:
    PROGRAMS.setdefault(_name, Program(_name, runs_code=True))

UNKNOWN = Program("")


def facts(word: str) -> Program:
    """What the program named by `word` (a path or a bare name) does; nothing known for one not in the table."""
    base = posixpath.basename(word)
    if base in PROGRAMS:
        return PROGRAMS[base]
    if INTERPRETER.match(base):
        return Program(base, runs_code=True)
    return UNKNOWN
