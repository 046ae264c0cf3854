"""Assemble the lexed fences and comments of one page into steps, outputs and problems.

Walks the blocks in page order, carrying the directive comments that precede a block, Sybil's
skip state, and the last command (an output block belongs to the closest command before it).
"""

from __future__ import annotations

import ast
import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from sybil import Document

from verify import directives as vd
from verify.claims import ClaimError, is_claim, parse_claim
from verify.includes import IncludeError, resolve
from verify.model import (
    NO_DIRECTIVE,
    Directive,
    Location,
    Output,
    Page,
    Problem,
    Section,
    Step,
    StepKind,
)
from verify.parsers.blocks import Block, ParsedPage
from verify.parsers.frontmatter import parse_front_matter, split_front_matter
from verify.parsers.lexers import CommentLexer, FenceLexer
from verify.parsers.shell import split_commands

HEADING = re.compile(r"^(?P<level>#{1,6})[ \t]+(?P<title>.+?)[ \t]*(?:\{[^}]*\})?[ \t]*$", re.MULTILINE)
TITLE = re.compile(r"""\btitle=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>\S+))""")
OPENING_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*[A-Za-z{]")
SHELL_ALIASES = {"bash", "sh", "console", "shell-session", "sh-session", "zsh", "shellsession"}
YAML = {"yaml", "yml"}
KNOWN_COMMENTS = {"verify", "skip", "invisible-code-block"}
SKIP_ACTIONS = {"next", "start", "end"}
#: At most this many characters of prose may separate a command block from its output block.
SHORT_PARAGRAPH = 200


@dataclass
class _Fence:
    start: int
    end: int
    line: int
    prefix: str
    info: str
    language: str
    body: str
    closed: bool


@dataclass
class _Comment:
    start: int
    end: int
    line: int
    name: str | None
    arguments: str
    source: str
    closed: bool
    text: str
    prefix: str = ""


@dataclass
class _Pending:
    """Directive comments waiting for the block they precede."""

    directive: Directive = NO_DIRECTIVE
    used: list[str] = field(default_factory=list)
    comments: list[_Comment] = field(default_factory=list)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _body(text: str, start: int, end: int, prefix: str, closed: bool) -> str:
    """The fence body with the fence's indentation removed (not dedented any further)."""
    open_end = text.find("\n", start)
    if open_end == -1:
        return ""
    content_end = text.rfind("\n", 0, end) + 1 if closed else len(text)
    content = text[open_end + 1 : content_end]
    if content.endswith("\n"):
        content = content[:-1]
    width = len(prefix)
    lines = []
    for line in content.split("\n"):
        lead = len(line) - len(line.lstrip(" \t"))
        lines.append(line[min(width, lead) :])
    return "\n".join(lines)


def _first_word(text: str) -> str:
    words = text.split()
    return words[0] if words else ""


def _language(info: str) -> str:
    if info.startswith("{"):
        m = re.search(r"\.([\w-]+)", info)
        return m.group(1) if m else ""
    return _first_word(info)


def _title(info: str) -> str | None:
    m = TITLE.search(info)
    if not m:
        return None
    return m.group("dq") if m.group("dq") is not None else m.group("sq") if m.group("sq") is not None else m.group("bare")


class _Builder:
    """Walks the lexed items of one document in order and builds steps."""

    def __init__(self, document: Document, root: Path) -> None:
        self.text = document.text
        self.path = Path(document.path)
        self.root = root
        self.problems: list[Problem] = []
        self.steps: list[Step] = []
        self.blocks: list[tuple[int, int, Block]] = []

    def problem(self, line: int, check: str, message: str) -> Problem:
        problem = Problem(Location(self.path, line), check, message)
        self.problems.append(problem)
        return problem

    # -- lexing -----------------------------------------------------------------------------
    def fences(self, document: Document, body_start: int) -> list[_Fence]:
        found: list[_Fence] = []
        for region in FenceLexer()(document):
            if region.start < body_start:
                continue
            lex = region.lexemes
            info = lex["info"]
            found.append(
                _Fence(
                    start=region.start,
                    end=region.end,
                    line=_line_of(self.text, region.start),
                    prefix=lex["prefix"],
                    info=info,
                    language=_language(info),
                    body=_body(self.text, region.start, region.end, lex["prefix"], lex["closed"]),
                    closed=lex["closed"],
                )
            )
        found.sort(key=lambda f: f.start)
        # Sybil's lexer also yields blocks nested in a longer fence; only the outer one is a block.
        outer: list[_Fence] = []
        for fence in found:
            if outer and fence.start < outer[-1].end:
                continue
            outer.append(fence)
        return outer

    def comments(self, document: Document, body_start: int, fences: list[_Fence]) -> list[_Comment]:
        found = []
        for region in CommentLexer()(document):
            if region.start < body_start or any(f.start <= region.start < f.end for f in fences):
                continue
            lex = region.lexemes
            found.append(
                _Comment(
                    start=region.start,
                    end=region.end,
                    line=_line_of(self.text, region.start),
                    name=lex["name"],
                    arguments=lex["arguments"],
                    source=str(lex["source"]),
                    closed=lex["closed"],
                    text=self.text[region.start : region.end],
                    prefix=lex["prefix"],
                )
            )
        return found

    def sections(self, body_start: int, spans: list[tuple[int, int]]) -> list[tuple[int, Section]]:
        found = []
        for m in HEADING.finditer(self.text, body_start):
            if any(s <= m.start() < e for s, e in spans):
                continue
            section = Section(len(m.group("level")), m.group("title").strip(), _line_of(self.text, m.start()))
            found.append((m.start(), section))
        return found

    # -- building ---------------------------------------------------------------------------
    def build(self, document: Document) -> ParsedPage:
        front, problems = parse_front_matter(self.text, self.path)
        self.problems.extend(problems)
        self.front = front
        _, body_start = split_front_matter(self.text)
        self.body_start = body_start
        fences = self.fences(document, body_start)
        comments = self.comments(document, body_start, fences)
        spans = [(f.start, f.end) for f in fences] + [(c.start, c.end) for c in comments]
        sections = self.sections(body_start, spans)
        items: list[_Fence | _Comment] = sorted([*fences, *comments], key=lambda item: item.start)

        pending = _Pending()
        skipping = False  # inside Sybil's skip: start … skip: end
        skip_next: _Comment | None = None
        skip_reason = SYBIL_SKIP
        previous: tuple[_Fence, int] | None = None  # last visible fence and its step index (or -1)
        last_end = body_start  # end of the last block (for the output pairing rule)

        for index, item in enumerate(items):
            section = _section_at(sections, item.start)
            if isinstance(item, _Comment):
                if item.name == "invisible-code-block":
                    step = self.hidden(item, pending, section, skip_reason if (skipping or skip_next is not None) else None)
                    skip_next = None
                    pending = _Pending()
                    previous = None
                    last_end = item.end
                    if step is not None:
                        self.add_step(item.start, item.end, step)
                        # A hidden command is a command block too: an output may follow it.
                        as_fence = _Fence(item.start, item.end, item.line, item.prefix, "shell", "shell", "", True)
                        previous = (as_fence, len(self.steps) - 1)
                    continue
                if item.name == "verify" and item.closed and is_claim(item.arguments):
                    self.claim(item, section, spans, skip_reason if (skipping or skip_next is not None) else None)
                    skip_next = None
                    continue
                self.comment(item, items[index + 1 :], pending)
                if item.name == "skip" and item.closed:
                    action = _first_word(item.arguments)
                    if action in ("next", "start"):
                        skip_reason = _sybil_reason(item.arguments)
                    if action == "next":
                        skip_next = item
                    elif action == "start":
                        skipping = True
                    elif action == "end":
                        skipping = False
                continue
            fence = item
            skipped = skip_reason if (skipping or skip_next is not None) else None
            step_index = self.fence(fence, pending, section, skipped, previous, last_end)
            skip_next = None
            pending = _Pending()
            previous = (fence, step_index)
            last_end = fence.end

        self.finish_blocks(comments)
        page = Page(
            path=self.path,
            front_matter=front,
            steps=tuple(self.steps),
            sections=tuple(s for _, s in sections),
        )
        self.problems.sort(key=lambda p: p.location.line)
        return ParsedPage(page, self.problems, sorted(self.blocks, key=lambda b: b[0]))

    def comment(self, comment: _Comment, rest: list[_Fence | _Comment], pending: _Pending) -> None:
        """A directive comment: parse it into `pending`, or report it."""
        stripped = comment.text[4:].lstrip()
        if not comment.closed:
            self.problem(comment.line, "directive", "HTML comment is never closed (missing -->)")
            return
        if comment.name is None:
            if re.match(r"verify\b", stripped):
                self.problem(comment.line, "directive", "directive needs a colon: <!-- verify: … -->")
            return
        if comment.name not in KNOWN_COMMENTS:
            known = ", ".join(sorted(KNOWN_COMMENTS))
            self.problem(comment.line, "directive", f"unknown directive {comment.name!r} (known: {known})")
            return
        following = next((i for i in rest if isinstance(i, _Fence) or i.name in KNOWN_COMMENTS), None)
        gap = self.text[comment.end : following.start] if following else self.text[comment.end :]
        if following is None or gap.strip():
            self.problem(comment.line, "directive", f"<!-- {comment.name}: … --> is not followed by a block")
            return
        if comment.name == "skip":
            action = _first_word(comment.arguments)
            if action not in SKIP_ACTIONS:
                self.problem(comment.line, "directive", f"unknown skip action {action!r} (next, start or end)")
            return
        location = Location(self.path, comment.line)
        try:
            options, used = vd.parse_options(comment.arguments)
            directive = vd.build(options, location)
        except vd.DirectiveError as error:
            self.problem(comment.line, "directive", str(error))
            return
        if not used and not options:
            self.problem(comment.line, "directive", "empty <!-- verify: --> directive")
            return
        pending.directive = vd.merge(pending.directive, directive) if pending.comments else directive
        pending.used.extend(used)
        pending.comments.append(comment)

    def directive_for(self, pending: _Pending, language: str, skipped: str | None) -> Directive:
        directive = pending.directive
        if pending.comments:
            message = vd.check_applies(pending.used, language)
            if message:
                self.problem(pending.comments[0].line, "directive", message)
            if directive.cluster_scoped and not self.front.cluster_scoped:
                self.problem(
                    pending.comments[0].line,
                    "directive",
                    "cluster-scoped step on a page without `cluster_scoped: true` in its front matter",
                )
        if skipped is not None:
            directive = dataclasses.replace(directive, sybil_skip=True, skip_reason=directive.skip_reason or skipped)
        return directive

    def claim(self, comment: _Comment, section: Section | None, spans: list[tuple[int, int]], skipped: str | None) -> None:
        """A `<!-- verify: claim=… -->` comment: a step of its own, backing the prose before it.

        The sentence is the closest paragraph of prose before the comment (blocks and comments in
        between are passed over, so a claim may follow a command's output), within its section.
        """
        before = self.text[self.body_start : comment.start]
        for start, end in sorted(spans, reverse=True):
            if end <= comment.start and start >= self.body_start:
                before = before[: start - self.body_start] + "\n\n" + before[end - self.body_start :]
        sentence = _sentence(before)
        try:
            claim = parse_claim(comment.arguments, sentence)
        except ClaimError as error:
            self.problem(comment.line, "directive", str(error))
            return
        if not sentence:
            self.problem(comment.line, "directive", "a claim comes after the sentence it backs; no prose precedes it "
                                                    "in its section")
        directive = NO_DIRECTIVE if skipped is None else dataclasses.replace(NO_DIRECTIVE, sybil_skip=True,
                                                                            skip_reason=skipped)
        self.add_step(comment.start, comment.end, Step(
            kind=StepKind.CLAIM, location=Location(self.path, comment.line), text=str(claim), directive=directive,
            section=section, raw=comment.text, claim=claim))

    def hidden(self, comment: _Comment, pending: _Pending, section: Section | None, skipped: str | None) -> Step | None:
        if not comment.closed:
            self.problem(comment.line, "fence", "invisible-code-block is never closed (missing -->)")
            return None
        language = _first_word(comment.arguments)
        if language != "shell":
            self.problem(comment.line, "directive", f"invisible-code-block must be shell, not {language or '(none)'!r}")
            return None
        directive = self.directive_for(pending, "shell", skipped)
        body = comment.source.rstrip("\n- ").rstrip()
        commands = split_commands(body)
        if not commands:
            self.problem(comment.line, "directive", "invisible-code-block has no command")
        return Step(
            kind=StepKind.HIDDEN_COMMAND,
            location=Location(self.path, comment.line),
            text=body,
            commands=tuple(c.text for c in commands),
            command_lines=tuple(comment.line + 1 + c.line_offset for c in commands),
            directive=directive,
            info="shell",
            section=section,
            raw=body,
        )

    def fence(
        self,
        fence: _Fence,
        pending: _Pending,
        section: Section | None,
        skipped: str | None,
        previous: tuple[_Fence, int] | None,
        last_end: int,
    ) -> int:
        """Turn one fence into a step (or an output of the previous step); return its step index."""
        location = Location(self.path, fence.line)
        language = fence.language
        if not fence.closed:
            self.problem(fence.line, "fence", f"fence {fence.prefix.strip()}{fence.info and ' ' + fence.info} is never closed")
        else:
            for offset, line in enumerate(fence.body.split("\n")):
                if OPENING_FENCE.match(line):
                    self.problem(
                        fence.line,
                        "fence",
                        f"fence is not closed before line {fence.line + 1 + offset} ({line.strip()!r} opens a new one)",
                    )
                    break
        directive = self.directive_for(pending, language, skipped)
        title = _title(fence.info)
        if language == "text" and not directive.file:
            return self.output(fence, directive, previous, last_end)
        body, include, includes = fence.body, None, ()
        if "8<" in body:
            try:
                resolved = resolve(body, self.root)
                body = resolved.text.rstrip("\n")  # a code block shows no trailing blank lines
                includes = resolved.files
                include = resolved.files[0] if resolved.files else None
            except IncludeError as error:
                self.problem(fence.line + 1 + error.line_offset, "include", str(error))
        if directive.file:
            kind = StepKind.FILE_CONTENT
        elif language == "shell":
            kind = StepKind.COMMAND
        elif language in YAML:
            kind = StepKind.EXCERPT if directive.excerpt else StepKind.MANIFEST
        elif language == "mermaid":
            kind = StepKind.DIAGRAM
        else:
            kind = StepKind.CODE
            if not language:
                self.problem(fence.line, "fence", "fence has no info string (commands are ```shell, outputs ```text)")
            elif language in SHELL_ALIASES:
                self.problem(fence.line, "fence", f"commands are fenced ```shell, not ```{language}")
        commands = split_commands(body) if kind is StepKind.COMMAND else []
        if kind is StepKind.COMMAND and not commands:
            self.problem(fence.line, "fence", "```shell block has no command")
        step = Step(
            kind=kind,
            location=location,
            text=body,
            commands=tuple(c.text for c in commands),
            command_lines=tuple(fence.line + 1 + c.line_offset for c in commands),
            directive=directive,
            include=include,
            includes=includes,
            title=title,
            info=fence.info,
            section=section,
            raw=fence.body,
        )
        self.add_step(fence.start, fence.end, step)
        return len(self.steps) - 1

    def output(self, fence: _Fence, directive: Directive, previous: tuple[_Fence, int] | None, last_end: int) -> int:
        """Attach a ```text block to the command right before it, or report why it cannot be."""
        location = Location(self.path, fence.line)
        reason = self.unpaired_reason(fence, previous, last_end)
        if reason is not None:
            self.problem(fence.line, "output", f"output block has no command before it: {reason}")
            self.blocks.append((fence.start, fence.end, Block(location, "output", None)))
            return -1
        assert previous is not None
        step_index = previous[1]
        command = self.steps[step_index]
        mode = directive.mode or ("watch" if command.directive.terminal_show else "like")
        if directive.concurrent and mode != "watch":
            self.problem(fence.line, "directive", "concurrent=… applies to the output of a watch "
                                                  "(terminal=watch show, or the watch match mode)")
        output = Output(text=fence.body, mode=mode, location=location, directive=directive)
        self.steps[step_index] = dataclasses.replace(command, output=output)
        self.blocks = [
            (s, e, dataclasses.replace(b, step=self.steps[step_index]) if b.step is command else b)
            for s, e, b in self.blocks
        ]
        self.blocks.append((fence.start, fence.end, Block(location, "output", self.steps[step_index])))
        return step_index

    def unpaired_reason(self, fence: _Fence, previous: tuple[_Fence, int] | None, last_end: int) -> str | None:
        if previous is None or previous[1] < 0 or last_end != previous[0].end:
            return "no ```shell block precedes it"
        before, step_index = previous
        step = self.steps[step_index]
        if step.kind not in (StepKind.COMMAND, StepKind.HIDDEN_COMMAND):
            return f"the block before it (line {before.line}) is ```{before.language or '(no info string)'}, not ```shell"
        if step.output is not None:
            return f"the command at line {before.line} already has its output at line {step.output.location.line}"
        if before.prefix != fence.prefix:
            return f"the command at line {before.line} is at a different indentation (another tab or admonition)"
        gap = re.sub(r"<!--.*?-->", "", self.text[before.end : fence.start], flags=re.DOTALL)
        paragraphs = [p for p in re.split(r"\n[ \t]*\n", gap) if p.strip()]
        if len(paragraphs) > 1:
            return f"more than one paragraph separates it from the command at line {before.line}"
        if paragraphs:
            prose = paragraphs[0].strip()
            if prose.startswith(("#", "===", "!!!", "???", "|", "- ", "* ", "<")):
                return f"a heading, tab, admonition or list separates it from the command at line {before.line}"
            if len(prose) > SHORT_PARAGRAPH:
                return f"more than a short sentence separates it from the command at line {before.line}"
        return None

    def add_step(self, start: int, end: int, step: Step) -> None:
        self.steps.append(step)
        self.blocks.append((start, end, Block(step.location, "step", step)))

    def finish_blocks(self, comments: list[_Comment]) -> None:
        """Give every problem a region: the block it lies in, else its own comment's region."""
        by_line: dict[int, list[Problem]] = {}
        for problem in self.problems:
            by_line.setdefault(problem.location.line, []).append(problem)
        placed: set[int] = set()
        new_blocks = []
        for start, end, block in self.blocks:
            first, last = _line_of(self.text, start), _line_of(self.text, end)
            mine = [p for line in range(first, last + 1) for p in by_line.get(line, []) if id(p) not in placed]
            placed.update(id(p) for p in mine)
            new_blocks.append((start, end, dataclasses.replace(block, problems=(*block.problems, *mine))))
        for comment in comments:
            mine = [p for p in by_line.get(comment.line, []) if id(p) not in placed]
            if not mine:
                continue
            placed.update(id(p) for p in mine)
            if comment.name == "skip":  # Sybil's own skip parser owns that region
                target = next((b for b in new_blocks if b[0] > comment.start), new_blocks[-1] if new_blocks else None)
                if target is not None:
                    index = new_blocks.index(target)
                    s, e, b = target
                    new_blocks[index] = (s, e, dataclasses.replace(b, problems=(*b.problems, *mine)))
                    continue
            new_blocks.append((comment.start, comment.end, Block(Location(self.path, comment.line), "comment", None, tuple(mine))))
        leftover = [p for p in self.problems if id(p) not in placed]
        if leftover:  # front matter problems: a region over the front matter
            new_blocks.append((0, self.body_start, Block(Location(self.path, 1), "page", None, tuple(leftover))))
        self.blocks = new_blocks


SYBIL_SKIP = "skipped by Sybil's <!-- skip --> directive"
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _sentence(prose: str, limit: int = 400) -> str:
    """The last paragraph of `prose` (a list counts as one), as plain text, unless a heading comes after it."""
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", prose) if p.strip()]
    if not paragraphs or paragraphs[-1].lstrip().startswith("#"):
        return ""
    text = _LINK.sub(r"\1", paragraphs[-1])
    text = re.sub(r"[*`]", "", text)
    text = " ".join(line.strip().removeprefix("- ") for line in text.strip().splitlines())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sybil_reason(arguments: str) -> str:
    """The reason of `<!-- skip: next "why" -->` (a Python string literal), or a generic one."""
    _, _, rest = arguments.partition(" ")
    try:
        value = ast.literal_eval(rest.strip()) if rest.strip() else None
    except (ValueError, SyntaxError):
        value = None
    return value if isinstance(value, str) and value else SYBIL_SKIP


def _section_at(sections: list[tuple[int, Section]], offset: int) -> Section | None:
    current = None
    for start, section in sections:
        if start > offset:
            break
        current = section
    return current


def parse_document(document: Document, root: Path) -> ParsedPage:
    """Build the page model of a Sybil document."""
    return _Builder(document, root).build(document)
