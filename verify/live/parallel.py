"""Pages side by side on one cluster (`python -m verify live -j N`): each page in a process of its own.

The run is the serial one (`verify.live.runner.run_live`), page by page, only several pages at once:
each page runs in a child process that calls `run_live` on that one page, with its own namespace,
identity, network, cgroup and run label, exactly as it would run alone, and hands its `PageResult`
back; the report, the JUnit file and the records are written from those results by the same code as
after a serial run. What differs is only timing and the order in which pages print.

* **Needs are probed once, here, before any page starts**, in page order, so each page's
  ``capabilities`` in the report are what a serial run would have shown at that page (the answers
  known by then), and every child starts with every answer (it probes nothing).
* **Which pages share the cluster** (`conflict`): two pages run one after the other when both may
  write outside their namespaces (front matter ``access:`` with a verb other than get, list or
  watch), since each one's cleanup deletes or restores what appears where its page may write, or
  when one may write what the other reads. A page with commands on the nodes runs alone, after
  the others (`runs_alone`). A page skipped as a whole for its needs creates nothing and shares.
  Everything else a page creates outside its namespace is the verifier's for it (its namespace, its
  ServiceAccount's ClusterRole and binding: labelled with its own run) or names its namespace (the
  volumes of its claims, the addresses of its Services), and the other pages' cleanups leave it out
  (`verify.live.cleanup`); what a writer beside a page may change is left out of that page's notes
  (``Settings.beside``), as a serial run would not have seen it.
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
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from verify.access import Grant
from verify.live.cluster import ConnectedCluster
from verify.live.console import ConsoleReporter
from verify.live.probe import Capabilities, Prober
from verify.live.results import PageEnd, PageResult
from verify.live.runner import Interrupted, LiveRun, Settings, page_gating_needs, page_needs, run_live, step_needs
from verify.model import LIVE_KINDS, Page, PageError, display_path
from verify.parsers import load_page

#: Verbs that change nothing: a grant of only these lets a page read outside its namespace, never write.
READING = frozenset({"get", "list", "watch"})


def default_jobs(target: ConnectedCluster, pages: int, cores: int | None = None) -> int:
    """How many pages run at once unless ``-j`` says: on the control plane a page mostly waits for the API
    server, so as many as there are cores (at least 2); on real nodes a page's Pods use this machine's or
    the cluster's cores, so half of them (at least 1). Never more than there are pages."""
    cores = cores or os.cpu_count() or 1
    wanted = max(2, cores) if target.control_plane_only else max(1, cores // 2)
    return max(1, min(wanted, pages))


def _runs(page: Page, capabilities: Capabilities) -> bool:
    """Whether any of the page's steps will run here (a page skipped as a whole for its needs runs none)."""
    return not capabilities.missing(page_gating_needs(page))


def writes(page: Page, capabilities: Capabilities) -> tuple[Grant, ...]:
    """The page's declared rules that let it change something outside its namespace (none if it will not run)."""
    if not _runs(page, capabilities):
        return ()
    return tuple(g for g in page.front_matter.access if set(g.verbs) - READING)


def runs_alone(page: Page, capabilities: Capabilities) -> str | None:
    """Why the page must not share the cluster with any other page (None: it may share with some)."""
    if not _runs(page, capabilities):
        return None
    on_node = [s for s in page.steps if s.kind in LIVE_KINDS and s.directive.on_node
               and not capabilities.missing(step_needs(s))]
    if on_node:
        return f"it runs commands on the nodes (line {on_node[0].location.line})"
    return None


def _overlap(a: Grant, b: Grant) -> bool:
    """Whether two rules reach a common object (same group and resource, a common namespace and name)."""
    return (bool(set(a.api_groups) & set(b.api_groups)) and bool(set(a.resources) & set(b.resources))
            and (a.namespace is None or b.namespace is None or a.namespace == b.namespace)
            and (not a.resource_names or not b.resource_names or bool(set(a.resource_names) & set(b.resource_names))))


def conflict(a: Page, b: Page, capabilities: Capabilities) -> str | None:
    """Why pages `a` and `b` must not run at the same time (None: they may).

    Two pages that both write outside their namespaces could each take the other's objects for their own
    (a cleanup deletes what appeared where its page may create); a page that writes where the other reads
    would change what the other's commands print. Otherwise a page cannot reach what the other makes: the
    verifier's own objects carry each page's run label, volumes and addresses name their namespace.
    """
    for page in (a, b):
        alone = runs_alone(page, capabilities)
        if alone:
            return f"{display_path(page.path)}: {alone}"
    a_writes, b_writes = writes(a, capabilities), writes(b, capabilities)
    if a_writes and b_writes:
        return "both write outside their namespaces"
    for writer, w_rules, reader in ((a, a_writes, b), (b, b_writes, a)):
        if not _runs(reader, capabilities):
            continue
        for rule in w_rules:
            for other in reader.front_matter.access:
                if _overlap(rule, other):
                    return f"{display_path(writer.path)} may write what {display_path(reader.path)} reads " \
                           f"({', '.join(sorted(set(rule.resources) & set(other.resources)))})"
    return None


@dataclass
class _Job:
    """One page to run in a child process, and everything the child needs to run it as a serial run would."""

    index: int
    path: Path
    settings: Settings
    target: ConnectedCluster
    capabilities: Capabilities
    default_storage_class: str | None
    quiet: bool
    host_network: bool
    alone: str | None = None  # why it runs with no other page
    apart: frozenset[int] = frozenset()  # the pages (by index) it must not run beside
    steps: int = 0  # how many steps it runs (commands and claims): what tells a long page from a short one


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
        """Pages with the most steps first (a long page started last would keep the run going alone; equal ones
        in page order), those that run alone last; each starts as soon as nothing it must not run beside runs.
        The results stay in page order whatever the order of starting."""
        side_by_side = sorted((j for j in jobs if j.alone is None), key=lambda j: -j.steps)
        self.queue = side_by_side + [j for j in jobs if j.alone is not None]

    def _may_start(self, job: _Job) -> bool:
        if not self.running:
            return True
        return (len(self.running) < self.width and job.alone is None
                and not any(r.job.alone or r.job.index in job.apart for r in self.running))

    def _next(self) -> _Job | None:
        if self.stop is not None or self.aborted is not None:
            return None
        return next((job for job in self.queue if self._may_start(job)), None)

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
            while (job := self._next()) is not None:
                self.queue.remove(job)
                self._start(job)
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


def run_parallel(paths: list[Path], settings: Settings, target: ConnectedCluster, prober: Prober,
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
        jobs = _jobs(paths, loaded, settings, target, prober, reporter, width)
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


def _jobs(paths: list[Path], loaded: list[Page | PageError], settings: Settings, target: ConnectedCluster, prober: Prober,
          reporter: ConsoleReporter, width: int) -> list[_Job]:
    """A job per readable page: what it must not run beside, and what the pages beside it may write (its
    cleanup does not take note of changes there, which a serial run would not have seen); said on the console."""
    capabilities = prober.capabilities
    pages = {index: page for index, page in enumerate(loaded) if isinstance(page, Page)}
    why: dict[tuple[int, int], str] = {}
    for a in pages:
        for b in pages:
            if a < b and (reason := conflict(pages[a], pages[b], capabilities)):
                why[(a, b)] = reason
    jobs = []
    for index, page in pages.items():
        apart = frozenset(b for pair in why for b in pair if index in pair and b != index)
        beside = tuple(rule for other in pages if other != index and other not in apart
                       for rule in writes(pages[other], capabilities))
        jobs.append(_Job(index, paths[index], replace(settings, beside=beside), target, capabilities,
                         prober.default_storage_class, reporter.quiet, prober.host_network,
                         runs_alone(page, capabilities), apart,
                         sum(1 for step in page.steps if step.kind in LIVE_KINDS)))
    alone = {j.index for j in jobs if j.alone}
    lines = [f"{display_path(j.path)} runs alone: {j.alone}" for j in jobs if j.alone]
    lines += [f"{display_path(paths[a])} and {display_path(paths[b])} one after the other: {reason}"
              for (a, b), reason in why.items() if a not in alone and b not in alone]
    reporter(f"pages side by side: up to {width} at once" + "".join(f"; {line}" for line in lines))
    return jobs


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
