"""What happened to one step, as data: made where the decision is made, read unchanged by every consumer.

The live tier's runner decides, for each step, whether it passed, failed or was skipped, what was
checked, why it was skipped or how it failed; the report, the JUnit file, the records, the console
and the site read that decision from an `Outcome`, never from the words of its `message` (which is
for people). `verdict` is the one rule for calling a page verified, for a live run and for a record.

Adding a reason to skip is one member of `Skip` (and its words in the site's strings,
languages/strings/*.yaml, where the site shows it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from verify.model import Location
from verify.results import FAILED, PASSED, SKIPPED, Status


class Checked(StrEnum):
    """What a passed step checked."""

    OUTPUT = "output"  # its documented output was compared
    WATCH = "watch"  # a background terminal's stream was compared with the documented rows
    CLAIM = "claim"  # a claim of the prose was checked from the cluster's events
    EXIT = "exit"  # no documented output: it ended with the expected status
    NOT_COMPARED = "not-compared"  # its documented output is marked not to be compared
    NONE = "none"  # `exit=any` and no documented output: nothing was checked
    BACKGROUND = "background"  # a watch started in the background (its rows are compared later)


#: Checks after which a step counts as "ran and matched"; the others only ran.
MATCHED = frozenset({Checked.OUTPUT, Checked.WATCH, Checked.CLAIM})


class Skip(StrEnum):
    """Why a step did not run."""

    NEEDS = "needs"  # the cluster lacks what the step or the page needs (`needs` says what)
    DIRECTIVE = "directive"  # the page says not to run it (`<!-- verify: skip reason=… -->`, Sybil's skip)
    AFTER_FAILURE = "after-failure"  # an earlier step of the page failed (`after` says which)
    INTERRUPTED = "interrupted"  # Ctrl-C or SIGTERM stopped the run
    NOT_REACHED = "not-reached"  # the run ended before it (the API server stopped answering, a crash)
    IMAGE = "image"  # the target's image differs where the documented output shows it, or cannot be had
    POD_SECURITY = "pod-security"  # its Pods need more than baseline and no --allow-pod-security named the page
    NO_COMMANDS = "no-commands"  # the page has nothing to run


class Failure(StrEnum):
    """How a step failed."""

    OUTPUT = "output"  # its output (or watch rows) differ from the documented ones
    TIMEOUT = "timeout"
    EXIT = "exit"  # it ended with another status than the page expects
    CLAIM = "claim"  # the cluster's events contradict the claim
    REFUSED = "refused"  # it uses a kubectl option that pages may not use
    UNSUPPORTED = "unsupported"  # the page asks for something the live tier cannot do (interactive=pty)
    CLUSTER_GONE = "cluster-gone"  # the API server stopped answering during the step


@dataclass(frozen=True)
class Outcome:
    """One step's outcome. Exactly one of `check`, `skip`, `failure` is set, as the status says."""

    status: Status
    check: Checked | None = None
    skip: Skip | None = None
    failure: Failure | None = None
    needs: tuple[str, ...] = ()  # skip == NEEDS: what the target lacked, sorted
    after: Location | None = None  # skip == AFTER_FAILURE: the step that failed
    message: str = ""  # for people: the console, the report's "message", a record's reason

    @classmethod
    def passed(cls, check: Checked, message: str = "") -> Outcome:
        return cls(PASSED, check=check, message=message)

    @classmethod
    def skipped(cls, skip: Skip, message: str, needs: Iterable[str] = (), after: Location | None = None) -> Outcome:
        return cls(SKIPPED, skip=skip, needs=tuple(sorted(set(needs))), after=after, message=message)

    @classmethod
    def failed(cls, failure: Failure, message: str) -> Outcome:
        return cls(FAILED, failure=failure, message=message)

    @property
    def matched(self) -> bool:
        return self.status == PASSED and self.check in MATCHED


class Verdict(StrEnum):
    """What a page's run says about the page as a whole."""

    VERIFIED = "verified"  # a full cluster ran every step it could, none left out for a need it lacked
    PARTIAL = "partial"  # a full cluster, but some steps were left out for needs it lacked, or never reached
    CONTROL_PLANE = "control-plane"  # ran on the control plane: never "verified"
    FAILED = "failed"


#: Skips that leave a page short of verified (a step the page meant to run did not, or its documented output
#: could not be compared because the target's image differs).
INCOMPLETE = frozenset({Skip.NEEDS, Skip.NOT_REACHED, Skip.INTERRUPTED, Skip.IMAGE, Skip.POD_SECURITY})


def verdict(control_plane: bool, passed: bool, skips: Iterable[Skip | None]) -> Verdict:
    """The one rule, for a live run's page and for a record: `passed` is the page's outcome (no failed step,
    its cleanup complete), `skips` the reason of each skipped step."""
    if not passed:
        return Verdict.FAILED
    if control_plane:
        return Verdict.CONTROL_PLANE
    if any(skip in INCOMPLETE for skip in skips):
        return Verdict.PARTIAL
    return Verdict.VERIFIED
