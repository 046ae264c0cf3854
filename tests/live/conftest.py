"""Fixtures for the live tier: the real control plane (Kubernetes v1.37.2 built from Go modules, kwok
for the nodes) and a way to run `python -m verify live` against it as a user would, in a subprocess
with the real kubectl.

The control plane is the one `nox -s cluster -- --kwok` starts (and `.ci/run` starts before the
tests). If it is not running but its binaries are built, the session starts it and stops it at the
end. Without binaries the tests that need it are skipped, saying why, unless ``CI`` is set: then
they fail, since CI must run them.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cluster import build, kwok
from cluster import kubectl as pinned_kubectl

ROOT = Path(__file__).resolve().parents[2]
STS_PAGE = ROOT / "docs_src" / "ja" / "tutorials" / "stateful-application" / "basic-stateful-set.md"
FAST = ["--step-timeout", "60", "--watch-timeout", "30", "--retry-interval", "0.3", "--terminal-settle", "0.3",
        "--cleanup-timeout", "60"]


@dataclass
class ControlPlane:
    kubeconfig: Path
    context: str

    def api_client(self) -> Any:
        from verify.live.cluster import api_client_for

        return api_client_for(self.kubeconfig, self.context)

    def kubectl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(pinned_kubectl.require()), "--kubeconfig", str(self.kubeconfig),
                               "--context", self.context, *args], capture_output=True, text=True, timeout=60,
                              check=check)


#: Names the test run (set by its controller, inherited by its workers), so only that run stops what it started.
RUN_VARIABLE = "K8S_TUTORIALS_TEST_RUN"
STARTED_BY = build.cache_root() / "tests-started-control-plane"


@contextlib.contextmanager
def plane_lock() -> Iterator[None]:
    """Held while the control plane is checked and started, or stopped, by a test run."""
    STARTED_BY.parent.mkdir(parents=True, exist_ok=True)
    with open(STARTED_BY.with_suffix(".lock"), "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def stop_if_started(run: str) -> None:
    """Stop the control plane if this test run (`run`) started it; a plane someone else started keeps running."""
    with plane_lock():
        try:
            started_by = STARTED_BY.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        if started_by == run:
            kwok.down(log=lambda line: None)
            STARTED_BY.unlink()


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"the live tier's control plane is unavailable in CI: {reason}")
    pytest.skip(f"no control plane: {reason}")


@pytest.fixture(scope="session")
def control_plane() -> Iterator[ControlPlane]:
    """The running control plane; started once for the whole test run if it is not running.

    The control-plane tests are spread over pytest-xdist's workers, so the first worker to need it
    starts it, under a lock the others wait on; the run's controller stops it at the very end
    (`stop_if_started`), never a worker, whose tests end before the others'.
    """
    with plane_lock():
        if not kwok.status(build.cached()).running:
            if build.cached() is None:
                _unavailable("its binaries are not built (run `nox -s cluster -- --kwok`, about 20 minutes the first time)")
            try:
                kwok.up(log=lambda line: None)
            except (build.BuildError, kwok.KwokError) as error:
                _unavailable(str(error))
            STARTED_BY.write_text(os.environ.get(RUN_VARIABLE, ""), encoding="utf-8")
    yield ControlPlane(kwok.private_kubeconfig(), kwok.CONTEXT)


@pytest.fixture
def kubeconfig(control_plane: ControlPlane) -> Path:
    return control_plane.kubeconfig


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None

    @property
    def live(self) -> dict[str, Any]:
        assert self.report is not None, self.stdout + self.stderr
        return self.report["tiers"]["live"]

    def steps(self) -> list[dict[str, Any]]:
        return [step for page in self.live["pages"] for step in page["steps"]]


def live_command(kubeconfig: Path, report: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "verify", "live", "--kubeconfig", str(kubeconfig), "--report", str(report),
            *FAST, *args]


def run_live(kubeconfig: Path, tmp_path: Path, *args: str, timeout: float = 300) -> Run:
    report = tmp_path / "verify-report.json"
    done = subprocess.run(live_command(kubeconfig, report, *args), cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    data = json.loads(report.read_text()) if report.exists() else None
    return Run(done.returncode, done.stdout, done.stderr, data)


def write_page(root: Path, name: str, body: str, front: str = "") -> Path:
    """A page of our own, with the same shape as the real ones, under `root/docs_src/ja/`."""
    path = root / "docs_src" / "ja" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: テスト\nweight: 1\n{front}---\n\n# テスト\n\n" + textwrap.dedent(body),
                    encoding="utf-8")
    return path


def copy_page(tmp_path: Path, source: Path = STS_PAGE) -> Path:
    """The real page and the manifests it includes, under a scratch root (so it can be altered)."""
    relative = source.relative_to(ROOT)
    target = tmp_path / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "manifests").symlink_to(ROOT / "manifests")
    return target


def cleaned_up(page: dict[str, Any]) -> bool:
    """Whether a page's cleanup (its report entry's) removed everything the page made. Its notes, on what
    changed in the cluster without the page's doing, are not looked at: the control-plane tests run side
    by side, so other tests' pages come and go meanwhile."""
    return page["cleanup"]["ok"] is True and page["cleanup"]["leftovers"] == []


def leftovers(cluster: ControlPlane, live: dict[str, Any]) -> list[str]:
    """What a run (its report's `live` section) left on the control plane: its namespaces and the volumes
    of their claims. Only the run's own namespaces count, so runs of other sessions do not disturb it."""
    from kubernetes import client

    namespaces = {page["namespace"] for page in live["pages"] if page.get("namespace")}
    assert namespaces, "the run created no namespace"
    core = client.CoreV1Api(cluster.api_client())
    # The API server always fills metadata and a PersistentVolume's spec; the client's types leave them optional.
    found = [f"namespace {ns.metadata.name}" for ns in core.list_namespace().items
             if ns.metadata and ns.metadata.name in namespaces]
    found += [f"pv {pv.metadata.name if pv.metadata else '?'} (claim {pv.spec.claim_ref.namespace}/{pv.spec.claim_ref.name})"
              for pv in core.list_persistent_volume().items
              if pv.spec and pv.spec.claim_ref and pv.spec.claim_ref.namespace in namespaces]
    return found
