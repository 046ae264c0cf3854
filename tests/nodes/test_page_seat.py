"""A page's network namespace on the real-node target: a seat in the lab, as the tutorial's reader sits.

From the page's namespace a node's address answers and the API server answers through the forwarder,
yet an address outside the lab has no route; the machine's own namespace gains no link, and the
seat's link is gone from the lab when the page's network is closed.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from cluster.nodes import lab, layout, seat
from tests.nodes.conftest import RealNodes
from verify.live.network import PageNetwork

pytestmark = pytest.mark.xdist_group("real-nodes")


def _inside(network: PageNetwork, *command: str) -> subprocess.CompletedProcess[str]:
    prefix, fds = network.enter()
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=30, check=False, pass_fds=fds)


def _lab_links() -> set[str]:
    done = subprocess.run([*lab.enter(layout.LAB), "ip", "-j", "link"], capture_output=True, text=True, check=True)
    return {link["ifname"] for link in json.loads(done.stdout)}


def _host_links() -> set[str]:
    done = subprocess.run(["ip", "-j", "link"], capture_output=True, text=True, check=True)
    return {link["ifname"] for link in json.loads(done.stdout)}


def _relay_server() -> str:
    import yaml

    config = yaml.safe_load(layout.private_kubeconfig().read_text(encoding="utf-8"))
    return str(config["clusters"][0]["cluster"]["server"])


def test_a_pages_namespace_reaches_the_nodes_and_the_api_server_but_nothing_beyond_the_lab(
        real_nodes: RealNodes) -> None:
    server = _relay_server()
    assert seat.serves(server)
    host_links = _host_links()
    network = PageNetwork.isolated(server, lab_seat=True)
    try:
        assert network.mode == "lab" and network.seat is not None
        assert network.seat.link in _lab_links()
        kubelet = _inside(network, "curl", "-sk", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}",
                          f"https://{layout.NODES[0].address}:10250/healthz")
        assert kubelet.returncode == 0 and kubelet.stdout == "401", kubelet  # kubelet answers: unauthenticated
        assert network.endpoint is not None
        api = _inside(network, "curl", "-sk", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}",
                      f"{network.endpoint.server_inside()}/version")
        assert api.returncode == 0 and api.stdout in ("200", "401", "403"), api
        for outside in ("1.1.1.1", "192.0.2.1"):
            route = _inside(network, "ip", "route", "get", outside)
            assert route.returncode != 0, f"the page's namespace has a route to {outside}: {route.stdout}"
            assert "unreachable" in route.stderr
        assert "default" not in _inside(network, "ip", "route").stdout
        assert _host_links() == host_links
        assert "seat in the real-node lab" in network.describe()
    finally:
        link = network.seat.link if network.seat else ""
        network.close()
    assert link and link not in _lab_links()


def test_two_pages_get_two_seats(real_nodes: RealNodes) -> None:
    server = _relay_server()
    first = PageNetwork.isolated(server, lab_seat=True)
    try:
        second = PageNetwork.isolated(server, lab_seat=True)
        try:
            assert first.seat and second.seat and first.seat.address != second.seat.address
            # Nothing listens there: a refused connection proves the address answers from the other seat.
            knock = _inside(second, "python3", "-I", "-c", "import socket,sys\ntry:\n socket.create_connection("
                            "(sys.argv[1], 9), 3)\nexcept ConnectionRefusedError:\n print('refused')", first.seat.address)
            assert knock.stdout.strip() == "refused", knock
        finally:
            second.close()
    finally:
        first.close()


def test_a_seat_is_refused_without_the_lab(real_nodes: RealNodes) -> None:
    assert not seat.serves("https://127.0.0.1:1")
    assert seat.serves(f"https://{layout.CONTROL_PLANE.address}:{layout.API_PORT}")


def test_every_image_name_the_pages_use_is_on_each_node_without_a_pull(real_nodes: RealNodes) -> None:
    from cluster import build
    from cluster.nodes import daemons, images

    bins = build.nodes_cached()
    assert bins is not None
    names = {name for image in images.images() for name in image.names}
    for node in layout.NODES:
        listed = set(daemons.ctr(node, bins, "images", "ls", "-q").stdout.split())
        assert names <= listed, f"{node.name} lacks {sorted(names - listed)}"
