"""Start and stop the local control plane: Kubernetes v1.37.2 built from Go modules, kwok for nodes.

``up`` runs ``kwokctl create cluster --runtime binary`` on the binaries from `cluster.build`
(nothing is downloaded), then creates what a small real cluster has: three Ready nodes with
loopback addresses and a default StorageClass named ``standard`` whose claims are provisioned
by the kwok Stages in ``kwokctl.yaml`` and bound by the real PersistentVolume controller.

Its context ``kwok-verify`` is added to the user's default kubeconfig (``$KUBECONFIG``'s first
file, else ``~/.kube/config``) without changing the current context, so that
``python -m verify live --context kwok-verify`` finds it; ``down`` removes the context again and
stops every process kwokctl started. kwokctl's own state stays under the cache directory
(``KWOK_WORKDIR``), never in ``~/.kwok``.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from atomic_files import write_text
from cluster import build, kubeconfig, kubectl

NAME = "verify"
CONTEXT = f"kwok-{NAME}"
NODES = 3
STORAGE_CLASS = "standard"
CONFIG = Path(__file__).resolve().parent / "kwokctl.yaml"
START_TIMEOUT = 180.0


class KwokError(Exception):
    """The control plane could not be started or stopped; the message says what failed."""


@dataclass
class Status:
    running: bool
    server: str = ""
    version: str = ""
    nodes: int = 0


def workdir() -> Path:
    return build.cache_root() / "kwok"


def private_kubeconfig() -> Path:
    """The kubeconfig that holds only this control plane (credentials inlined)."""
    return workdir() / f"{NAME}.kubeconfig"


user_kubeconfig = kubeconfig.user_kubeconfig


def _kubectl() -> str:
    try:
        return str(kubectl.require())
    except kubectl.KubectlMissing as error:
        raise KwokError(str(error)) from None


def _env(binaries: Path) -> dict[str, str]:
    """kwokctl finds kubectl on PATH: the pinned one comes first."""
    path = os.pathsep.join([str(Path(_kubectl()).parent), str(binaries), os.environ.get("PATH", "")])
    return {**os.environ, "KWOK_WORKDIR": str(workdir()), "PATH": path}


def _run(command: list[str], env: dict[str, str], timeout: float = 120.0, input_: str | None = None,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, input=input_, check=False)
    except subprocess.TimeoutExpired:
        raise KwokError(f"`{' '.join(command)}` did not finish within {timeout:.0f}s") from None
    if check and done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-12:])
        raise KwokError(f"`{' '.join(command)}` failed (exit {done.returncode}):\n{tail}")
    return done


def _kubectl_private(args: list[str], env: dict[str, str], timeout: float = 60.0, input_: str | None = None,
                     check: bool = True) -> subprocess.CompletedProcess[str]:
    return _run([_kubectl(), "--kubeconfig", str(private_kubeconfig()), *args], env, timeout, input_, check)


def status(binaries: Path | None = None) -> Status:
    """Whether the control plane answers, with its server address, version and node count."""
    if not private_kubeconfig().is_file():
        return Status(False)
    env = _env(binaries or Path("/nonexistent"))
    done = _kubectl_private(["version", "-o", "json", "--request-timeout=3s"], env, 15, check=False)
    if done.returncode != 0:
        return Status(False)
    version = json.loads(done.stdout).get("serverVersion", {}).get("gitVersion", "")
    nodes = _kubectl_private(["get", "nodes", "-o", "name", "--request-timeout=5s"], env, 15, check=False)
    config = yaml.safe_load(private_kubeconfig().read_text(encoding="utf-8")) or {}
    server = ((config.get("clusters") or [{}])[0].get("cluster") or {}).get("server", "")
    return Status(True, server, version, len(nodes.stdout.split()))


def node_manifests(count: int = NODES) -> str:
    """Nodes kwok plays, each with its own loopback address (never an address off this machine)."""
    nodes = []
    for index in range(count):
        address = str(ipaddress.ip_address("127.0.1.1") + index)
        name = f"kwok-node-{index}"
        nodes.append({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
                         "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                                    "kubernetes.io/arch": "amd64", "type": "kwok"}},
            "spec": {"podCIDR": f"10.244.{index}.0/24", "podCIDRs": [f"10.244.{index}.0/24"]},
            "status": {"addresses": [{"type": "InternalIP", "address": address}, {"type": "Hostname", "address": name}]},
        })
    return yaml.safe_dump_all(nodes, sort_keys=False)


STORAGE_CLASS_MANIFEST = f"""\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: {STORAGE_CLASS}
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: verify.local/simulated-volumes
reclaimPolicy: Delete
volumeBindingMode: Immediate
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def etcd_tls(config: str, pki: Path, port: int) -> str:
    """kwokctl's configuration with etcd serving on `port` over TLS and requiring a client certificate.

    kwokctl runs etcd on plain HTTP, so anything on this machine could read and write the cluster's
    state. Here etcd takes kwokctl's own certificate authority and certificate (`pki/`, made before
    the components start), and the API server presents that certificate as its client certificate.
    """
    documents = list(yaml.safe_load_all(config))
    options = documents[0].setdefault("options", {})
    options["etcdPort"] = port
    url = f"https://127.0.0.1:{port}"
    patches = documents[0].setdefault("componentsPatches", [])
    apiserver = next((p for p in patches if p.get("name") == "kube-apiserver"), None)
    if apiserver is None:
        apiserver = {"name": "kube-apiserver", "extraArgs": []}
        patches.append(apiserver)
    apiserver.setdefault("extraArgs", []).extend([
        {"key": "etcd-servers", "value": url, "override": True},
        {"key": "etcd-cafile", "value": str(pki / "ca.crt")},
        {"key": "etcd-certfile", "value": str(pki / "admin.crt")},
        {"key": "etcd-keyfile", "value": str(pki / "admin.key")},
    ])
    patches.append({"name": "etcd", "extraArgs": [
        {"key": "listen-client-urls", "value": url, "override": True},
        {"key": "advertise-client-urls", "value": url, "override": True},
        {"key": "cert-file", "value": str(pki / "admin.crt")},
        {"key": "key-file", "value": str(pki / "admin.key")},
        {"key": "trusted-ca-file", "value": str(pki / "ca.crt")},
        {"key": "client-cert-auth", "value": "true"},
    ]})
    return yaml.safe_dump_all(documents, sort_keys=False)


def _create(binaries: Path, env: dict[str, str], log: Callable[[str], None]) -> None:
    config = workdir() / "kwokctl.yaml"
    pki = workdir() / "clusters" / NAME / "pki"
    write_text(config, etcd_tls(CONFIG.read_text(encoding="utf-8"), pki, _free_port()))
    command = [str(binaries / "kwokctl"), "--name", NAME, "create", "cluster", "--config", str(config),
               "--runtime", "binary", "--kubeconfig", "", "--wait", "60s", "--timeout", f"{START_TIMEOUT:.0f}s",
               "--kube-apiserver-binary", str(binaries / "kube-apiserver"),
               "--kube-controller-manager-binary", str(binaries / "kube-controller-manager"),
               "--kube-scheduler-binary", str(binaries / "kube-scheduler"),
               "--etcd-binary", str(binaries / "etcd"),
               "--kwok-controller-binary", str(binaries / "kwok")]
    log("starting kube-apiserver, kube-controller-manager, kube-scheduler, etcd and kwok (kwokctl, binary runtime)")
    _run(command, env, START_TIMEOUT + 30)
    raw = _run([str(binaries / "kwokctl"), "--name", NAME, "get", "kubeconfig"], env, 30).stdout
    scratch = workdir() / "kwokctl.kubeconfig"  # kwokctl's copy refers to certificate files: inline them
    write_text(scratch, raw, mode=0o600)
    try:
        flat = _run([_kubectl(), "config", "view", "--raw", "--flatten"], {**env, "KUBECONFIG": str(scratch)}, 30).stdout
    finally:
        scratch.unlink(missing_ok=True)
    _write_private(flat)


def _write_private(text: str) -> None:
    write_text(private_kubeconfig(), text, mode=0o600)  # credentials inside


def _populate(env: dict[str, str], log: Callable[[str], None]) -> None:
    log(f"creating {NODES} simulated nodes and the default StorageClass {STORAGE_CLASS!r}")
    _kubectl_private(["apply", "-f", "-"], env, 60, input_=node_manifests())
    _kubectl_private(["apply", "-f", "-"], env, 60, input_=STORAGE_CLASS_MANIFEST)
    _kubectl_private(["wait", "--for=condition=Ready", "node", "--all", "--timeout=120s"], env, 150)
    # Workloads are admitted only once the default ServiceAccount exists in a namespace.
    _kubectl_private(["wait", "--for=create", "serviceaccount/default", "-n", "default", "--timeout=60s"], env, 90)


def add_user_context(env: dict[str, str]) -> None:
    """Copy the context into the user's kubeconfig; the current context stays what it was."""
    del env
    try:
        kubeconfig.merge(private_kubeconfig(), CONTEXT)
    except kubeconfig.KubeconfigError as error:
        raise KwokError(str(error)) from None


def remove_user_context(env: dict[str, str]) -> None:
    del env
    kubeconfig.remove(CONTEXT)


def up(log: Callable[[str], None] = print) -> Status:
    """Start the control plane, or say that it runs and reuse it."""
    binaries = build.ensure(log)
    env = _env(binaries)
    workdir().mkdir(parents=True, exist_ok=True)
    current = status(binaries)
    if current.running:
        log(f"the control plane already runs at {current.server} (Kubernetes {current.version}, "
            f"{current.nodes} nodes); reusing it")
        add_user_context(env)
        return current
    _stop(binaries, env)  # state left by a machine restart or a failed start
    started = time.monotonic()
    try:
        _create(binaries, env, log)
        _populate(env, log)
        add_user_context(env)
    except (KwokError, OSError) as error:
        log("start failed; stopping what was started")
        _stop(binaries, env)
        raise KwokError(str(error)) from None
    current = status(binaries)
    log(f"control plane ready in {time.monotonic() - started:.0f}s at {current.server}: Kubernetes "
        f"{current.version}, {current.nodes} simulated nodes; context {CONTEXT} in {user_kubeconfig()}")
    return current


def _stop(binaries: Path, env: dict[str, str]) -> None:
    """kwokctl stops what it started; any process it missed is ended from its pid file."""
    state = workdir() / "clusters" / NAME
    pids = _recorded_pids(state)  # read first: kwokctl removes the files
    kwokctl = binaries / "kwokctl"
    if kwokctl.is_file() and state.exists():
        # kwokctl edits the kubeconfig it is given: a scratch file, never the user's.
        scratch = workdir() / "kwokctl-scratch.kubeconfig"
        _run([str(kwokctl), "--name", NAME, "delete", "cluster", "--kubeconfig", str(scratch)], env, 120, check=False)
        scratch.unlink(missing_ok=True)
    for pid in pids:
        _end(pid)
    shutil.rmtree(state, ignore_errors=True)
    private_kubeconfig().unlink(missing_ok=True)


def _recorded_pids(state: Path) -> list[int]:
    pids = []
    for pid_file in sorted((state / "pids").glob("*.pid")):
        try:
            pids.append(int(pid_file.read_text().strip()))
        except (OSError, ValueError):
            continue
    return pids


def _end(pid: int, grace: float = 10.0) -> None:
    """TERM, then KILL after `grace` seconds, a process that still runs one of our binaries."""
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return
    if not exe.startswith(str(build.cache_root())):
        return  # the pid was reused by something else
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        time.sleep(0.1)
    if Path(f"/proc/{pid}").exists():
        os.kill(pid, signal.SIGKILL)


def down(log: Callable[[str], None] = print) -> None:
    """Stop every process the control plane runs and remove its state and its context."""
    binaries = build.cached() or Path("/nonexistent")
    env = _env(binaries)
    _stop(binaries, env)
    remove_user_context(env)
    log(f"control plane {NAME} stopped; context {CONTEXT} removed from {user_kubeconfig()}")
