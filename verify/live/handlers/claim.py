"""A `<!-- verify: claim=… -->`: the sentence before it, checked from the events recorded since the reader's watch began."""

from __future__ import annotations

import time

from verify.live.handlers import StepContext
from verify.live.results import StepResult
from verify.model import Step
from verify.outcomes import Checked, Failure, Outcome

KIND = "claim"


def check_claim(step: Step, ctx: StepContext) -> StepResult:
    started = time.monotonic()
    if ctx.claims is None:
        return StepResult(step.location, KIND, Outcome.failed(Failure.CLAIM, "no event recorder for this page"),
                          command=step.text)
    result = ctx.claims.check(step)
    seconds = time.monotonic() - started
    if result.ok:
        return StepResult(step.location, KIND, Outcome.passed(Checked.CLAIM), command=step.text, output=result.output,
                          seconds=seconds, notes=result.notes)
    return StepResult(step.location, KIND, Outcome.failed(Failure.CLAIM, result.message), command=step.text,
                      output=result.output, diff=result.diff, seconds=seconds)
