"""What a page or a step may need from a cluster, declared once: each need, what it means, how it is probed.

The front matter's ``requires:`` and a step's ``requires=`` accept exactly the names of `NEEDS`
(`verify.directives.REQUIREMENTS`); the live tier's `verify.live.probe.Prober` answers a need with
its `probe` (or, for a need no probe can see, only when the reader passes ``--provide NAME``); a
need with a `control_plane` reason is never available on a control-plane target (kwok nodes: no
container runtime), and nothing is attempted. docs/conventions.md lists each need (a test keeps the
two in step). Adding a need is one entry here, and its line in docs/conventions.md.

The probes import the Python ``kubernetes`` client only when they run (`verify.kubeapi`), so the
static tier can read this table without it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from verify import kubeapi

NEEDS_RUNTIME = "needs a container runtime: control-plane target"


class Probing(Protocol):
    """What a probe may use and leave behind (the live tier's `Prober`)."""

    api_client: Any
    lb_timeout: float
    host_network: bool
    lab_seat: bool
    default_storage_class: str | None
    created_namespaces: list[str]


#: Whether the cluster has the need, and why (``pods/exec is served``).
Probe = Callable[[Probing], tuple[bool, str]]


@dataclass(frozen=True)
class Need:
    name: str
    description: str  # how it is decided, one line
    probe: Probe | None = None  # None: no probe can see it; the reader says so with --provide NAME
    control_plane: str | None = None  # why a control-plane target never has it (None: it may)


def _get(probing: Probing, path: str) -> Any:
    return kubeapi.get(probing.api_client, path)


def _nodes(probing: Probing) -> list[dict[str, Any]]:
    return kubeapi.items(_get(probing, "/api/v1/nodes"))


def _name(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def _multi_node(probing: Probing) -> tuple[bool, str]:
    usable = []
    for node in _nodes(probing):
        status, spec = node.get("status") or {}, node.get("spec") or {}
        ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [])
        tainted = any(t.get("effect") in ("NoSchedule", "NoExecute") for t in spec.get("taints") or [])
        if ready and not tainted and not spec.get("unschedulable"):
            usable.append(_name(node))
    return len(usable) >= 2, f"{len(usable)} schedulable node(s)" + (f": {', '.join(usable)}" if usable else "")


def _dynamic_pv(probing: Probing) -> tuple[bool, str]:
    for sc in kubeapi.items(_get(probing, "/apis/storage.k8s.io/v1/storageclasses")):
        annotations = (sc.get("metadata") or {}).get("annotations") or {}
        if annotations.get("storageclass.kubernetes.io/is-default-class") == "true":
            probing.default_storage_class = _name(sc)
            return True, f"default StorageClass {_name(sc)} ({sc.get('provisioner')})"
    return False, "no default StorageClass"


def _runtime(node: dict[str, Any]) -> str:
    return str(((node.get("status") or {}).get("nodeInfo") or {}).get("containerRuntimeVersion") or "")


def _exec(probing: Probing) -> tuple[bool, str]:
    names = {r.get("name") for r in _get(probing, "/api/v1").get("resources") or []}
    if "pods/exec" not in names:
        return False, "pods/exec is not served"
    runtimes = sorted({_runtime(node) for node in _nodes(probing) if _runtime(node)})
    if not runtimes:
        return False, "pods/exec is served, but no node reports a container runtime"
    return True, f"pods/exec is served; nodes run {', '.join(runtimes)}"


def _apparmor(probing: Probing) -> tuple[bool, str]:
    for node in _nodes(probing):
        for cond in (node.get("status") or {}).get("conditions") or []:
            if cond.get("type") == "Ready" and "AppArmor enabled" in (cond.get("message") or ""):
                return True, f"node {_name(node)} reports AppArmor enabled"
    return False, "no node reports AppArmor enabled"


def _node_addresses(probing: Probing) -> list[str]:
    found = []
    for node in _nodes(probing):
        for address in (node.get("status") or {}).get("addresses") or []:
            if address.get("type") == "InternalIP":
                found.append(address.get("address"))
    return found


def _cluster_network(probing: Probing) -> tuple[bool, str]:
    if probing.lab_seat:
        from cluster.nodes.seat import reaches

        addresses = _node_addresses(probing)
        if not addresses:
            return False, "no node has an InternalIP"
        return reaches(addresses)
    if not probing.host_network:
        return False, ("a page's commands run in a network namespace of their own that reaches only the API server "
                       "(--page-network host gives them this machine's network)")
    return True, "a full cluster, and the pages' commands use this machine's network (--page-network host)"


def _load_balancer(probing: Probing) -> tuple[bool, str]:
    api = probing.api_client
    namespace = f"verify-probe-{uuid.uuid4().hex[:6]}"
    kubeapi.request(api, "POST", "/api/v1/namespaces", body={
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": namespace, "labels": {"app.kubernetes.io/managed-by": "verify"}}})
    probing.created_namespaces.append(namespace)
    try:
        services = f"/api/v1/namespaces/{namespace}/services"
        kubeapi.request(api, "POST", services, body={
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "probe"},
            "spec": {"type": "LoadBalancer", "selector": {"verify-probe": "none"}, "ports": [{"port": 80}]}})
        deadline = time.monotonic() + probing.lb_timeout
        while time.monotonic() < deadline:
            svc = kubeapi.get(api, f"{services}/probe")
            ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
            if ingress:
                address = ingress[0].get("ip") or ingress[0].get("hostname")
                return True, f"a probe LoadBalancer Service got {address}"
            time.sleep(1.0)
        return False, f"a probe LoadBalancer Service got no address within {probing.lb_timeout:.0f}s"
    finally:
        kubeapi.request(api, "DELETE", f"/api/v1/namespaces/{namespace}")


NEEDS: dict[str, Need] = {need.name: need for need in [
    Need("multi-node", "at least two Ready nodes without NoSchedule taints or cordons", _multi_node),
    Need("dynamic-pv", "a StorageClass marked as the default class", _dynamic_pv),
    Need("exec", "the API serves pods/exec and a node reports a container runtime", _exec, NEEDS_RUNTIME),
    Need("apparmor", "a node's Ready condition says \"AppArmor enabled\" (the kubelet appends it)", _apparmor,
         NEEDS_RUNTIME),
    Need("load-balancer", "a probe Service of type LoadBalancer gets an address within the time budget",
         _load_balancer, "needs a load-balancer controller: control-plane target"),
    Need("cluster-network", "traffic from the page's commands to node, Pod and load-balancer addresses (a full cluster "
         "with --page-network host, or a seat in the real-node lab whose nodes answer)",
         _cluster_network, NEEDS_RUNTIME),
    Need("internet", "given with --provide internet (no probe connects beyond loopback)"),
    Need("elasticsearch", "given with --provide elasticsearch (the reader brings their own)"),
    Need("node-shell", "given with --provide node-shell (commands run on a node over SSH)",
         control_plane="needs a real node's shell: control-plane target"),
]}
#: Needs only real nodes meet (a container runtime, kubelets, node networking, a node's shell): what a control-plane
#: run leaves out, and what the site says such steps wait for.
REAL_NODE_NEEDS = frozenset(name for name, need in NEEDS.items() if need.control_plane)
