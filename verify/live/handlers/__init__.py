"""One small unit per kind of step, each turning a step into a `StepResult` with its typed outcome.

`verify.live.runner.PageRunner` sequences a page's steps and applies the rules that span steps (a
failed step stops the page, a missing need skips a step); what running one step means is here:

- `command`: a command block (or hidden step), its output compared, read-only commands retried;
- `terminal`: a watch started in the background, and the same watch shown with its rows;
- `claim`: a sentence of the prose checked from the cluster's events;
- `interactive`: `kubectl run -it … -- sh` and the commands typed into it.

Adding a kind of step is one module here, its `StepContext` needs, and one branch in
`PageRunner._handle`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from verify.model import Step

if TYPE_CHECKING:
    from verify.live.claims import ClaimSession
    from verify.live.runner import Settings
    from verify.live.shell import Background, ShellSession


@dataclass
class StepContext:
    """What a step's handler may use: the page's shell and claims, where the page runs, the run's settings."""

    settings: Settings
    session: ShellSession
    namespace: str
    storage_class: str | None  # the default StorageClass's name, once known (outputs name it)
    claims: ClaimSession | None
    server_gone: Callable[[], bool]  # whether the API server stopped answering (asked before a retry)
    # whether the API server still answers, asked while a long command runs (two misses in a row say no)
    server_answers: Callable[[], bool] | None = None
    terminal: Background | None = None  # the background watch ("first terminal") while one runs
    awaited: bool = False  # a hidden wait passed since the watch started: the page reached the state it shows
    listing_seconds: float = 0.25  # how long the last listing check of a background watch took (what to start it ahead)

    def timeout(self, step: Step) -> float:
        """The step's own timeout (or the default), never above the ceiling."""
        return min(float(step.directive.timeout or self.settings.step_timeout), self.settings.limits.timeout_ceiling)

    def stop_terminal(self) -> str:
        """Stop the background watch, if one runs; what it printed."""
        output = self.terminal.stop() if self.terminal is not None else ""
        self.terminal = None
        return output
