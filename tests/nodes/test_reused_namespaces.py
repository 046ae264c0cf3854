"""A namespace the lab once had may be reused by the kernel for someone else's: the lab's cleanup never
takes a process there for its own."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from cluster.nodes import lab


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("K8S_TUTORIALS_CACHE", str(tmp_path))
    folder = tmp_path / "nodes"
    folder.mkdir()
    return folder / "lab.json"


def _someone_elses_namespace() -> subprocess.Popen[bytes]:
    if os.geteuid() != 0:
        pytest.skip("a new network namespace needs root here (unshare --net)")
    other = subprocess.Popen(["unshare", "--net", "--", "sleep", "30"])
    deadline = time.monotonic() + 10
    while os.readlink(f"/proc/{other.pid}/ns/net") == os.readlink("/proc/self/ns/net"):
        assert time.monotonic() < deadline, "unshare did not make its namespace"
        time.sleep(0.01)
    return other


def test_a_dead_holders_namespace_number_does_not_claim_a_stranger(state: Path) -> None:
    other = _someone_elses_namespace()
    try:
        ended = subprocess.Popen(["true"])
        ended.wait()
        # The holder recorded this namespace identity, then died; the number now belongs to `other`.
        state.write_text(json.dumps([{"name": "client", "pid": ended.pid, "net": os.readlink(f"/proc/{other.pid}/ns/net"),
                                      "mnt": os.readlink(f"/proc/{other.pid}/ns/mnt")}]), encoding="utf-8")
        assert lab.processes_inside() == []
        lab.destroy()
        assert other.poll() is None, "the lab's cleanup killed a process that was not the lab's"
    finally:
        other.kill()
        other.wait()


def test_a_live_holders_namespace_is_the_labs(state: Path) -> None:
    holder = _someone_elses_namespace()
    try:
        state.write_text(json.dumps([{"name": "client", "pid": holder.pid, "net": os.readlink(f"/proc/{holder.pid}/ns/net"),
                                      "mnt": os.readlink("/proc/self/ns/mnt")}]), encoding="utf-8")
        assert holder.pid in lab.processes_inside()
    finally:
        holder.kill()
        holder.wait()
