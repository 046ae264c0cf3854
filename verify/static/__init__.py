"""The static tier: every check that needs no cluster, for every block of every page.

`StaticContext` holds what the checks share (repository root, the on-disk cache, the kubectl
checker). `prefetch` runs the slow external checks (kubectl, `bash -n`, `kubectl patch --local`)
for many pages at once, in parallel; `check_block` then only reads results, so the CLI and the
pytest items give the same verdicts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from verify.model import Page, Step, StepKind
from verify.parsers import Block, ParsedPage
from verify.results import Finding
from verify.static import commands, manifests, outputs, programs
from verify.static.cache import JsonCache
from verify.static.kubectl import KubectlChecker, find_kubectl, kubectl_home, run_jobs

CACHE_FILE = Path(".cache") / "verify" / "static.json"


@dataclass
class StaticContext:
    root: Path
    cache: JsonCache
    checker: KubectlChecker | None
    indexes: dict[Path, dict] = field(default_factory=dict)  # manifest index per page
    reviews: dict[Path, programs.PageReview] = field(default_factory=dict)  # what each page runs

    def index(self, page: Page) -> dict:
        if page.path not in self.indexes:
            self.indexes[page.path] = commands.manifest_index(page)
        return self.indexes[page.path]

    def review(self, page: Page) -> programs.PageReview:
        """The programs `page` runs and the findings about them (the whole page: cwd carries over)."""
        if page.path not in self.reviews:
            self.reviews[page.path] = programs.review_page(page)
        return self.reviews[page.path]


def make_context(root: Path, use_cache: bool = True, kubectl: str | None = None, jobs: int | None = None) -> StaticContext:
    root = Path(root).resolve()
    cache = JsonCache(root / CACHE_FILE if use_cache else None)
    path = kubectl or find_kubectl()
    checker = KubectlChecker(path, cache, jobs) if path else None
    return StaticContext(root, cache, checker)


def prefetch(ctx: StaticContext, pages: Iterable[Page]) -> None:
    """Run every external check the pages need that is not cached yet (in parallel)."""
    pages = list(pages)
    steps = [s for p in pages for s in commands.command_steps(p) if not s.directive.sybil_skip]
    with kubectl_home() as home:
        jobs = []
        if ctx.checker is not None:
            jobs += ctx.checker.pending((loc.invocation.args for s in steps for loc in commands.invocations(s)), home)
            jobs += commands.pending_patches(commands.patch_jobs(pages, ctx.index), ctx.checker)
        jobs += commands.pending_bash(steps, ctx.cache)
        # One pool for everything: the slow kubectl runs overlap with the cheap bash ones.
        run_jobs(jobs, ctx.cache, ctx.checker.jobs if ctx.checker else 4)


def check_step(step: Step, page: Page, ctx: StaticContext) -> list[Finding]:
    """The checks that apply to one step's own block."""
    if step.kind in (StepKind.COMMAND, StepKind.HIDDEN_COMMAND):
        return [
            *commands.prompt_findings(step),
            commands.check_bash(step, ctx.cache),
            *commands.check_kubectl(step, ctx.checker),
            *commands.check_patches(step, ctx.checker, ctx.index(page)),
            *ctx.review(page).for_step(step),
        ]
    if step.kind in (StepKind.MANIFEST, StepKind.EXCERPT):
        return manifests.check_yaml_step(step, ctx.cache)
    if step.kind is StepKind.CLAIM and step.claim is not None:
        from verify.claims import page_problems

        problems = page_problems(step.claim, page)
        return [Finding("directive", False, step.location, m) for m in problems] or [
            Finding("directive", True, step.location, f"{step.claim} backs: {step.claim.sentence[:80]}")]
    return []


def problem_findings(block: Block) -> list[Finding]:
    return [Finding(p.check, False, p.location, p.message) for p in block.problems]


def check_block(block: Block, page: Page, ctx: StaticContext) -> list[Finding]:
    """All findings for one Sybil region: its structural problems and its step's checks."""
    findings = problem_findings(block)
    step = block.step
    if step is None or step.directive.sybil_skip:
        return findings
    if any(p.check == "fence" and "closed" in p.message for p in block.problems):
        return findings  # an unclosed fence swallows what follows: its content is not a step
    if block.role == "output":
        return findings + outputs.check_output(step)
    return findings + check_step(step, page, ctx)


def failures(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if not f.ok]


__all__ = [
    "CACHE_FILE",
    "Finding",
    "ParsedPage",
    "StaticContext",
    "check_block",
    "check_step",
    "failures",
    "make_context",
    "prefetch",
]
