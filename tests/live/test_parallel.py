"""Pages side by side (`verify live -j N`): which pages share the cluster, and how the run is put together.

The scheduling is exercised with the real pages and real child processes, but with the page run itself
(`run_live` in each child) replaced by a stand-in that sleeps and reports, so no cluster is needed; the
same option against the control plane is in test_parallel_live.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.live.conftest import write_page
from verify.confinement.sandbox import Sandbox
from verify.live import cluster, parallel
from verify.live.cluster import CONTROL_PLANE, Target
from verify.live.console import ConsoleReporter
from verify.live.probe import Capabilities
from verify.live.results import PageEnd, PageResult
from verify.live.runner import LiveRun, Settings
from verify.parsers import load_page

ROOT = Path(__file__).resolve().parents[2]
TUTORIALS = ROOT / "docs_src/ja/tutorials"
GUESTBOOK = TUTORIALS / "stateless-application/guestbook-logs-metrics-with-elk.md"
STATEFULSET = TUTORIALS / "stateful-application/basic-stateful-set.md"
APPARMOR = TUTORIALS / "security/apparmor.md"
SOURCE_IP = TUTORIALS / "services/source-ip.md"
PAGES = [GUESTBOOK, STATEFULSET, APPARMOR, SOURCE_IP]
EVERYTHING = ("internet", "elasticsearch", "multi-node", "load-balancer", "exec", "node-shell", "apparmor",
              "dynamic-pv")


def capabilities(*have: str) -> Capabilities:
    return Capabilities({need: need in have for need in EVERYTHING}, {need: "test" for need in EVERYTHING})


class AnsweringProber:
    """Stands in for the Prober: answers every need from a fixed table, remembers what it was asked."""

    def __init__(self, answers: Capabilities) -> None:
        self.answers = answers
        self.capabilities = Capabilities()
        self.default_storage_class = "standard"
        self.host_network = False

    def probe(self, needs: set[str]) -> Capabilities:
        for need in sorted(needs):
            self.capabilities.have[need] = self.answers.have.get(need, False)
            self.capabilities.reasons[need] = "test"
        return self.capabilities


def test_a_page_that_writes_outside_its_namespace_or_on_the_nodes_runs_alone() -> None:
    everything = capabilities(*EVERYTHING)
    assert "clusterroles" in (parallel.runs_alone(load_page(GUESTBOOK, ROOT), everything) or "")
    assert "on the nodes" in (parallel.runs_alone(load_page(APPARMOR, ROOT), everything) or "")
    assert parallel.runs_alone(load_page(STATEFULSET, ROOT), everything) is None
    assert parallel.runs_alone(load_page(SOURCE_IP, ROOT), everything) is None  # it only lists nodes


def test_on_the_control_plane_only_the_guestbook_page_runs_alone() -> None:
    control_plane = capabilities()  # no container runtime: none of the runtime needs
    assert parallel.runs_alone(load_page(APPARMOR, ROOT), control_plane) is None  # its node steps are skipped
    # Some of its steps run there, and RBAC would let any of them use the page's grants.
    assert parallel.runs_alone(load_page(GUESTBOOK, ROOT), control_plane) is not None


def test_a_page_skipped_for_its_needs_creates_nothing_and_shares(tmp_path: Path) -> None:
    page = write_page(tmp_path, "writer.md", """\
        ```shell
        kubectl create clusterrole x --verb=get --resource=pods
        ```
        """, front="requires: [apparmor]\naccess:\n- reason: it makes a ClusterRole\n  apiGroups: "
                   "[rbac.authorization.k8s.io]\n  verbs: [create]\n  resources: [clusterroles]\n")
    assert parallel.runs_alone(load_page(page, tmp_path), capabilities("apparmor")) is not None
    assert parallel.runs_alone(load_page(page, tmp_path), capabilities()) is None


def test_the_default_follows_the_cores_and_the_target() -> None:
    plane = Target(Path("k"), "kwok-verify", "https://127.0.0.1:1", kind=CONTROL_PLANE)
    nodes = Target(Path("k"), "k8s-tutorials-nodes", "https://127.0.0.1:1")
    assert parallel.default_jobs(plane, pages=4, cores=2) == 2
    assert parallel.default_jobs(plane, pages=4, cores=1) == 2  # the pages mostly wait for the API server
    assert parallel.default_jobs(plane, pages=4, cores=8) == 4  # never more than there are pages
    assert parallel.default_jobs(nodes, pages=4, cores=2) == 1
    assert parallel.default_jobs(nodes, pages=4, cores=8) == 4


def fake_run_live(log: Path) -> Any:
    """A page run that takes a moment, prints three lines and logs when it ran (from the child process)."""

    def run(paths: list[Path], settings: Settings, target: Target, api_client: Any, prober: Any,
            reporter: ConsoleReporter) -> LiveRun:
        (path,) = paths
        started = time.time()
        reporter.page(f"page {path.name}")
        if path == SOURCE_IP:
            raise RuntimeError("the verifier broke")
        time.sleep(0.4)
        reporter.page(f"  ok {path.name} 1")
        reporter.page(f"  ok {path.name} 2")
        asked = dict(prober.capabilities.have)
        with log.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"page": path.name, "start": started, "end": time.time(), "asked": asked}) + "\n")
        return LiveRun([PageResult(path, namespace=f"verify-{path.stem}", capabilities={"x": 1})])

    return run


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Children forked from this process, so they run the stand-in; returns the log they write."""
    log = tmp_path / "runs.jsonl"
    monkeypatch.setattr(parallel, "START_METHOD", "fork")
    monkeypatch.setattr(parallel, "run_live", fake_run_live(log))
    monkeypatch.setattr(cluster, "api_client_for", lambda kubeconfig, context: None)
    return log


def run(answers: Capabilities, width: int) -> tuple[LiveRun, list[str]]:
    lines: list[str] = []
    settings = Settings(root=ROOT, kubectl=Path("kubectl"), sandbox=Sandbox("none", "test"))
    target = Target(Path("k"), "kind-x", "https://127.0.0.1:1")
    done = parallel.run_parallel(PAGES, settings, target, AnsweringProber(answers),  # type: ignore[arg-type]
                                 ConsoleReporter(write=lines.append), width)
    return done, lines


def test_pages_that_run_alone_overlap_with_no_other_and_results_keep_page_order(forked: Path) -> None:
    done, lines = run(capabilities(*EVERYTHING), width=4)

    assert [p.path for p in done.pages] == PAGES
    runs = {r["page"]: r for r in map(json.loads, forked.read_text(encoding="utf-8").splitlines())}
    for alone in (GUESTBOOK.name, APPARMOR.name):
        for other, times in runs.items():
            if other != alone:
                assert times["end"] <= runs[alone]["start"] or runs[alone]["end"] <= times["start"], (alone, other)
    assert runs[STATEFULSET.name]["end"] <= runs[GUESTBOOK.name]["start"]  # the pages that share go first
    assert any("guestbook-logs-metrics-with-elk.md runs alone: its access lets it write outside its namespace"
               in line for line in lines)


def test_each_page_prints_its_block_whole_and_a_crash_fails_only_that_page(forked: Path) -> None:
    done, lines = run(capabilities(*EVERYTHING), width=4)

    for page in (GUESTBOOK, STATEFULSET, APPARMOR):
        at = lines.index(f"page {page.name}")
        assert lines[at + 1:at + 3] == [f"  ok {page.name} 1", f"  ok {page.name} 2"]
    crashed = done.pages[PAGES.index(SOURCE_IP)]
    assert crashed.end is PageEnd.CRASHED and crashed.error is not None
    assert crashed.error.startswith("verifier error: RuntimeError: the verifier broke")
    assert [p.end for p in done.pages if p is not crashed] == [PageEnd.COMPLETED] * 3


def test_every_page_sees_the_answers_a_serial_run_would_have_had_at_that_page(forked: Path) -> None:
    done, _ = run(capabilities("exec", "dynamic-pv"), width=2)

    guestbook, statefulset = done.pages[:2]
    assert sorted(guestbook.capabilities) == ["elasticsearch", "internet"]
    assert sorted(statefulset.capabilities) == ["dynamic-pv", "elasticsearch", "exec", "internet"]
    runs = {r["page"]: r for r in map(json.loads, forked.read_text(encoding="utf-8").splitlines())}
    assert runs[STATEFULSET.name]["asked"]["node-shell"] is False  # every child starts with every answer
