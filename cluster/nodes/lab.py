"""The lab: namespaces the run creates, joined by one bridge, with no way out.

Each member (`layout.MEMBERS`) is a set of namespaces kept alive by a holder process (`sleep` under
`unshare`); processes join them with `nsenter --target PID`. Nothing is named under /run/netns and
nothing is mounted on the machine: when the holder and every process inside have ended, the kernel
frees the namespaces, their interfaces and every mount made inside them.

The members' interfaces are veth pairs whose other end sits on the bridge of the `lab` namespace;
no interface is ever created in, or moved to, the machine's own namespace. Each member has one
address on the lab subnet and routes to the nodes' Pod subnets, and no default route.

A node's mount namespace is private. In it, files bind-mounted over the global kernel settings
kubelet writes (`host.PROTECTED_SYSCTLS`) take those writes, and the node's own folder is mounted
over /var/log (kubelet's fixed /var/log/containers), so the machine's values and folders never change;
containerd's store is a tmpfs there, freed with the namespace.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from atomic_files import write_text
from cluster.nodes import host, layout

#: Upper bound of each node's in-memory containerd store (used: about 1.4 GB with every image imported).
CONTAINERD_TMPFS = "4g"


class LabError(Exception):
    """A namespace or link could not be made; the message names the member and the command."""


@dataclass(frozen=True)
class Holder:
    """The process that keeps one member's namespaces alive, and their identities (to tell a reused pid)."""

    name: str
    pid: int
    net: str  # the `net:[inode]` link of /proc/PID/ns/net when it was made
    mnt: str  # and of /proc/PID/ns/mnt (the machine's own, except for nodes)

    def alive(self) -> bool:
        try:
            return os.readlink(f"/proc/{self.pid}/ns/net") == self.net
        except OSError:
            return False


def _state_file() -> Path:
    return layout.state_dir() / "lab.json"


def holders() -> list[Holder]:
    """The holders recorded by the last `create`, alive or not."""
    try:
        raw = json.loads(_state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [Holder(item["name"], int(item["pid"]), item["net"], item["mnt"]) for item in raw]


def holder(name: str) -> Holder:
    for item in holders():
        if item.name == name:
            return item
    raise LabError(f"lab: no namespace for {name} (is the target up?)")


def enter(name: str, *, mount: bool = False) -> list[str]:
    """The command prefix that runs a program in MEMBER's namespaces (network; mount and UTS for nodes)."""
    item = holder(name)
    flags = ["--net", "--uts", "--mount"] if mount else ["--net"]
    return ["nsenter", f"--target={item.pid}", *flags, "--"]


def wait_inside(name: str, pid: int, timeout: float = 10) -> None:
    """Wait until PID (started through `enter`) has joined MEMBER's network namespace, or has ended."""
    target = holder(name).net
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not gone(pid):
        try:
            if os.readlink(f"/proc/{pid}/ns/net") == target:
                return
        except OSError:
            return
        time.sleep(0.005)


def _run(name: str, command: list[str], *, mount: bool = False, input_: str | None = None) -> str:
    full = [*enter(name, mount=mount), *command]
    done = subprocess.run(full, capture_output=True, text=True, timeout=60, input=input_, check=False)
    if done.returncode != 0:
        raise LabError(f"lab ({name}): `{' '.join(command)}` failed (exit {done.returncode}): "
                       f"{(done.stderr or done.stdout).strip()}")
    return done.stdout


def _spawn_holder(name: str, private_mounts: bool) -> Holder:
    flags = ["--net", "--uts", "--mount", "--propagation", "private"] if private_mounts else ["--net"]
    process = subprocess.Popen(["unshare", *flags, "--", "sleep", "infinity"], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=unblock_signals)  # noqa: PLW1509 - up starts no thread before the lab
    mine = os.readlink("/proc/self/ns/net")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace").strip() if process.stderr else ""
            raise LabError(f"lab ({name}): `unshare {' '.join(flags)}` failed: {error or 'exit ' + str(process.returncode)}")
        try:
            net = os.readlink(f"/proc/{process.pid}/ns/net")
        except OSError:
            net = mine
        if net != mine and Path(f"/proc/{process.pid}/cmdline").read_bytes().startswith(b"sleep"):
            return Holder(name, process.pid, net, os.readlink(f"/proc/{process.pid}/ns/mnt"))
        time.sleep(0.02)
    raise LabError(f"lab ({name}): the namespace holder did not start within 10 s")


def _record(items: list[Holder]) -> None:
    write_text(_state_file(), json.dumps([item.__dict__ for item in items], indent=1) + "\n")


DEFERRED_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Ctrl-C (or TERM, HUP) waits until the block ends: a process is never started where `destroy` cannot
    find it (a holder not yet recorded, a daemon not yet inside its namespace). Processes started inside
    the block must pass `preexec_fn=unblock_signals`, or they (and every container below a daemon)
    would inherit the blocked signals."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, DEFERRED_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def unblock_signals() -> None:
    """In a child, before exec: the signal mask the program would have had without `signals_deferred`."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, DEFERRED_SIGNALS)


def create() -> list[Holder]:
    """Make every member's namespaces and the network between them (recorded as it goes, for `destroy`)."""
    made: list[Holder] = []
    for name, private in ((layout.LAB, False), *((m.name, m.is_node) for m in layout.MEMBERS)):
        with signals_deferred():
            made.append(_spawn_holder(name, private))
            _record(made)
    _run(layout.LAB, ["ip", "link", "set", "lo", "up"])
    _run(layout.LAB, ["ip", "link", "add", layout.BRIDGE, "type", "bridge"])
    _run(layout.LAB, ["ip", "link", "set", layout.BRIDGE, "up"])
    for member in layout.MEMBERS:
        _join(member)
    for node in layout.NODES:
        _private_mounts(node)
    return made


def _join(member: layout.Member) -> None:
    peer = f"v-{member.name}"[:15]
    target = holder(member.name).pid
    _run(layout.LAB, ["ip", "link", "add", peer, "type", "veth", "peer", "name", "eth0", "netns", str(target)])
    _run(layout.LAB, ["ip", "link", "set", peer, "master", layout.BRIDGE, "up"])
    prefix = layout.LAB_SUBNET.prefixlen
    _run(member.name, ["ip", "link", "set", "lo", "up"])
    _run(member.name, ["ip", "addr", "add", f"{member.address}/{prefix}", "dev", "eth0"])
    _run(member.name, ["ip", "link", "set", "eth0", "up"])
    for node in layout.NODES:
        if node.name != member.name:
            _run(member.name, ["ip", "route", "add", node.pod_subnet, "via", node.address])
    if member.is_node:
        # Per namespace (this writes the node's own value, not the machine's): nodes route their Pods.
        _run(member.name, ["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"])
        # A node's own processes (kubelet, host-network Pods) dial Service addresses: the route lookup
        # comes before kube-proxy's DNAT, so the Service subnet needs a route (a node elsewhere has
        # its default route for that); the DNAT then sends the packet to an endpoint in the lab.
        _run(member.name, ["ip", "route", "add", str(layout.SERVICE_SUBNET), "dev", "eth0"])


def _private_mounts(node: layout.Member) -> None:
    folder = layout.member_dir(node.name)
    sysctl_dir = folder / "sysctl"
    sysctl_dir.mkdir(parents=True, exist_ok=True)
    (folder / "log").mkdir(parents=True, exist_ok=True)
    script = ["set -e"]
    for name, value in host.sysctls(host.PROTECTED_SYSCTLS).items():
        copy = sysctl_dir / name.replace("/", ".")
        copy.write_text(value + "\n", encoding="ascii")
        script.append(f"mount --bind '{copy}' '/proc/sys/{name}'")
    script.append(f"mount --bind '{folder / 'log'}' /var/log")
    # containerd's images and containers live in memory: imported in seconds at each start, and gone
    # with the namespace at down (on disk, removing two nodes' unpacked images took about 40 s).
    (folder / "containerd").mkdir(exist_ok=True)
    script.append(f"mount -t tmpfs -o size={CONTAINERD_TMPFS},mode=0700 containerd '{folder / 'containerd'}'")
    script.append(f"hostname '{node.name}'")
    _run(node.name, ["sh", "-c", "\n".join(script)], mount=True)


def processes_inside() -> list[int]:
    """Every live process (holders included) in one of the lab's network or mount namespaces.

    Only the namespaces of holders still alive count: once a namespace is freed the kernel may give its
    inode number to a new one (a page's, another run's), and a process there is not the lab's.
    """
    mine = {os.readlink(f"/proc/self/ns/{kind}") for kind in ("net", "mnt")}
    identities = {ns for item in holders() if item.alive() for ns in (item.net, item.mnt)} - mine
    if not identities:
        return []
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or gone(int(entry.name)):
            continue
        for kind in ("net", "mnt"):
            try:
                if os.readlink(entry / "ns" / kind) in identities:
                    found.append(int(entry.name))
                    break
            except OSError:
                continue
    return found


def programs_by_member() -> dict[str, list[str]]:
    """Member name -> the programs running in its network namespace (holders left out), for `status`."""
    members = {item.net: item.name for item in holders()}
    found: dict[str, set[str]] = {}
    for pid in processes_inside():
        try:
            member = members.get(os.readlink(f"/proc/{pid}/ns/net"))
            program = Path(os.readlink(f"/proc/{pid}/exe")).name
        except OSError:
            continue
        if member and program not in ("sleep", "nsenter"):
            found.setdefault(member, set()).add("relay" if program.startswith("python") else program)
    return {name: sorted(programs) for name, programs in found.items()}


def gone(pid: int) -> bool:
    """Whether PID has ended (a zombie waiting for its parent counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X")


def kill_all(pids: list[int], grace: float = 5.0) -> None:
    """SIGKILL each process and wait until all have ended (at most GRACE seconds)."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and not all(gone(pid) for pid in pids):
        time.sleep(0.05)


def destroy() -> None:
    """End every process in the lab's namespaces (so the kernel frees them) and forget the holders."""
    for _ in range(3):
        pids = processes_inside()
        if not pids:
            break
        kill_all(pids)
    _state_file().unlink(missing_ok=True)
