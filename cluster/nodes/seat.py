"""A seat in the lab for a network namespace the run did not make: a page's, while the page runs.

The tutorials' reader sits outside the cluster and reaches node addresses (NodePorts, health-check
ports) and load-balancer addresses; the lab's `client` member is that place. A page's commands get
the same view, but in a network namespace of their own (made by the verifier, alive as long as the
page): `take` adds a veth pair whose inner end is the namespace's `eth0` with a lab address of its
own (`SEATS`), and whose outer end joins the lab's bridge. The namespace gets the routes the client
has (the lab subnet, each node's Pod subnet through that node) and no default route, so an address
outside the lab is unreachable from it. Nothing is created in, or moved to, the machine's namespace.

Each seat's outer link is named after its address (`v-seat<octet>`): the kernel refuses a second
link of that name in the lab's namespace, so two pages (or two runs) can never take the same address.
The seat goes away with the page's namespace (the kernel removes a veth pair when one end's namespace
ends); `Seat.release` removes it at once.
"""

from __future__ import annotations

import contextlib
import subprocess
from dataclasses import dataclass

from cluster.nodes import lab, layout

#: The lab addresses pages sit at: after the client (.100), below MetalLB's range (.200-.220).
SEATS = range(101, 200)
LINK_PREFIX = "v-seat"


class SeatError(Exception):
    """No seat could be taken; the message is one line naming the command and its error."""


@dataclass(frozen=True)
class Seat:
    address: str
    link: str  # the outer end, on the lab's bridge

    def describe(self) -> str:
        return (f"a seat in the real-node lab at {self.address} (node, Pod and load-balancer addresses of "
                f"{layout.LAB_SUBNET} and {layout.POD_SUBNET}; no default route, nothing beyond the lab)")

    def release(self) -> None:
        """Remove the seat's link now (it also goes when the page's namespace ends)."""
        with contextlib.suppress(lab.LabError, OSError, subprocess.SubprocessError):
            _run(lab.enter(layout.LAB), ["ip", "link", "del", self.link], ())


def serves(server: str) -> bool:
    """Whether the real-node lab is up and SERVER is its API server's address from this machine (the relay)
    or from inside the lab."""
    holders = lab.holders()
    if not holders or not all(item.alive() for item in holders):
        return False
    return server.rstrip("/") in {_relay_server(), f"https://{layout.CONTROL_PLANE.address}:{layout.API_PORT}"}


def _relay_server() -> str:
    import yaml

    try:
        config = yaml.safe_load(layout.private_kubeconfig().read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return ""
    return str(((config.get("clusters") or [{}])[0].get("cluster") or {}).get("server", "")).rstrip("/")


def _run(prefix: list[str], command: list[str], fds: tuple[int, ...]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=30, check=False, pass_fds=fds)


def _checked(prefix: list[str], command: list[str], fds: tuple[int, ...]) -> None:
    done = _run(prefix, command, fds)
    if done.returncode != 0:
        raise SeatError(f"lab seat: `{' '.join(command)}` failed (exit {done.returncode}): "
                        f"{(done.stderr or done.stdout).strip()}")


def take(namespace_fd: int) -> Seat:
    """Give the network namespace open at NAMESPACE_FD (this process's descriptor) a seat in the lab."""
    try:
        lab_pid = lab.holder(layout.LAB).pid
    except lab.LabError as error:
        raise SeatError(str(error)) from None
    inside = ["nsenter", f"--net=/proc/self/fd/{namespace_fd}", "--"]
    fds = (namespace_fd,)
    seat = None
    for octet in SEATS:
        link = f"{LINK_PREFIX}{octet}"
        done = _run(inside, ["ip", "link", "add", "eth0", "type", "veth", "peer", "name", link, "netns", str(lab_pid)],
                    fds)
        if done.returncode == 0:
            seat = Seat(str(layout.LAB_SUBNET.network_address + octet), link)
            break
        if "exists" not in (done.stderr + done.stdout):
            raise SeatError(f"lab seat: `ip link add eth0 type veth peer name {link}` failed (exit {done.returncode}): "
                            f"{(done.stderr or done.stdout).strip()}")
    if seat is None:
        raise SeatError(f"lab seat: all {len(SEATS)} seats are taken (links {LINK_PREFIX}{SEATS[0]}…{SEATS[-1]} exist)")
    try:
        _checked(lab.enter(layout.LAB), ["ip", "link", "set", seat.link, "master", layout.BRIDGE, "up"], ())
        _checked(inside, ["ip", "addr", "add", f"{seat.address}/{layout.LAB_SUBNET.prefixlen}", "dev", "eth0"], fds)
        _checked(inside, ["ip", "link", "set", "eth0", "up"], fds)
        for node in layout.NODES:
            _checked(inside, ["ip", "route", "add", node.pod_subnet, "via", node.address], fds)
    except (SeatError, lab.LabError, OSError, subprocess.SubprocessError):
        seat.release()
        raise
    return seat


def reaches(addresses: list[str], port: int = 10250) -> tuple[bool, str]:
    """Whether a TCP connection from the lab's client (where seats sit) reaches each ADDRESS:PORT."""
    script = ("import socket,sys\nfor a in sys.argv[2:]:\n socket.create_connection((a,int(sys.argv[1])),3).close()")
    try:
        done = _run(lab.enter(layout.CLIENT.name), ["python3", "-I", "-c", script, str(port), *addresses], ())
    except (lab.LabError, OSError, subprocess.SubprocessError) as error:
        return False, f"cannot enter the lab's client namespace: {error}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["exit " + str(done.returncode)])[-1]
        return False, f"from the lab, port {port} of the nodes ({', '.join(addresses)}) does not answer: {last}"
    return True, f"from a lab seat the nodes answer on port {port} ({', '.join(addresses)})"
