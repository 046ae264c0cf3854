"""Fixtures for the live tier: a stand-in API server on 127.0.0.1 (fast controllers) and a way to
run `python -m verify live` against it as a user would, in a subprocess with the real kubectl."""

from __future__ import annotations

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

from tests.standin import Behaviour, StandIn

ROOT = Path(__file__).resolve().parents[2]
STS_PAGE = ROOT / "docs_src" / "ja" / "tutorials" / "stateful-application" / "basic-stateful-set.md"
FAST = ["--step-timeout", "30", "--watch-timeout", "10", "--retry-interval", "0.3", "--terminal-settle", "0.3",
        "--cleanup-timeout", "20"]


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn(Behaviour.fast()) as cluster:
        yield cluster


@pytest.fixture
def kubeconfig(standin: StandIn, tmp_path: Path) -> Path:
    return standin.write_kubeconfig(tmp_path / "kubeconfig")


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


def run_live(kubeconfig: Path, tmp_path: Path, *args: str, timeout: float = 120) -> Run:
    report = tmp_path / "verify-report.json"
    done = subprocess.run(live_command(kubeconfig, report, *args), cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})
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


def leftovers(cluster: StandIn) -> list[str]:
    """Anything a run could have left in the stand-in: its namespaces and their volumes."""
    found = [f"namespace {ns['metadata']['name']}" for ns in cluster.store.list("/namespaces")[0]
             if ns["metadata"]["name"].startswith("verify-")]
    found += [f"pv {pv['metadata']['name']}" for pv in cluster.store.list("/persistentvolumes")[0]]
    found += [f"{key}" for key in cluster.store.keys() if key[1].startswith("verify-")]
    return found
