"""What a static check is: an object that says which steps it reads, what it needs run, what it finds.

A check says which steps it `applies` to, which slow `jobs` (a process to run, keyed for the cache)
it needs for a step, and its `findings` on the step, read from the cache the jobs filled.
`verify.static.prefetch` gathers the jobs of every check for many pages into one parallel pool;
`check_block` asks each check for its findings, in the order of `verify.static.CHECKS` (the order of
the report). Adding a static check is one subclass of `Check` and one entry in that list.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from verify.model import Page, Step, StepKind
from verify.results import Finding
from verify.static.kubectl import Job

if TYPE_CHECKING:
    from verify.static import StaticContext

COMMAND_KINDS = (StepKind.COMMAND, StepKind.HIDDEN_COMMAND)


class Check(ABC):
    """One static check of a step's own block (`block = "step"`) or of its output block (`"output"`)."""

    block = "step"

    @abstractmethod
    def applies(self, step: Step) -> bool:
        """Whether this check has something to say about `step`."""

    def jobs(self, step: Step, page: Page, ctx: StaticContext) -> list[Job]:
        """The processes its findings need (run before, in parallel, and cached); none by default."""
        return []

    @abstractmethod
    def findings(self, step: Step, page: Page, ctx: StaticContext) -> list[Finding]:
        """The findings; a job's result comes from `ctx.result(job)` (run on the spot if not prefetched)."""
