"""A command block (or a hidden step): run each of its commands, compare the documented output, check the exit.

Read-only commands whose output does not match yet are retried within `--retry-budget`, and only while
another whole try ends before the step's deadline, so the last try is never cut off; commands that
change the cluster run once.
"""

from __future__ import annotations

import time
from typing import Any

from verify.live import commands as cmds
from verify.live.handlers import StepContext
from verify.live.matching import match
from verify.live.results import StepResult
from verify.live.shell import CommandResult, cut_note
from verify.model import Step
from verify.outcomes import Checked, Failure, Outcome
from verify.records import step_kind


def short(command: str, width: int = 90) -> str:
    line = " ".join(command.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def unexpected_exit(results: list[CommandResult], expected: str | None) -> str | None:
    """Why the exit statuses are wrong, or None: every command ends with 0, except that the last one
    ends with `expected` when the page says so (`<!-- verify: exit=1 -->`, `exit=any`)."""
    for index, result in enumerate(results):
        last = index == len(results) - 1
        wanted = (expected or "0") if last else "0"
        if wanted == "any" or str(result.exit_code) == wanted:
            continue
        return f"exit status {result.exit_code} (expected {wanted}): {short(result.command, 60)}"
    return None


def forbidden(output: str) -> str:
    """Why the API server said "forbidden", for the reader of the failure (RBAC decided; this only explains)."""
    if "forbidden" not in output.lower():
        return ""
    return ("; the page acts as its own ServiceAccount, with every right in its own namespace and only what its front "
            "matter declares under `access:` beyond it (docs/conventions.md)")


def cut_notes(results: list[CommandResult], cap: int) -> list[str]:
    dropped = sum(r.dropped for r in results)
    return [cut_note(dropped, cap)] if dropped else []


def _run_commands(step: Step, ctx: StepContext, deadline: float) -> tuple[list[CommandResult], str]:
    results, output = [], ""
    for command in step.commands:
        result = ctx.session.run(command, max(0.1, deadline - time.monotonic()), ctx.server_answers)
        results.append(result)
        output += result.output
        if result.timed_out:
            break
    return results, output


def _passed_check(step: Step, compared: bool) -> Checked:
    if compared:
        return Checked.OUTPUT
    if step.output is not None:
        return Checked.NOT_COMPARED
    return Checked.NONE if step.directive.exit_status == "any" else Checked.EXIT


def run_command(step: Step, ctx: StepContext) -> StepResult:
    started = time.monotonic()
    timeout = ctx.timeout(step)
    deadline = started + timeout
    documented = step.output
    unchecked = None
    if documented is not None and documented.directive.skip_reason is not None:
        # The command runs; its documented output is an example the page says not to compare.
        unchecked, documented = f"output not compared: {documented.directive.skip_reason}", None
    # A read-only command is tried again until its output matches or it ends as expected (a NodePort that answers
    # once kube-proxy has its rules): trying again changes nothing.
    retry = all(cmds.is_read_only(c) for c in step.commands)
    retry_until = started + min(ctx.settings.retry_budget, timeout)
    kind = step_kind(step)
    attempts = 0
    complete: tuple[str, Any, str | None] | None = None  # the last try that ran to its end
    while True:
        attempts += 1
        tried = time.monotonic()
        results, output = _run_commands(step, ctx, deadline)
        took = time.monotonic() - tried
        timed_out = any(r.timed_out for r in results)
        bad_exit = None if timed_out else unexpected_exit(results, step.directive.exit_status)
        compared = match(documented.text, output, documented.mode, ctx.namespace,
                         ctx.storage_class) if documented else None
        cut = cut_notes(results, ctx.settings.limits.output)
        if not timed_out and (compared is None or compared.ok) and bad_exit is None:
            notes = [f"tolerated {t.kind}: {t.documented} ≈ {t.actual}" for t in (compared.tolerated if compared else [])]
            notes = ([unchecked] if unchecked else []) + notes + cut
            return StepResult(step.location, kind, Outcome.passed(_passed_check(step, compared is not None)),
                              command="\n".join(step.commands), output=output, seconds=time.monotonic() - started,
                              attempts=attempts, notes=notes[:20])
        if not timed_out:
            complete = (output, compared, bad_exit)
        now = time.monotonic()
        if retry and not timed_out and now + ctx.settings.retry_interval < retry_until \
                and now + ctx.settings.retry_interval + 2 * took + 1.0 < deadline and not ctx.server_gone():
            time.sleep(ctx.settings.retry_interval)
            continue
        last_complete = ""
        if timed_out and complete is not None:  # a later try was cut off: report the last complete one
            (output, compared, bad_exit), timed_out = complete, False
            last_complete = " (a later try was cut off by the step's deadline; this is the last complete output)"
        if timed_out:
            failure, message = Failure.TIMEOUT, f"timed out after {timeout:.0f}s: {short(results[-1].command, 60)}"
        elif documented is not None and compared is not None and not compared.ok:
            failure = Failure.OUTPUT
            message = f"output differs from the documented output at {documented.location}"
            message += f" ({bad_exit})" if bad_exit is not None else ""
        else:
            failure, message = Failure.EXIT, bad_exit or "failed"
        if attempts > 1:
            message += f" (after {attempts} attempts)"
        message += last_complete + forbidden(output)
        return StepResult(step.location, kind, Outcome.failed(failure, message), command="\n".join(step.commands),
                          output=output,
                          diff=compared.diff if compared is not None and not compared.ok else "",
                          seconds=time.monotonic() - started, attempts=attempts, notes=cut)
