"""What the cluster offers, found out with the Python `kubernetes` client before a page runs.

Each need of the page vocabulary (docs/conventions.md) is probed only when some page or step
asks for it, and every answer carries a reason, so a skip says *why*: ``cluster lacks exec
(pods/exec is not served)``.

===============  =====================================================================
need             how it is decided
===============  =====================================================================
multi-node       at least two Ready nodes without NoSchedule taints or cordons
dynamic-pv       a StorageClass marked as the default class
exec             the API serves ``pods/exec`` and the nodes run containers (not on a
                 control-plane target, whose nodes kwok simulates)
apparmor         a node's Ready condition says "AppArmor enabled" (the kubelet appends it)
load-balancer    a probe Service of type LoadBalancer gets an address within the time budget
cluster-network  traffic from this machine to pod, Service and node addresses (a full
                 cluster; never on a control-plane target, whose addresses are fiction)
internet         given with ``--provide internet`` (no probe connects beyond loopback)
elasticsearch    given with ``--provide elasticsearch`` (the reader brings their own)
node-shell       given with ``--provide node-shell`` (commands run on a node over SSH)
===============  =====================================================================

On a control-plane target (`verify.live.cluster.Target.control_plane_only`) every need that takes a
container runtime is answered "no" at once, with that reason, and nothing is attempted.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

PROVIDED_ONLY = {"elasticsearch", "node-shell", "internet"}
NEEDS_RUNTIME = "needs a container runtime: control-plane target"
RUNTIME_NEEDS = {"exec": NEEDS_RUNTIME, "apparmor": NEEDS_RUNTIME, "cluster-network": NEEDS_RUNTIME,
                 "load-balancer": "needs a load-balancer controller: control-plane target"}


@dataclass
class Capabilities:
    have: dict[str, bool] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def missing(self, needs: Iterable[str]) -> list[str]:
        return sorted(n for n in needs if not self.have.get(n, False))

    def explain(self, needs: Iterable[str]) -> str:
        """'cluster lacks exec (pods/exec is not served)' for each missing need."""
        return "; ".join(f"cluster lacks {n} ({self.reasons.get(n, 'not probed')})" for n in self.missing(needs))

    def as_json(self) -> dict[str, Any]:
        return {need: {"available": self.have[need], "reason": self.reasons.get(need, "")} for need in sorted(self.have)}


class Prober:
    """Probes lazily and remembers each answer for the whole run."""

    def __init__(self, api_client: Any, provided: Iterable[str] = (), lb_timeout: float = 60.0,
                 withheld: Iterable[str] = (), control_plane_only: bool = False) -> None:
        self.api_client = api_client
        self.provided = set(provided)
        self.withheld = set(withheld)
        self.lb_timeout = lb_timeout
        self.control_plane_only = control_plane_only
        self.capabilities = Capabilities()
        self.default_storage_class: str | None = None  # its name, once dynamic-pv was probed
        self.created_namespaces: list[str] = []

    def probe(self, needs: Iterable[str]) -> Capabilities:
        for need in sorted(set(needs)):
            if need in self.capabilities.have:
                continue
            if need in self.withheld:
                self._set(need, False, "withheld on the command line (--withhold)")
                continue
            if self.control_plane_only and need in RUNTIME_NEEDS:
                self._set(need, False, RUNTIME_NEEDS[need])
                continue
            if need in self.provided:
                self._set(need, True, "provided on the command line")
                continue
            method = getattr(self, "_" + need.replace("-", "_"), None)
            if method is None:
                self._set(need, False, "unknown need" if need not in PROVIDED_ONLY
                          else f"not provided; pass --provide {need} if you have it")
                continue
            try:
                ok, reason = method()
            except Exception as error:  # noqa: BLE001 - a failed probe means the need is not met
                ok, reason = False, f"probe failed: {' '.join(str(error).split())[:160]}"
            self._set(need, ok, reason)
        return self.capabilities

    def _set(self, need: str, ok: bool, reason: str) -> None:
        self.capabilities.have[need] = ok
        self.capabilities.reasons[need] = reason

    # --- the probes -----------------------------------------------------------------------------
    def _core(self) -> Any:
        from kubernetes import client

        return client.CoreV1Api(self.api_client)

    def _nodes(self) -> list[Any]:
        return list(self._core().list_node().items)

    def _multi_node(self) -> tuple[bool, str]:
        usable = []
        for node in self._nodes():
            ready = any(c.type == "Ready" and c.status == "True" for c in (node.status.conditions or []))
            tainted = any(t.effect in ("NoSchedule", "NoExecute") for t in (node.spec.taints or []))
            if ready and not tainted and not node.spec.unschedulable:
                usable.append(node.metadata.name)
        return len(usable) >= 2, f"{len(usable)} schedulable node(s)" + (f": {', '.join(usable)}" if usable else "")

    def _dynamic_pv(self) -> tuple[bool, str]:
        from kubernetes import client

        for sc in client.StorageV1Api(self.api_client).list_storage_class().items:
            annotations = sc.metadata.annotations or {}
            if annotations.get("storageclass.kubernetes.io/is-default-class") == "true":
                self.default_storage_class = sc.metadata.name
                return True, f"default StorageClass {sc.metadata.name} ({sc.provisioner})"
        return False, "no default StorageClass"

    def _exec(self) -> tuple[bool, str]:
        names = {r.name for r in self._core().get_api_resources().resources}
        if "pods/exec" in names:
            return True, "pods/exec is served"
        return False, "pods/exec is not served"

    def _apparmor(self) -> tuple[bool, str]:
        for node in self._nodes():
            for cond in node.status.conditions or []:
                if cond.type == "Ready" and "AppArmor enabled" in (cond.message or ""):
                    return True, f"node {node.metadata.name} reports AppArmor enabled"
        return False, "no node reports AppArmor enabled"

    def _cluster_network(self) -> tuple[bool, str]:
        return True, "a full cluster: its nodes run the pods and carry their traffic"

    def _load_balancer(self) -> tuple[bool, str]:
        core = self._core()
        namespace = f"verify-probe-{uuid.uuid4().hex[:6]}"
        core.create_namespace({"metadata": {"name": namespace, "labels": {"app.kubernetes.io/managed-by": "verify"}}})
        self.created_namespaces.append(namespace)
        try:
            core.create_namespaced_service(namespace, {
                "metadata": {"name": "probe"},
                "spec": {"type": "LoadBalancer", "selector": {"verify-probe": "none"}, "ports": [{"port": 80}]}})
            deadline = time.monotonic() + self.lb_timeout
            while time.monotonic() < deadline:
                svc = core.read_namespaced_service("probe", namespace)
                ingress = (svc.status.load_balancer.ingress if svc.status and svc.status.load_balancer else None) or []
                if ingress:
                    address = ingress[0].ip or ingress[0].hostname
                    return True, f"a probe LoadBalancer Service got {address}"
                time.sleep(1.0)
            return False, f"a probe LoadBalancer Service got no address within {self.lb_timeout:.0f}s"
        finally:
            core.delete_namespace(namespace)

    def leftovers(self, timeout: float = 120.0) -> list[str]:
        """Namespaces the probes created that are still there after `timeout` seconds."""
        if not self.created_namespaces:
            return []
        core = self._core()
        deadline = time.monotonic() + timeout
        while True:
            left = []
            for name in self.created_namespaces:
                try:
                    core.read_namespace(name)
                    left.append(f"namespace {name}")
                except Exception as error:  # noqa: BLE001
                    if getattr(error, "status", None) != 404:
                        raise
            if not left or time.monotonic() >= deadline:
                return left
            time.sleep(0.5)

