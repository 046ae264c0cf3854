"""Running pages against a cluster.

For each page: probe what it needs; take an inventory of the cluster; create its namespace (Pod
Security `baseline`), its identity (a ServiceAccount with rights in that namespace and what its
front matter declares, `verify.live.identity`), its network namespace (only the API server
reachable, `verify.live.network`), its cgroup (`verify.confinement.limits`) and its workspace
(`verify.live.workspace`) with its manifests under their titles (``web.yaml``) and a kubeconfig for
that identity; then run its steps in order, in the sandbox. A failed step stops the page (the rest
is reported as skipped "after failure at file:line") and collects events and pod logs. Cleanup
always runs, and what it could not remove or restore fails the page.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import secrets
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.confinement import limits as page_limits
from verify.confinement.limits import Limits, PageCgroup
from verify.confinement.sandbox import Sandbox
from verify.live import commands as cmds
from verify.live.claims import ClaimSession, wants_claims
from verify.live.cleanup import PageCleanup
from verify.live.cluster import Target, answers
from verify.live.identity import PageIdentity, cluster_entry, page_kubeconfig
from verify.live.matching import match, watch_progress
from verify.live.network import PageNetwork
from verify.live.probe import Prober
from verify.live.redact import Redactor
from verify.live.results import PageResult, StepResult
from verify.live.shell import Background, CommandResult, ShellSession, cut_note, passed_env
from verify.live.workspace import SAFE_NAME, Workspace
from verify.model import Page, PageError, Step, StepKind, display_path
from verify.parsers import load_page
from verify.results import FAILED, PASSED, SKIPPED, Status
from verify.shellcode.credentials import refused_flags

LIVE_KINDS = (StepKind.COMMAND, StepKind.HIDDEN_COMMAND, StepKind.CLAIM)


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
    cleanup_timeout: float = 300.0
    keep_workdir: bool = False
    secret_env: list[str] = field(default_factory=list)
    pass_env: list[str] = field(default_factory=list)  # host variables a page's commands get (by name)
    record_events: Path | None = None  # write each page's recorded events here (`--record-events`)
    limits: Limits = field(default_factory=Limits)
    page_network: str = "isolated"  # or "host" (`--page-network host`): the machine's network, on purpose


def page_slug(path: Path) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-") or "page"
    return slug[:40].strip("-")


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


def _unexpected_exit(results: list[CommandResult], expected: str | None) -> str | None:
    """Why the exit statuses are wrong, or None: every command ends with 0, except that the last one
    ends with `expected` when the page says so (`<!-- verify: exit=1 -->`, `exit=any`)."""
    for index, result in enumerate(results):
        last = index == len(results) - 1
        wanted = (expected or "0") if last else "0"
        if wanted == "any" or str(result.exit_code) == wanted:
            continue
        return f"exit status {result.exit_code} (expected {wanted}): {_short(result.command, 60)}"
    return None


def _forbidden(output: str) -> str:
    """Why the API server said "forbidden", for the reader of the failure (RBAC decided; this only explains)."""
    if "forbidden" not in output.lower():
        return ""
    return ("; the page acts as its own ServiceAccount, with every right in its own namespace and only what its front "
            "matter declares under `access:` beyond it (docs/conventions.md)")


def _step_kind(step: Step) -> str:
    """The `kind` a step's result is reported under."""
    if step.directive.in_container:
        return "in-container"
    if step.kind == StepKind.CLAIM:
        return "claim"
    return "hidden-command" if step.kind == StepKind.HIDDEN_COMMAND else "command"


def _short(command: str, width: int = 90) -> str:
    line = " ".join(command.split())
    return line if len(line) <= width else line[: width - 1] + "…"


@dataclass
class _PageParts:
    """What confines one page besides the sandbox: its workspace, network namespace and cgroup."""

    workspace: Workspace
    network: PageNetwork | None = None
    cgroup: PageCgroup | None = None

    def close(self) -> list[str]:
        """End every process left in the page's cgroup, close its network; what would not go, in words."""
        problems = self.cgroup.remove() if self.cgroup is not None else []
        if self.network is not None:
            self.network.close()
        return problems


class PageRunner:
    def __init__(self, page: Page, settings: Settings, target: Target, prober: Prober, api_client: Any,
                 run_id: str, progress: Callable[[str], None]) -> None:
        self.page = page
        self.settings = settings
        self.target = target
        self.prober = prober
        self.api_client = api_client
        self.run_id = run_id
        self.progress = progress
        self.redact = Redactor.for_page(page)
        self.redact.add(os.environ.get(name, "") for name in settings.secret_env)
        self.result = PageResult(page.path)
        self.namespace = ""
        self.session: ShellSession | None = None
        self.terminal: Background | None = None
        self.failed_at: str | None = None
        self.claims: ClaimSession | None = None
        self.current: Step | None = None  # the step being run: "interrupted at PAGE:LINE"
        self.cluster_gone: str | None = None  # "API server stopped answering during PAGE:LINE; …"
        self.cleanup_note = ""  # what cleanup did, in words

    # --- the page -------------------------------------------------------------------------------
    def run(self) -> PageResult:
        started = time.monotonic()
        page = self.page
        try:
            steps = [s for s in page.steps if s.kind in LIVE_KINDS]
            if not steps:
                self.result.skip_reason = "the page has no commands"
                self.progress(f"page {display_path(page.path)}: no commands, nothing to run")
                return self.result
            needs = set(page.front_matter.requires)
            for step in steps:
                needs |= step_needs(step)
            capabilities = self.prober.probe(needs)
            self.result.capabilities = capabilities.as_json()
            gating = capabilities.missing(page_gating_needs(page))
            if gating:
                reason = f"page needs {', '.join(gating)}: {capabilities.explain(gating)}"
                self.result.skip_reason = reason
                self.progress(f"page {display_path(page.path)}: skipped, {reason}")
                for step in steps:
                    self._record(step, _step_kind(step), SKIPPED, message=reason, echo=False)
                return self.result
            self._run_in_namespace(steps)
        finally:
            self.result.seconds = time.monotonic() - started
        return self.result

    def _run_in_namespace(self, steps: list[Step]) -> None:
        slug = page_slug(self.page.path)
        self.namespace = f"verify-{slug}-{secrets.token_hex(3)}"
        self.result.namespace = self.namespace
        grants = self.page.front_matter.access
        cleanup = PageCleanup(self.api_client, self.namespace, self.run_id, grants, timeout=self.settings.cleanup_timeout)
        identity = PageIdentity(self.api_client, self.namespace, self.run_id, grants)
        self.progress(f"page {display_path(self.page.path)} (namespace {self.namespace}, target "
                      f"{self.target.kind} {self.target.context})")
        parts = _PageParts(Workspace.create(slug))
        interrupted: Interrupted | None = None
        try:
            cleanup.snapshot()
            cleanup.create_namespace()
            if wants_claims(self.page) or self.settings.record_events is not None:
                self.claims = ClaimSession(self.page, self.api_client, self.namespace, self.settings.step_timeout)
            identity.create()
            self.redact.add([identity.token])
            self.result.identity = {"user": identity.user, "granted": [g.as_json() for g in grants]}
            parts.network = (PageNetwork.host() if self.settings.page_network == "host"
                             else PageNetwork.isolated(self.target.server))
            parts.cgroup, limits_line = page_limits.create(slug, self.settings.limits)
            self.result.confinement = {"network": parts.network.describe(), "limits": limits_line}
            self.session = ShellSession(parts.workspace, self.settings.kubectl, self.settings.sandbox,
                                        passed_env(self.settings.pass_env), parts.network, self.settings.limits,
                                        parts.cgroup.prefix() if parts.cgroup else
                                        page_limits.file_size_prefix(self.settings.limits))
            cluster = cluster_entry(self.target.kubeconfig, self.target.context, str(self.settings.kubectl))
            parts.workspace.write(".kubeconfig", page_kubeconfig(cluster, parts.network.endpoint, self.target.context,
                                                                 self.namespace, identity.token), mode=0o600)
            self._write_files(parts.workspace)
            self._run_steps(steps)
        except Interrupted as signal_:
            interrupted = signal_
            self.mark_interrupted(signal_)
        except Exception:
            if not self._gone(self.current):
                raise
        finally:
            self._finish(cleanup, identity, parts)
        if interrupted is not None:
            raise interrupted
        if self.cluster_gone:
            for step in self._not_run(steps):
                self._record(step, _step_kind(step), SKIPPED, "not run: the API server stopped answering", echo=False)
            raise ClusterGone(self.cluster_gone)

    def mark_interrupted(self, signal_: Interrupted) -> None:
        """The page was stopped by a signal: it says so, and each step without a result is skipped for it.

        Called wherever the signal landed: between steps, or before the namespace existed (probing).
        """
        self.result.interrupted = True
        for step in self._not_run([s for s in self.page.steps if s.kind in LIVE_KINDS]):
            self._record(step, _step_kind(step), SKIPPED, message=f"interrupted by {signal_}", echo=False)

    def _not_run(self, steps: list[Step]) -> list[Step]:
        """The steps that have no result yet."""
        done = {s.location for s in self.result.steps}
        return [step for step in steps if step.location not in done]

    def _gone(self, step: Step | None) -> bool:
        """Whether the API server stopped answering (asked once; remembered with where it happened)."""
        if self.cluster_gone:
            return True
        if answers(self.api_client):
            return False
        where = str(step.location) if step is not None else display_path(self.page.path)
        self.cluster_gone = f"API server stopped answering during {where}; namespace {self.namespace} may remain"
        return True

    def _finish(self, cleanup: PageCleanup, identity: PageIdentity, parts: _PageParts) -> None:
        """Stop terminals and every process of the page, take back its grants, delete what it created,
        check it is gone; shielded from signals."""
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        deferred: list[int] = []
        for sig in previous:
            signal.signal(sig, lambda signum, _frame: deferred.append(signum))
        try:
            if self.claims is not None:
                self.claims.finish(self.settings.record_events)
            stubborn = self.session.close() if self.session else []
            leftovers = [f"process still running: {c}" for c in stubborn]
            leftovers += parts.close()
            if self._gone(self.current):  # nothing to ask a server that does not answer: say so, once
                self.result.leftovers = [*leftovers, f"namespace {self.namespace} may remain (the API server stopped "
                                                      "answering)"]
                self.cleanup_note = f"nothing: the API server stopped answering; namespace {self.namespace} may remain"
            else:
                try:
                    leftovers += identity.revoke()
                    leftovers += cleanup.run()
                except Exception as error:  # noqa: BLE001 - reported, never hidden
                    leftovers.append(f"cleanup failed: {' '.join(str(error).split())[:200]}")
                self.result.leftovers = leftovers
                self.result.cleanup_notes = cleanup.notes
                if leftovers:
                    self.cleanup_note = f"cleanup left: {', '.join(leftovers)}"
                    self.progress(f"  FAILED   {self.cleanup_note}")
                else:
                    self.cleanup_note = f"namespace {self.namespace} and everything the page created are gone"
                    self.progress(f"  cleanup  {self.cleanup_note}")
            if not self.settings.keep_workdir:
                parts.workspace.remove()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if deferred and not self.result.interrupted:
            raise Interrupted(deferred[0])

    def _write_files(self, workspace: Workspace) -> None:
        """Each manifest and each file the reader writes, under its title (`web.yaml`)."""
        files: dict[str, str] = {}
        for step in self.page.steps:
            if step.title and step.kind in (StepKind.MANIFEST, StepKind.FILE_CONTENT):
                name = step.title.strip()
                if SAFE_NAME.fullmatch(name):
                    files[name] = step.text if step.text.endswith("\n") else step.text + "\n"  # the last block wins
        for name, text in files.items():
            workspace.write(name, text.encode("utf-8"))

    # --- steps ----------------------------------------------------------------------------------
    def _record(self, step: Step, kind: str, status: Status, message: str = "", command: str | None = None,
                output: str = "", diff: str = "", seconds: float = 0.0, attempts: int = 0,
                notes: list[str] | None = None, echo: bool = True) -> StepResult:
        text = command if command is not None else "\n".join(step.commands)
        result = StepResult(step.location, kind, status, self.redact(text), self.redact(message),
                            self.redact(output), self.redact(diff), seconds, attempts, notes or [])
        self.result.steps.append(result)
        if echo:
            label = {PASSED: "ok", FAILED: "FAILED", SKIPPED: "skipped"}[status]
            line = f"  {label:<8} {step.location}  {_short(result.command)}"
            if status != PASSED and result.message:
                line += f"\n           {result.message}"
            if status == FAILED and result.diff:
                line += "\n" + "\n".join("           " + x for x in result.diff.splitlines())
            self.progress(line)
        return result

    def _run_steps(self, steps: list[Step]) -> None:
        capabilities = self.prober.capabilities
        index = 0
        while index < len(steps):
            step = steps[index]
            index += 1
            self.current = step
            kind = _step_kind(step)
            if self.failed_at:
                self._record(step, kind, SKIPPED, f"after failure at {self.failed_at}", echo=False)
                continue
            if step.directive.skip_reason is not None:
                self._record(step, kind, SKIPPED, step.directive.skip_reason)
                continue
            missing = capabilities.missing(step_needs(step))
            if missing:
                self._record(step, kind, SKIPPED, capabilities.explain(missing))
                continue
            if step.directive.in_container:
                self._fail(step, kind, "an in-container block needs an interactive command "
                                       "(<!-- verify: interactive=rewrite -->) before it")
                continue
            refused = self._refused(step)
            if refused:
                self._fail(step, kind, refused)
                continue
            if step.kind is StepKind.CLAIM:
                self._claim_step(step)
            elif step.directive.interactive:
                group = []
                while index < len(steps) and steps[index].directive.in_container:
                    group.append(steps[index])
                    index += 1
                self._interactive(step, group)
            elif step.directive.terminal and step.directive.terminal_show:
                self._show_terminal(step)
            elif step.directive.terminal:
                self._start_terminal(step)
            else:
                self._command_step(step, kind)

    def _refused(self, step: Step) -> str | None:
        """Why the step is not run at all: it would load other credentials or programs into kubectl."""
        for command in step.commands:
            why = refused_flags(command)
            if why:
                return f"refused: {why}"
        return None

    def _timeout(self, step: Step) -> float:
        """The step's own timeout (or the default), never above the ceiling."""
        return min(float(step.directive.timeout or self.settings.step_timeout), self.settings.limits.timeout_ceiling)

    def _run_commands(self, step: Step, deadline: float) -> tuple[list[CommandResult], str]:
        assert self.session is not None
        results, output = [], ""
        for command in step.commands:
            remaining = max(0.1, deadline - time.monotonic())
            result = self.session.run(command, remaining)
            results.append(result)
            output += result.output
            if result.timed_out:
                break
        return results, output

    def _command_step(self, step: Step, kind: str) -> None:
        started = time.monotonic()
        deadline = started + self._timeout(step)
        documented = step.output
        unchecked = None
        if documented is not None and documented.directive.skip_reason is not None:
            # The command runs; its documented output is an example the page says not to compare.
            unchecked, documented = f"output not compared: {documented.directive.skip_reason}", None
        retry = documented is not None and all(cmds.is_read_only(c) for c in step.commands)
        retry_until = started + min(self.settings.retry_budget, self._timeout(step))
        attempts = 0
        complete: tuple[str, Any, str | None] | None = None  # the last try that ran to its end
        while True:
            attempts += 1
            tried = time.monotonic()
            results, output = self._run_commands(step, deadline)
            took = time.monotonic() - tried
            timed_out = any(r.timed_out for r in results)
            bad_exit = None if timed_out else _unexpected_exit(results, step.directive.exit_status)
            outcome = match(documented.text, output, documented.mode, self.namespace,
                            self.prober.default_storage_class) if documented else None
            if not timed_out and (outcome is None or outcome.ok) and bad_exit is None:
                notes = [f"tolerated {t.kind}: {t.documented} ≈ {t.actual}" for t in (outcome.tolerated
                                                                                       if outcome is not None else [])]
                if unchecked:
                    notes.insert(0, unchecked)
                notes += self._cut(results)
                self._record(step, kind, PASSED, output=output, seconds=time.monotonic() - started,
                             attempts=attempts, notes=notes[:20])
                return
            if not timed_out:
                complete = (output, outcome, bad_exit)
            # Retry only while another whole try (twice as long as this one, plus a second) ends before the
            # step's deadline, so the last try is never cut off; and only while the API server answers.
            now = time.monotonic()
            if retry and not timed_out and now + self.settings.retry_interval < retry_until \
                    and now + self.settings.retry_interval + 2 * took + 1.0 < deadline and not self._gone(step):
                time.sleep(self.settings.retry_interval)
                continue
            cut = ""
            if timed_out and complete is not None:  # a later try was cut off: report the last complete one
                (output, outcome, bad_exit), timed_out = complete, False
                cut = " (a later try was cut off by the step's deadline; this is the last complete output)"
            if timed_out:
                message = f"timed out after {self._timeout(step):.0f}s: {_short(results[-1].command, 60)}"
            elif documented is not None and outcome is not None and not outcome.ok:  # an outcome means a documented output
                message = "output differs from the documented output at " + str(documented.location)
                if bad_exit is not None:
                    message += f" ({bad_exit})"
            else:
                message = bad_exit or "failed"
            if attempts > 1:
                message += f" (after {attempts} attempts)"
            message += cut + _forbidden(output)
            self._fail(step, kind, message, output=output, diff=outcome.diff if outcome is not None and not outcome.ok else "",
                       seconds=time.monotonic() - started, attempts=attempts, notes=self._cut(results))
            return

    def _cut(self, results: list[CommandResult]) -> list[str]:
        dropped = sum(r.dropped for r in results)
        return [cut_note(dropped, self.settings.limits.output)] if dropped else []

    # --- terminals ------------------------------------------------------------------------------
    def _start_terminal(self, step: Step) -> None:
        assert self.session is not None
        if self.terminal is not None:
            self.terminal.stop()
        command = "\n".join(step.commands)
        self.terminal = self.session.start_background(command)
        # `kubectl get -w` lists, then watches from the list's resourceVersion, so once its listing is
        # printed no later change is missed: wait for that output. A watch over no objects prints
        # nothing; then --terminal-settle bounds the wait.
        settle_until = time.monotonic() + self.settings.terminal_settle
        while not self.terminal.output() and self.terminal.running and time.monotonic() < settle_until:
            time.sleep(0.02)
        if not self.terminal.running and self.terminal.proc.returncode:
            code, output = self.terminal.proc.returncode, self.terminal.output()
            self.terminal = None
            self._fail(step, "terminal", f"the background command exited with status {code}", output=output)
            return
        if self.claims is not None:
            self.claims.watch_started(step)
        self._record(step, "terminal", PASSED, "started in the background (first terminal)")

    def _show_terminal(self, step: Step) -> None:
        assert self.session is not None
        command = "\n".join(step.commands)
        notes = []
        if self.terminal is None or " ".join(self.terminal.command.split()) != " ".join(command.split()):
            if self.terminal is not None:
                self.terminal.stop()
            notes.append("no matching terminal was running; started it here")
            self.terminal = self.session.start_background(command)
        started = time.monotonic()
        timeout = min(float(step.directive.timeout or self.settings.watch_timeout), self.settings.limits.timeout_ceiling)
        documented = step.output.text if step.output else ""
        concurrent = step.output.directive.concurrent if step.output else ()
        satisfied = False
        while time.monotonic() - started < timeout:
            if watch_progress(documented, self.terminal.output(), self.namespace, self.prober.default_storage_class,
                              concurrent).satisfied:
                satisfied = True
                break
            if not self.terminal.running:
                break
            time.sleep(0.1)
        output = self.terminal.stop()
        self.terminal = None
        outcome = match(documented, output, "watch", self.namespace, self.prober.default_storage_class, concurrent)
        if outcome.ok:
            self._record(step, "terminal", PASSED, output=output, seconds=time.monotonic() - started, notes=notes)
            return
        why = "the watch ended" if not satisfied and time.monotonic() - started < timeout else \
            f"not all documented rows were seen within {timeout:.0f}s"
        self._fail(step, "terminal", f"{why} (documented at {step.output.location if step.output else step.location})",
                   output=output, diff=outcome.diff, seconds=time.monotonic() - started)

    # --- claims ---------------------------------------------------------------------------------
    def _claim_step(self, step: Step) -> None:
        """A `<!-- verify: claim=… -->`: checked from the events recorded since the reader's watch began."""
        started = time.monotonic()
        if self.claims is None:
            self._fail(step, "claim", "no event recorder for this page", command=step.text)
            return
        verdict = self.claims.check(step)
        if verdict.ok:
            self._record(step, "claim", PASSED, command=step.text, output=verdict.output,
                         seconds=time.monotonic() - started, notes=verdict.notes)
        else:
            self._fail(step, "claim", verdict.message, command=step.text, output=verdict.output, diff=verdict.diff,
                       seconds=time.monotonic() - started)

    # --- interactive commands -------------------------------------------------------------------
    def _interactive(self, step: Step, group: list[Step]) -> None:
        if step.directive.interactive != "rewrite":
            self._fail(step, "command", f"interactive={step.directive.interactive} is not supported by the live "
                                        "tier; use interactive=rewrite")
            self._skip_after_failure(group)
            return
        blocks = [tuple(s.commands) for s in group]
        script = cmds.container_script(blocks)
        command = cmds.rewrite_interactive(step.commands[0], script)
        note = f"interactive command rewritten to: {command}"
        started = time.monotonic()
        assert self.session is not None
        result = self.session.run(command, self._timeout(step))
        parts = cmds.split_container_output(result.output, len(group))
        if result.timed_out or result.exit_code != 0:
            message = "timed out" if result.timed_out else f"exit status {result.exit_code}"
            self._fail(step, "command", f"{message}: {_short(command, 60)}", command=command, output=result.output,
                       seconds=time.monotonic() - started, notes=[note])
            self._skip_after_failure(group)
            return
        self._record(step, "command", PASSED, command=command, output=result.output,
                     seconds=time.monotonic() - started, notes=[note])
        for member, text in zip(group, parts, strict=True):  # one part per member, by construction
            if self.failed_at:
                self._record(member, "in-container", SKIPPED, f"after failure at {self.failed_at}", echo=False)
                continue
            documented = member.output
            outcome = match(documented.text, text, documented.mode, self.namespace,
                            self.prober.default_storage_class) if documented else None
            if documented is None or outcome is None or outcome.ok:
                self._record(member, "in-container", PASSED, output=text, notes=[note])
            else:
                self._fail(member, "in-container", f"output differs from the documented output at "
                                                   f"{documented.location}", output=text, diff=outcome.diff)

    def _skip_after_failure(self, steps: list[Step]) -> None:
        for member in steps:
            self._record(member, "in-container", SKIPPED, f"after failure at {self.failed_at}", echo=False)

    # --- failure --------------------------------------------------------------------------------
    def _fail(self, step: Step, kind: str, message: str, **details: Any) -> None:
        if self._gone(step):  # not the page's failure: the run ends here, in one line
            self._record(step, kind, FAILED, "the API server stopped answering", echo=False)
            self.failed_at = str(step.location)
            raise ClusterGone(self.cluster_gone)
        self._record(step, kind, FAILED, message, **details)
        self.failed_at = str(step.location)
        self._diagnose()

    def _diagnose(self) -> None:
        """Events and pod logs of the page's namespace, for the report."""
        if self.session is None:
            return
        events = self.session.run("kubectl get events --sort-by=.lastTimestamp", 30)
        diagnostics: dict[str, Any] = {"events": self.redact(events.output)}
        if self.target.control_plane_only:
            # Logs come from a kubelet; the API server would dial the simulated node for them.
            diagnostics["pod_logs_skipped"] = "needs a container runtime: control-plane target"
        else:
            pods = self.session.run("kubectl get pods -o name", 30)
            logs: dict[str, str] = {}
            for name in pods.output.split()[:20]:
                if name.startswith("pod/"):
                    logs[name] = self.redact(self.session.run(f"kubectl logs {name} --all-containers --tail=50",
                                                              30).output)
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


def run_live(paths: list[Path], settings: Settings, target: Target, api_client: Any, prober: Prober,
             progress: Callable[[str], None]) -> LiveRun:
    """Run every page in turn; SIGINT/SIGTERM stop the run after the current page is cleaned up."""
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
                    run.pages.append(PageResult(path, error=str(error)))
                    progress(f"page {display_path(path)}: FAILED, {error}")
                    continue
                runner = PageRunner(page, settings, target, prober, api_client, run_id, progress)
                run.pages.append(runner.run())
            except Interrupted as signal_:
                if runner is not None and not runner.result.interrupted:
                    runner.mark_interrupted(signal_)  # it landed outside the page's steps (e.g. while probing)
                run.pages.append(runner.result if runner is not None
                                 else PageResult(path, skip_reason=f"interrupted by {signal_}"))
                run.interrupted = signal_.signum
                run.interrupted_at = (str(runner.current.location) if runner is not None and runner.current is not None
                                      else display_path(path))
                run.cleanup_note = runner.cleanup_note if runner is not None else ""
                for rest in paths[index + 1:]:
                    run.pages.append(PageResult(rest, skip_reason=f"interrupted by {signal_}"))
                break
            except ClusterGone as gone:
                run.pages.append(runner.result if runner is not None else PageResult(path))
                run.aborted = str(gone)
                for rest in paths[index + 1:]:
                    run.pages.append(PageResult(rest, skip_reason="not run: the API server stopped answering"))
                break
            except Exception as error:  # noqa: BLE001 - one page's crash (after its cleanup) must not end the run
                message = f"verifier error: {type(error).__name__}: {' '.join(str(error).split())[:300]}"
                result = runner.result if runner is not None else PageResult(path)
                result.error = message
                if not any(r is result for r in run.pages):
                    run.pages.append(result)
                progress(f"page {display_path(path)}: FAILED, {message}")
    finally:
        for sig, handler_ in previous.items():
            signal.signal(sig, handler_)
        run.seconds = time.monotonic() - started
    return run
