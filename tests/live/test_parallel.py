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
from verify.live.cluster import CONTROL_PLANE, ConnectedCluster
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


def test_a_page_with_commands_on_the_nodes_runs_alone_where_they_run() -> None:
    apparmor = load_page(APPARMOR, ROOT)
    assert "on the nodes" in (parallel.runs_alone(apparmor, capabilities(*EVERYTHING)) or "")
    assert parallel.runs_alone(apparmor, capabilities()) is None  # control plane: its node steps are skipped


def test_a_writer_runs_beside_pages_that_cannot_reach_what_it_writes() -> None:
    everything = capabilities(*EVERYTHING)
    guestbook, statefulset, source_ip = (load_page(p, ROOT) for p in (GUESTBOOK, STATEFULSET, SOURCE_IP))
    assert {g.resources for g in parallel.writes(guestbook, everything)} >= {("clusterroles", "clusterrolebindings")}
    assert parallel.writes(statefulset, everything) == () and parallel.writes(source_ip, everything) == ()
    assert parallel.conflict(guestbook, statefulset, everything) is None
    # Source IP lists nodes; the guestbook page may write ClusterRoles and kube-system objects, not nodes.
    assert parallel.conflict(guestbook, source_ip, everything) is None


def _writer(root: Path, name: str, rule: str, requires: str = "") -> Path:
    return write_page(root, name, """\
        ```shell
        kubectl get nodes
        ```
        """, front=requires + "access:\n- reason: test\n" + rule)


def test_two_writers_or_a_writer_and_a_reader_of_the_same_objects_run_one_after_the_other(tmp_path: Path) -> None:
    labels = load_page(_writer(tmp_path, "labels.md", "  verbs: [patch]\n  resources: [nodes]\n"), tmp_path)
    lists = load_page(_writer(tmp_path, "lists.md", "  verbs: [list]\n  resources: [nodes]\n"), tmp_path)
    roles = load_page(_writer(tmp_path, "roles.md", "  apiGroups: [rbac.authorization.k8s.io]\n  verbs: [create]\n"
                                                    "  resources: [clusterroles]\n"), tmp_path)
    everything = capabilities(*EVERYTHING)
    assert "both write" in (parallel.conflict(labels, roles, everything) or "")
    assert "may write what" in (parallel.conflict(labels, lists, everything) or "")
    assert "may write what" in (parallel.conflict(lists, labels, everything) or "")
    assert parallel.conflict(roles, lists, everything) is None


def test_a_page_skipped_for_its_needs_writes_nothing_and_conflicts_with_nothing(tmp_path: Path) -> None:
    rule = "  verbs: [patch]\n  resources: [nodes]\n"
    first = load_page(_writer(tmp_path, "first.md", rule, requires="requires: [apparmor]\n"), tmp_path)
    second = load_page(_writer(tmp_path, "second.md", rule), tmp_path)
    assert parallel.writes(first, capabilities()) == ()
    assert parallel.conflict(first, second, capabilities()) is None
    assert parallel.conflict(first, second, capabilities("apparmor")) is not None


def test_the_default_follows_the_cores_and_the_target() -> None:
    plane = ConnectedCluster(Path("k"), "kwok-verify", "https://127.0.0.1:1", kind=CONTROL_PLANE)
    nodes = ConnectedCluster(Path("k"), "k8s-tutorials-nodes", "https://127.0.0.1:1")
    assert parallel.default_jobs(plane, pages=4, cores=2) == 2
    assert parallel.default_jobs(plane, pages=4, cores=1) == 2  # the pages mostly wait for the API server
    assert parallel.default_jobs(plane, pages=4, cores=8) == 4  # never more than there are pages
    assert parallel.default_jobs(nodes, pages=4, cores=2) == 1
    assert parallel.default_jobs(nodes, pages=4, cores=8) == 4


def fake_run_live(log: Path) -> Any:
    """A page run that takes a moment, prints three lines and logs when it ran (from the child process)."""

    def run(paths: list[Path], settings: Settings, target: ConnectedCluster, api_client: Any, prober: Any,
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
        beside = [rule.resources for rule in settings.beside]
        with log.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"page": path.name, "start": started, "end": time.time(), "asked": asked,
                                  "beside": beside}) + "\n")
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
    target = ConnectedCluster(Path("k"), "kind-x", "https://127.0.0.1:1")
    done = parallel.run_parallel(PAGES, settings, target, AnsweringProber(answers),  # type: ignore[arg-type]
                                 ConsoleReporter(write=lines.append), width)
    return done, lines


def test_a_page_that_runs_alone_overlaps_with_no_other_and_results_keep_page_order(forked: Path) -> None:
    done, lines = run(capabilities(*EVERYTHING), width=4)

    assert [p.path for p in done.pages] == PAGES
    runs = {r["page"]: r for r in map(json.loads, forked.read_text(encoding="utf-8").splitlines())}
    alone = runs[APPARMOR.name]
    for other, times in runs.items():
        if other != APPARMOR.name:
            assert times["end"] <= alone["start"], other  # the others first, then the page alone
    # The guestbook page writes outside its namespace, but nothing the StatefulSet page can reach: side by side.
    guestbook, statefulset = runs[GUESTBOOK.name], runs[STATEFULSET.name]
    assert guestbook["start"] < statefulset["end"] and statefulset["start"] < guestbook["end"]
    assert statefulset["beside"] and not guestbook["beside"]
    assert any("apparmor.md runs alone: it runs commands on the nodes" in line for line in lines)


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
