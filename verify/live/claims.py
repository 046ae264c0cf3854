"""Claims in a live run: the page's event recorder, the windows, and one verdict per claim step.

The runner starts a `ClaimSession` right after it creates the page's namespace (when the page has a
claim, or when `--record-events` asks for recordings), marks the API server's resourceVersion each
time a first-terminal watch starts, and hands each claim step to `check`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.claims import CHECKERS, manifests
from verify.claims.checks import Observation
from verify.claims.recorder import Recorder
from verify.model import Page, Step, StepKind, display_path

DEFAULT_TIMEOUT = 120.0  # how long a claim waits for the events it needs (the page waited before it already)


@dataclass
class ClaimResult:
    ok: bool
    message: str
    diff: str = ""
    output: str = ""
    notes: list[str] = field(default_factory=list)


def wants_claims(page: Page) -> bool:
    return any(step.kind is StepKind.CLAIM for step in page.steps)


class ClaimSession:
    def __init__(self, page: Page, api_client: Any, namespace: str, step_timeout: float) -> None:
        self.page = page
        self.timeout = min(DEFAULT_TIMEOUT, step_timeout)
        self.manifests = manifests(page)
        self.recorder: Recorder | None = None
        self.error: str | None = None
        self.since = 0
        try:
            self.recorder = Recorder(api_client, namespace)
            self.recorder.start()
            self.since = self.recorder.mark("page start")
        except Exception as error:  # noqa: BLE001 - RecorderError or an API error: each claim then fails, saying why
            self.error = f"{type(error).__name__}: {' '.join(str(error).split())[:200]}"
            self.recorder = None

    def watch_started(self, step: Step) -> None:
        """The reader's first-terminal watch started: later claims look at what happens from here."""
        if self.recorder is not None:
            self.since = self.recorder.mark(str(step.location))

    def check(self, step: Step) -> ClaimResult:
        claim = step.claim
        assert claim is not None
        if self.recorder is None:
            return ClaimResult(False, f"no events were recorded for the claim ({self.error})")
        checker = CHECKERS[claim.name]
        args = dict(claim.arguments)
        started = time.monotonic()
        try:
            evidence, ready = self.recorder.wait(list(checker.kinds), lambda e: checker.ready(e, args), self.since,
                                                 claim.timeout or self.timeout, self.manifests)
        except Exception as error:  # noqa: BLE001 - the API server did not answer the recorder's list: say so
            return ClaimResult(False, f"could not read the cluster for the claim: {type(error).__name__}: "
                                  f"{' '.join(str(error).split())[:200]}")
        observation = checker.check(evidence, args)
        self.recorder.claims.append({"step": str(step.location), "claim": str(claim), "since": self.since,
                                     "until": evidence.last_rv(), "status": "passed" if observation.ok else "failed"})
        observed = checker.observed(evidence, args)
        waited = time.monotonic() - started
        if observation.ok:
            return ClaimResult(True, "", output="\n".join(observed),
                               notes=[*observation.facts, f"waited {waited:.1f}s for the events"])
        return ClaimResult(False, report_message(observation, not ready, claim.timeout or self.timeout),
                       diff=report_diff(step, observation, observed, self.since, self.recorder.gaps),
                       output="\n".join(observed))

    def finish(self, record_dir: Path | None) -> None:
        if self.recorder is None:
            return
        self.recorder.stop()
        if record_dir is not None:
            self.recorder.dump(Path(record_dir) / f"{Path(self.page.path).stem}.jsonl", display_path(self.page.path))


def report_message(observation: Observation, timed_out: bool, timeout: float) -> str:
    first = observation.problems[0]
    more = f" (+{len(observation.problems) - 1} more)" if len(observation.problems) > 1 else ""
    wait = f"; waited {timeout:.0f}s for the events" if timed_out else ""
    return f"claim not borne out by the cluster: {first}{more}{wait}"


def report_diff(step: Step, observation: Observation, observed: list[str], since: int, gaps: list[str]) -> str:
    """The sentence, the expected order and the observed event sequence: what a failed claim prints."""
    claim = step.claim
    assert claim is not None
    lines = [f"the page says ({step.location}): {claim.sentence or '(no sentence)'}",
             f"{claim} expects, in this order:"]
    lines += [f"  {i}. {item}" for i, item in enumerate(observation.expected, 1)]
    lines.append("what the events show:")
    lines += [f"  ✗ {problem}" for problem in observation.problems]
    lines += [f"    {fact}" for fact in observation.facts]
    lines.append(f"observed events since the reader's watch began (resourceVersion > {since}), in the order the API "
                 "server committed them:")
    lines += [f"  {line}" for line in observed] or ["  (none)"]
    if gaps:
        lines.append("note: the recorder's watch restarted, events may be missing: " + "; ".join(gaps))
    return "\n".join(lines)
