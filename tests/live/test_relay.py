"""The API relay of a page's network passes bytes both ways at once: no Nagle delay on either side.

The relay is exercised on loopback here (a listening socket stands in for the one inside the page's
namespace, a small echo server for the API server); no namespace and no cluster are needed.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from verify.live.network import ApiForwarder, Endpoint


@pytest.fixture
def echo_server() -> Iterator[tuple[str, int]]:
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                while data := conn.recv(65536):
                    conn.sendall(data)

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[:2]
    server.close()


def _read(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk, "the relay closed the connection"
        data += chunk
    return data


def test_both_sides_of_a_relayed_connection_send_without_delay(echo_server: tuple[str, int]) -> None:
    host, port = echo_server
    listener = socket.create_server(("127.0.0.1", 0))
    forwarder = ApiForwarder(listener, Endpoint(host, port, host, None))
    forwarder.start()
    try:
        with socket.create_connection(listener.getsockname()[:2], timeout=5) as client:
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            # Small writes that each wait for their answer, as TLS records do. On loopback the delayed ACK
            # does not always show, so the option itself is checked on both sides of the relay.
            started = time.monotonic()
            for _ in range(20):
                client.sendall(b"a")
                client.sendall(b"b")
                assert _read(client, 2) == b"ab"
            elapsed = time.monotonic() - started
            deadline = time.monotonic() + 5
            while len(forwarder.connections) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            inner, outer = forwarder.connections
            assert inner.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            assert outer.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        forwarder.close()
    assert elapsed < 2.0, f"20 small round trips through the relay took {elapsed:.2f} s"
