"""A TCP relay from a loopback address of the machine to the API server inside the lab.

The machine has no route into the lab, by design. This process listens on 127.0.0.1 in the
machine's own network namespace, then moves itself into the control plane's network namespace
(setns), so that every connection it opens to the API server starts there. The listening socket
stays in the namespace it was made in: host tools dial 127.0.0.1, nothing else in the machine's
namespace changes, and the relay can reach nothing but the lab.

`python -m cluster.nodes.relay --netns /proc/PID/ns/net --to ADDRESS:PORT` prints the port it
listens on as its first line, then relays until it is ended.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import socket
import sys
import threading

CLONE_NEWNET = 0x40000000


def enter_network_namespace(path: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"setns({path}): {os.strerror(error)}")
    finally:
        os.close(fd)


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        for end in (sink, source):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


def _serve(client: socket.socket, target: tuple[str, int]) -> None:
    try:
        upstream = socket.create_connection(target, timeout=10)
    except OSError:
        client.close()
        return
    upstream.settimeout(None)
    threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
    _pipe(client, upstream)
    client.close()
    upstream.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cluster.nodes.relay")
    parser.add_argument("--listen", default="127.0.0.1:0", help="ADDRESS:PORT on the machine (port 0: any free one)")
    parser.add_argument("--netns", required=True, help="the network namespace to dial from (/proc/PID/ns/net)")
    parser.add_argument("--to", required=True, help="ADDRESS:PORT inside that namespace")
    args = parser.parse_args(argv)
    host, port = args.listen.rsplit(":", 1)
    if not host.startswith("127."):
        parser.error("--listen must be a loopback address (127.0.0.0/8)")
    to_host, to_port = args.to.rsplit(":", 1)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, int(port)))
    listener.listen(64)
    enter_network_namespace(args.netns)  # single-threaded here: the whole process moves
    print(listener.getsockname()[1], flush=True)
    sys.stdout.close()
    os.close(1)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=_serve, args=(client, (to_host, int(to_port))), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
