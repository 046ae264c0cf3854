"""actionlint (built from ci/actionlint/go.mod) finds what it is there to find, and the workflows pass it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ci import actionlint

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def binary() -> Path:
    if not os.environ.get("ACTIONLINT") and shutil.which("go") is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set, so actionlint must run, but Go is not installed", pytrace=False)
        pytest.skip("Go is not installed: actionlint is built from its Go module")
    return actionlint.ensure()


def test_the_repositorys_workflows_pass(binary: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "ci.actionlint"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_broken_workflow_is_reported_with_its_line(binary: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pull_request\npermissions:\n  contents: reed\njobs:\n  a:\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, "-m", "ci.actionlint", str(broken)], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 1
    # actionlint names a file relative to its working directory when it can (../… from a checkout in /tmp).
    shown = str(broken) if f"{broken}:3:" in done.stdout else os.path.relpath(broken, ROOT)
    assert f"{shown}:3:" in done.stdout and "reed" in done.stdout  # an unknown permission level
    assert f"{shown}:8:" in done.stdout and "untrusted" in done.stdout  # a script injection


def test_the_pinned_version_is_the_one_that_runs(binary: Path) -> None:
    pinned = next(line.split()[1] for line in (ROOT / "ci/actionlint/go.sum").read_text(encoding="utf-8").splitlines()
                  if line.startswith("github.com/rhysd/actionlint ") and not line.split()[1].endswith("/go.mod"))
    if os.environ.get("ACTIONLINT"):
        pytest.skip("ACTIONLINT names a binary of the user's own")
    done = subprocess.run([str(binary), "-version"], capture_output=True, text=True, check=False)
    assert done.stdout.splitlines()[0] == pinned
