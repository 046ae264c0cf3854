"""The attacks of a hostile trial, each a page in `tests/security/attacks/`, run as a maintainer or
CI runs pages: `python -m verify static` or `python -m verify live` in a subprocess, against the real control
plane for the live ones. Each test then checks from outside that the attack read, wrote and reached nothing
it was not given: a canary home for the verifier (HOME of its process) holds the files a page goes after.

Against the verifier before this issue, every one of these attacks worked (the closing note of the change
shows each run); here each must fail, by construction: the sandbox, the page's network namespace, its
ServiceAccount, its cgroup.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.live.conftest import FAST, ROOT, ControlPlane
from tests.security.sandboxing import needs_sandbox
from verify.confinement.process import Confined
from verify.confinement.sandbox import required
from verify.static.kubectl import find_kubectl, run_one

ATTACKS = Path(__file__).resolve().parent / "attacks"
SECRET = "canary-7d1c0f3e-the-host-s-secret"
TOKEN = "ci-token-5b2e9a71c4d8"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The verifier's HOME in these runs: the files a hostile page goes after."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("# the maintainer's own\n", encoding="utf-8")
    (home / "canary.txt").write_text(SECRET + "\n", encoding="utf-8")
    kube = home / ".kube"
    kube.mkdir()
    return home


def page(name: str, root: Path, **values: str) -> Path:
    """The attack page `name` with its @MARKERS@ filled in, under `root`/docs_src/ja."""
    text = (ATTACKS / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    assert "@" not in text.replace("--8<--", ""), f"a marker of {name} was not filled in"
    target = root / "docs_src" / "ja" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def verify(home: Path, root: Path, *args: str, timeout: float = 300) -> tuple[subprocess.CompletedProcess[str], dict]:
    """`python -m verify …` as a maintainer runs it, with a CI token in its environment and `home` as HOME."""
    report = root / "report.json"
    env = {**os.environ, "HOME": str(home), "MY_CI_TOKEN": TOKEN, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "verify", *args, "--root", str(root), "--report", str(report)],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    return done, json.loads(report.read_text()) if report.exists() else {}


def live_steps(report: dict) -> list[dict]:
    return [step for p in report["tiers"]["live"]["pages"] for step in p["steps"]]


# -- the static tier ------------------------------------------------------------------------------
def test_the_static_tier_refuses_kubectl_options_that_load_programs_and_starts_none(home: Path, tmp_path: Path) -> None:
    needs_sandbox()
    canary = tmp_path / "ran-on-the-host"
    script = tmp_path / "payload.sh"
    script.write_text(f"#!/bin/sh\ntouch {canary}\ncat /proc/$PPID/environ > {tmp_path / 'leak'}\n", encoding="utf-8")
    script.chmod(0o755)
    kubeconfig = tmp_path / "evil-kubeconfig"
    kubeconfig.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "c",
        "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
        "users": [{"name": "u", "user": {"exec": {"apiVersion": "client.authentication.k8s.io/v1",
                                                  "command": str(script), "interactiveMode": "Never"}}}]}))
    (tmp_path / "kustomize").mkdir()
    (tmp_path / "kustomize" / "kustomization.yaml").write_text("helmCharts:\n- name: x\n", encoding="utf-8")
    target = page("static-exec-plugin.md", tmp_path, KUBECONFIG=str(kubeconfig), SCRIPT=str(script),
                  DIR=str(tmp_path / "kustomize"))
    done, report = verify(home, tmp_path, "static", "--no-cache", str(target))
    assert done.returncode == 1, done.stdout + done.stderr
    refused = [c for e in report["tiers"]["static"]["entries"] for c in e.get("checks", [])
               if c["status"] == "failed" and c["message"].startswith("refused in a page")]
    assert [f["location"].rsplit(":", 1)[1] for f in refused] == ["11", "17", "21"], refused
    assert "`--kubeconfig` gives kubectl another kubeconfig" in refused[0]["message"]
    assert "`--enable-helm`" in refused[1]["message"] and "set-credentials" in refused[2]["message"]
    assert not canary.exists() and not (tmp_path / "leak").exists()


def test_a_credential_plugin_that_kubectl_does_run_in_the_static_tier_is_contained(tmp_path: Path) -> None:
    """Should an option slip past the refusal, the plugin runs inside the sandbox: no host file, no verifier."""
    needs_sandbox()
    kubectl = find_kubectl()
    assert kubectl is not None
    home = tmp_path / "private"
    home.mkdir()
    canary = tmp_path / "ran-on-the-host"
    payload = (f"touch {canary}; ls -a {Path.home()} > /work/home 2>&1; cat /proc/1/environ > /work/environ 2>&1; "
               f"env > /work/env; (exec 3<>/dev/tcp/127.0.0.1/{_kube_api_port()}) 2> /work/net; echo $? >> /work/net; "
               'echo \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t"}}\'')
    (home / "kubeconfig").write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "c",
        "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
        "users": [{"name": "u", "user": {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "bash",
                                                  "args": ["-c", payload], "interactiveMode": "Never"}}}]}))
    os.environ["MY_CI_TOKEN"] = TOKEN
    try:
        verdict = run_one(kubectl, ("get", "pods"), Confined(required()), home)
    finally:
        del os.environ["MY_CI_TOKEN"]
    assert verdict.ok  # kubectl ran the plugin, then found the (closed) server
    assert not canary.exists()
    assert "No such file or directory" in (home / "home").read_text()
    assert TOKEN not in (home / "environ").read_text() + (home / "env").read_text()
    assert (home / "net").read_text().split()[-1] == "1"  # no connection: a network namespace of its own


def _kube_api_port() -> int:
    """A port something listens on here (the control plane's API server if it runs; else our own listener)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    _LISTENERS.append(listener)
    return int(listener.getsockname()[1])


_LISTENERS: list[socket.socket] = []


# -- the live tier --------------------------------------------------------------------------------
def live(home: Path, root: Path, kubeconfig: Path, target: Path, *extra: str, timeout: float = 300) -> tuple[
        subprocess.CompletedProcess[str], dict]:
    return verify(home, root, "live", "--kubeconfig", str(kubeconfig), *FAST, *extra, str(target), timeout=timeout)


def test_symlinks_lead_nowhere_outside_the_sandbox(control_plane: ControlPlane, kubeconfig: Path, home: Path,
                                                   tmp_path: Path) -> None:
    needs_sandbox()
    target = page("symlinks.md", tmp_path, HOME=str(home))
    done, report = live(home, tmp_path, kubeconfig, target)
    text = done.stdout + done.stderr + json.dumps(report)
    assert SECRET not in text, "a host file reached the console or the report"
    assert (home / ".bashrc").read_text(encoding="utf-8") == "# the maintainer's own\n"
    assert sorted(p.name for p in home.iterdir()) == [".bashrc", ".kube", "canary.txt"]
    steps = live_steps(report)
    assert steps[1]["output"].count("No such file or directory") == 3 and steps[1]["output"].endswith("listed: \n")
    assert [s["kind"] for s in steps] == ["command", "command", "terminal", "command", "terminal", "command"]
    assert steps[4]["status"] == "passed"  # the watch's own output, not a host file swapped in


@pytest.mark.xdist_group("cluster-wide")  # it writes outside its namespace (tests/conftest.py)
def test_a_page_is_not_cluster_admin(control_plane: ControlPlane, kubeconfig: Path, home: Path,
                                     tmp_path: Path) -> None:
    needs_sandbox()
    victim = f"verify-victim-{os.getpid()}"
    control_plane.kubectl("create", "namespace", victim)
    try:
        control_plane.kubectl("create", "configmap", "victim", "-n", victim, "--from-literal=keep=me")
        node = control_plane.kubectl("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").stdout
        target = page("cluster-admin.md", tmp_path, VICTIM=victim, NODE=node)
        done, report = live(home, tmp_path, kubeconfig, target)
        assert done.returncode == 0, done.stdout + done.stderr
        assert [s["status"] for s in live_steps(report)] == ["passed"] * 5
        page_result = report["tiers"]["live"]["pages"][0]
        assert page_result["identity"]["user"].endswith(":verify-page") and page_result["identity"]["granted"] == []
        assert control_plane.kubectl("get", "configmap", "victim", "-n", victim, "-o", "name").stdout.strip() \
            == "configmap/victim"
        for kind, name in (("configmap", "pwned"), ("priorityclass", "verify-attack-priority"),
                           ("mutatingwebhookconfiguration", "verify-attack-webhook"),
                           ("crd", "attacks.verify.example.com")):
            args = (kind, name, "-n", "kube-system") if kind == "configmap" else (kind, name)
            assert control_plane.kubectl("get", *args, check=False).returncode != 0, f"{kind} {name} exists"
        labels = control_plane.kubectl("get", "node", node, "-o", "jsonpath={.metadata.labels}").stdout
        annotations = control_plane.kubectl("get", "storageclass", "standard", "-o",
                                            "jsonpath={.metadata.annotations}").stdout
        assert "verify-attack" not in labels + annotations
    finally:
        control_plane.kubectl("delete", "namespace", victim, "--wait=false", check=False)


@pytest.mark.xdist_group("cluster-wide")  # it writes outside its namespace (tests/conftest.py)
def test_declared_access_is_granted_for_the_run_and_its_changes_undone(control_plane: ControlPlane, kubeconfig: Path,
                                                                       home: Path, tmp_path: Path) -> None:
    needs_sandbox()
    node = control_plane.kubectl("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").stdout
    target = page("declared-access.md", tmp_path, NODE=node)
    done, report = live(home, tmp_path, kubeconfig, target)
    assert done.returncode == 0, done.stdout + done.stderr
    result = report["tiers"]["live"]["pages"][0]
    assert [g["verbs"] for g in result["identity"]["granted"]] == [["get", "list"], ["patch"]]
    assert f"restored labels/annotations of nodes {node}" in result["cleanup"]["notes"]
    labels = control_plane.kubectl("get", "node", node, "-o", "jsonpath={.metadata.labels}").stdout
    assert "verify-attack" not in labels
    namespace = result["namespace"]
    roles = control_plane.kubectl("get", "clusterroles,clusterrolebindings", "-o", "name").stdout
    assert namespace not in roles  # the run's grants are gone


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    received: list[bytes] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            received.append(connection.recv(1024))
            connection.close()

    threading.Thread(target=accept, daemon=True).start()
    yield int(server.getsockname()[1]), received
    server.close()


def _etcd_port() -> int:
    from cluster import kwok

    config = (kwok.workdir() / "clusters" / kwok.NAME / "kwok.yaml").read_text(encoding="utf-8")
    for document in yaml.safe_load_all(config):
        for component in (document or {}).get("components") or []:
            if component.get("name") == "etcd":
                for arg in component.get("args") or []:
                    if arg.startswith("--listen-client-urls="):
                        return int(arg.rsplit(":", 1)[1])
    raise AssertionError("no etcd in the control plane's configuration")


def test_a_page_reaches_the_api_server_and_no_other_loopback_service(control_plane: ControlPlane, kubeconfig: Path,
                                                                      home: Path, tmp_path: Path,
                                                                      listener: tuple[int, list[bytes]]) -> None:
    needs_sandbox()
    port, received = listener
    etcd = _etcd_port()
    target = page("loopback.md", tmp_path, PORT=str(port), ETCD=str(etcd))
    done, report = live(home, tmp_path, kubeconfig, target)
    assert done.returncode == 0, done.stdout + done.stderr
    steps = live_steps(report)
    assert "rc=1" in steps[0]["output"] and received == []
    assert "Connection refused" in steps[1]["output"] and "etcdserver" not in steps[1]["output"]  # closed there
    assert steps[2]["status"] == "passed"  # and the API server is there


def test_etcd_of_the_control_plane_answers_only_with_a_client_certificate(control_plane: ControlPlane) -> None:
    import ssl

    etcd = _etcd_port()
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", etcd), timeout=5) as raw, \
            pytest.raises((ssl.SSLError, ConnectionResetError, BrokenPipeError)), context.wrap_socket(raw) as tls:
        tls.sendall(b"GET /version HTTP/1.1\r\nHost: x\r\n\r\n")
        assert not tls.recv(1024), "etcd answered without a client certificate"
    with socket.create_connection(("127.0.0.1", etcd), timeout=5) as plain:
        plain.sendall(b"GET /version HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b"etcdserver" not in plain.recv(1024)


def test_a_page_is_bounded_in_processes_memory_output_and_time(control_plane: ControlPlane, kubeconfig: Path,
                                                               home: Path, tmp_path: Path) -> None:
    needs_sandbox()
    target = page("limits.md", tmp_path)
    started = time.monotonic()
    done, report = live(home, tmp_path, kubeconfig, target, "--max-processes", "128", "--max-memory", "256",
                        "--max-step-timeout", "5")
    assert time.monotonic() - started < 150
    steps = live_steps(report)
    assert "Resource temporarily unavailable" in steps[0]["output"], steps[0]
    assert "allocated" not in steps[1]["output"].splitlines() and "rc=137" in steps[1]["output"], steps[1]
    assert steps[2]["status"] == "passed" and len(steps[2]["output"]) <= 1 << 20
    assert any(n.startswith("output cut after 1048576 bytes") for n in steps[2]["notes"]), steps[2]
    assert steps[3]["status"] == "failed" and steps[3]["message"].startswith("timed out after 5s"), steps[3]
    assert len((tmp_path / "report.json").read_bytes()) < 3 << 20
    assert done.returncode == 1
    assert "limits: 128 processes, 256 MiB of memory" in report["tiers"]["live"]["pages"][0]["confinement"]["limits"]


def test_the_console_shows_control_characters_instead_of_obeying_them(control_plane: ControlPlane, kubeconfig: Path,
                                                                       home: Path, tmp_path: Path) -> None:
    needs_sandbox()
    target = page("control-characters.md", tmp_path)
    done, report = live(home, tmp_path, kubeconfig, target)
    assert done.returncode == 1
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout
    assert "\\x1b]52;c;cHduZWQ=\\x07" in done.stdout
    assert "\x1b]52" in live_steps(report)[0]["output"]  # the report keeps what was printed


def test_a_pod_that_mounts_the_hosts_root_is_refused_and_reads_nothing(control_plane: ControlPlane, kubeconfig: Path,
                                                                      home: Path, tmp_path: Path) -> None:
    needs_sandbox()
    target = page("host-root.md", tmp_path, HOME=str(home))
    done, report = live(home, tmp_path, kubeconfig, target)
    assert done.returncode == 0, done.stdout + done.stderr
    text = done.stdout + done.stderr + json.dumps(report)
    assert SECRET not in text, "the home directory's file reached the console or the report"
    steps = live_steps(report)
    assert [s["status"] for s in steps] == ["passed", "skipped", "passed"]
    assert "hostPath volumes" in steps[0]["output"]  # refused by the namespace's Pod Security baseline
    assert "need Pod Security privileged" in steps[1]["message"]
    assert "--allow-pod-security" in steps[1]["message"]
    result = report["tiers"]["live"]["pages"][0]
    assert result["confinement"]["pod_security"] == "the namespace enforces Pod Security baseline"
