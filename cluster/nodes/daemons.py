"""Configuration and processes of the control plane and the nodes, each in its lab namespaces.

Every daemon is started with `nsenter` into its member's namespaces (`lab.enter`), in a session of
its own (a Ctrl-C in the terminal reaches the `up` command, which then stops everything), with its
output in `<state>/<member>/<daemon>.log`. Nothing here stops a process: `lab.destroy` ends every
process inside the lab's namespaces, `cgroups.remove` every container.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from atomic_files import write_text
from cluster.nodes import lab, layout, pki

API_LAB_URL = f"https://{layout.CONTROL_PLANE.address}:{layout.API_PORT}"
SANDBOX_IMAGE = "registry.k8s.io/pause:3.10.2"
#: Where an image pull would go: a port nothing listens on in the node's own namespace, so a pull
#: fails at once instead of leaving the lab (it could not anyway: there is no route).
CLOSED_REGISTRY = "https://127.0.0.1:1"


class DaemonError(Exception):
    """A daemon exited or did not become ready; the message names it and quotes its log."""


def log_path(member: str, daemon: str) -> Path:
    return layout.member_dir(member) / f"{daemon}.log"


def _tail(path: Path, lines: int = 12) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(text[-lines:])


def start(member: str, daemon: str, command: list[str], *, mount: bool = False,
          env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start DAEMON (a name for logs and errors) in MEMBER's namespaces."""
    layout.member_dir(member).mkdir(parents=True, exist_ok=True)
    with log_path(member, daemon).open("ab") as log, lab.signals_deferred():
        process = subprocess.Popen([*lab.enter(member, mount=mount), *command], stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True,
                                   env={**os.environ, **(env or {})},
                                   preexec_fn=lab.unblock_signals)  # noqa: PLW1509 - no other thread runs here
        lab.wait_inside(member, process.pid)
    return process


def wait_until(what: str, member: str, daemon: str, process: subprocess.Popen[bytes], ready: Callable[[], bool],
               timeout: float) -> None:
    """Poll READY until it holds; a daemon that exits or a timeout stops the start with its log's tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise DaemonError(f"{daemon} ({member}) exited with code {process.returncode} before {what}; "
                              f"its log ({log_path(member, daemon)}) ends:\n{_tail(log_path(member, daemon))}")
        if ready():
            return
        time.sleep(0.3)
    raise DaemonError(f"{daemon} ({member}): {what} did not happen within {timeout:.0f}s; its log "
                      f"({log_path(member, daemon)}) ends:\n{_tail(log_path(member, daemon))}")


def _inside(member: str, command: list[str], timeout: float = 10) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*lab.enter(member), *command], capture_output=True, text=True, timeout=timeout, check=False)


def healthy(member: str, url: str) -> bool:
    """Whether URL answers `ok` from inside MEMBER's network (curl, certificate not checked: liveness only)."""
    done = _inside(member, ["curl", "-ksf", "--max-time", "2", url])
    return done.returncode == 0 and done.stdout.strip() == "ok"


# --- control plane ---------------------------------------------------------------------------------

def start_control_plane(bins: Path, log: Callable[[str], None]) -> None:
    """etcd, kube-apiserver, kube-controller-manager, kube-scheduler in the control plane's namespace."""
    member = layout.CONTROL_PLANE.name
    folder = layout.member_dir(member)
    keys = pki.pki_dir()
    etcd = start(member, "etcd", [str(bins / "etcd"), "--name", "lab", "--data-dir", str(folder / "etcd"),
                                   "--listen-client-urls", "http://127.0.0.1:2379",
                                   "--advertise-client-urls", "http://127.0.0.1:2379",
                                   "--listen-peer-urls", "http://127.0.0.1:2380",
                                   "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
                                   "--initial-cluster", "lab=http://127.0.0.1:2380",
                                   "--listen-metrics-urls", "http://127.0.0.1:2381", "--unsafe-no-fsync"])
    wait_until("answering on 127.0.0.1:2381/health", member, "etcd", etcd,
               lambda: '"health":"true"' in _inside(member, ["curl", "-sf", "http://127.0.0.1:2381/health"]).stdout, 60)
    apiserver = start(member, "kube-apiserver", [
        str(bins / "kube-apiserver"), "--etcd-servers=http://127.0.0.1:2379",
        f"--advertise-address={layout.CONTROL_PLANE.address}", "--bind-address=0.0.0.0",
        f"--secure-port={layout.API_PORT}", f"--service-cluster-ip-range={layout.SERVICE_SUBNET}",
        "--service-node-port-range=30000-32767", f"--tls-cert-file={keys / 'apiserver.crt'}",
        f"--tls-private-key-file={keys / 'apiserver.key'}", f"--client-ca-file={keys / 'ca.crt'}",
        f"--token-auth-file={keys / 'tokens.csv'}", "--authorization-mode=Node,RBAC",
        "--enable-admission-plugins=NodeRestriction",
        f"--service-account-key-file={keys / 'sa.pub'}", f"--service-account-signing-key-file={keys / 'sa.key'}",
        f"--service-account-issuer=https://kubernetes.default.svc.{layout.CLUSTER_DOMAIN}",
        f"--kubelet-client-certificate={keys / 'apiserver-kubelet-client.crt'}",
        f"--kubelet-client-key={keys / 'apiserver-kubelet-client.key'}",
        "--kubelet-preferred-address-types=InternalIP", "--enable-aggregator-routing=true",
        "--allow-privileged=true", "--profiling=false", "--v=1"])
    wait_until("answering /readyz", member, "kube-apiserver", apiserver,
               lambda: healthy(member, f"https://127.0.0.1:{layout.API_PORT}/readyz"), 120)
    for who in ("controller-manager", "scheduler"):
        pki.kubeconfig(folder / f"{who}.kubeconfig", who, f"https://127.0.0.1:{layout.API_PORT}")
    manager = start(member, "kube-controller-manager", [
        str(bins / "kube-controller-manager"), f"--kubeconfig={folder / 'controller-manager.kubeconfig'}",
        "--allocate-node-cidrs=false", f"--service-cluster-ip-range={layout.SERVICE_SUBNET}",
        f"--cluster-cidr={layout.POD_SUBNET}", "--use-service-account-credentials=true",
        f"--service-account-private-key-file={keys / 'sa.key'}", f"--root-ca-file={keys / 'ca.crt'}",
        "--leader-elect=false", "--bind-address=127.0.0.1", "--controllers=*", "--v=1"])
    scheduler = start(member, "kube-scheduler", [
        str(bins / "kube-scheduler"), f"--kubeconfig={folder / 'scheduler.kubeconfig'}",
        "--leader-elect=false", "--bind-address=127.0.0.1", "--v=1"])
    wait_until("answering /healthz", member, "kube-controller-manager", manager,
               lambda: healthy(member, "https://127.0.0.1:10257/healthz"), 60)
    wait_until("answering /healthz", member, "kube-scheduler", scheduler,
               lambda: healthy(member, "https://127.0.0.1:10259/healthz"), 60)
    log("control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler running")


# --- nodes ----------------------------------------------------------------------------------------

def containerd_config(node: layout.Member, bins: Path) -> str:
    folder = layout.member_dir(node.name)
    cri_runtime = "plugins.'io.containerd.cri.v1.runtime'"
    cri_images = "plugins.'io.containerd.cri.v1.images'"
    return f"""\
# containerd for {node.name}: its own root, state, socket, CNI and registry configuration.
version = 3
root = '{folder / "containerd" / "root"}'
state = '{folder / "containerd" / "state"}'
# containerd's "opt" plugin would make /opt/containerd on the machine.
disabled_plugins = ['io.containerd.internal.v1.opt', 'io.containerd.snapshotter.v1.btrfs',
                    'io.containerd.snapshotter.v1.zfs', 'io.containerd.snapshotter.v1.devmapper',
                    'io.containerd.snapshotter.v1.blockfile', 'io.containerd.tracing.processor.v1.otlp']

[grpc]
  address = '{folder / "containerd.sock"}'

[ttrpc]
  address = '{folder / "containerd.sock.ttrpc"}'

[metrics]
  address = ''

[{cri_runtime}]
  netns_mounts_under_state_dir = true
  enable_selinux = false
  # This machine gives root no CAP_SYS_RESOURCE, so no process may lower its OOM score (kubelet asks
  # -998 for sandboxes): containerd raises such requests to its own score instead of failing them.
  restrict_oom_score_adj = true
  [{cri_runtime}.containerd]
    default_runtime_name = 'runc'
    [{cri_runtime}.containerd.runtimes.runc]
      runtime_type = 'io.containerd.runc.v2'
      [{cri_runtime}.containerd.runtimes.runc.options]
        BinaryName = '{bins / "runc"}'
        SystemdCgroup = false
  [{cri_runtime}.cni]
    bin_dirs = ['{folder / "cni-bin"}']
    conf_dir = '{folder / "cni"}'
    max_conf_num = 1

[{cri_images}]
  snapshotter = 'overlayfs'
  [{cri_images}.pinned_images]
    sandbox = '{SANDBOX_IMAGE}'
  [{cri_images}.registry]
    config_path = '{folder / "registries"}'

[plugins.'io.containerd.grpc.v1.cri']
  disable_tcp_service = true
  stream_server_address = '127.0.0.1'
  stream_server_port = '0'
"""


def cni_config(node: layout.Member) -> str:
    ipam_dir = layout.member_dir(node.name) / "cni-ipam"
    return json.dumps({"cniVersion": "1.0.0", "name": "lab-pods", "plugins": [
        {"type": "bridge", "bridge": "cni0", "isGateway": True, "ipMasq": False, "hairpinMode": True,
         "ipam": {"type": "host-local", "dataDir": str(ipam_dir), "ranges": [[{"subnet": node.pod_subnet}]],
                  "routes": [{"dst": "0.0.0.0/0"}]}},
        {"type": "portmap", "capabilities": {"portMappings": True}}]}, indent=1) + "\n"


def kubelet_config(node: layout.Member) -> dict[str, object]:
    folder = layout.member_dir(node.name)
    keys = pki.pki_dir()
    return {
        "apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration",
        # cgroup v1 is deprecated since 1.35 and refused by default; this machine kind has only v1.
        "failCgroupV1": False, "cgroupDriver": "cgroupfs", "cgroupsPerQOS": True,
        "cgroupRoot": f"/{layout.CGROUP_ROOT}/{node.name}",
        "containerRuntimeEndpoint": f"unix://{folder / 'containerd.sock'}",
        "address": node.address, "port": 10250, "readOnlyPort": 0,
        "healthzBindAddress": "127.0.0.1", "healthzPort": 10248,
        "authentication": {"anonymous": {"enabled": False}, "webhook": {"enabled": False},
                           "x509": {"clientCAFile": str(keys / "ca.crt")}},
        "authorization": {"mode": "AlwaysAllow"},
        "clusterDomain": layout.CLUSTER_DOMAIN, "clusterDNS": [layout.CLUSTER_DNS],
        "resolvConf": str(folder / "resolv.conf"),
        "podLogsDir": str(folder / "pod-logs"),
        "staticPodPath": "", "failSwapOn": False, "maxPods": 110,
        "imageGCHighThresholdPercent": 100, "imageGCLowThresholdPercent": 99,
        "evictionHard": {"memory.available": "100Mi", "nodefs.available": "2%", "imagefs.available": "2%"},
        "serializeImagePulls": False, "protectKernelDefaults": False,
    }


def kube_proxy_config(node: layout.Member) -> dict[str, object]:
    folder = layout.member_dir(node.name)
    return {
        "apiVersion": "kubeproxy.config.k8s.io/v1alpha1", "kind": "KubeProxyConfiguration",
        "clientConnection": {"kubeconfig": str(folder / "kube-proxy.kubeconfig")},
        "hostnameOverride": node.name, "mode": "iptables", "clusterCIDR": str(layout.POD_SUBNET),
        "bindAddress": "0.0.0.0", "healthzBindAddress": "0.0.0.0:10256", "metricsBindAddress": "127.0.0.1:10249",
        # 0 leaves the machine-wide conntrack table size and the timeouts as they are.
        "conntrack": {"maxPerCore": 0, "min": 0, "tcpEstablishedTimeout": "0s", "tcpCloseWaitTimeout": "0s"},
    }


REGISTRY_HOSTS = f"""\
# Every registry resolves to a closed port: images are imported before the run, never pulled.
server = '{CLOSED_REGISTRY}'

[host.'{CLOSED_REGISTRY}']
  capabilities = ['pull', 'resolve']
"""


def write_node_files(node: layout.Member, bins: Path) -> None:
    folder = layout.member_dir(node.name)
    for sub in ("cni", "cni-bin", "cni-ipam", "pod-logs", "kubelet", "registries/_default", "volumes"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for plugin in ("bridge", "host-local", "loopback", "portmap"):
        link = folder / "cni-bin" / plugin
        link.unlink(missing_ok=True)
        link.symlink_to(bins / plugin)
    write_text(folder / "containerd.toml", containerd_config(node, bins))
    write_text(folder / "cni" / "10-lab.conflist", cni_config(node))
    write_text(folder / "registries" / "_default" / "hosts.toml", REGISTRY_HOSTS)
    write_text(folder / "resolv.conf", "# no name servers outside the cluster: the lab has no way out\n")
    write_text(folder / "kubelet.yaml", yaml.safe_dump(kubelet_config(node), sort_keys=False))
    write_text(folder / "kube-proxy.yaml", yaml.safe_dump(kube_proxy_config(node), sort_keys=False))
    pki.kubeconfig(folder / "kubelet.kubeconfig", node.name, API_LAB_URL)
    pki.kubeconfig(folder / "kube-proxy.kubeconfig", "kube-proxy", API_LAB_URL)


def node_env(bins: Path) -> dict[str, str]:
    """containerd finds its shim on PATH; the machine's tools (mount, iptables) stay after it."""
    return {"PATH": f"{bins}:{os.environ.get('PATH', '/usr/sbin:/usr/bin:/sbin:/bin')}"}


def ctr(node: layout.Member, bins: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    sock = layout.member_dir(node.name) / "containerd.sock"
    return subprocess.run([*lab.enter(node.name, mount=True), str(bins / "ctr"), "--address", str(sock),
                           "--namespace", "k8s.io", *args], capture_output=True, text=True, timeout=timeout, check=False)


def start_containerd(node: layout.Member, bins: Path) -> None:
    folder = layout.member_dir(node.name)
    process = start(node.name, "containerd", [str(bins / "containerd"), "--config", str(folder / "containerd.toml")],
                    mount=True, env=node_env(bins))
    wait_until("serving its socket", node.name, "containerd", process,
               lambda: ctr(node, bins, "version", timeout=10).returncode == 0, 60)


def import_images(node: layout.Member, bins: Path, archives: list[Path],
                  aliases: tuple[tuple[str, str], ...] | list[tuple[str, str]] = ()) -> None:
    """Import each archive (named by its image's first name), then give each image its other names (ALIASES:
    (first name, other name)), e.g. nginx-slim:0.24 for the image archived as nginx-slim:0.21."""
    for archive in archives:
        done = ctr(node, bins, "images", "import", "--snapshotter", "overlayfs", str(archive))
        if done.returncode != 0:
            raise DaemonError(f"containerd ({node.name}): importing {archive.name} failed: {done.stderr.strip()[-500:]}")
    for source, alias in aliases:
        done = ctr(node, bins, "images", "tag", "--force", source, alias)
        if done.returncode != 0:
            raise DaemonError(f"containerd ({node.name}): naming {source} also {alias} failed: "
                              f"{done.stderr.strip()[-500:]}")


def start_node_agents(node: layout.Member, bins: Path) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]]:
    folder = layout.member_dir(node.name)
    kubelet = start(node.name, "kubelet", [
        str(bins / "kubelet"), f"--config={folder / 'kubelet.yaml'}", f"--kubeconfig={folder / 'kubelet.kubeconfig'}",
        f"--root-dir={folder / 'kubelet'}", f"--hostname-override={node.name}", f"--node-ip={node.address}", "--v=1"],
        mount=True, env=node_env(bins))
    proxy = start(node.name, "kube-proxy", [str(bins / "kube-proxy"), f"--config={folder / 'kube-proxy.yaml'}", "--v=1"],
                  mount=True, env=node_env(bins))
    return kubelet, proxy


def node_objects() -> str:
    """The nodes as the API will know them, made before their kubelets start so that each has the Pod
    subnet the lab routes to it (the controller manager does not allocate them)."""
    nodes = [{"apiVersion": "v1", "kind": "Node",
              "metadata": {"name": node.name, "labels": {"kubernetes.io/hostname": node.name, "kubernetes.io/os": "linux",
                                                         "kubernetes.io/arch": "amd64"}},
              "spec": {"podCIDR": node.pod_subnet, "podCIDRs": [node.pod_subnet]}} for node in layout.NODES]
    return yaml.safe_dump_all(nodes, sort_keys=False)


def healthy_proxy(member: str) -> bool:
    """kube-proxy's /healthz answers 200 once its rules are synced."""
    return _inside(member, ["curl", "-sf", "--max-time", "2", "http://127.0.0.1:10256/healthz"]).returncode == 0
