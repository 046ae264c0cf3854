"""The control plane the live tier runs against: real Kubernetes v1.37.2, and nothing of it leaves loopback."""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cluster import build, kwok
from tests.live.conftest import ControlPlane


def test_the_server_is_kubernetes_v1_37_2_built_here(control_plane: ControlPlane) -> None:
    version = json.loads(control_plane.kubectl("version", "-o", "json").stdout)
    assert version["serverVersion"]["gitVersion"] == "v1.37.2"
    assert version["serverVersion"]["gitTreeState"] == "clean"
    folder = build.cached()
    assert folder is not None and all((folder / name).is_file() for name in build.BINARIES)


def _loopback(address: str) -> bool:
    return ipaddress.ip_address(address).is_loopback


def test_every_node_address_and_the_api_server_are_on_loopback(control_plane: ControlPlane) -> None:
    nodes = json.loads(control_plane.kubectl("get", "nodes", "-o", "json").stdout)["items"]
    assert len(nodes) == 3
    for node in nodes:
        addresses = [a["address"] for a in node["status"]["addresses"] if a["type"] in ("InternalIP", "ExternalIP")]
        assert addresses and all(_loopback(a) for a in addresses), (node["metadata"]["name"], addresses)
        assert node["metadata"]["annotations"]["kwok.x-k8s.io/node"] == "fake"
    config = yaml.safe_load(control_plane.kubeconfig.read_text())
    server = config["clusters"][0]["cluster"]["server"]
    assert server.startswith("https://127.0.0.1:")
    # The API server's own Service lists no endpoint it could be reached at from a pod.
    slices = json.loads(control_plane.kubectl("get", "endpointslices", "-n", "default", "-l",
                                              "kubernetes.io/service-name=kubernetes", "-o", "json").stdout)
    for item in slices["items"]:
        assert all(_loopback(a) for e in item.get("endpoints") or [] for a in e["addresses"])


def _listening_sockets() -> dict[int, list[str]]:
    """inode -> local address of every listening TCP socket on this machine (IPv4 and IPv6)."""
    found: dict[int, list[str]] = {}
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != "0A":  # LISTEN
                continue
            hex_ip = fields[1].split(":")[0]
            raw = bytes.fromhex(hex_ip)
            if width == 8:
                address = str(ipaddress.IPv4Address(raw[::-1]))
            else:
                words = [raw[i:i + 4][::-1] for i in range(0, 16, 4)]
                address = str(ipaddress.IPv6Address(b"".join(words)))
            found.setdefault(int(fields[9]), []).append(address)
    return found


def test_every_process_of_the_control_plane_listens_on_loopback_only(control_plane: ControlPlane) -> None:
    sockets = _listening_sockets()
    state = kwok.workdir() / "clusters" / kwok.NAME / "pids"
    pids = [int(p.read_text()) for p in state.glob("*.pid")]
    assert len(pids) == 5  # etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok
    checked = 0
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inode = int(target[8:-1])
                for address in sockets.get(inode, []):
                    checked += 1
                    assert _loopback(address), (pid, address)
    assert checked >= 5


def test_starting_again_reuses_the_running_control_plane(control_plane: ControlPlane) -> None:
    done = subprocess.run([sys.executable, "-m", "cluster", "up"], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[2], check=False)
    assert done.returncode == 0, done.stderr
    assert "already runs" in done.stdout and "reusing it" in done.stdout


def test_the_static_tiers_printer_columns_are_what_the_api_server_serves(control_plane: ControlPlane) -> None:
    """verify/data/printer_columns_1.37.yaml is `python -m cluster printer-columns` output, not hand-edited."""
    from cluster import printer_columns

    committed = yaml.safe_load(printer_columns.DATA.read_text(encoding="utf-8"))
    assert printer_columns.regenerate(list(committed["kinds"])) == committed["kinds"]
    assert printer_columns.cluster_scoped() == committed["cluster_scoped"]


def test_the_context_is_added_to_the_users_kubeconfig_without_switching_to_it(
        control_plane: ControlPlane, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "config"
    user.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "prod",
        "clusters": [{"name": "prod", "cluster": {"server": "https://k8s.example.com"}}],
        "contexts": [{"name": "prod", "context": {"cluster": "prod", "user": "prod"}}],
        "users": [{"name": "prod", "user": {"token": "t"}}]}))
    monkeypatch.setenv("KUBECONFIG", str(user))
    kwok.add_user_context(dict(os.environ))
    merged = yaml.safe_load(user.read_text())
    assert merged["current-context"] == "prod"
    assert sorted(c["name"] for c in merged["contexts"]) == ["kwok-verify", "prod"]
    assert oct(user.stat().st_mode & 0o777) == "0o600"
    kwok.remove_user_context(dict(os.environ))
    left = yaml.safe_load(user.read_text())
    assert [c["name"] for c in left["contexts"]] == ["prod"] and left["current-context"] == "prod"
    assert [c["name"] for c in left["clusters"]] == ["prod"] and [u["name"] for u in left["users"]] == ["prod"]
