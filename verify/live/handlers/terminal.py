"""The page's "first terminal": a `kubectl get -w` started in the background, later shown with its rows.

`kubectl get -w` lists, then watches from the list's resourceVersion, so once its listing is printed no
later change is missed: starting one waits for that output (a watch over no objects prints nothing; then
`--terminal-settle` bounds the wait). Showing it waits until the documented rows were seen (or the watch
ends, or its timeout passes), stops it and compares its whole output as a watch stream.
"""

from __future__ import annotations

import time

from verify.live.handlers import StepContext
from verify.live.matching import match, watch_progress
from verify.live.results import StepResult
from verify.model import Step
from verify.outcomes import Checked, Failure, Outcome

KIND = "terminal"


def _result(step: Step, outcome: Outcome, **details: object) -> StepResult:
    return StepResult(step.location, KIND, outcome, "\n".join(step.commands), **details)  # type: ignore[arg-type]


def start_terminal(step: Step, ctx: StepContext) -> StepResult:
    ctx.stop_terminal()
    terminal = ctx.terminal = ctx.session.start_background("\n".join(step.commands))
    settle_until = time.monotonic() + ctx.settings.terminal_settle
    while not terminal.output() and terminal.running and time.monotonic() < settle_until:
        time.sleep(0.02)
    if not terminal.running and terminal.proc.returncode:
        code, output = terminal.proc.returncode, terminal.output()
        ctx.terminal = None
        return _result(step, Outcome.failed(Failure.EXIT, f"the background command exited with status {code}"),
                       output=output)
    if ctx.claims is not None:
        ctx.claims.watch_started(step)
    return _result(step, Outcome.passed(Checked.BACKGROUND, "started in the background (first terminal)"))


def show_terminal(step: Step, ctx: StepContext) -> StepResult:
    command = "\n".join(step.commands)
    notes = []
    if ctx.terminal is None or " ".join(ctx.terminal.command.split()) != " ".join(command.split()):
        ctx.stop_terminal()
        notes.append("no matching terminal was running; started it here")
        ctx.terminal = ctx.session.start_background(command)
    terminal = ctx.terminal
    started = time.monotonic()
    timeout = min(float(step.directive.timeout or ctx.settings.watch_timeout), ctx.settings.limits.timeout_ceiling)
    documented = step.output.text if step.output else ""
    concurrent = step.output.directive.concurrent if step.output else ()
    satisfied = False
    while time.monotonic() - started < timeout:
        if watch_progress(documented, terminal.output(), ctx.namespace, ctx.storage_class, concurrent).satisfied:
            satisfied = True
            break
        if not terminal.running:
            break
        time.sleep(0.1)
    output = ctx.stop_terminal()
    compared = match(documented, output, "watch", ctx.namespace, ctx.storage_class, concurrent)
    seconds = time.monotonic() - started
    if compared.ok:
        return _result(step, Outcome.passed(Checked.WATCH), output=output, seconds=seconds, notes=notes)
    why = "the watch ended" if not satisfied and seconds < timeout else \
        f"not all documented rows were seen within {timeout:.0f}s"
    where = step.output.location if step.output else step.location
    return _result(step, Outcome.failed(Failure.OUTPUT, f"{why} (documented at {where})"), output=output,
                   diff=compared.diff, seconds=seconds)
