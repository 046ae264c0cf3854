"""Start, stop and inspect the real-node target (`python -m cluster up|down|status --nodes`).

`up` checks the machine first (`host`), builds or finds every binary and image, then makes the lab,
starts the control plane, the nodes and the add-ons, and merges the context `k8s-tutorials-nodes`
into the user's kubeconfig. Any failure, or Ctrl-C, on the way stops everything it had started
(`down`) before the error is reported, so a failed start leaves nothing behind.

`down` does not depend on any daemon answering: it ends every process in the lab's namespaces and
in the run's cgroups, removes those cgroups and the state folder, and takes the context out of the
user's kubeconfig.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from cluster import build, kubeconfig, kubectl
from cluster.nodes import addons, cgroups, daemons, host, images, lab, layout, pki

REPOSITORY = Path(__file__).resolve().parents[2]


class NodesError(Exception):
    """The target could not be started or stopped; the message names the component and the cause."""


@dataclass
class Status:
    running: bool
    server: str = ""
    version: str = ""
    nodes: list[str] = field(default_factory=list)
    processes: int = 0
    detail: str = ""


def _kubectl(*args: str, timeout: float = 60, input_: str | None = None,
             check: bool = True) -> subprocess.CompletedProcess[str]:
    command = [str(kubectl.require()), "--kubeconfig", str(layout.private_kubeconfig()), *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, input=input_, check=False)
    except subprocess.TimeoutExpired:
        raise NodesError(f"kubectl {' '.join(args[:3])}: no answer within {timeout:.0f}s") from None
    if check and done.returncode != 0:
        raise NodesError(f"`kubectl {' '.join(args)}` failed (exit {done.returncode}): "
                         f"{(done.stderr or done.stdout).strip()[-800:]}")
    return done


def client_command(*args: str) -> list[str]:
    """ARGS as a command that runs in the client namespace (the lab's outside: no Pod routes, no way out)."""
    return [*lab.enter(layout.CLIENT.name), *args]


def status() -> Status:
    """Whether the target runs: its namespaces, the API server through the relay, the nodes' names."""
    holders = lab.holders()
    alive = [h for h in holders if h.alive()]
    processes = len(lab.processes_inside()) + len(cgroups.processes())
    if not holders or not layout.private_kubeconfig().is_file():
        return Status(False, processes=processes, detail="" if not processes else "processes left from a run")
    if len(alive) != len(holders):
        return Status(False, processes=processes, detail="some of the lab's namespaces are gone")
    done = _kubectl("version", "-o", "json", "--request-timeout=5s", timeout=20, check=False)
    if done.returncode != 0:
        return Status(False, processes=processes, detail="the API server does not answer")
    version = json.loads(done.stdout).get("serverVersion", {}).get("gitVersion", "")
    nodes = _kubectl("get", "nodes", "-o", "jsonpath={.items[*].metadata.name}", timeout=20, check=False).stdout.split()
    running = "; ".join(f"{member}: {', '.join(programs)}" for member, programs in lab.programs_by_member().items())
    detail = f"{running}; {len(cgroups.processes())} processes in Pods"
    return Status(True, _server(), version, nodes, processes, detail)


def _server() -> str:
    import yaml

    config = yaml.safe_load(layout.private_kubeconfig().read_text(encoding="utf-8")) or {}
    return str(((config.get("clusters") or [{}])[0].get("cluster") or {}).get("server", ""))


@contextmanager
def _stopping_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP during start-up count as Ctrl-C: the start is undone."""
    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def up(log: Callable[[str], None] = print) -> Status:
    """Start the target, or say that it runs and reuse it."""
    current = status()
    if current.running:
        log(f"the real-node target already runs at {current.server} (Kubernetes {current.version}, nodes "
            f"{', '.join(current.nodes)}); reusing it")
        kubeconfig.merge(layout.private_kubeconfig(), layout.CONTEXT)
        return current
    try:
        host.check_prerequisites()
    except host.HostError as error:
        raise NodesError(str(error)) from None
    started = time.monotonic()
    try:
        control_plane_bins = build.ensure(log)
        node_bins = build.ensure_nodes(log)
        archives = images.ensure(node_bins, log)
    except (build.BuildError, images.ImageError) as error:
        raise NodesError(str(error)) from None
    log(f"binaries and images ready in {time.monotonic() - started:.0f}s")
    if lab.processes_inside() or cgroups.leftovers() or layout.state_dir().exists():
        log("removing what an earlier run left")
        _teardown()
    started = time.monotonic()
    with _stopping_on_signals():
        try:
            _start(control_plane_bins, node_bins, archives, log)
        except KeyboardInterrupt:
            log("interrupted; stopping what was started")
            _teardown()
            raise
        except (NodesError, daemons.DaemonError, lab.LabError, pki.PkiError, kubeconfig.KubeconfigError,
                build.BuildError, OSError, subprocess.SubprocessError) as error:
            log("start failed; stopping what was started")
            _teardown()
            raise NodesError(str(error)) from None
    current = status()
    log(f"real nodes ready in {time.monotonic() - started:.0f}s at {current.server}: Kubernetes {current.version}, "
        f"nodes {', '.join(current.nodes)}; context {layout.CONTEXT} in {kubeconfig.user_kubeconfig()}")
    return current


def _step(log: Callable[[str], None], what: str, started: float) -> float:
    now = time.monotonic()
    log(f"  {what} ({now - started:.1f}s)")
    return now


def _start(bins: Path, node_bins: Path, archives: list[Path], log: Callable[[str], None]) -> None:
    t = time.monotonic()
    layout.state_dir().mkdir(parents=True, exist_ok=True)
    lab.create()
    for node in layout.NODES:
        cgroups.create(node.name)
    t = _step(log, f"lab namespaces and network on {layout.LAB_SUBNET} (no route out)", t)
    pki.create(relay_host="127.0.0.1")
    daemons.start_control_plane(bins, log)
    port = _start_relay()
    pki.kubeconfig(layout.private_kubeconfig(), "admin", f"https://127.0.0.1:{port}")
    pki.kubeconfig(layout.in_lab_kubeconfig(), "admin", daemons.API_LAB_URL)
    t = _step(log, f"control plane up; relay 127.0.0.1:{port} -> {daemons.API_LAB_URL}", t)
    _kubectl("apply", "-f", "-", input_=daemons.node_objects())
    for node in layout.NODES:
        daemons.write_node_files(node, node_bins)
        daemons.start_containerd(node, node_bins)
    t = _step(log, "containerd running on " + ", ".join(n.name for n in layout.NODES), t)
    with concurrent.futures.ThreadPoolExecutor(len(layout.NODES)) as pool:
        aliases = [(image.names[0], name) for image in images.images() for name in image.names[1:]]
        list(pool.map(lambda node: daemons.import_images(node, node_bins, archives, aliases), layout.NODES))
    t = _step(log, f"{len(archives)} images imported into each node", t)
    agents = [(node, *daemons.start_node_agents(node, node_bins)) for node in layout.NODES]
    for node, kubelet, proxy in agents:
        name = node.name
        daemons.wait_until("the node becoming Ready", name, "kubelet", kubelet, partial(_ready, name), 120)
        daemons.wait_until("serving /healthz", name, "kube-proxy", proxy, partial(daemons.healthy_proxy, name), 60)
    t = _step(log, "kubelet and kube-proxy running, nodes Ready", t)
    _kubectl("wait", "--for=create", "serviceaccount/default", "-n", "default", "--timeout=60s", timeout=90)
    _kubectl("apply", "-f", "-", input_=addons.dump(addons.coredns() + addons.local_path()))
    _kubectl("apply", "-f", "-", input_=addons.dump([addons.metallb_namespace()]))
    _kubectl("apply", "--server-side", "-f", "-", input_=addons.dump(addons.metallb_shipped()))
    _kubectl("apply", "-f", "-", input_=addons.dump(addons.metallb()))
    _kubectl("wait", "--for=condition=Established", "crd/ipaddresspools.metallb.io", "crd/l2advertisements.metallb.io",
             "--timeout=60s", timeout=90)
    for namespace, what in (("kube-system", "deployment/coredns"), ("local-path-storage", "deployment/local-path-provisioner"),
                            (addons.METALLB_NAMESPACE, "deployment/controller"), (addons.METALLB_NAMESPACE, "daemonset/speaker")):
        done = _kubectl("rollout", "status", "-n", namespace, what, "--timeout=120s", timeout=150, check=False)
        if done.returncode != 0:
            raise NodesError(f"{what} in {namespace} did not become ready: {done.stderr.strip()[-300:]}\n"
                             + _pod_problems(namespace))
    _apply_with_retry(addons.dump(addons.metallb_pool()))
    _step(log, "CoreDNS, local-path-provisioner (StorageClass standard), MetalLB running", t)
    kubeconfig.merge(layout.private_kubeconfig(), layout.CONTEXT)


def _apply_with_retry(manifest: str, attempts: int = 20) -> None:
    """MetalLB's resources are accepted once its CRDs are served: retried for a few seconds."""
    for attempt in range(attempts):
        done = _kubectl("apply", "-f", "-", input_=manifest, check=False)
        if done.returncode == 0:
            return
        if attempt == attempts - 1:
            raise NodesError(f"MetalLB's address pool was refused: {done.stderr.strip()[-400:]}")
        time.sleep(1)


def _pod_problems(namespace: str) -> str:
    done = _kubectl("get", "pods", "-n", namespace, "-o", "wide", check=False)
    events = _kubectl("get", "events", "-n", namespace, "--sort-by=.lastTimestamp", check=False)
    return done.stdout + "\n".join(events.stdout.splitlines()[-8:])


def _ready(node: str) -> bool:
    done = _kubectl("get", "node", node, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}",
                    timeout=15, check=False)
    return done.stdout.strip() == "True"


def _start_relay() -> int:
    """The loopback relay (`relay`), started from the machine's namespace; returns its port."""
    cp = lab.holder(layout.CONTROL_PLANE.name)
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    # Signals wait until the relay has moved into the lab (it prints its port then), where down finds it.
    with daemons.log_path(layout.CONTROL_PLANE.name, "relay").open("ab") as errors, lab.signals_deferred():
        process = subprocess.Popen([sys.executable, "-m", "cluster.nodes.relay", "--listen", "127.0.0.1:0",
                                    "--netns", f"/proc/{cp.pid}/ns/net",
                                    "--to", f"{layout.CONTROL_PLANE.address}:{layout.API_PORT}"],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, env=env,
                                   start_new_session=True, cwd=REPOSITORY,
                                   preexec_fn=lab.unblock_signals)  # noqa: PLW1509 - no other thread runs here
        assert process.stdout is not None
        line = process.stdout.readline().decode().strip()
        process.stdout.close()
    if not line.isdigit():
        where = daemons.log_path(layout.CONTROL_PLANE.name, "relay")
        raise NodesError(f"relay: did not start (exit {process.poll()}); see {where}")
    return int(line)


def _teardown() -> list[str]:
    """Everything the run made, gone; returns what could not be removed (empty when all went)."""
    left: list[str] = []
    lab.kill_all(cgroups.processes())  # containers first: their shims are inside the nodes' namespaces
    lab.destroy()
    left += [str(p) for p in cgroups.remove(lab.kill_all)]
    if layout.state_dir().exists():
        shutil.rmtree(layout.state_dir(), ignore_errors=True)
        if layout.state_dir().exists():
            left.append(str(layout.state_dir()))
    left += [f"process {pid}" for pid in lab.processes_inside()]
    return left


def down(log: Callable[[str], None] = print) -> None:
    """Stop every process, remove every cgroup, namespace and file of the target, and its context."""
    started = time.monotonic()
    left = _teardown()
    kubeconfig.remove(layout.CONTEXT)
    if left:
        raise NodesError("real nodes: could not remove " + ", ".join(left))
    log(f"real nodes stopped in {time.monotonic() - started:.1f}s: no process, cgroup, namespace or file left; "
        f"context {layout.CONTEXT} removed from {kubeconfig.user_kubeconfig()}")
