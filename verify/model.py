"""The typed model of a page that both tiers share: a page is an ordered list of steps.

A `Step` is one fenced block (or hidden block) of a page together with everything the page says
about it: the directive comment right before it, the documented output that follows a command,
and the files its includes came from. Locations point at the opening fence so every
message can name ``file:line``.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from verify.access import Grant


def display_path(path: Path) -> str:
    """`path` relative to the working directory when it lies below it, else as given."""
    try:
        return os.path.relpath(path) if Path(path).is_absolute() and _below_cwd(path) else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _below_cwd(path: Path) -> bool:
    try:
        Path(path).relative_to(Path.cwd())
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Location:
    """A place in a source file; `line` is 1-based (the opening fence, or the directive)."""

    path: Path
    line: int

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}"


class StepKind(enum.Enum):
    """What a block is, which decides what each tier does with it."""

    COMMAND = "command"  # ```shell: commands that run
    HIDDEN_COMMAND = "hidden-command"  # <!-- invisible-code-block: shell … -->
    MANIFEST = "manifest"  # ```yaml: a complete manifest (normally included from manifests/)
    EXCERPT = "excerpt"  # ```yaml after <!-- verify: excerpt -->: partial YAML
    DIAGRAM = "diagram"  # ```mermaid
    FILE_CONTENT = "file-content"  # a fence after <!-- verify: file -->: a file the reader writes
    CODE = "code"  # any other language (shown, never run)
    CLAIM = "claim"  # <!-- verify: claim=NAME … -->: what the sentence before it claims, checked from cluster data


#: The kinds of step the live tier runs (and records keep).
LIVE_KINDS = frozenset({StepKind.COMMAND, StepKind.HIDDEN_COMMAND, StepKind.CLAIM})


@dataclass(frozen=True)
class Directive:
    """The options of the `<!-- verify: … -->` comment(s) right before a block (all off by default)."""

    mode: str | None = None  # a name in verify.matchers.MODES, for an output block
    terminal: str | None = None  # e.g. "watch": run this command in a background terminal
    terminal_show: bool = False  # `terminal=watch show`: stop that terminal and compare its output
    skip_reason: str | None = None  # `skip reason="…"` or Sybil's `<!-- skip: next -->`
    requires: tuple[str, ...] = ()
    interactive: str | None = None  # "rewrite" | "pty"
    in_container: bool = False
    on_node: bool = False
    secret: bool = False
    excerpt: bool = False
    file: bool = False
    timeout: float | None = None
    exit_status: str | None = None  # `exit=N|any`: the status the block's last command is expected to end with
    allow: tuple[str, ...] = ()  # `allow=PROG[,PROG] reason="…"`: programs outside the reviewed list this step may run
    allow_reason: str | None = None
    concurrent: tuple[str, ...] = ()  # `concurrent=web-0,web-1` on a watch output: rows of these may interleave
    pod_security: str | None = None  # `pod-security=privileged reason="…"`: its Pods need more than baseline
    pod_security_reason: str | None = None
    sybil_skip: bool = False  # skipped by Sybil's own `skip` directive (both tiers skip the step)
    location: Location | None = None  # where the (first) directive comment is, if any


NO_DIRECTIVE = Directive()


@dataclass(frozen=True)
class Claim:
    """A `<!-- verify: claim=NAME key=value … -->` comment: a checker and its arguments.

    `sentence` is the prose right before the comment (the sentence the claim backs), as plain
    text, so a failure can say what the page claims.
    """

    name: str
    arguments: tuple[tuple[str, str], ...]
    sentence: str = ""
    timeout: float | None = None

    def argument(self, key: str, default: str | None = None) -> str | None:
        return dict(self.arguments).get(key, default)

    def __str__(self) -> str:
        return " ".join([f"claim={self.name}", *(f"{k}={v}" for k, v in self.arguments)])


@dataclass(frozen=True)
class Output:
    """A documented output: the ```text block after a command block."""

    text: str
    mode: str
    location: Location
    directive: Directive = NO_DIRECTIVE  # the output block's own directive (mode, secret, …)


@dataclass(frozen=True)
class Step:
    """One block of a page, in page order."""

    kind: StepKind
    location: Location
    text: str  # the block's text; for manifests, after include resolution
    commands: tuple[str, ...] = ()  # COMMAND/HIDDEN_COMMAND: logical command lines, no comments
    directive: Directive = NO_DIRECTIVE
    output: Output | None = None
    includes: tuple[Path, ...] = ()  # every file the block's includes resolved to, in order
    title: str | None = None  # `title="…"` of the fence
    info: str = ""  # the whole fence info string
    command_lines: tuple[int, ...] = ()  # 1-based file line of each entry of `commands`
    raw: str = ""  # the block text as written in the page (before include resolution)
    claim: Claim | None = None  # CLAIM: the checker and its arguments

    @property
    def skipped(self) -> bool:
        return self.directive.skip_reason is not None


@dataclass(frozen=True)
class FrontMatter:
    """The YAML front matter every page starts with."""

    title: str
    weight: int
    requires: tuple[str, ...] = ()
    access: tuple[Grant, ...] = ()  # what the page may do beyond its own namespace (verify.access)
    external_files: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Page:
    """A parsed page: its front matter and its steps, in order."""

    path: Path
    front_matter: FrontMatter
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Problem:
    """Something wrong with a page's structure, found while parsing it."""

    location: Location
    check: str  # which check class: "directive", "fence", "output", "include", "front-matter", …
    message: str
    unclosed: bool = False  # a fence that is not closed: what follows it is its body, not steps of the page

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class PageError(Exception):
    """A page that cannot be turned into steps; `str()` is ``path:line: message``."""

    def __init__(self, path: Path, line: int, message: str, check: str = "page") -> None:
        super().__init__(f"{display_path(path)}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message
        self.check = check

    @classmethod
    def from_problem(cls, problem: Problem) -> PageError:
        return cls(problem.location.path, problem.location.line, problem.message, problem.check)
