"""What the machine must offer the real-node target, and what the target must leave as it found it.

The checks run before anything is created, so a machine that cannot run nodes gets one paragraph
naming what is missing and nothing to clean up.
"""

from __future__ import annotations

import ipaddress
import json
import shutil
import subprocess
from pathlib import Path

from cluster.nodes import layout

#: The address block of this machine's own network: never used by the lab, whatever `ip` says.
FORBIDDEN = ipaddress.ip_network("192.0.2.0/24")
#: Tools the node daemons call (kubelet: mount, nsenter; kube-proxy: iptables-restore; CNI: iptables).
TOOLS = ("nsenter", "unshare", "ip", "mount", "umount", "iptables", "iptables-restore", "ip6tables",
         "ip6tables-restore", "iptables-save", "nft", "conntrack")
#: cgroup v1 controllers kubelet needs on this machine kind (cm/container_manager_linux.go), and pids for limits.
CONTROLLERS = ("cpu", "cpuacct", "cpuset", "memory", "pids")
#: Kernel settings that kubelet and kube-proxy would write: the node daemons get their own copies of
#: the global ones (bind mounts in their mount namespace); the network ones are per namespace.
PROTECTED_SYSCTLS = ("vm/overcommit_memory", "vm/panic_on_oom", "kernel/panic", "kernel/panic_on_oops",
                     "kernel/keys/root_maxkeys", "kernel/keys/root_maxbytes")
WATCHED_SYSCTLS = (*PROTECTED_SYSCTLS, "net/netfilter/nf_conntrack_max", "net/ipv4/ip_forward",
                   "net/ipv4/conf/all/route_localnet", "net/bridge/bridge-nf-call-iptables",
                   "net/netfilter/nf_conntrack_tcp_timeout_established",
                   "net/netfilter/nf_conntrack_tcp_timeout_close_wait")


class HostError(Exception):
    """The machine cannot run the nodes; the message names the component and the cause."""


def sysctls(names: tuple[str, ...] = WATCHED_SYSCTLS) -> dict[str, str]:
    """The machine's current values (read in this process's namespaces: the host's)."""
    values = {}
    for name in names:
        try:
            values[name] = (Path("/proc/sys") / name).read_text(encoding="ascii").strip()
        except OSError:
            values[name] = "<absent>"
    return values


def _ip_json(*args: str) -> list[dict[str, object]]:
    done = subprocess.run(["ip", "-4", "-j", *args], capture_output=True, text=True, timeout=30, check=False)
    if done.returncode != 0:
        raise HostError(f"`ip -4 -j {' '.join(args)}` failed: {done.stderr.strip()}")
    found: list[dict[str, object]] = json.loads(done.stdout or "[]")
    return found


def machine_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Every IPv4 network this machine's own namespace has an address in or a route to."""
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = [FORBIDDEN]
    for link in _ip_json("addr"):
        for info in link.get("addr_info") or []:  # type: ignore[attr-defined]
            networks.append(ipaddress.ip_interface(f"{info['local']}/{info['prefixlen']}").network)
    for route in _ip_json("route", "show", "table", "all"):
        destination = str(route.get("dst", ""))
        if destination and destination != "default":
            networks.append(ipaddress.ip_network(destination if "/" in destination else f"{destination}/32", strict=False))
    return [n for n in networks if not n.is_loopback]


def check_subnets() -> None:
    """Refuse a lab, pod or Service subnet that overlaps anything the machine knows (or 192.0.2.0/24)."""
    known = machine_networks()
    for role, subnet in layout.all_subnets().items():
        clash = [str(n) for n in known if subnet.overlaps(n)]
        if clash:
            raise HostError(f"lab network: the {role} subnet {subnet} overlaps this machine's network(s) "
                            f"{', '.join(sorted(set(clash)))}; refusing to start so that no address of the lab can be "
                            "mistaken for one of the machine's (change the subnets in cluster/nodes/layout.py)")


def mounted_controllers() -> set[str]:
    found: set[str] = set()
    for line in Path("/proc/mounts").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) > 3 and parts[2] == "cgroup":
            found.update(option for option in parts[3].split(",") if option in CONTROLLERS)
    return found


def check_prerequisites() -> None:
    """Tools, root, cgroup v1 controllers and the subnets; one paragraph on the first thing missing."""
    import os

    if os.geteuid() != 0:
        raise HostError("real nodes: kubelet, containerd and the lab's namespaces need root (run as root)")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise HostError(f"real nodes: the node daemons need {', '.join(missing)} on PATH, which this machine lacks "
                        "(Debian: apt-get install util-linux iproute2 iptables nftables conntrack)")
    lacking = [c for c in CONTROLLERS if c not in mounted_controllers()]
    if lacking:
        raise HostError(f"kubelet: the cgroup v1 controller(s) {', '.join(lacking)} are not mounted under /sys/fs/cgroup; "
                        "kubelet needs cpu, cpuacct, cpuset and memory (and pids for Pod limits)")
    check_subnets()
