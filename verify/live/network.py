"""The page's own network: a network namespace in which only the API server can be reached.

A page's commands must not reach this machine's loopback services (an etcd, a database, a test
server) nor anything else. Each page gets a network namespace of its own, made for the run: loopback
only, no route anywhere. The API server is forwarded into it: a short-lived helper process, started
in the new namespace with `unshare --net`, brings loopback up, opens a listening socket at the API
server's own address and port (or at 127.0.0.1 for a server that is not on loopback, with the
kubeconfig's `tls-server-name` keeping TLS checks intact), and hands that socket to the verifier
(SCM_RIGHTS) before it exits. The verifier accepts on it and relays each connection, byte for byte,
to the real API server from this machine's namespace (`ApiForwarder`); TLS stays end to end between
kubectl and the API server. The page's commands enter the namespace with `nsenter` before bubblewrap
starts (`PageNetwork.enter`), through a descriptor the verifier holds, so it lives exactly as long as
the page.

On the real-node target (`cluster.nodes.seat.serves`) the namespace also gets a seat in the lab
(``--page-network lab``, chosen by default there): an address of its own on the lab's bridge and the
routes the lab's client has, so the page reaches node, Pod and load-balancer addresses as the
tutorial's reader does, and still nothing beyond the lab (no default route).

`Network.HOST` (``--page-network host``) gives a page this machine's network instead, for a
maintainer who needs it (a user's kind cluster whose node addresses the Source IP page curls, or
``--provide internet``); the run says so.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import subprocess
import sys
import threading
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cluster.nodes.seat import Seat

#: The helper that makes the namespace (run by this Python, with nothing of the project imported).
HOLDER = r"""
import fcntl, socket, struct, sys
control = socket.socket(fileno=int(sys.argv[1]))
probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
request = struct.pack("16sH14s", b"lo", 0, b"")
flags = struct.unpack("16sH14s", fcntl.ioctl(probe, 0x8913, request))[1]  # SIOCGIFFLAGS
fcntl.ioctl(probe, 0x8914, struct.pack("16sH14s", b"lo", flags | 0x1, b""))  # SIOCSIFFLAGS: IFF_UP
host, port = sys.argv[2], int(sys.argv[3])
listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
listener.bind((host, port))
listener.listen(128)
socket.send_fds(control, [b"ok"], [listener.fileno()])
control.recv(1)
"""
TIMEOUT = 10.0


class NetworkError(Exception):
    """The page's network namespace could not be made; the message is one line."""


@dataclass(frozen=True)
class Endpoint:
    """Where the API server is (host, port) and where the page's kubeconfig points instead."""

    host: str
    port: int
    inside_host: str  # the address the page connects to inside its namespace
    tls_server_name: str | None  # set when `inside_host` differs from `host` (a server off loopback)

    @classmethod
    def of(cls, server: str) -> Endpoint:
        parts = urllib.parse.urlsplit(server)
        host = parts.hostname or "127.0.0.1"
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if loopback:
            return cls(host, port, host, None)
        return cls(host, port, "127.0.0.1", host)

    def server_inside(self, scheme: str = "https") -> str:
        host = f"[{self.inside_host}]" if ":" in self.inside_host else self.inside_host
        return f"{scheme}://{host}:{self.port}"


def no_delay(*sockets: socket.socket) -> None:
    """Send each write at once: the relay passes TLS records whose replies wait for them, and Nagle's
    algorithm would hold a small record back until the previous one is acknowledged (delayed ACK, ~40 ms)."""
    for sock in sockets:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@dataclass
class ApiForwarder:
    """Accepts on the listening socket inside the page's namespace; relays each connection to the API server."""

    listener: socket.socket
    endpoint: Endpoint
    connections: list[socket.socket] = field(default_factory=list)
    _closed: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        threading.Thread(target=self._accept, name="verify-api-forwarder", daemon=True).start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                inner, _ = self.listener.accept()
            except OSError:
                return
            try:
                outer = socket.create_connection((self.endpoint.host, self.endpoint.port), timeout=TIMEOUT)
                outer.settimeout(None)
                no_delay(inner, outer)
            except OSError:
                inner.close()
                continue
            with self._lock:
                if self._closed.is_set():
                    inner.close()
                    outer.close()
                    return
                self.connections += [inner, outer]
            for a, b in ((inner, outer), (outer, inner)):
                threading.Thread(target=_pump, args=(a, b), daemon=True).start()

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self._lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self.connections.clear()


class PageNetwork:
    """The network a page's commands run in: its own namespace (`isolated`) or this machine's (`host`)."""

    def __init__(self, mode: str, namespace_fd: int | None = None, forwarder: ApiForwarder | None = None,
                 user_fd: int | None = None, seat: Seat | None = None) -> None:
        self.mode = mode
        self.seat = seat
        self.namespace_fd = namespace_fd
        self.user_fd = user_fd  # the user namespace that owns it, when the verifier is not root
        self.forwarder = forwarder

    @classmethod
    def host(cls) -> PageNetwork:
        return cls("host")

    @classmethod
    def isolated(cls, server: str, lab_seat: bool = False) -> PageNetwork:
        """A new namespace with the API server at `server` forwarded into it (and with LAB_SEAT, a seat in the
        real-node lab)."""
        endpoint = Endpoint.of(server)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        argv = [*_unshare(), sys.executable, "-I", "-c", HOLDER, str(theirs.fileno()), endpoint.inside_host,
                str(endpoint.port)]
        try:
            holder = subprocess.Popen(argv, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={"PATH": "/usr/bin:/bin"})
        except OSError as error:
            ours.close()
            theirs.close()
            raise NetworkError(f"cannot start `unshare`: {error}") from None
        theirs.close()
        ours.settimeout(TIMEOUT)
        try:
            try:
                _, fds, _, _ = socket.recv_fds(ours, 16, 1)
            except OSError:
                fds = []
            if not fds:
                holder.wait(TIMEOUT)
                why = (holder.stderr.read().decode(errors="replace").strip().splitlines() if holder.stderr else [])
                raise NetworkError("cannot make the page's network namespace: "
                                   + (why[-1] if why else f"unshare exited with {holder.returncode}"))
            namespace_fd = os.open(f"/proc/{holder.pid}/ns/net", os.O_RDONLY | os.O_CLOEXEC)
            user_fd = None if os.geteuid() == 0 else os.open(f"/proc/{holder.pid}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
            ours.send(b"x")
        finally:
            ours.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                holder.wait(TIMEOUT)
            if holder.stderr:
                holder.stderr.close()
        forwarder = ApiForwarder(socket.socket(fileno=fds[0]), endpoint)
        seat = None
        if lab_seat:
            seat = _take_seat(namespace_fd, user_fd, forwarder)
        forwarder.start()
        return cls("lab" if seat else "isolated", namespace_fd, forwarder, user_fd, seat)

    @property
    def endpoint(self) -> Endpoint | None:
        return self.forwarder.endpoint if self.forwarder else None

    def enter(self) -> tuple[list[str], tuple[int, ...]]:
        """An argv prefix that enters the namespace, and the descriptors the process must inherit for it."""
        if self.namespace_fd is None:
            return [], ()
        if self.user_fd is None:
            return ["nsenter", f"--net=/proc/self/fd/{self.namespace_fd}", "--"], (self.namespace_fd,)
        return (["nsenter", f"--user=/proc/self/fd/{self.user_fd}", f"--net=/proc/self/fd/{self.namespace_fd}",
                 "--preserve-credentials", "--"], (self.user_fd, self.namespace_fd))

    def describe(self) -> str:
        if self.mode == "host":
            return "network: this machine's (--page-network host): the page reaches whatever this machine reaches"
        assert self.endpoint is not None
        if self.seat is not None:
            return (f"network: a namespace of the page's own with {self.seat.describe()}; the API server "
                    f"({self.endpoint.host}:{self.endpoint.port}) forwarded")
        return (f"network: a namespace of the page's own; only the API server ({self.endpoint.host}:"
                f"{self.endpoint.port}) is reachable, forwarded")

    def close(self) -> None:
        if self.forwarder is not None:
            self.forwarder.close()
        if self.seat is not None:
            self.seat.release()
            self.seat = None
        for fd in (self.namespace_fd, self.user_fd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.namespace_fd = self.user_fd = None


def _take_seat(namespace_fd: int, user_fd: int | None, forwarder: ApiForwarder) -> Seat:
    from cluster.nodes.seat import SeatError, take

    try:
        if os.geteuid() != 0:
            raise SeatError("a seat in the real-node lab needs root (as the real-node target does)")
        return take(namespace_fd)
    except SeatError as error:
        forwarder.close()
        for fd in (namespace_fd, user_fd):
            if fd is not None:
                os.close(fd)
        raise NetworkError(str(error)) from None


def _unshare() -> list[str]:
    """`unshare` for a new network namespace: as root directly, else inside a user namespace of our own."""
    if os.geteuid() == 0:
        return ["unshare", "--net", "--"]
    return ["unshare", "--user", "--map-root-user", "--net", "--"]
