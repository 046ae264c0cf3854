"""What a page or a step may need from a cluster, declared once: each need, what it means, how it is probed.

The front matter's ``requires:`` and a step's ``requires=`` accept exactly the names of `NEEDS`
(`verify.directives.REQUIREMENTS`); the live tier's `verify.live.probe.Prober` answers a need with
its `probe` (or, for a need no probe can see, only when the reader passes ``--provide NAME``); a
need with a `control_plane` reason is never available on a control-plane target (kwok nodes: no
container runtime), and nothing is attempted. docs/conventions.md lists each need (a test keeps the
two in step). Adding a need is one entry here, and its line in docs/conventions.md.

The probes import the Python ``kubernetes`` client only when they run, so the static tier can read
this table without it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

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


def _core(probing: Probing) -> Any:
    from kubernetes import client

    return client.CoreV1Api(probing.api_client)


def _multi_node(probing: Probing) -> tuple[bool, str]:
    usable = []
    for node in _core(probing).list_node().items:
        ready = any(c.type == "Ready" and c.status == "True" for c in (node.status.conditions or []))
        tainted = any(t.effect in ("NoSchedule", "NoExecute") for t in (node.spec.taints or []))
        if ready and not tainted and not node.spec.unschedulable:
            usable.append(node.metadata.name)
    return len(usable) >= 2, f"{len(usable)} schedulable node(s)" + (f": {', '.join(usable)}" if usable else "")


def _dynamic_pv(probing: Probing) -> tuple[bool, str]:
    from kubernetes import client

    for sc in client.StorageV1Api(probing.api_client).list_storage_class().items:
        if sc.metadata is None:  # the API server always sets it; nothing to read without it
            continue
        annotations = sc.metadata.annotations or {}
        if annotations.get("storageclass.kubernetes.io/is-default-class") == "true":
            probing.default_storage_class = sc.metadata.name
            return True, f"default StorageClass {sc.metadata.name} ({sc.provisioner})"
    return False, "no default StorageClass"


def _exec(probing: Probing) -> tuple[bool, str]:
    core = _core(probing)
    names = {r.name for r in core.get_api_resources().resources}
    if "pods/exec" not in names:
        return False, "pods/exec is not served"
    runtimes = sorted({node.status.node_info.container_runtime_version for node in core.list_node().items
                       if node.status and node.status.node_info and node.status.node_info.container_runtime_version})
    if not runtimes:
        return False, "pods/exec is served, but no node reports a container runtime"
    return True, f"pods/exec is served; nodes run {', '.join(runtimes)}"


def _apparmor(probing: Probing) -> tuple[bool, str]:
    for node in _core(probing).list_node().items:
        for cond in node.status.conditions or []:
            if cond.type == "Ready" and "AppArmor enabled" in (cond.message or ""):
                return True, f"node {node.metadata.name} reports AppArmor enabled"
    return False, "no node reports AppArmor enabled"


def _node_addresses(probing: Probing) -> list[str]:
    found = []
    for node in _core(probing).list_node().items:
        for address in (node.status.addresses if node.status else None) or []:
            if address.type == "InternalIP":
                found.append(address.address)
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
    core = _core(probing)
    namespace = f"verify-probe-{uuid.uuid4().hex[:6]}"
    core.create_namespace({"metadata": {"name": namespace, "labels": {"app.kubernetes.io/managed-by": "verify"}}})
    probing.created_namespaces.append(namespace)
    try:
        core.create_namespaced_service(namespace, {
            "metadata": {"name": "probe"},
            "spec": {"type": "LoadBalancer", "selector": {"verify-probe": "none"}, "ports": [{"port": 80}]}})
        deadline = time.monotonic() + probing.lb_timeout
        while time.monotonic() < deadline:
            svc = core.read_namespaced_service("probe", namespace)
            ingress = (svc.status.load_balancer.ingress if svc.status and svc.status.load_balancer else None) or []
            if ingress:
                address = ingress[0].ip or ingress[0].hostname
                return True, f"a probe LoadBalancer Service got {address}"
            time.sleep(1.0)
        return False, f"a probe LoadBalancer Service got no address within {probing.lb_timeout:.0f}s"
    finally:
        core.delete_namespace(namespace)


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
