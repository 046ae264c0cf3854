"""Names, addresses and paths of the real-node target: one place, read by every other module."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cluster import build

NAME = "nodes"
CONTEXT = "k8s-tutorials-nodes"
#: Every cgroup the run makes is below this directory of each v1 hierarchy (and of the unified one).
CGROUP_ROOT = "k8s-tutorials-nodes"

LAB_SUBNET = ipaddress.ip_network("10.250.0.0/24")
POD_SUBNET = ipaddress.ip_network("10.244.0.0/16")
SERVICE_SUBNET = ipaddress.ip_network("10.96.0.0/16")
#: MetalLB hands LoadBalancer Services addresses from this part of the lab subnet.
LOAD_BALANCER_RANGE = ("10.250.0.200", "10.250.0.220")
API_PORT = 6443
CLUSTER_DNS = "10.96.0.10"
KUBERNETES_SERVICE = "10.96.0.1"
CLUSTER_DOMAIN = "cluster.local"


@dataclass(frozen=True)
class Member:
    """One participant of the lab: a set of namespaces with one address on the lab bridge."""

    name: str
    address: str
    pod_subnet: str = ""  # nodes only

    @property
    def is_node(self) -> bool:
        return bool(self.pod_subnet)


CONTROL_PLANE = Member("control-plane", "10.250.0.2")
NODES = (Member("node-1", "10.250.0.11", "10.244.1.0/24"), Member("node-2", "10.250.0.12", "10.244.2.0/24"))
CLIENT = Member("client", "10.250.0.100")
MEMBERS = (CONTROL_PLANE, *NODES, CLIENT)
#: Holds the bridge that joins the others; it has no address of its own.
LAB = "lab"
BRIDGE = "lab0"


def state_dir() -> Path:
    """Everything the run writes: configuration, certificates, logs, containerd's and kubelet's state."""
    return build.cache_root() / "nodes"


def member_dir(name: str) -> Path:
    return state_dir() / name


def private_kubeconfig() -> Path:
    """Admin credentials for the relay's address (what the user's kubeconfig gets a copy of)."""
    return state_dir() / "admin.kubeconfig"


def in_lab_kubeconfig() -> Path:
    """Admin credentials for the API server's lab address, for processes inside the lab (the client)."""
    return state_dir() / "admin-lab.kubeconfig"


def all_subnets() -> dict[str, ipaddress.IPv4Network]:
    return {"lab": LAB_SUBNET, "pod": POD_SUBNET, "service": SERVICE_SUBNET}  # type: ignore[dict-item]
