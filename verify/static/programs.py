"""The reviewer's view of a page: every program its commands run, and the commands to look at twice.

A page is code: the live tier runs each of its commands, hidden steps included, on a maintainer's
machine or in CI. This review lists, per page, every program those commands start (hidden steps
marked), fails on a program outside `REVIEWED` unless the step says
``<!-- verify: allow=PROGRAM reason="…" -->``, and reports shapes no tutorial needs:

* piping into a shell or an interpreter (``curl … | sh``): what runs is whatever was printed;
* running fetched text (``eval "$(curl …)"``, ``bash <(curl …)``, ``sh -c "$FETCHED"``);
* writes outside the page's working directory (``> /etc/x``, ``tee ~/.bashrc``, ``cd /`` then a
  write, ``cp x ../..``);
* reading the reader's credentials (``~/.ssh``, ``~/.kube``, …).

These findings cannot be allowed away. The review follows what the shell does closely enough for
pages written for readers; the live tier's sandbox (`verify.live.sandbox`) is what contains a page
the review misreads. Commands of ``in-container`` steps run in a pod, not on this machine: they are
listed apart and not held to the host's list.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from verify.model import Location, Page, Step, StepKind
from verify.results import Finding
from verify.shellcode.invocations import loop_values, unwrap
from verify.shellcode.lexer import (
    ASSIGNMENT,
    KEYWORDS,
    PLAUSIBLE,
    VARIABLE,
    Parsed,
    Simple,
    parse_simple,
    simple_commands,
    strip_heredocs,
    substitute_placeholders,
)
from verify.shellcode.programs import EVALUATORS, INTERPRETER, SHELLS, facts
from verify.static import hazards
from verify.static.checks import COMMAND_KINDS, Check

if TYPE_CHECKING:
    from verify.static import StaticContext

#: Programs the four tutorials run on the reader's machine, and where. A new tool is added here
#: after review, or allowed on its step. Not here on purpose: sed and awk (no page uses them, and
#: both can run commands: sed's `e`, awk's `system()`), sh/bash (a nested shell hides its commands
#: from this review), eval/source (they run text, not a program).
REVIEWED: dict[str, str] = {
    "kubectl": "every page",
    "curl": "source-ip (Services, NodePorts, health checks)",
    "git": "guestbook (git clone)",
    "vi": "guestbook (the reader writes the Elasticsearch settings)",
    "ssh": "apparmor (loads the profile on each node)",
    "cat": "apparmor (is AppArmor enabled?)",
    "grep": "apparmor, source-ip, guestbook (filtering kubectl output)",
    "cut": "source-ip (client_address=…)",
    "seq": "source-ip (retry loops)",
    "sleep": "source-ip (the pause of retry loops that end on their condition)",
}
#: Shell builtins that neither run text nor redefine commands (so not eval, source, ., alias, trap, enable).
BUILTINS = frozenset(
    [":", "[", "[[", "break", "cd", "continue", "declare", "dirs", "echo", "exit", "export", "false", "getopts", "kill",
     "let", "local", "popd", "printf", "pushd", "pwd", "read", "readonly", "return", "set", "shift", "shopt", "test",
     "times", "true", "type", "typeset", "ulimit", "umask", "unset", "wait"]
)
#: The header of these (`for x in …`, `case $x in`) is not a command.
HEADERS = frozenset({"for", "select", "case", "function"})
WRITE_REDIRECTS = frozenset({">", ">>", ">|", "&>", "&>>", "<>"})
HARMLESS_DEVICES = re.compile(r"^/dev/(null|stdout|stderr|tty|fd/\d+)$")
CREDENTIALS = re.compile(
    r"(?:~|\$\{?HOME\}?|/root|/home/[^/\s'\"]+)/\.(?:ssh|kube|aws|azure|gnupg|docker|netrc|git-credentials|"
    r"config/gcloud|config/gh|minikube)\b|/etc/(?:shadow|gshadow|sudoers)\b|/var/run/secrets\b"
)

HOST, CONTAINER = "host", "in-container"


@dataclass(frozen=True)
class Use:
    """One program started by one command of a page."""

    program: str
    location: Location
    hidden: bool
    where: str  # HOST, or CONTAINER for commands typed into a pod's shell
    allowed: str | None = None  # the reason given by the step's allow=…, if it needed one


@dataclass
class PageReview:
    """What a page runs, and the findings, per step (keyed by the step's location)."""

    path: Path
    uses: list[Use] = field(default_factory=list)
    findings: dict[Location, list[Finding]] = field(default_factory=dict)

    def for_step(self, step: Step) -> list[Finding]:
        return self.findings.get(step.location, [])

    def programs(self, where: str = HOST) -> dict[str, list[Use]]:
        """Program → its uses, in order of first use."""
        found: dict[str, list[Use]] = {}
        for use in self.uses:
            if use.where == where:
                found.setdefault(use.program, []).append(use)
        return found

    def listing(self) -> list[str]:
        """Lines for the console: what runs here, hidden uses marked."""
        lines = []
        for where, label in ((HOST, "runs"), (CONTAINER, "runs in a pod")):
            programs = self.programs(where)
            if not programs:
                continue
            words = []
            for name in sorted(programs):
                uses = programs[name]
                hidden = sum(u.hidden for u in uses)
                mark = " (hidden)" if hidden == len(uses) else " (also hidden)" if hidden else ""
                allowed = next((u.allowed for u in uses if u.allowed), None)
                words.append(f"{name}{mark}" + (f" [allowed: {allowed}]" if allowed else ""))
            lines.append(f"{label}: {', '.join(words)}")
        return lines

    def as_json(self) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for where in (HOST, CONTAINER):
            for name, uses in sorted(self.programs(where).items()):
                out.append({"program": name, "where": where,
                            "lines": [u.location.line for u in uses if not u.hidden],
                            "hidden_lines": [u.location.line for u in uses if u.hidden],
                            **({"allowed": uses[0].allowed} if any(u.allowed for u in uses) else {})})
        return out


def _positional(args: list[str]) -> list[str]:
    return [a for a in args if a == "-" or not a.startswith("-")]


# -- the review ----------------------------------------------------------------------------------
@dataclass
class _State:
    """What the review knows while walking the page: variables, fetched variables, the directory."""

    values: dict[str, str] = field(default_factory=dict)
    fetched: dict[str, str] = field(default_factory=dict)  # variable → the command that fetched it
    cwd: tuple[str, ...] | str = ()  # inside the working directory (its path parts), or why not
    stack: list[tuple[str, ...] | str] = field(default_factory=list)  # pushd


class Reviewer:
    """Walks a page's command steps in order (the shell session carries cwd and variables across)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.review = PageReview(page.path)
        self.state = _State()
        self.local_cwd: tuple[str, ...] | str | None = None  # the directory inside a ( … ) or $( … )

    def run(self) -> PageReview:
        for step in self.page.steps:
            if step.kind in (StepKind.COMMAND, StepKind.HIDDEN_COMMAND):
                self.step(step)
        return self.review

    def step(self, step: Step) -> None:
        where = CONTAINER if step.directive.in_container else HOST
        hidden = step.kind is StepKind.HIDDEN_COMMAND
        findings = self.review.findings.setdefault(step.location, [])
        used: set[str] = set()
        lines = step.command_lines or (step.location.line + 1,) * len(step.commands)
        for command, line in zip(step.commands, lines, strict=True):
            if where == HOST:
                findings += [Finding("safety", False, Location(step.location.path, line), h)
                             for h in hazards.line_hazards(command)]
            self.state.values.update(loop_values(command))
            prepared = strip_heredocs(substitute_placeholders(command))
            for simple in simple_commands(prepared):
                location = Location(step.location.path, line + simple.line_offset)
                for program in self.simple(simple, location, step, where, hidden, findings):
                    used.add(program)
        for program in step.directive.allow:
            if program not in used:
                findings.append(Finding("program", False, step.directive.location or step.location,
                                        f"allow={program}, but this step never runs {program}"))

    def simple(self, simple: Simple, location: Location, step: Step, where: str, hidden: bool,
               findings: list[Finding]) -> list[str]:
        """Record the programs of one simple command and its findings; the programs it runs."""
        parsed = parse_simple(simple.text)
        words = parsed.words
        if words and words[0] in HEADERS:
            return []
        if words[:1] == ["[["]:
            parsed.redirects = []  # `[[ a > b ]]` compares strings
        local = bool(simple.subshell or simple.nesting)
        if not local:
            self.local_cwd = None
        if where == CONTAINER:
            chain = unwrap(words)
            for link in chain:
                self.review.uses.append(Use(link[0], location, hidden, where))
            return [link[0] for link in chain]
        self._assignments(parsed, simple)
        chain = unwrap(words)
        programs = []
        for link in chain:
            program = self._program_name(link[0], simple)
            allowed = self._check_program(program, step, location, findings)
            self.review.uses.append(Use(program, location, hidden, where, allowed))
            programs.append(program)
        program, args = (programs[-1], chain[-1][1:]) if chain else ("", [])
        findings.extend(self._shell_findings(program, args, simple, location))
        findings.extend(_hazard_findings(parsed, chain, location))
        credentials = CREDENTIALS.search(simple.text)
        if credentials:
            findings.append(Finding("safety", False, location,
                                    f"touches the reader's credentials ({credentials.group(0)}); a page never needs them"))
        for target in self._written(program, args, parsed.redirects):
            problem = self._outside(target, self._cwd(local))
            if problem:
                findings.append(Finding("safety", False, location, f"writes outside the page's working directory: {problem}"))
        if program in ("cd", "pushd", "popd"):
            self._cd(program, args, location, local)
        return programs

    # -- programs ---------------------------------------------------------------------------------
    def _program_name(self, word: str, simple: Simple) -> str:
        if word == PLAUSIBLE and simple.substitutions:
            return f"$({simple.substitutions[0][1].strip()})"
        return word

    def _check_program(self, program: str, step: Step, location: Location, findings: list[Finding]) -> str | None:
        """None when the program is reviewed; the allow reason when the step allows it; else a finding."""
        if program in REVIEWED or program in BUILTINS or program in KEYWORDS:
            return None
        if program in step.directive.allow:
            return step.directive.allow_reason
        if program.startswith("$"):
            message = (f"runs a program whose name is computed ({program}); nobody can review what that is")
        else:
            message = (f"{program} is not on the reviewed list of programs (verify/static/programs.py); a step that "
                       f'needs it says <!-- verify: allow={program} reason="…" --> right before it')
        findings.append(Finding("program", False, location, message))
        return None

    # -- running text -----------------------------------------------------------------------------
    def _shell_findings(self, program: str, args: list[str], simple: Simple, location: Location) -> list[Finding]:
        findings = []
        base = posixpath.basename(program)
        interpreter = base in SHELLS or bool(INTERPRETER.match(base))
        if simple.piped and interpreter and _runs_stdin(base, args):
            findings.append(Finding("safety", False, location,
                                    f"pipes into {base}: whatever the previous command prints runs as code "
                                    "(download, read, then run a reviewed file instead)"))
        if program.startswith("$(") and simple.substitutions:
            fetched = self._fetched_by(simple.substitutions[0][1])
            if fetched:
                findings.append(Finding("safety", False, location, f"runs the text fetched by `{fetched}` as a command"))
        script_from_substitution = interpreter and any(opener == "<(" for opener, _ in simple.substitutions)
        if base in EVALUATORS or (interpreter and _code_argument(base, args)) or script_from_substitution:
            for opener, inner in simple.substitutions:
                fetched = self._fetched_by(inner)
                if fetched:
                    findings.append(Finding("safety", False, location,
                                            f"{base} runs text fetched by `{fetched}` ({opener}…): it is never reviewed"))
            for name in _variables(" ".join(args)):
                if name in self.state.fetched:
                    findings.append(Finding("safety", False, location,
                                            f"{base} runs ${name}, fetched by `{self.state.fetched[name]}`"))
        return findings

    def _fetched_by(self, text: str) -> str | None:
        """The fetching command inside a substitution's text (`curl -s x`), if there is one."""
        for inner in simple_commands(text):
            for link in unwrap(parse_simple(inner.text).words):
                if facts(link[0]).fetches:
                    return " ".join(link)[:80]
        for name in _variables(text):
            if name in self.state.fetched:
                return self.state.fetched[name]
        return None

    def _assignments(self, parsed: Parsed, simple: Simple) -> None:
        pairs = list(parsed.assignments)
        if parsed.words[:1] in (["export"], ["local"], ["declare"], ["readonly"]):
            pairs += [(m.group("name"), m.group("value")) for w in parsed.words[1:] if (m := ASSIGNMENT.match(w))]
        for name, value in pairs:
            fetched = next((f for _, inner in simple.substitutions if (f := self._fetched_by(inner))), None)
            if fetched:
                self.state.fetched[name] = fetched
            else:
                self.state.fetched.pop(name, None)
            if "$" in value or (value == PLAUSIBLE and simple.substitutions):
                self.state.values.pop(name, None)
            else:
                self.state.values[name] = value

    # -- writes -----------------------------------------------------------------------------------
    def _written(self, program: str, args: list[str], redirects: list[tuple[str, str]]) -> list[str]:
        targets = [t for op, t in redirects if op in WRITE_REDIRECTS or (op == ">&" and not re.match(r"^(\d+|-)$", t))]
        base = posixpath.basename(program)
        positional = _positional(args)
        known = facts(base)
        if known.writes == "all":
            targets += positional
        elif known.writes == "last" and len(positional) >= 2:
            targets.append(positional[-1])
        elif known.writes == "but-first" and (base != "sed" or any(a.startswith(("-i", "--in-place")) for a in args)):
            targets += positional[1:]
        elif base == "dd":
            targets += [a[3:] for a in args if a.startswith("of=")]
        elif base == "git" and "clone" in positional:
            rest = positional[positional.index("clone") + 1 :]
            if len(rest) >= 2:
                targets.append(rest[1])
        elif base == "kubectl" and positional[:1] == ["cp"] and len(positional) >= 3 and ":" not in positional[-1]:
            targets.append(positional[-1])
        for flag in known.output_options:
            for index, arg in enumerate(args):
                if arg == flag and index + 1 < len(args):
                    targets.append(args[index + 1])
                elif arg.startswith(flag + "=") and flag.startswith("--"):
                    targets.append(arg.split("=", 1)[1])
        return [t for t in targets if t and t != "-"]

    def _expand(self, path: str) -> str | None:
        """`path` with the variables the review knows; None if it names one it cannot follow."""
        unknown = False

        def value(m: re.Match[str]) -> str:
            nonlocal unknown
            name = m.group("braced") or m.group("plain")
            if m.group("default") is not None:
                unknown = True  # `${X:-y}`, `${X:+y}`: which of the two is not worth guessing here
                return m.group(0)
            if name == "HOME":
                return "~"
            if name in self.state.values:
                return self.state.values[name]
            unknown = True
            return m.group(0)

        expanded = VARIABLE.sub(value, path)
        return None if unknown or "$" in expanded else expanded

    def _cwd(self, local: bool) -> tuple[str, ...] | str:
        return self.local_cwd if local and self.local_cwd is not None else self.state.cwd

    def _outside(self, target: str, cwd: tuple[str, ...] | str) -> str | None:
        """Why writing `target` from `cwd` leaves the working directory, or None."""
        path = self._expand(target)
        if path is None:
            return f"{target} (the review cannot tell where that variable points)"
        if HARMLESS_DEVICES.match(path):
            return None
        where = self._resolve(path, cwd)
        return None if isinstance(where, tuple) else f"{target} ({where})"

    def _resolve(self, path: str, cwd: tuple[str, ...] | str) -> tuple[str, ...] | str:
        """The path inside the working directory (its parts), or a description of where it is."""
        if path == "~" or path.startswith("~/") or path.startswith("~"):
            return "the reader's home directory"
        if path.startswith("/"):
            return f"{posixpath.normpath(path)} is not in the working directory"
        if isinstance(cwd, str):
            return cwd
        parts = list(cwd)
        for part in path.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if not parts:
                    return "above the working directory"
                parts.pop()
            else:
                parts.append(part)
        return tuple(parts)

    def _cd(self, program: str, args: list[str], location: Location, local: bool) -> None:
        """Follow the shell's directory; a subshell's or a substitution's cd lasts only inside it."""
        before = self._cwd(local)
        positional = [a for a in args if not a.startswith("-") or a == "-"]
        if program == "popd":
            after = self.state.stack.pop() if self.state.stack else f"after popd at {location}"
        else:
            if program == "pushd":
                self.state.stack.append(before)
            target = positional[0] if positional else "~"
            path = self._expand(target)
            if path is None or path == "-":
                after = f"after `{program} {target}` at {location}, a directory the review cannot follow"
            else:
                where = self._resolve(path, before)
                after = where if isinstance(where, tuple) else f"after `{program} {target}` at {location}: {where}"
        if local:
            self.local_cwd = after
        else:
            self.state.cwd = after


def _hazard_findings(parsed: Parsed, chain: list[list[str]], location: Location) -> list[Finding]:
    """What `verify.static.hazards` says of one simple command: its programs' options, its assignments."""
    found = [h for link in chain for h in hazards.program_hazards(link[0], link[1:])]
    assigned = [name for name, _ in parsed.assignments]
    if parsed.words[:1] in (["export"], ["local"], ["declare"], ["readonly"], ["typeset"], ["env"]):
        assigned += [m.group("name") for w in parsed.words[1:] if (m := ASSIGNMENT.match(w))]
    found += hazards.assignment_hazards(assigned)
    return [Finding("safety", False, location, h) for h in found]


def _runs_stdin(base: str, args: list[str]) -> bool:
    """An interpreter that reads its program from standard input (`sh`, `bash -s`, `python3 -`)."""
    if _code_argument(base, args):
        return False
    if "-s" in args or "-" in args or "/dev/stdin" in args:
        return True
    return not _positional(args[1:] if base == "busybox" else args)


def _code_argument(base: str, args: list[str]) -> bool:
    """`sh -c CODE`, `python3 -c CODE`, `perl -e CODE`: the program text is an argument."""
    letters = "c" if base in SHELLS or base.startswith("python") else "eE"
    return any(a.startswith("-") and not a.startswith("--") and any(ch in a[1:] for ch in letters) for a in args)


def _variables(text: str) -> Iterable[str]:
    for m in VARIABLE.finditer(text):
        yield m.group("braced") or m.group("plain")


def review_page(page: Page) -> PageReview:
    """Everything `page` runs, and the findings, per step."""
    return Reviewer(page).run()


class ProgramCheck(Check):
    """What the step runs is on the reviewed list (or allowed on the step), in shapes a tutorial needs."""

    def applies(self, step: Step) -> bool:
        return step.kind in COMMAND_KINDS

    def findings(self, step: Step, page: Page, ctx: StaticContext) -> list[Finding]:
        return ctx.review(page).for_step(step)  # the whole page at once: cwd and variables carry over
