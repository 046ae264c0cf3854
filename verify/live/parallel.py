"""Pages side by side on one cluster (`python -m verify live -j N`): each page in a process of its own.

The run is the serial one (`verify.live.runner.run_live`), page by page, only several pages at once:
each page runs in a child process that calls `run_live` on that one page, with its own namespace,
identity, network, cgroup and run label, exactly as it would run alone, and hands its `PageResult`
back; the report, the JUnit file and the records are written from those results by the same code as
after a serial run. What differs is only timing and the order in which pages print.

* **Needs are probed once, here, before any page starts**, in page order, so each page's
  ``capabilities`` in the report are what a serial run would have shown at that page (the answers
  known by then), and every child starts with every answer (it probes nothing).
* **Which pages share the cluster** (`runs_alone`): a page whose declared access (front matter
  ``access:``) lets it write anything outside its own namespace (ClusterRoles, objects in
  ``kube-system``, nodes' labels), or that runs commands on the nodes, changes what every other page
  sees: its cleanup would delete or restore what it finds there, and the others' cleanups would note
  its objects. It runs alone, after the pages that share. A page skipped for its needs creates
  nothing and shares. Everything a page creates otherwise (its namespace, its ServiceAccount's
  ClusterRole and binding, the volumes of its claims) carries its own run label or claim and is left
  out of the other pages' comparisons (`verify.live.cleanup`).
* **Output** is buffered per page: a line when a page starts, and its whole block (the lines a
  serial run would have printed for it) when it ends, so pages never interleave.
* **Signals**: each child is a process group of its own, so a Ctrl-C at the terminal reaches only
  this process, which passes it on once to every running page (each cleans up as in a serial run)
  and starts no more; pages not started are reported as such.
"""

from __future__ import annotations

import datetime as _dt
import multiprocessing
import os
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from verify.live.cluster import Target
from verify.live.console import ConsoleReporter
from verify.live.probe import Capabilities, Prober
from verify.live.results import PageEnd, PageResult
from verify.live.runner import Interrupted, LiveRun, Settings, page_gating_needs, page_needs, run_live, step_needs
from verify.model import LIVE_KINDS, Page, PageError, display_path
from verify.parsers import load_page

#: Verbs that change nothing: a grant of only these lets a page read outside its namespace, never write.
READING = frozenset({"get", "list", "watch"})


def default_jobs(target: Target, pages: int, cores: int | None = None) -> int:
    """How many pages run at once unless ``-j`` says: on the control plane a page mostly waits for the API
    server, so as many as there are cores (at least 2); on real nodes a page's Pods use this machine's or
    the cluster's cores, so half of them (at least 1). Never more than there are pages."""
    cores = cores or os.cpu_count() or 1
    wanted = max(2, cores) if target.control_plane_only else max(1, cores // 2)
    return max(1, min(wanted, pages))


def runs_alone(page: Page, capabilities: Capabilities) -> str | None:
    """Why the page must not share the cluster with another page (None: it may)."""
    if capabilities.missing(page_gating_needs(page)):
        return None  # skipped as a whole: it creates nothing
    writes = sorted({f"{verb} {resource}" + (f" in {grant.namespace}" if grant.namespace else "")
                     for grant in page.front_matter.access for verb in grant.verbs if verb not in READING
                     for resource in grant.resources})
    if writes:
        shown = ", ".join(writes[:4]) + (f" and {len(writes) - 4} more" if len(writes) > 4 else "")
        return f"its access lets it write outside its namespace ({shown})"
    on_node = [s for s in page.steps if s.kind in LIVE_KINDS and s.directive.on_node
               and not capabilities.missing(step_needs(s))]
    if on_node:
        return f"it runs commands on the nodes (line {on_node[0].location.line})"
    return None


@dataclass
class _Job:
    """One page to run in a child process, and everything the child needs to run it as a serial run would."""

    index: int
    path: Path
    settings: Settings
    target: Target
    capabilities: Capabilities
    default_storage_class: str | None
    quiet: bool
    host_network: bool
    alone: str | None = None


@dataclass
class _Running:
    job: _Job
    process: Any  # multiprocessing.Process (a fork or a spawn context's)
    connection: Connection
    lines: list[str] = field(default_factory=list)
    run: LiveRun | None = None
    failure: str | None = None


def _child(job: _Job, connection: Connection) -> None:
    """In the page's process: run the one page as a serial run would, send its lines and its result back."""
    os.setpgid(0, 0)  # a Ctrl-C at the terminal reaches the parent only; it passes the signal on once
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        from verify.live.cluster import api_client_for

        api_client = api_client_for(job.target.kubeconfig, job.target.context)
        prober = Prober(api_client, control_plane_only=job.target.control_plane_only, host_network=job.host_network)
        prober.capabilities = Capabilities(dict(job.capabilities.have), dict(job.capabilities.reasons))
        prober.default_storage_class = job.default_storage_class
        reporter = ConsoleReporter(quiet=job.quiet, write=lambda line: connection.send(("line", line)))
        connection.send(("done", run_live([job.path], job.settings, job.target, api_client, prober, reporter)))
    except BaseException as error:  # noqa: BLE001 - whatever ends the child is the page's failure, said once
        connection.send(("error", f"{type(error).__name__}: {' '.join(str(error).split())[:300]}\n"
                                  f"{traceback.format_exc(limit=8)}"))
    finally:
        connection.close()


#: How page processes start; None: fork where it is safe (no other thread to copy half-way), else spawn
#: (a fresh interpreter per page, which imports the verifier again: about a second more per page).
START_METHOD: str | None = None


def _context() -> Any:
    if START_METHOD is not None:
        return multiprocessing.get_context(START_METHOD)
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class _Scheduler:
    def __init__(self, jobs: list[_Job], width: int, reporter: ConsoleReporter) -> None:
        self.queue: list[_Job] = []
        self.plan(jobs)
        self.width = width
        self.reporter = reporter
        self.running: list[_Running] = []
        self.finished: list[_Running] = []
        self.stop: int | None = None  # the signal that stopped the run
        self.aborted: str | None = None  # the API server stopped answering in some page
        self.context = _context()

    def plan(self, jobs: list[_Job]) -> None:
        """The pages that share first, then each page that runs alone, one at a time."""
        self.queue = [j for j in jobs if j.alone is None] + [j for j in jobs if j.alone is not None]

    def _may_start(self, job: _Job) -> bool:
        if len(self.running) >= self.width:
            return False
        if not self.running:
            return True
        return job.alone is None and all(r.job.alone is None for r in self.running)

    def _start(self, job: _Job) -> None:
        ours, theirs = self.context.Pipe(duplex=False)
        process = self.context.Process(target=_child, args=(job, theirs), name=f"verify-page-{job.index}")
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            process.start()  # the child unblocks the signals once it is a process group of its own
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        theirs.close()
        self.running.append(_Running(job, process, ours))
        why = f", alone: {job.alone}" if job.alone else ""
        self.reporter(f"started: {display_path(job.path)} ({len(self.running)} running{why})")

    def signal(self, signum: int) -> None:
        if self.stop is None:
            self.stop = signum
            for running in self.running:
                if running.process.pid:
                    os.kill(running.process.pid, signum)

    def run(self) -> None:
        while self.queue or self.running:
            while self.queue and self.stop is None and self.aborted is None and self._may_start(self.queue[0]):
                self._start(self.queue.pop(0))
            if not self.running:
                break
            self._wait()

    def _wait(self) -> None:
        by_source: dict[Any, _Running] = {}
        for running in self.running:
            by_source[running.connection] = running
        try:
            ready = wait(list(by_source), timeout=1.0)
        except InterruptedError:
            return
        for source in ready:
            self._receive(by_source[source])

    def _receive(self, running: _Running) -> None:
        try:
            kind, payload = running.connection.recv()
        except (EOFError, OSError):
            self._end(running)
            return
        if kind == "line":
            running.lines.append(payload)
        elif kind == "done":
            running.run = payload
        else:
            running.failure = payload

    def _end(self, running: _Running) -> None:
        running.connection.close()
        running.process.join()
        self.running.remove(running)
        self.finished.append(running)
        for line in running.lines:  # the page's block, whole
            self.reporter.write(line)
        if running.run is None:
            code = running.process.exitcode
            running.failure = running.failure or f"the page's process ended with exit code {code} before it reported"
            self.reporter.page(f"page {display_path(running.job.path)}: FAILED, verifier error: "
                               f"{running.failure.splitlines()[0]}")
        elif running.run.aborted and self.aborted is None:
            self.aborted = running.run.aborted


def _probe_in_order(pages: list[Page | PageError], prober: Prober) -> list[dict[str, Any]]:
    """Probe each page's needs in page order, as a serial run would; the answers known at each page."""
    seen: list[dict[str, Any]] = []
    for page in pages:
        if isinstance(page, Page) and any(s.kind in LIVE_KINDS for s in page.steps):
            seen.append(prober.probe(page_needs(page)).as_json())
        else:
            seen.append({})
    return seen


def run_parallel(paths: list[Path], settings: Settings, target: Target, prober: Prober,
                 reporter: ConsoleReporter, width: int) -> LiveRun:
    """Every page, up to `width` at once; the same `LiveRun` a serial run returns, pages in the given order."""
    run = LiveRun([], started=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"))
    began = time.monotonic()
    loaded: list[Page | PageError] = []
    for path in paths:
        try:
            loaded.append(load_page(path, settings.root))
        except PageError as error:
            loaded.append(error)
            reporter.page(f"page {display_path(path)}: FAILED, {error}")
    scheduler = _Scheduler([], width, reporter)
    probing = [True]

    def handler(signum: int, _frame: Any) -> None:
        if probing[0]:
            raise Interrupted(signum)  # while probing: no page has started, and none will
        scheduler.signal(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            known = _probe_in_order(loaded, prober)
            probing[0] = False
        except Interrupted as signal_:
            probing[0] = False
            scheduler.stop = signal_.signum
            known = []
        capabilities = prober.capabilities
        jobs: list[_Job] = []
        for index, (path, page) in enumerate(zip(paths, loaded, strict=True)):
            if isinstance(page, PageError):
                continue
            jobs.append(_Job(index, path, settings, target, capabilities, prober.default_storage_class,
                             reporter.quiet, prober.host_network, runs_alone(page, capabilities)))
        alone = [j for j in jobs if j.alone]
        reporter(f"pages side by side: up to {width} at once" + "".join(
            f"; {display_path(j.path)} runs alone: {j.alone}" for j in alone))
        if scheduler.stop is None:
            scheduler.plan(jobs)
            scheduler.run()
    finally:
        for sig, handler_ in previous.items():
            signal.signal(sig, handler_)
    _assemble(run, paths, loaded, known, scheduler)
    run.aborted = scheduler.aborted
    run.seconds = time.monotonic() - began
    return run


def _assemble(run: LiveRun, paths: list[Path], loaded: list[Page | PageError], known: list[dict[str, Any]],
              scheduler: _Scheduler) -> None:
    """The pages' results in page order (each as its child reported it), and how the run as a whole ended."""
    results: dict[int, PageResult] = {}
    interrupted: list[LiveRun] = []
    for finished in scheduler.finished:
        job, child = finished.job, finished.run
        if child is None:
            results[job.index] = PageResult(job.path, end=PageEnd.CRASHED,
                                            error=f"verifier error: {(finished.failure or 'no report').splitlines()[0]}")
            continue
        (result,) = child.pages
        result.capabilities = known[job.index] if result.capabilities else {}
        results[job.index] = result
        if child.interrupted is not None:
            interrupted.append(child)
    for index, (path, page) in enumerate(zip(paths, loaded, strict=True)):
        if isinstance(page, PageError):
            run.pages.append(PageResult(path, end=PageEnd.UNREADABLE, error=str(page)))
        elif index in results:
            run.pages.append(results[index])
        elif scheduler.aborted:
            run.pages.append(PageResult(path, end=PageEnd.NOT_STARTED,
                                        skip_reason="not run: the API server stopped answering"))
        else:
            name = signal.Signals(scheduler.stop or signal.SIGINT).name
            run.pages.append(PageResult(path, end=PageEnd.NOT_STARTED, skip_reason=f"interrupted by {name}"))
    if scheduler.stop is not None:
        run.interrupted = scheduler.stop
        first = min(interrupted, key=lambda r: paths.index(r.pages[0].path)) if interrupted else None
        run.interrupted_at = first.interrupted_at if first else None
        run.cleanup_note = "; ".join(r.cleanup_note for r in interrupted if r.cleanup_note)
        if run.interrupted_at is None:
            run.interrupted_at = "between pages"
