"""The page's "first terminal": a `kubectl get -w` started in the background, later shown with its rows.

`kubectl get -w` lists, then watches from the list's resourceVersion, so once its listing is printed no
later change is missed: starting one waits for that output. A watch over no objects prints nothing, so
`--terminal-settle` bounds the wait; when it ends without output, the same `get` without the watch
says whether there are objects to list, and if there are, the wait goes on until the listing shows
(a kubectl slow to start on a busy machine would otherwise miss the first changes). That check is
started shortly before the settle time ends, so that its answer comes about when it ends.

Showing it waits until the documented rows were seen, the watch ends, or its timeout passes; but once
the page has waited for the state it shows (a `kubectl wait` or `rollout status` passed since the watch
started) and the
watch has printed nothing new for `--watch-quiet` seconds, no row is still to come: it stops then.
It compares the watch's whole output as a watch stream.
"""

from __future__ import annotations

import time

from verify.live import commands as cmds
from verify.live.handlers import StepContext
from verify.live.matching import match, watch_progress
from verify.live.results import StepResult
from verify.model import Step
from verify.outcomes import Checked, Failure, Outcome

KIND = "terminal"
#: How long a watch over existing objects may take to print its listing, and the listing check to answer.
LISTING_TIMEOUT = 60.0
#: The pause between two looks at a terminal's output (its log file): a row is seen at most this long after it came.
LOOK_PAUSE = 0.02


def _result(step: Step, outcome: Outcome, **details: object) -> StepResult:
    return StepResult(step.location, KIND, outcome, "\n".join(step.commands), **details)  # type: ignore[arg-type]


def _wait_for_output(ctx: StepContext, until: float) -> None:
    terminal = ctx.terminal
    assert terminal is not None
    while not terminal.output() and terminal.running and time.monotonic() < until:
        time.sleep(LOOK_PAUSE)


def start_terminal(step: Step, ctx: StepContext) -> StepResult:
    ctx.stop_terminal()
    command = "\n".join(step.commands)
    terminal = ctx.terminal = ctx.session.start_background(command)
    ctx.awaited = False
    settled = time.monotonic() + ctx.settings.terminal_settle
    listing = cmds.listing_command(command)
    if listing is None:
        _wait_for_output(ctx, settled)
    else:
        # The listing check is started so that it answers about when the settle time ends (as long before as the
        # last one took, at most half the settle time), not after it: the same question at nearly the same moment.
        _wait_for_output(ctx, settled - min(ctx.listing_seconds, ctx.settings.terminal_settle / 2))
    if not terminal.output() and terminal.running and listing is not None:
        objects = ctx.session.run(listing, LISTING_TIMEOUT)
        ctx.listing_seconds = objects.seconds
        _wait_for_output(ctx, settled)  # what is left of the settle time, if the check answered before it ended
        if objects.exit_code == 0 and objects.output.strip():
            _wait_for_output(ctx, time.monotonic() + min(ctx.timeout(step), LISTING_TIMEOUT))
            if not terminal.output() and terminal.running:
                ctx.stop_terminal()
                return _result(step, Outcome.failed(Failure.TIMEOUT, f"the background watch printed no listing within "
                                                                     f"{LISTING_TIMEOUT:.0f}s, although there are "
                                                                     "objects to list"))
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
    satisfied = settled = False
    seen, changed_at = "", time.monotonic()
    while time.monotonic() - started < timeout:
        output = terminal.output()
        if watch_progress(documented, output, ctx.namespace, ctx.storage_class, concurrent).satisfied:
            satisfied = True
            break
        if not terminal.running:
            break
        if output != seen:
            seen, changed_at = output, time.monotonic()
        elif ctx.awaited and time.monotonic() - changed_at >= ctx.settings.watch_quiet:
            settled = True  # the page waited for this state, and nothing new came since
            break
        time.sleep(LOOK_PAUSE)
    output = ctx.stop_terminal()
    compared = match(documented, output, "watch", ctx.namespace, ctx.storage_class, concurrent)
    seconds = time.monotonic() - started
    if compared.ok:
        return _result(step, Outcome.passed(Checked.WATCH), output=output, seconds=seconds, notes=notes)
    if settled:
        why = (f"the documented rows were not seen, and the watch printed nothing new for "
               f"{ctx.settings.watch_quiet:.0f}s after the page's wait")
    elif not satisfied and seconds < timeout:
        why = "the watch ended"
    else:
        why = f"not all documented rows were seen within {timeout:.0f}s"
    where = step.output.location if step.output else step.location
    return _result(step, Outcome.failed(Failure.OUTPUT, f"{why} (documented at {where})"), output=output,
                   diff=compared.diff, seconds=seconds)
