"""Fixtures for the real-node target's tests: the target started as a user starts it
(`python -m cluster up --nodes`, the real kubectl), the machine's state recorded before it.

They run when the node binaries are built; without them they are skipped saying so, except in CI
(`CI` set), where they fail: CI must run them, unless the CI job says why it cannot in
`K8S_TUTORIALS_NO_REAL_NODES` (the pull-request workflow's container may not create network
namespaces); the skip then shows that reason. They share one worker (`tests/conftest.py`). The target is
started once for the modules that use it one after another (`test_page_seat.py`, then `test_real_nodes.py`,
whose last test stops it and checks that nothing is left): a module whose next test also uses the target hands
it on instead of stopping it, and the last module to use it stops it if it is still running.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cluster import build
from cluster import kubectl as pinned_kubectl
from cluster.nodes import cgroups, host, lab, layout

ROOT = Path(__file__).resolve().parents[2]
KUBECTL = str(pinned_kubectl.require())


def cluster_command(*args: str, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    """`python -m cluster ARGS` as a user runs it (nox dispatches to it)."""
    return subprocess.run([sys.executable, "-m", "cluster", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, check=False)


def unavailable(reason: str) -> None:
    declared = os.environ.get("K8S_TUTORIALS_NO_REAL_NODES", "").strip()
    if declared:
        pytest.skip(f"no real nodes in this job ({declared}): {reason}")
    if os.environ.get("CI"):
        pytest.fail(f"the real-node target is unavailable in CI: {reason}")
    pytest.skip(f"no real nodes: {reason}")


def require_node_binaries() -> None:
    if os.geteuid() != 0:
        unavailable("the real-node target needs root (namespaces, cgroups, containerd)")
    if build.nodes_cached() is None:
        unavailable("the node binaries are not built (`nox -s cluster -- --nodes`, about half an hour the first time)")


@dataclass(frozen=True)
class MachineState:
    """What the target must leave as it found it, seen from the machine's own namespaces."""

    sysctls: dict[str, str]
    links: list[str]
    addresses: str
    routes: str
    mounts: list[str]
    netns: list[str]
    cgroup_roots: list[str]

    @classmethod
    def now(cls) -> MachineState:
        def out(*command: str) -> str:
            return subprocess.run(list(command), capture_output=True, text=True, timeout=30, check=False).stdout

        links = sorted(json.loads(out("ip", "-j", "link")), key=lambda link: link["ifname"])
        # Mounts the target could leave: under its state, over kernel settings or logs, cgroups, netns files.
        ours = (str(layout.state_dir()), "/proc/sys", "/var/log", "/sys/fs/cgroup", "/run/netns", "/var/lib/kubelet",
                "/run/containerd", "/opt")
        mounts = [" ".join(line.split()[3:5]) for line in Path("/proc/self/mountinfo").read_text().splitlines()
                  if line.split()[4].startswith(ours)]
        return cls(host.sysctls(), [link["ifname"] for link in links], out("ip", "-4", "addr"),
                   out("ip", "route", "show", "table", "all"), sorted(mounts),
                   sorted(name for name in out("ip", "netns", "list").split() if name.startswith("cni-")),
                   [str(root) for root in cgroups.leftovers()])


@dataclass
class RealNodes:
    """The running target: its context, the machine's state before it started, and helpers."""

    context: str
    before: MachineState
    started_here: bool
    namespaces: list[str] = field(default_factory=list)

    def kubectl(self, *args: str, check: bool = True, timeout: float = 120,
                input_: str | None = None) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([KUBECTL, "--context", self.context, *args], capture_output=True, text=True,
                              timeout=timeout, input=input_, check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed: {done.stderr}")
        return done

    def namespace(self) -> str:
        name = f"nodes-test-{uuid.uuid4().hex[:6]}"
        self.kubectl("create", "namespace", name)
        self.kubectl("wait", "--for=create", "serviceaccount/default", "-n", name, "--timeout=60s")
        self.namespaces.append(name)
        return name

    def in_client(self, *command: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        """COMMAND in the client namespace: the lab seen from outside the cluster."""
        return subprocess.run([*lab.enter(layout.CLIENT.name), *command], capture_output=True, text=True,
                              timeout=timeout, check=False)

    def wait_until(self, what: str, check: object, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if callable(check) and check():
                return
            time.sleep(0.5)
        raise AssertionError(f"{what}: not within {timeout:.0f}s")


#: The target a module started and handed on to the next module that uses it (see `real_nodes`).
_HANDED_ON = pytest.StashKey[RealNodes]()
#: The test that runs after the one being torn down (None at the end), recorded for `real_nodes`' teardown.
_NEXT = pytest.StashKey[pytest.Item | None]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    item.session.stash[_NEXT] = nextitem
    return (yield)


@pytest.fixture(scope="module")
def real_nodes(request: pytest.FixtureRequest) -> Iterator[RealNodes]:
    """The running target, started if it is not running; one start serves consecutive modules.

    Starting it takes about 40 s, so a module whose next test (on this worker) also uses it leaves it
    running for that test's module, which takes it over (the machine's state recorded before the start, and
    whether these tests started it, go with it). Otherwise the module deletes the namespaces its tests made
    and stops the target if it started it and it is still running.
    """
    target = request.session.stash.get(_HANDED_ON, None)
    if target is None:
        require_node_binaries()
        running = cluster_command("status", "--nodes", timeout=60).returncode == 0
        before = MachineState.now()
        if not running:
            started = cluster_command("up", "--nodes")
            if started.returncode != 0:
                pytest.fail(f"`python -m cluster up --nodes` failed (exit {started.returncode}):\n"
                            f"{started.stdout}\n{started.stderr}")
        target = RealNodes(layout.CONTEXT, before, started_here=not running)
    else:
        del request.session.stash[_HANDED_ON]
    try:
        yield target
    finally:
        following = request.session.stash.get(_NEXT, None)
        if "real_nodes" in getattr(following, "fixturenames", ()):
            request.session.stash[_HANDED_ON] = target
            # Should the next test not take it (skipped before its fixtures are set up), the run's end stops it.
            request.config.add_cleanup(lambda: _stop(target) if request.session.stash.get(_HANDED_ON, None) is target
                                       else None)
        else:
            _stop(target)


def _stop(target: RealNodes) -> None:
    """Delete the namespaces the tests made and stop the target if these tests started it and it still runs."""
    for name in target.namespaces:
        target.kubectl("delete", "namespace", name, "--wait=false", check=False)
    if target.started_here and cluster_command("status", "--nodes", timeout=60).returncode == 0:
        cluster_command("down", "--nodes", timeout=300)
