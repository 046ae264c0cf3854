"""Assemble the fences and comments of one page into steps, outputs and problems.

The page grammar (`pagegrammar`) finds the front matter, fences and comments; this walks them
in page order, carrying the directive comments that precede a block, the state of Sybil's
``<!-- skip -->`` directive (which the verifier implements itself, for both tiers), and the last
command (an output block belongs to the closest command before it).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from pagegrammar import comments as grammar_comments
from pagegrammar import shell as grammar_shell
from pagegrammar.comments import DEFAULT_SKIP_REASON, DIRECTIVES, INVISIBLE_CODE_BLOCK, SKIP, SKIP_ACTIONS, VERIFY, Comment
from pagegrammar.fences import Fence, find_fences
from pagegrammar.frontmatter import split_front_matter
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
    Step,
    StepKind,
)
from verify.parsers.blocks import Block, ParsedPage
from verify.parsers.frontmatter import check_front_matter
from verify.parsers.shell import split_commands

YAML = {"yaml", "yml"}
#: At most this many characters of prose may separate a command block from its output block.
SHORT_PARAGRAPH = 200


@dataclass
class _Pending:
    """Directive comments waiting for the block they precede."""

    directive: Directive = NO_DIRECTIVE
    used: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _first_word(text: str) -> str:
    words = text.split()
    return words[0] if words else ""


class _Builder:
    """Walks the fences and comments of one page in order and builds steps."""

    def __init__(self, text: str, path: Path, root: Path) -> None:
        self.text = text
        self.path = Path(path)
        self.root = root
        self.problems: list[Problem] = []
        self.steps: list[Step] = []
        self.blocks: list[tuple[int, int, Block]] = []

    def problem(self, line: int, check: str, message: str, unclosed: bool = False) -> Problem:
        problem = Problem(Location(self.path, line), check, message, unclosed)
        self.problems.append(problem)
        return problem

    # -- building ---------------------------------------------------------------------------
    def outside_comments(self, fences: list[Fence], comments: list[Comment]) -> list[Fence]:
        """The fences that readers see; one inside an HTML comment is an error (never shown, and it must not run)."""
        kept = []
        for fence in fences:
            around = next((c for c in comments if c.start < fence.start < c.end), None)
            if around is None:
                kept.append(fence)
                continue
            self.problem(fence.line, "fence", f"a fenced block inside an HTML comment (opened at line {around.line}): "
                                              "readers never see it, so it is not run either; a step readers must not "
                                              "see is written as <!-- invisible-code-block: shell … -->")
        return kept

    def build(self) -> ParsedPage:
        front, problems = check_front_matter(self.text, self.path)
        self.problems.extend(problems)
        self.front = front
        _, body_start = split_front_matter(self.text)
        self.body_start = body_start
        fences = [f for f in find_fences(self.text) if f.start >= body_start]
        comments = grammar_comments.find_comments(self.text, fences, body_start)
        fences = self.outside_comments(fences, comments)
        spans = [(f.start, f.end) for f in fences] + [(c.start, c.end) for c in comments]
        items: list[Fence | Comment] = sorted([*fences, *comments], key=lambda item: item.start)

        pending = _Pending()
        skipping = False  # inside Sybil's skip: start … skip: end
        skip_next: Comment | None = None
        skip_reason = DEFAULT_SKIP_REASON
        previous: tuple[Fence, int] | None = None  # last visible fence and its step index (or -1)
        last_end = body_start  # end of the last block (for the output pairing rule)

        for index, item in enumerate(items):
            if isinstance(item, Comment):
                if item.name == INVISIBLE_CODE_BLOCK:
                    step = self.hidden(item, pending, skip_reason if (skipping or skip_next is not None) else None)
                    skip_next = None
                    pending = _Pending()
                    previous = None
                    last_end = item.end
                    if step is not None:
                        self.add_step(item.start, item.end, step)
                        # A hidden command is a command block too: an output may follow it.
                        as_fence = Fence(item.start, item.end, item.line, item.end_line, item.prefix, "", "shell", "")
                        previous = (as_fence, len(self.steps) - 1)
                    continue
                if item.name == VERIFY and item.closed and is_claim(item.arguments):
                    self.claim(item, spans, skip_reason if (skipping or skip_next is not None) else None)
                    skip_next = None
                    continue
                self.comment(item, items[index + 1 :], pending)
                if item.name == SKIP and item.closed:
                    instruction = grammar_comments.skip_instruction(item.arguments)
                    action = instruction.action
                    if action in ("next", "start"):
                        skip_reason = instruction.reason
                    if action == "next":
                        skip_next = item
                    elif action == "start":
                        skipping = True
                    elif action == "end":
                        skipping = False
                continue
            fence = item
            skipped = skip_reason if (skipping or skip_next is not None) else None
            step_index = self.fence(fence, pending, skipped, previous, last_end)
            skip_next = None
            pending = _Pending()
            previous = (fence, step_index)
            last_end = fence.end

        self.finish_blocks(comments)
        page = Page(
            path=self.path,
            front_matter=front,
            steps=tuple(self.steps),
        )
        self.problems.sort(key=lambda p: p.location.line)
        return ParsedPage(page, self.problems, sorted(self.blocks, key=lambda b: b[0]))

    def comment(self, comment: Comment, rest: list[Fence | Comment], pending: _Pending) -> None:
        """A directive comment: parse it into `pending`, or report it."""
        if not comment.closed:
            self.problem(comment.line, "directive", "HTML comment is never closed (missing -->)")
            return
        if comment.name is None:
            if comment.keyword == VERIFY:
                self.problem(comment.line, "directive", "directive needs a colon: <!-- verify: … -->")
            return
        if comment.name not in DIRECTIVES:
            known = ", ".join(sorted(DIRECTIVES))
            self.problem(comment.line, "directive", f"unknown directive {comment.name!r} (known: {known})")
            return
        following = next((i for i in rest if isinstance(i, Fence) or i.is_directive), None)
        gap = self.text[comment.end : following.start] if following else self.text[comment.end :]
        if following is None or gap.strip():
            self.problem(comment.line, "directive", f"<!-- {comment.name}: … --> is not followed by a block")
            return
        if comment.name == SKIP:
            action = grammar_comments.skip_instruction(comment.arguments).action
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
        if skipped is not None:
            directive = dataclasses.replace(directive, sybil_skip=True, skip_reason=directive.skip_reason or skipped)
        return directive

    def claim(self, comment: Comment, spans: list[tuple[int, int]], skipped: str | None) -> None:
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
            raw=comment.text, claim=claim))

    def hidden(self, comment: Comment, pending: _Pending, skipped: str | None) -> Step | None:
        if not comment.closed:
            self.problem(comment.line, "fence", "invisible-code-block is never closed (missing -->)")
            return None
        language = _first_word(comment.arguments)
        if language != grammar_shell.SHELL:
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
            raw=body,
        )

    def fence(
        self,
        fence: Fence,
        pending: _Pending,
        skipped: str | None,
        previous: tuple[Fence, int] | None,
        last_end: int,
    ) -> int:
        """Turn one fence into a step (or an output of the previous step); return its step index."""
        location = Location(self.path, fence.line)
        language = fence.language
        self.check_closed(fence)
        directive = self.directive_for(pending, language, skipped)
        title = fence.title
        if language == "text" and not directive.file:
            return self.output(fence, directive, previous, last_end)
        body, includes = self.included(fence)
        kind = self.step_kind(fence, directive)
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
            includes=includes,
            title=title,
            info=fence.info,
            raw=fence.body,
        )
        self.add_step(fence.start, fence.end, step)
        return len(self.steps) - 1

    def check_closed(self, fence: Fence) -> None:
        """Report a fence that is never closed, or that a line inside it would close and open again."""
        if not fence.closed:
            self.problem(fence.line, "fence", f"fence {fence.marker}{fence.info} is never closed", unclosed=True)
            return
        offset = fence.opening_inside()
        if offset is not None:
            line = fence.body.split("\n")[offset]
            self.problem(
                fence.line,
                "fence",
                f"fence is not closed before line {fence.line + 1 + offset} ({line.strip()!r} opens a new one)",
                unclosed=True,
            )

    def included(self, fence: Fence) -> tuple[str, tuple[Path, ...]]:
        """The fence's body with its `--8<--` includes resolved, and the files it included."""
        if "8<" not in fence.body:
            return fence.body, ()
        try:
            resolved = resolve(fence.body, self.root)
        except IncludeError as error:
            self.problem(fence.line + 1 + error.line_offset, "include", str(error))
            return fence.body, ()
        return resolved.text.rstrip("\n"), resolved.files  # a code block shows no trailing blank lines

    def step_kind(self, fence: Fence, directive: Directive) -> StepKind:
        """What the fence is, from its language and directive; a language that looks like a mistake is reported."""
        language = fence.language
        if directive.file:
            return StepKind.FILE_CONTENT
        if language == "shell":
            return StepKind.COMMAND
        if language in YAML:
            return StepKind.EXCERPT if directive.excerpt else StepKind.MANIFEST
        if language == "mermaid":
            return StepKind.DIAGRAM
        if not language:
            self.problem(fence.line, "fence", "fence has no info string (commands are ```shell, outputs ```text)")
        elif language in grammar_shell.SHELL_ALIASES:
            self.problem(fence.line, "fence", f"commands are fenced ```shell, not ```{language}")
        return StepKind.CODE

    def output(self, fence: Fence, directive: Directive, previous: tuple[Fence, int] | None, last_end: int) -> int:
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

    def unpaired_reason(self, fence: Fence, previous: tuple[Fence, int] | None, last_end: int) -> str | None:
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

    def finish_blocks(self, comments: list[Comment]) -> None:
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
            region = Block(Location(self.path, comment.line), "comment", None, tuple(mine))
            new_blocks.append((comment.start, comment.end, region))
        leftover = [p for p in self.problems if id(p) not in placed]
        if leftover:  # front matter problems: a region over the front matter
            new_blocks.append((0, self.body_start, Block(Location(self.path, 1), "page", None, tuple(leftover))))
        self.blocks = new_blocks


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


def parse_text(text: str, path: Path, root: Path) -> ParsedPage:
    """Build the page model of the page text `text` read from `path` (includes resolve under `root`)."""
    return _Builder(text, path, root).build()
