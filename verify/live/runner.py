"""Running pages against a cluster: the sequence of a page's steps, and the rules that span steps.

For each page: probe what it needs; make its environment (`verify.live.environment`: namespace,
identity, network, cgroup, workspace, shell); run its steps in order, each by its handler
(`verify.live.handlers`), which returns a result with a typed `verify.outcomes.Outcome`. The rules
between steps are here: a step the page or the cluster rules out is skipped with the reason; a
failed step stops the page (the rest is skipped "after failure") and collects events and pod logs;
a step that fails because the API server stopped answering ends the run. The environment is always
taken down, and what it could not remove or restore fails the page. Results go to a
`verify.live.console.ConsoleReporter` as they come.
"""

from __future__ import annotations

import datetime as _dt
import os
import secrets
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.access import Grant
from verify.confinement.limits import Limits
from verify.confinement.sandbox import Sandbox
from verify.live import commands as cmds
from verify.live.cluster import ConnectedCluster, answers
from verify.live.console import ConsoleReporter
from verify.live.environment import PageEnvironment, page_files
from verify.live.handlers import StepContext
from verify.live.handlers.claim import check_claim
from verify.live.handlers.command import run_command
from verify.live.handlers.interactive import run_interactive
from verify.live.handlers.terminal import show_terminal, start_terminal
from verify.live.images import TargetImages
from verify.live.probe import Prober
from verify.live.redact import Redactor
from verify.live.results import PageEnd, PageResult, StepResult
from verify.model import LIVE_KINDS, Page, PageError, Step, display_path
from verify.outcomes import Failure, Outcome, Skip
from verify.parsers import load_page
from verify.records import step_kind
from verify.results import FAILED, PASSED
from verify.shellcode.credentials import refused_flags


class ClusterGone(Exception):
    """The API server stopped answering mid-page; the message is the one line the run reports."""


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; unwinds to the cleanup of the page being run."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@dataclass
class Settings:
    root: Path
    kubectl: Path
    sandbox: Sandbox
    step_timeout: float = 600.0
    watch_timeout: float = 300.0
    retry_interval: float = 2.0
    retry_budget: float = 120.0  # how long a read-only step may keep trying to match
    terminal_settle: float = 1.0
    watch_quiet: float = 5.0  # after the page's wait, how long a shown watch may print nothing new before it fails
    cleanup_timeout: float = 300.0
    keep_workdir: bool = False
    secret_env: list[str] = field(default_factory=list)
    pass_env: list[str] = field(default_factory=list)  # host variables a page's commands get (by name)
    record_events: Path | None = None  # write each page's recorded events here (`--record-events`)
    limits: Limits = field(default_factory=Limits)
    allow_pod_security: frozenset[Path] = frozenset()  # pages (resolved) whose namespace may enforce less than baseline
    images: TargetImages | None = None  # the real-node target's images (None: not known, nothing is skipped for them)
    page_network: str = "isolated"  # "lab": with a seat in the real-node lab; "host": the machine's network, on purpose
    #: With pages side by side (`-j`): the rules by which the pages beside this one may write outside their
    #: namespaces; its cleanup takes no note of changes there (a serial run would not have seen them).
    beside: tuple[Grant, ...] = ()


def step_needs(step: Step) -> set[str]:
    needs = set(step.directive.requires)
    if not step.directive.in_container:  # an in-container command connects from the pod, not from here
        for command in step.commands:
            needs |= cmds.implicit_needs(command)
    if step.directive.interactive or step.directive.in_container:
        needs.add("exec")
    if step.directive.on_node:
        needs.add("node-shell")
    return needs


def page_needs(page: Page) -> set[str]:
    """Everything the page's front matter and its steps ask of the cluster: what is probed before it runs."""
    needs = set(page.front_matter.requires)
    for step in page.steps:
        if step.kind in LIVE_KINDS:
            needs |= step_needs(step)
    return needs


def page_gating_needs(page: Page) -> set[str]:
    """Front-matter needs that gate the whole page.

    A need that some step also declares (``<!-- verify: requires=exec -->``) is read as a summary of
    those steps and gates only them; the others gate every step of the page.
    """
    declared = set()
    for step in page.steps:
        if step.kind in LIVE_KINDS:
            declared |= step_needs(step)
    return set(page.front_matter.requires) - declared


def _refused(step: Step) -> str | None:
    """Why the step is not run at all: it would load other credentials or programs into kubectl."""
    for command in step.commands:
        why = refused_flags(command)
        if why:
            return f"refused: {why}"
    return None


class PageRunner:
    def __init__(self, page: Page, settings: Settings, target: ConnectedCluster, prober: Prober, api_client: Any,
                 run_id: str, reporter: ConsoleReporter) -> None:
        self.page = page
        self.settings = settings
        self.target = target
        self.prober = prober
        self.api_client = api_client
        self.run_id = run_id
        self.reporter = reporter
        self.redact = Redactor.for_page(page)
        self.redact.add(os.environ.get(name, "") for name in settings.secret_env)
        self.result = PageResult(page.path)
        self.environment: PageEnvironment | None = None
        self.context: StepContext | None = None
        self.failed_at: Step | None = None
        self.current: Step | None = None  # the step being run: "interrupted at PAGE:LINE"
        self.cluster_gone: str | None = None  # "API server stopped answering during PAGE:LINE; …"
        self.missed_heartbeats = 0  # answers the API server missed in a row while a command ran
        self.cleanup_note = ""  # what cleanup did, in words
        self._interactive_of: dict[int, Step] = {}  # line of an in-container block -> the interactive step it is typed into

    @property
    def pod_security(self) -> str:
        """The level the page's namespace enforces: baseline, or what its steps ask for when a maintainer named it."""
        if Path(self.page.path).resolve() not in self.settings.allow_pod_security:
            return "baseline"
        levels = {s.directive.pod_security for s in self.page.steps if s.directive.pod_security}
        return "privileged" if "privileged" in levels else "baseline"

    @property
    def namespace(self) -> str:
        return self.environment.namespace if self.environment else ""

    # --- the page -------------------------------------------------------------------------------
    def run(self) -> PageResult:
        started = time.monotonic()
        try:
            steps = [s for s in self.page.steps if s.kind in LIVE_KINDS]
            if not steps:
                self.result.end, self.result.skip_reason = PageEnd.NO_COMMANDS, "the page has no commands"
                self.reporter.page(f"page {display_path(self.page.path)}: no commands, nothing to run")
                return self.result
            capabilities = self.prober.probe(page_needs(self.page))
            self.result.capabilities = capabilities.as_json()
            gating = capabilities.missing(page_gating_needs(self.page))
            if gating:
                reason = f"page needs {', '.join(gating)}: {capabilities.explain(gating)}"
                self.result.end, self.result.skip_reason = PageEnd.NEEDS, reason
                self.reporter.page(f"page {display_path(self.page.path)}: skipped, {reason}")
                for step in steps:
                    self._add(step, Outcome.skipped(Skip.NEEDS, reason, needs=gating), quietly=True)
                return self.result
            self._run_in_environment(steps)
        finally:
            self.result.seconds = time.monotonic() - started
        return self.result

    def _run_in_environment(self, steps: list[Step]) -> None:
        environment = self.environment = PageEnvironment(self.page, self.settings, self.target, self.api_client,
                                                         self.run_id, pod_security=self.pod_security)
        self.result.namespace = environment.namespace
        if self.settings.images is not None:
            self.result.images = self.settings.images.used_by(self.page)
        self.reporter.page(f"page {display_path(self.page.path)} (namespace {environment.namespace}, target "
                           f"{self.target.kind} {self.target.context})")
        interrupted: Interrupted | None = None
        try:
            session = environment.open()
            assert environment.identity is not None
            self.redact.add([environment.identity.token])
            self.result.identity = {"user": environment.identity.user,
                                    "granted": [g.as_json() for g in self.page.front_matter.access]}
            self.result.confinement = dict(environment.confinement)
            self.context = StepContext(self.settings, session, environment.namespace,
                                       self.prober.default_storage_class, environment.claims,
                                       lambda: self._server_gone(self.current), self._server_answers)
            self._run_steps(steps)
        except Interrupted as signal_:
            interrupted = signal_
            self.mark_interrupted(signal_)
        except Exception:
            if not self._server_gone(self.current):
                raise
        finally:
            self._finish(environment)
        if interrupted is not None:
            raise interrupted
        if self.cluster_gone:
            self.result.end = PageEnd.CLUSTER_GONE
            for step in self._not_run(steps):
                self._add(step, Outcome.skipped(Skip.NOT_REACHED, "not run: the API server stopped answering"),
                          quietly=True)
            raise ClusterGone(self.cluster_gone)

    def mark_interrupted(self, signal_: Interrupted) -> None:
        """The page was stopped by a signal: it says so, and each step without a result is skipped for it.

        Called wherever the signal landed: between steps, or before the namespace existed (probing).
        """
        self.result.end = PageEnd.INTERRUPTED
        for step in self._not_run([s for s in self.page.steps if s.kind in LIVE_KINDS]):
            self._add(step, Outcome.skipped(Skip.INTERRUPTED, f"interrupted by {signal_}"), quietly=True)

    def _not_run(self, steps: list[Step]) -> list[Step]:
        """The steps that have no result yet."""
        done = {s.location for s in self.result.steps}
        return [step for step in steps if step.location not in done]

    def _server_answers(self) -> bool:
        """Asked while a command runs: False once the API server missed two answers in a row (one slow answer on a
        loaded machine is not a server gone); the command is then stopped and its failure is the server's."""
        if self.cluster_gone:
            return False
        if answers(self.api_client):
            self.missed_heartbeats = 0
            return True
        self.missed_heartbeats += 1
        return self.missed_heartbeats < 2

    def _server_gone(self, step: Step | None) -> bool:
        """Whether the API server stopped answering (asked once; remembered with where it happened)."""
        if self.cluster_gone:
            return True
        if answers(self.api_client):
            return False
        where = str(step.location) if step is not None else display_path(self.page.path)
        self.cluster_gone = f"API server stopped answering during {where}; namespace {self.namespace} may remain"
        return True

    def _finish(self, environment: PageEnvironment) -> None:
        """Stop every process of the page, take back its grants, delete what it created, check it is gone;
        shielded from signals."""
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        deferred: list[int] = []
        for sig in previous:
            signal.signal(sig, lambda signum, _frame: deferred.append(signum))
        removing: threading.Thread | None = None
        try:
            leftovers = environment.stop_processes()
            # Nothing of the page runs any more: its files go while the cluster is cleaned up.
            removing = threading.Thread(target=environment.remove_workspace, name="remove-workspace", daemon=True)
            removing.start()
            if self._server_gone(self.current):  # nothing to ask a server that does not answer: say so, once
                self.result.leftovers = [*leftovers, f"namespace {self.namespace} may remain (the API server stopped "
                                                      "answering)"]
                self.cleanup_note = f"nothing: the API server stopped answering; namespace {self.namespace} may remain"
            else:
                try:
                    leftovers += environment.clean_cluster()
                except Exception as error:  # noqa: BLE001 - reported, never hidden
                    leftovers.append(f"cleanup failed: {' '.join(str(error).split())[:200]}")
                self.result.leftovers = leftovers
                self.result.cleanup_notes = environment.cleanup.notes if environment.cleanup else []
                self.cleanup_note = (f"cleanup left: {', '.join(leftovers)}" if leftovers
                                     else f"namespace {self.namespace} and everything the page created are gone")
                self.reporter.cleanup(bool(leftovers), self.cleanup_note)
        finally:
            if removing is not None:
                removing.join()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if deferred and not self.result.interrupted:
            raise Interrupted(deferred[0])

    # --- steps ----------------------------------------------------------------------------------
    def _add(self, step: Step, outcome: Outcome, quietly: bool = False) -> StepResult:
        """A step's result made here (a skip, a refusal), redacted and reported like a handler's."""
        return self._record(StepResult(step.location, step_kind(step), outcome, command="\n".join(step.commands)),
                            quietly)

    def _record(self, result: StepResult, quietly: bool = False) -> StepResult:
        """Redact a result, keep it, report it; a failure stops the page (or the run, if the server went away)."""
        outcome = result.outcome
        if outcome.status == FAILED and self._server_gone(self.current):  # not the page's failure: the run ends here
            outcome = Outcome.failed(Failure.CLUSTER_GONE, "the API server stopped answering")
            quietly = True
        result.outcome = Outcome(outcome.status, outcome.check, outcome.skip, outcome.failure, outcome.needs,
                                 outcome.after, self.redact(outcome.message))
        result.command, result.output, result.diff = (self.redact(result.command), self.redact(result.output),
                                                      self.redact(result.diff))
        self.result.steps.append(result)
        if not quietly:
            self.reporter.step(result)
        if outcome.status == FAILED:
            self.failed_at = next((s for s in self.page.steps if s.location == result.location), self.current)
            if outcome.failure is Failure.CLUSTER_GONE:
                raise ClusterGone(self.cluster_gone)
            self._diagnose()
        return result

    def _ruled_out(self, step: Step) -> Outcome | None:
        """Why the step is not run (the page, the cluster, the Pod Security level, the target's images), or None."""
        if step.directive.skip_reason is not None:
            return Outcome.skipped(Skip.DIRECTIVE, step.directive.skip_reason)
        capabilities = self.prober.capabilities
        missing = capabilities.missing(step_needs(step))
        if missing:
            return Outcome.skipped(Skip.NEEDS, capabilities.explain(missing), needs=missing)
        if step.directive.pod_security and self.pod_security == "baseline":
            return Outcome.skipped(Skip.POD_SECURITY, (
                f"its Pods need Pod Security {step.directive.pod_security} ({step.directive.pod_security_reason}); "
                f"the page's namespace enforces baseline unless --allow-pod-security "
                f"{display_path(self.page.path)} names the page"))
        if step.directive.in_container:
            return Outcome.failed(Failure.UNSUPPORTED, "an in-container block needs an interactive command "
                                                       "(<!-- verify: interactive=rewrite -->) before it")
        refused = _refused(step)
        if refused:
            return Outcome.failed(Failure.REFUSED, refused)
        images = self.settings.images
        unavailable = images.unavailable_in(step, page_files(self.page)) if images is not None else None
        if unavailable:
            return Outcome.skipped(Skip.IMAGE, unavailable)
        return None

    def _left_out(self, member: Step) -> Outcome | None:
        """Why a block typed into an interactive container is not run with the others: the page says so, or the
        target's image of that container differs where the block's output shows it."""
        if member.directive.skip_reason is not None:
            return Outcome.skipped(Skip.DIRECTIVE, member.directive.skip_reason)
        interactive = self._interactive_of.get(member.location.line)
        images = self.settings.images
        if interactive is None or images is None:
            return None
        why = images.in_container_skips(interactive, [member]).get(member.location.line)
        return Outcome.skipped(Skip.IMAGE, why) if why else None

    def _run_steps(self, steps: list[Step]) -> None:
        index = 0
        while index < len(steps):
            step = steps[index]
            index += 1
            self.current = step
            if self.failed_at is not None:
                self._add(step, Outcome.skipped(Skip.AFTER_FAILURE, f"after failure at {self.failed_at.location}",
                                                after=self.failed_at.location), quietly=True)
                continue
            ruled_out = self._ruled_out(step)
            if ruled_out is not None:
                self._add(step, ruled_out)
                continue
            group: list[Step] = []
            if step.directive.interactive:
                while index < len(steps) and steps[index].directive.in_container:
                    group.append(steps[index])
                    self._interactive_of[steps[index].location.line] = step
                    index += 1
            results = self._handle(step, [m for m in group if self._left_out(m) is None])
            results += [StepResult(m.location, "in-container", outcome, "\n".join(m.commands))
                        for m in group if (outcome := self._left_out(m)) is not None]
            for result in sorted(results, key=lambda r: r.location.line):
                self._record(result)
                if result.status == PASSED and self.context is not None and self.context.terminal is not None \
                        and any(cmds.waits_for_state(c) for c in step.commands):
                    self.context.awaited = True

    def _handle(self, step: Step, group: list[Step]) -> list[StepResult]:
        """Run one step by its handler (with the blocks typed into it, for an interactive one)."""
        assert self.context is not None
        if step.kind.value == "claim":
            return [check_claim(step, self.context)]
        if step.directive.interactive:
            return run_interactive(step, group, self.context)
        if step.directive.terminal and step.directive.terminal_show:
            return [show_terminal(step, self.context)]
        if step.directive.terminal:
            return [start_terminal(step, self.context)]
        return [run_command(step, self.context)]

    def _diagnose(self) -> None:
        """Events and pod logs of the page's namespace, for the report."""
        if self.context is None:
            return
        session = self.context.session
        events = session.run("kubectl get events --sort-by=.lastTimestamp", 30)
        diagnostics: dict[str, Any] = {"events": self.redact(events.output)}
        if self.target.control_plane_only:
            # Logs come from a kubelet; the API server would dial the simulated node for them.
            diagnostics["pod_logs_skipped"] = "needs a container runtime: control-plane target"
        else:
            pods = session.run("kubectl get pods -o name", 30)
            logs: dict[str, str] = {}
            for name in pods.output.split()[:20]:
                if name.startswith("pod/"):
                    logs[name] = self.redact(session.run(f"kubectl logs {name} --all-containers --tail=50", 30).output)
            diagnostics["pod_logs"] = logs
        self.result.diagnostics = diagnostics


@dataclass
class LiveRun:
    pages: list[PageResult]
    interrupted: int | None = None
    seconds: float = 0.0
    started: str = ""
    interrupted_at: str | None = None  # PAGE:LINE of the step a signal stopped
    cleanup_note: str = ""  # what the interrupted page's cleanup did
    aborted: str | None = None  # "API server stopped answering during PAGE:LINE; namespace X may remain"


def _skipped_page(path: Path, end: PageEnd, reason: str) -> PageResult:
    return PageResult(path, end=end, skip_reason=reason)


def run_live(paths: list[Path], settings: Settings, target: ConnectedCluster, api_client: Any, prober: Prober,
             reporter: ConsoleReporter | Callable[[str], None]) -> LiveRun:
    """Run every page in turn; SIGINT/SIGTERM stop the run after the current page is cleaned up."""
    if not isinstance(reporter, ConsoleReporter):
        reporter = ConsoleReporter(write=reporter)
    run = LiveRun([], started=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"))
    run_id = secrets.token_hex(4)
    started = time.monotonic()

    def handler(signum: int, _frame: Any) -> None:
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for index, path in enumerate(paths):
            runner: PageRunner | None = None
            try:
                try:
                    page = load_page(path, settings.root)
                except PageError as error:
                    run.pages.append(PageResult(path, end=PageEnd.UNREADABLE, error=str(error)))
                    reporter.page(f"page {display_path(path)}: FAILED, {error}")
                    continue
                runner = PageRunner(page, settings, target, prober, api_client, run_id, reporter)
                run.pages.append(runner.run())
            except Interrupted as signal_:
                if runner is not None and not runner.result.interrupted:
                    runner.mark_interrupted(signal_)  # it landed outside the page's steps (e.g. while probing)
                run.pages.append(runner.result if runner is not None
                                 else _skipped_page(path, PageEnd.INTERRUPTED, f"interrupted by {signal_}"))
                run.interrupted = signal_.signum
                run.interrupted_at = (str(runner.current.location) if runner is not None and runner.current is not None
                                      else display_path(path))
                run.cleanup_note = runner.cleanup_note if runner is not None else ""
                run.pages += [_skipped_page(rest, PageEnd.NOT_STARTED, f"interrupted by {signal_}")
                              for rest in paths[index + 1:]]
                break
            except ClusterGone as gone:
                run.pages.append(runner.result if runner is not None else PageResult(path, end=PageEnd.CLUSTER_GONE))
                run.aborted = str(gone)
                run.pages += [_skipped_page(rest, PageEnd.NOT_STARTED, "not run: the API server stopped answering")
                              for rest in paths[index + 1:]]
                break
            except Exception as error:  # noqa: BLE001 - one page's crash (after its cleanup) must not end the run
                message = f"verifier error: {type(error).__name__}: {' '.join(str(error).split())[:300]}"
                result = runner.result if runner is not None else PageResult(path)
                result.end, result.error = PageEnd.CRASHED, message
                if not any(r is result for r in run.pages):
                    run.pages.append(result)
                reporter.page(f"page {display_path(path)}: FAILED, {message}")
    finally:
        for sig, handler_ in previous.items():
            signal.signal(sig, handler_)
        run.seconds = time.monotonic() - started
    return run
