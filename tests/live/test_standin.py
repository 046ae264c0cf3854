"""The stand-in API server, driven by the real kubectl 1.37.1: what it serves faithfully, and that its
behaviour knobs really change what the controllers do."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import yaml

from tests.live.conftest import ROOT
from tests.standin import Behaviour, StandIn

KUBECTL = Path(sys.executable).parent / "kubectl"
WEB = ROOT / "manifests" / "statefulset" / "web.yaml"
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, labels: {app: guestbook}}
spec:
  replicas: 2
  selector: {matchLabels: {app: guestbook}}
  template:
    metadata: {labels: {app: guestbook}}
    spec: {containers: [{name: php-redis, image: us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5}]}
"""


def kubectl(config: Path, *args: str, check: bool = True, timeout: float = 30) -> str:
    done = subprocess.run([str(KUBECTL), "--kubeconfig", str(config), *args], capture_output=True, text=True,
                          timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"kubectl {' '.join(args)}: {done.stderr}")
    return done.stdout + done.stderr


def headers(text: str) -> list[str]:
    first = text.splitlines()[0]
    return [h.strip() for h in first.split("  ") if h.strip()]


def test_kubectl_get_prints_the_v1_37_columns_for_each_kind(standin: StandIn, kubeconfig: Path,
                                                              tmp_path: Path) -> None:
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT)
    kubectl(kubeconfig, "apply", "-f", str(WEB), "-f", str(tmp_path / "deploy.yaml"))
    kubectl(kubeconfig, "rollout", "status", "sts/web", "--timeout=30s")
    kubectl(kubeconfig, "rollout", "status", "deploy/frontend", "--timeout=30s")
    printers = yaml.safe_load((ROOT / "verify" / "data" / "printer_columns_1.37.yaml").read_text())["kinds"]
    checked = []
    for kind in ("pod", "statefulset", "service", "deployment", "replicaset", "persistentvolumeclaim",
                 "persistentvolume", "event", "node", "namespace", "storageclass", "configmap", "serviceaccount",
                 "endpointslice", "controllerrevision"):
        if kind not in printers:
            continue
        extra = ["-A"] if kind == "event" else []
        default = kubectl(kubeconfig, "get", kind, *extra)
        wide = kubectl(kubeconfig, "get", kind, "-o", "wide", *extra)
        expected_default = (["NAMESPACE"] if extra else []) + printers[kind]["default"]
        expected_wide = (["NAMESPACE"] if extra else []) + printers[kind]["wide"]
        assert headers(default) == expected_default, (kind, default)
        assert headers(wide) == expected_wide, (kind, wide)
        checked.append(kind)
    assert len(checked) >= 12
    assert "web    2/2     " in kubectl(kubeconfig, "get", "sts", "web")
    assert "frontend   2/2     2            2           " in kubectl(kubeconfig, "get", "deploy")


def _stream(standin: StandIn, path: str, seconds: float) -> list[dict]:
    url = urllib.parse.urlsplit(standin.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=seconds + 5)
    conn.request("GET", path)
    response = conn.getresponse()
    events = [json.loads(line) for line in response.read().decode().splitlines() if line.strip()]
    conn.close()
    return events


def test_watches_resume_from_a_resource_version_and_send_the_initial_events_bookmark(
        standin: StandIn, kubeconfig: Path) -> None:
    listing = json.loads(kubectl(kubeconfig, "get", "--raw", "/api/v1/namespaces/default/configmaps"))
    rv = listing["metadata"]["resourceVersion"]
    kubectl(kubeconfig, "apply", "-f", str(WEB))
    resumed = _stream(standin, f"/api/v1/namespaces/default/services?watch=true&resourceVersion={rv}"
                               "&timeoutSeconds=1", 1)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in resumed] == [("ADDED", "nginx")]
    initial = _stream(standin, "/api/v1/namespaces/default/services?watch=true&sendInitialEvents=true"
                               "&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1", 1)
    assert [e["type"] for e in initial] == ["ADDED", "ADDED", "BOOKMARK"]
    assert initial[-1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    gone = _stream(standin, "/api/v1/namespaces/default/services?watch=true&resourceVersion=1&timeoutSeconds=1", 1)
    assert gone[0]["type"] == "ERROR" and gone[0]["object"]["code"] == 410


def _history(standin: StandIn, resource: str = "/pods") -> list[tuple[str, str, str]]:
    """(event, pod, what) in the order the store saw them."""
    found = []
    for change in standin.store.history():
        if change.resource != resource:
            continue
        name = change.obj["metadata"]["name"]
        ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                    for c in (change.obj.get("status") or {}).get("conditions") or [])
        was_ready = change.old is not None and any(c.get("type") == "Ready" and c.get("status") == "True"
                                                   for c in (change.old.get("status") or {}).get("conditions") or [])
        if change.type == "ADDED":
            found.append(("created", name, ""))
        elif ready and not was_ready:
            found.append(("ready", name, ""))
        elif change.obj["metadata"].get("deletionTimestamp") and not (change.old or {}).get(
                "metadata", {}).get("deletionTimestamp"):
            found.append(("terminating", name, ""))
    return found


def _order(history: list[tuple[str, str, str]], *events: tuple[str, str]) -> list[int]:
    return [next(i for i, (what, name, _) in enumerate(history) if (what, name) == event) for event in events]


@pytest.mark.parametrize("knob, parallel", [("faithful", False), ("parallel", True)])
def test_ordered_ready_creation_and_its_broken_variant(knob: str, parallel: bool, tmp_path: Path) -> None:
    with StandIn(Behaviour.fast(pod_management=knob)) as cluster:
        config = cluster.write_kubeconfig(tmp_path / "kubeconfig")
        kubectl(config, "apply", "-f", str(WEB))
        kubectl(config, "rollout", "status", "sts/web", "--timeout=30s")
        web0_ready, web1_created = _order(_history(cluster), ("ready", "web-0"), ("created", "web-1"))
        assert (web1_created < web0_ready) is parallel


@pytest.mark.parametrize("knob, reverse", [("reverse", True), ("forward", False)])
def test_scale_down_order_and_its_broken_variant(knob: str, reverse: bool, tmp_path: Path) -> None:
    with StandIn(Behaviour.fast(scale_down_order=knob)) as cluster:
        config = cluster.write_kubeconfig(tmp_path / "kubeconfig")
        kubectl(config, "apply", "-f", str(WEB))
        kubectl(config, "scale", "sts", "web", "--replicas=4")
        kubectl(config, "rollout", "status", "sts/web", "--timeout=30s")
        kubectl(config, "patch", "sts", "web", "-p", '{"spec":{"replicas":2}}')
        kubectl(config, "wait", "--for=delete", "pod/web-2", "pod/web-3", "--timeout=30s")
        web3, web2 = _order(_history(cluster), ("terminating", "web-3"), ("terminating", "web-2"))
        assert (web3 < web2) is reverse
        assert "www-web-3" in kubectl(config, "get", "pvc")  # scale-down keeps the claims


def test_graceful_deletion_shows_terminating_then_the_terminal_phase(standin: StandIn, kubeconfig: Path,
                                                                     tmp_path: Path) -> None:
    kubectl(kubeconfig, "apply", "-f", str(WEB))
    kubectl(kubeconfig, "rollout", "status", "sts/web", "--timeout=30s")
    watch = subprocess.Popen([str(KUBECTL), "--kubeconfig", str(kubeconfig), "get", "pods", "-w", "-l", "app=nginx"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(0.5)
        assert 'pod "web-1" deleted from default namespace' in kubectl(kubeconfig, "delete", "pod", "web-1")
        kubectl(kubeconfig, "wait", "--for=condition=Ready", "pod/web-1", "--timeout=30s")
        time.sleep(0.3)
    finally:
        watch.terminate()
    rows = [line.split() for line in watch.communicate(timeout=10)[0].splitlines()]
    web1 = [(r[1], r[2]) for r in rows if r[0] == "web-1"]
    assert web1[:4] == [("1/1", "Running"), ("1/1", "Terminating"), ("0/1", "Completed"), ("0/1", "Completed")]
    assert ("0/1", "Pending") in web1[4:] and web1[-1] == ("1/1", "Running")


def test_apply_patch_scale_dry_run_and_cascading_deletion(standin: StandIn, kubeconfig: Path) -> None:
    assert kubectl(kubeconfig, "apply", "-f", str(WEB)) == "service/nginx created\nstatefulset.apps/web created\n"
    # volumeClaimTemplates is an atomic list and the server defaults fields inside it (kind, volumeMode,
    # status), so kubectl's three-way merge re-sends it: a real API server answers the same way.
    assert kubectl(kubeconfig, "apply", "-f", str(WEB)) == \
        "service/nginx unchanged\nstatefulset.apps/web configured\n"
    kubectl(kubeconfig, "rollout", "status", "sts/web", "--timeout=30s")
    patch = '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"registry.k8s.io/nginx-slim:0.24"}]}}}}'
    assert kubectl(kubeconfig, "patch", "sts", "web", "-p", patch) == "statefulset.apps/web patched\n"
    container = json.loads(kubectl(kubeconfig, "get", "sts", "web", "-o", "json"))["spec"]["template"]["spec"][
        "containers"][0]
    assert container["image"].endswith(":0.24") and container["ports"][0]["containerPort"] == 80
    assert kubectl(kubeconfig, "scale", "sts", "web", "--replicas=3", "--dry-run=server") == \
        "statefulset.apps/web scaled (server dry run)\n"
    assert json.loads(kubectl(kubeconfig, "get", "sts", "web", "-o", "json"))["spec"]["replicas"] == 2
    kubectl(kubeconfig, "rollout", "status", "sts/web", "--timeout=30s")
    assert kubectl(kubeconfig, "delete", "sts", "web", "--cascade=orphan") == \
        'statefulset.apps "web" deleted from default namespace\n'
    assert "web-0" in kubectl(kubeconfig, "get", "pods")
    kubectl(kubeconfig, "apply", "-f", str(WEB))
    kubectl(kubeconfig, "delete", "sts", "web")
    kubectl(kubeconfig, "wait", "--for=delete", "pod/web-0", "pod/web-1", "--timeout=30s")
    assert "No resources found in default namespace." in kubectl(kubeconfig, "get", "pods")


def test_namespace_deletion_takes_everything_with_it(standin: StandIn, kubeconfig: Path) -> None:
    assert kubectl(kubeconfig, "create", "namespace", "scratch") == "namespace/scratch created\n"
    kubectl(kubeconfig, "apply", "-n", "scratch", "-f", str(WEB))
    kubectl(kubeconfig, "rollout", "status", "-n", "scratch", "sts/web", "--timeout=30s")
    assert len(standin.store.list("/persistentvolumes")[0]) == 2
    assert kubectl(kubeconfig, "delete", "namespace", "scratch", timeout=60) == 'namespace "scratch" deleted\n'
    assert not [k for k in standin.store.keys() if k[1] == "scratch"]
    assert standin.store.list("/persistentvolumes")[0] == []


def test_what_the_stand_in_cannot_do_fails_loudly(standin: StandIn, kubeconfig: Path) -> None:
    kubectl(kubeconfig, "apply", "-f", str(WEB))
    kubectl(kubeconfig, "wait", "--for=condition=Ready", "pod/web-0", "--timeout=30s")
    assert "runs no containers" in kubectl(kubeconfig, "exec", "web-0", "--", "hostname", check=False)
    assert "runs no containers" in kubectl(kubeconfig, "logs", "web-0", check=False)
    assert "pods/exec" not in kubectl(kubeconfig, "get", "--raw", "/api/v1")


def test_typed_kubectl_create_commands_send_protobuf_and_are_understood(standin: StandIn, kubeconfig: Path) -> None:
    assert kubectl(kubeconfig, "create", "deployment", "source-ip-app", "--image=registry.k8s.io/echoserver:1.10") \
        == "deployment.apps/source-ip-app created\n"
    assert kubectl(kubeconfig, "create", "secret", "generic", "dynamic-logging", "--from-literal=user=elastic") \
        == "secret/dynamic-logging created\n"
    assert kubectl(kubeconfig, "create", "clusterrolebinding", "cluster-admin-binding", "--clusterrole=cluster-admin",
                   "--user=someone@example.com") == \
        "clusterrolebinding.rbac.authorization.k8s.io/cluster-admin-binding created\n"
    assert kubectl(kubeconfig, "expose", "deployment", "source-ip-app", "--name=nodeport", "--port=80",
                   "--target-port=8080", "--type=NodePort") == "service/nodeport exposed\n"
    kubectl(kubeconfig, "rollout", "status", "deployment/source-ip-app", "--timeout=30s")
    deployment = json.loads(kubectl(kubeconfig, "get", "deployment", "source-ip-app", "-o", "json"))
    assert deployment["spec"]["selector"] == {"matchLabels": {"app": "source-ip-app"}}
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "registry.k8s.io/echoserver:1.10"
    assert json.loads(kubectl(kubeconfig, "get", "secret", "dynamic-logging", "-o", "json"))["data"] == \
        {"user": "ZWxhc3RpYw=="}
    assert "someone@example.com" in kubectl(kubeconfig, "get", "clusterrolebinding", "cluster-admin-binding",
                                            "-o", "wide")
    node_port = json.loads(kubectl(kubeconfig, "get", "service", "nodeport", "-o", "json"))["spec"]["ports"][0]
    assert node_port["targetPort"] == 8080 and 30000 <= node_port["nodePort"] <= 32767
