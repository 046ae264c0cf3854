"""A `<!-- verify: claim=… -->` fits the page it sits on (a `file=` it names is a
manifest the page ships); the live tier checks the claim itself against the cluster."""

from __future__ import annotations

from typing import TYPE_CHECKING

from verify.claims import page_problems
from verify.model import Page, Step, StepKind
from verify.results import Finding
from verify.static.checks import Check

if TYPE_CHECKING:
    from verify.static import StaticContext


class ClaimCheck(Check):
    """Each claim's arguments name what the page has."""

    def applies(self, step: Step) -> bool:
        return step.kind is StepKind.CLAIM and step.claim is not None

    def findings(self, step: Step, page: Page, ctx: StaticContext) -> list[Finding]:
        assert step.claim is not None  # `applies`
        problems = page_problems(step.claim, page)
        if problems:
            return [Finding("directive", False, step.location, m) for m in problems]
        return [Finding("directive", True, step.location, f"{step.claim} backs: {step.claim.sentence[:80]}")]
