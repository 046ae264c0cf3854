"""A machine that cannot run the nodes gets one paragraph naming the component and the cause, and
nothing is left behind: no namespace, cgroup, process or state. Ctrl-C during start-up undoes it."""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cluster.nodes import cgroups, host, lab, layout
from tests.nodes.conftest import ROOT, cluster_command, require_node_binaries

#: They start the real-node target, run Pods on it and stop it: one worker, one after another.
pytestmark = pytest.mark.xdist_group("real-nodes")


def _nothing_left() -> None:
    assert not lab.processes_inside()
    assert not [h for h in lab.holders() if h.alive()]
    assert not cgroups.leftovers()
    assert not layout.state_dir().exists()


@pytest.fixture
def target_down() -> None:
    if cluster_command("status", "--nodes", timeout=60).returncode == 0:
        pytest.skip("the real-node target runs (started outside these tests): a failed start cannot be shown now")


def test_a_subnet_that_overlaps_the_machines_network_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(host, "machine_networks", lambda: [ipaddress.ip_network("10.250.0.0/16")])
    with pytest.raises(host.HostError, match=r"lab subnet 10\.250\.0\.0/24 overlaps this machine's network"):
        host.check_subnets()


def test_the_machines_own_network_is_refused_whatever_ip_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    assert host.FORBIDDEN in host.machine_networks()
    monkeypatch.setattr(layout, "all_subnets", lambda: {"lab": ipaddress.ip_network("192.0.2.0/25")})
    with pytest.raises(host.HostError, match=r"192\.0\.2\.0/24"):
        host.check_subnets()


def test_a_missing_cgroup_controller_names_kubelet_and_the_controller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(host, "mounted_controllers", lambda: {"cpu", "cpuacct", "memory", "pids"})
    monkeypatch.setattr(host.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    with pytest.raises(host.HostError, match=r"^kubelet: the cgroup v1 controller\(s\) cpuset are not mounted"):
        host.check_prerequisites()


def test_without_nsenter_up_stops_at_once_saying_so(tmp_path: Path, target_down: None) -> None:
    require_node_binaries()
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in {*host.TOOLS, "go", "gcc", "openssl", "curl", "kubectl", "sysctl", "sleep"} - {"nsenter"}:
        found = shutil.which(tool)
        if found:
            (tools / tool).symlink_to(found)
    env = {**os.environ, "PATH": str(tools)}
    done = subprocess.run([sys.executable, "-m", "cluster", "up", "--nodes"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 2
    error = done.stderr.strip()
    assert error.startswith("cluster up --nodes: error: real nodes: the node daemons need nsenter")
    assert len(error.splitlines()) == 1
    _nothing_left()


def test_a_build_failure_names_the_command_and_starts_nothing(tmp_path: Path, target_down: None) -> None:
    require_node_binaries()
    env = {**os.environ, "K8S_TUTORIALS_CACHE": str(tmp_path / "cache"), "GOMODCACHE": str(tmp_path / "mod"),
           "GOPROXY": "off", "GOFLAGS": ""}
    done = subprocess.run([sys.executable, "-m", "cluster", "up", "--nodes"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 2
    assert "cluster up --nodes: error: `go build" in done.stderr
    assert "failed" in done.stderr
    assert not (tmp_path / "cache" / "nodes").exists()
    _nothing_left()


def test_ctrl_c_during_start_up_stops_what_was_started(target_down: None) -> None:
    require_node_binaries()
    # Ctrl-C's default action restored in the child: a shell's background job (`nox -s tests &`) starts with
    # SIGINT ignored, which the child would inherit, and Python keeps a signal ignored that it starts ignoring.
    process = subprocess.Popen([sys.executable, "-m", "cluster", "up", "--nodes"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # noqa: PLW1509
    try:
        # Interrupted once the lab, the control plane and a node's containerd run.
        socket = layout.member_dir(layout.NODES[0].name) / "containerd.sock"
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not socket.exists():
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        assert socket.exists(), "containerd never started"
        assert any(h.alive() for h in lab.holders()) and lab.processes_inside()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, (out, err)
    assert "interrupted; stopping what was started" in out
    _nothing_left()
