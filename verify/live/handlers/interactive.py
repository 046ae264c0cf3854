"""`kubectl run -it … -- sh` and the commands a reader types into it (`<!-- verify: in-container -->` blocks).

The live tier has no reader at a keyboard: the interactive command is rewritten to run the blocks
typed into it with `sh -c`, each after a marker line, and the output is cut at the markers, so each
block's output is compared with what the page documents for it.
"""

from __future__ import annotations

import time

from verify.live import commands as cmds
from verify.live.handlers import StepContext
from verify.live.handlers.command import short
from verify.live.matching import match
from verify.live.results import StepResult
from verify.model import Step
from verify.outcomes import Checked, Failure, Outcome, Skip
from verify.records import step_kind

MEMBER = "in-container"
#: What `kubectl run -i` itself prints when it attaches (on stderr, so anywhere among the container's output):
#: the interactive command's output on the page, never a typed block's.
ATTACH_LINES = ("All commands and output from this session will be recorded in container logs, including credentials "
                "and sensitive information passed through the command prompt.",
                "If you don't see a command prompt, try pressing enter.")


def _without_attach_lines(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if line.strip() not in ATTACH_LINES)


def _skip_all(group: list[Step], failed: Step) -> list[StepResult]:
    return [StepResult(m.location, MEMBER, Outcome.skipped(Skip.AFTER_FAILURE, f"after failure at {failed.location}",
                                                           after=failed.location), "\n".join(m.commands))
            for m in group]


def run_interactive(step: Step, group: list[Step], ctx: StepContext) -> list[StepResult]:
    """The interactive step's result, then one per block typed into it (`group`), in order."""
    kind = step_kind(step)
    if step.directive.interactive != "rewrite":
        message = f"interactive={step.directive.interactive} is not supported by the live tier; use interactive=rewrite"
        return [StepResult(step.location, kind, Outcome.failed(Failure.UNSUPPORTED, message), "\n".join(step.commands)),
                *_skip_all(group, step)]
    command = cmds.rewrite_interactive(step.commands[0], cmds.container_script([tuple(s.commands) for s in group]))
    note = f"interactive command rewritten to: {command}"
    started = time.monotonic()
    ran = ctx.session.run(command, ctx.timeout(step), ctx.server_answers)
    seconds = time.monotonic() - started
    if ran.timed_out or ran.exit_code != 0:
        failure = Failure.TIMEOUT if ran.timed_out else Failure.EXIT
        message = f"{'timed out' if ran.timed_out else f'exit status {ran.exit_code}'}: {short(command, 60)}"
        return [StepResult(step.location, kind, Outcome.failed(failure, message), command=command, output=ran.output,
                           seconds=seconds, notes=[note]), *_skip_all(group, step)]
    results = [StepResult(step.location, kind, Outcome.passed(Checked.EXIT), command=command, output=ran.output,
                          seconds=seconds, notes=[note])]
    failed: Step | None = None
    for member, text in zip(group, cmds.split_container_output(_without_attach_lines(ran.output), len(group)),
                            strict=True):
        if failed is not None:
            results += _skip_all([member], failed)
            continue
        documented = member.output
        if documented is not None and documented.directive.skip_reason is not None:
            # The block runs; its documented output is an example the page says not to compare (as for a command).
            results.append(StepResult(member.location, MEMBER, Outcome.passed(Checked.NOT_COMPARED),
                                      "\n".join(member.commands), output=text,
                                      notes=[note, f"output not compared: {documented.directive.skip_reason}"]))
            continue
        compared = match(documented.text, text, documented.mode, ctx.namespace, ctx.storage_class) if documented else None
        if compared is None or compared.ok:
            check = Checked.OUTPUT if compared is not None else Checked.EXIT
            results.append(StepResult(member.location, MEMBER, Outcome.passed(check), "\n".join(member.commands),
                                      output=text, notes=[note]))
        else:
            failed = member
            message = f"output differs from the documented output at {documented.location if documented else ''}"
            results.append(StepResult(member.location, MEMBER, Outcome.failed(Failure.OUTPUT, message),
                                      "\n".join(member.commands), output=text, diff=compared.diff))
    return results
