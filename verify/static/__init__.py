"""The static tier: every check that needs no cluster, for every block of every page.

Each check is a `Check` object (`verify.static.checks`), listed once in `CHECKS`. `StaticContext`
holds what the checks share (repository root, the on-disk cache, the kubectl checker). `prefetch`
gathers the slow jobs of every check (kubectl, `bash -n`, `kubectl patch --local`) for many pages
and runs them at once, in parallel; `check_block` then asks each check for its findings, which only
reads results, so the CLI and the pytest items give the same verdicts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.confinement.process import Confined
from verify.confinement.sandbox import required, unsafe_requested
from verify.model import Page, Step
from verify.parsers import Block, ParsedPage
from verify.results import Finding
from verify.static import commands, programs
from verify.static.cache import JsonCache
from verify.static.checks import Check
from verify.static.claims import ClaimCheck
from verify.static.commands import BashCheck, KubectlCheck, PatchCheck, PromptCheck
from verify.static.kubectl import Job, KubectlChecker, find_kubectl, kubectl_home, run_jobs
from verify.static.manifests import YamlCheck
from verify.static.outputs import OutputCheck
from verify.static.programs import ProgramCheck

CACHE_FILE = Path(".cache") / "verify" / "static.json"
#: Every static check, in the order of their findings in the report.
CHECKS: tuple[Check, ...] = (
    PromptCheck(), BashCheck(), KubectlCheck(), PatchCheck(), ProgramCheck(),  # a command step
    YamlCheck(),  # a manifest or an excerpt
    ClaimCheck(),  # a claim
    OutputCheck(),  # a command's output block
)


@dataclass
class StaticContext:
    root: Path
    cache: JsonCache
    checker: KubectlChecker | None
    confined: Confined  # how a page-controlled process is started (the sandbox, the limits)
    indexes: dict[Path, dict] = field(default_factory=dict)  # manifest index per page
    reviews: dict[Path, programs.PageReview] = field(default_factory=dict)  # what each page runs
    home: Path | None = None  # the closed kubeconfig's directory while `prefetch` runs

    def index(self, page: Page) -> dict:
        if page.path not in self.indexes:
            self.indexes[page.path] = commands.manifest_index(page)
        return self.indexes[page.path]

    def review(self, page: Page) -> programs.PageReview:
        """The programs `page` runs and the findings about them (the whole page: cwd carries over)."""
        if page.path not in self.reviews:
            self.reviews[page.path] = programs.review_page(page)
        return self.reviews[page.path]

    def result(self, job: Job) -> Any:
        """A job's result: from the cache (`prefetch` filled it), or run now and cached."""
        key, run = job
        cached = self.cache.get(key)
        if cached is None:
            cached = run()
            self.cache.put(key, cached)
        return cached


def make_context(root: Path, use_cache: bool = True, kubectl: str | None = None, jobs: int | None = None,
                 unsafe_no_sandbox: bool = False) -> StaticContext:
    """What the checks share. Raises `verify.confinement.sandbox.SandboxUnavailable` where there is no sandbox and
    the maintainer did not opt out (`unsafe_no_sandbox`, or VERIFY_UNSAFE_NO_SANDBOX=1)."""
    root = Path(root).resolve()
    cache = JsonCache(root / CACHE_FILE if use_cache else None)
    confined = Confined(required(unsafe_requested(unsafe_no_sandbox)))
    path = kubectl or find_kubectl()
    checker = KubectlChecker(path, cache, confined, jobs) if path else None
    return StaticContext(root, cache, checker, confined)


def prefetch(ctx: StaticContext, pages: Iterable[Page]) -> None:
    """Run every job the checks need for the pages that is not cached yet, in one parallel pool."""
    with kubectl_home() as home:
        ctx.home = home
        try:
            todo: dict[str, Job] = {}
            for page in pages:
                for step in page.steps:
                    if step.directive.sybil_skip:
                        continue
                    for check in CHECKS:
                        if check.applies(step):
                            todo.update((key, (key, run)) for key, run in check.jobs(step, page, ctx)
                                        if key not in todo and ctx.cache.get(key) is None)
            # One pool for everything: the slow kubectl runs overlap with the cheap bash ones.
            run_jobs(list(todo.values()), ctx.cache, ctx.checker.jobs if ctx.checker else 4)
        finally:
            ctx.home = None


def check_step(step: Step, page: Page, ctx: StaticContext, block: str = "step") -> list[Finding]:
    """The findings of every check of `block` ("step": the step's own block, or "output") that applies."""
    return [f for check in CHECKS if check.block == block and check.applies(step) for f in check.findings(step, page, ctx)]


def problem_findings(block: Block) -> list[Finding]:
    return [Finding(p.check, False, p.location, p.message) for p in block.problems]


def check_block(block: Block, page: Page, ctx: StaticContext) -> list[Finding]:
    """All findings for one Sybil region: its structural problems and its step's checks."""
    findings = problem_findings(block)
    step = block.step
    if step is None or step.directive.sybil_skip:
        return findings
    if any(p.unclosed for p in block.problems):
        return findings  # an unclosed fence swallows what follows: its content is not a step
    return findings + check_step(step, page, ctx, "output" if block.role == "output" else "step")


def failures(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if not f.ok]


__all__ = [
    "CACHE_FILE",
    "CHECKS",
    "Check",
    "Finding",
    "ParsedPage",
    "StaticContext",
    "check_block",
    "check_step",
    "failures",
    "make_context",
    "prefetch",
]
