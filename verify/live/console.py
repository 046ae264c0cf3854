"""The live run on the console: a reporter that reads each step's result and outcome and prints a line for it.

Every line goes through `verify.console.say` (control characters shown as escapes). With ``--quiet``,
only page lines, failed steps and failed cleanups are printed; which ones they are is read from the
outcome, not from the text.
"""

from __future__ import annotations

from collections.abc import Callable

from verify.console import say
from verify.live.results import StepResult
from verify.results import FAILED, PASSED

LABELS = {PASSED: "ok", FAILED: "FAILED"}


def _short(command: str, width: int = 90) -> str:
    line = " ".join(command.split())
    return line if len(line) <= width else line[: width - 1] + "…"


class ConsoleReporter:
    """Prints the run as it goes. `write` receives each line (default: the console)."""

    def __init__(self, quiet: bool = False, write: Callable[[str], None] | None = None) -> None:
        self.quiet = quiet
        self.write = write or say

    def page(self, line: str) -> None:
        """A line about a page as a whole (it starts, it was skipped, it could not be read): always printed."""
        self.write(line)

    def step(self, result: StepResult) -> None:
        if self.quiet and result.status != FAILED:
            return
        label = LABELS.get(result.status, "skipped")
        line = f"  {label:<8} {result.location}  {_short(result.command)}"
        if result.status != PASSED and result.message:
            line += f"\n           {result.message}"
        if result.status == FAILED and result.diff:
            line += "\n" + "\n".join("           " + x for x in result.diff.splitlines())
        self.write(line)

    def cleanup(self, failed: bool, note: str) -> None:
        if failed:
            self.write(f"  FAILED   {note}")
        elif not self.quiet:
            self.write(f"  cleanup  {note}")

    def __call__(self, line: str) -> None:
        """Any other line of the run (the capability probe, records): printed unless quiet."""
        if not self.quiet:
            self.write(line)
