"""The real-node target, started as a user starts it and checked with the real kubectl.

What the tutorials need from real nodes (exec, logs, traffic to NodePorts with both traffic
policies, health checks, DNS names, volumes, LoadBalancer addresses), and what the machine needs
from the target (no route out, kernel settings unchanged, cgroups under the run's own root,
nothing left after `down`). The last test stops the target; the tests run in file order on one worker.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from dataclasses import asdict
from pathlib import Path

import pytest

from cluster import kubeconfig
from cluster.nodes import cgroups, host, lab, layout
from tests.nodes.conftest import MachineState, RealNodes, cluster_command

#: They start the real-node target, run Pods on it and stop it: one worker, one after another.
pytestmark = pytest.mark.xdist_group("real-nodes")

ECHO = "registry.k8s.io/echoserver:1.10"
NODE_ADDRESSES = {node.name: node.address for node in layout.NODES}
CLIENT_ADDRESS = layout.CLIENT.address


def _echo_deployment(nodes: RealNodes, namespace: str, node: str) -> None:
    """One echo server Pod, pinned to NODE so that the other node has no endpoint."""
    manifest = textwrap.dedent(f"""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {{name: echo, namespace: {namespace}}}
        spec:
          replicas: 1
          selector: {{matchLabels: {{app: echo}}}}
          template:
            metadata: {{labels: {{app: echo}}}}
            spec:
              nodeSelector: {{kubernetes.io/hostname: {node}}}
              containers:
              - {{name: echo, image: "{ECHO}", ports: [{{containerPort: 8080}}]}}
        """)
    nodes.kubectl("apply", "-f", "-", input_=manifest)
    nodes.kubectl("rollout", "status", "-n", namespace, "deployment/echo", "--timeout=120s", timeout=150)


def _client_address(response: str) -> str:
    for line in response.splitlines():
        if line.strip().startswith("client_address="):
            return line.split("=", 1)[1].strip()
    raise AssertionError(f"no client_address in the echo server's answer:\n{response}")


def _answer(nodes: RealNodes, url: str, timeout: float = 30) -> str:
    """The echo server's answer to URL from the client namespace, once kube-proxy has the Service's rules."""
    answers: list[str] = []

    def answered() -> bool:
        done = nodes.in_client("curl", "-s", "--max-time", "2", url)
        answers.append(done.stdout)
        return done.returncode == 0 and "client_address=" in done.stdout

    nodes.wait_until(f"an answer from {url}", answered, timeout)
    return answers[-1]


def _node_port(nodes: RealNodes, namespace: str, service: str) -> int:
    return int(nodes.kubectl("get", "service", service, "-n", namespace, "-o", "jsonpath={.spec.ports[0].nodePort}").stdout)


def test_two_nodes_run_kubernetes_v1_37_2_with_containerd_2_4(real_nodes: RealNodes) -> None:
    found = json.loads(real_nodes.kubectl("get", "nodes", "-o", "json").stdout)["items"]
    assert sorted(item["metadata"]["name"] for item in found) == ["node-1", "node-2"]
    for item in found:
        ready = next(c for c in item["status"]["conditions"] if c["type"] == "Ready")
        assert ready["status"] == "True"
        info = item["status"]["nodeInfo"]
        assert info["kubeletVersion"] == "v1.37.2"
        assert info["containerRuntimeVersion"].startswith("containerd://2.4.")
        addresses = {a["type"]: a["address"] for a in item["status"]["addresses"]}
        assert addresses["InternalIP"] == NODE_ADDRESSES[item["metadata"]["name"]]


def test_the_context_reaches_the_api_server_through_a_loopback_relay(real_nodes: RealNodes) -> None:
    server = real_nodes.kubectl("config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}").stdout
    assert server.startswith("https://127.0.0.1:")
    assert kubeconfig.has_context(layout.CONTEXT)
    assert "v1.37.2" in real_nodes.kubectl("version").stdout


def test_exec_and_logs_reach_a_container(real_nodes: RealNodes) -> None:
    namespace = real_nodes.namespace()
    real_nodes.kubectl("run", "talker", "-n", namespace, "--image=busybox:1.28", "--restart=Never", "--",
                       "sh", "-c", "echo started as $(hostname); sleep 3600")
    real_nodes.kubectl("wait", "-n", namespace, "--for=condition=Ready", "pod/talker", "--timeout=90s", timeout=120)
    assert real_nodes.kubectl("exec", "-n", namespace, "talker", "--", "hostname").stdout.strip() == "talker"
    real_nodes.wait_until("the container's log", lambda: "started as talker" in
                          real_nodes.kubectl("logs", "-n", namespace, "talker", check=False).stdout, 30)


def test_node_port_with_cluster_policy_shows_the_client_a_nodes_address(real_nodes: RealNodes) -> None:
    namespace = real_nodes.namespace()
    _echo_deployment(real_nodes, namespace, "node-2")
    real_nodes.kubectl("expose", "deployment", "echo", "-n", namespace, "--name=nodeport", "--port=80",
                       "--target-port=8080", "--type=NodePort")
    port = _node_port(real_nodes, namespace, "nodeport")
    # node-1 has no endpoint: it forwards to node-2 and masquerades, so the server sees node-1.
    answer = _answer(real_nodes, f"http://{NODE_ADDRESSES['node-1']}:{port}/")
    assert _client_address(answer) == NODE_ADDRESSES["node-1"]
    assert "Hostname: echo-" in answer


def test_node_port_with_local_policy_keeps_the_client_address_and_only_the_endpoints_node_answers(
        real_nodes: RealNodes) -> None:
    namespace = real_nodes.namespace()
    _echo_deployment(real_nodes, namespace, "node-2")
    real_nodes.kubectl("expose", "deployment", "echo", "-n", namespace, "--name=local", "--port=80",
                       "--target-port=8080", "--type=NodePort")
    real_nodes.kubectl("patch", "service", "local", "-n", namespace, "-p", '{"spec":{"externalTrafficPolicy":"Local"}}')
    port = _node_port(real_nodes, namespace, "local")
    assert _client_address(_answer(real_nodes, f"http://{NODE_ADDRESSES['node-2']}:{port}/")) == CLIENT_ADDRESS
    silent = real_nodes.in_client("curl", "-s", "--max-time", "3", f"{NODE_ADDRESSES['node-1']}:{port}")
    assert silent.returncode != 0 and "client_address" not in silent.stdout


def test_load_balancer_gets_a_lab_address_and_health_checks_answer_200_and_503(real_nodes: RealNodes) -> None:
    namespace = real_nodes.namespace()
    _echo_deployment(real_nodes, namespace, "node-2")
    real_nodes.kubectl("expose", "deployment", "echo", "-n", namespace, "--name=lb", "--port=80",
                       "--target-port=8080", "--type=LoadBalancer")
    real_nodes.kubectl("patch", "service", "lb", "-n", namespace, "-p", '{"spec":{"externalTrafficPolicy":"Local"}}')

    def address() -> str:
        return real_nodes.kubectl("get", "service", "lb", "-n", namespace, "-o",
                                  "jsonpath={.status.loadBalancer.ingress[0].ip}").stdout.strip()

    real_nodes.wait_until("a LoadBalancer address from MetalLB", address, 60)
    low, high = layout.LOAD_BALANCER_RANGE
    assert tuple(map(int, low.split("."))) <= tuple(map(int, address().split("."))) <= tuple(map(int, high.split(".")))
    assert _client_address(_answer(real_nodes, f"http://{address()}/", 60)) == CLIENT_ADDRESS
    health = int(real_nodes.kubectl("get", "service", "lb", "-n", namespace, "-o",
                                    "jsonpath={.spec.healthCheckNodePort}").stdout)
    codes = {name: real_nodes.in_client("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "3",
                                        f"http://{address_}:{health}/healthz").stdout
             for name, address_ in NODE_ADDRESSES.items()}
    assert codes == {"node-1": "503", "node-2": "200"}


def test_cluster_dns_resolves_services_and_stateful_set_pods(real_nodes: RealNodes) -> None:
    namespace = real_nodes.namespace()
    manifest = textwrap.dedent(f"""\
        apiVersion: v1
        kind: Service
        metadata: {{name: nginx, namespace: {namespace}}}
        spec: {{clusterIP: None, selector: {{app: nginx}}, ports: [{{port: 80}}]}}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {{name: web, namespace: {namespace}}}
        spec:
          serviceName: nginx
          replicas: 1
          selector: {{matchLabels: {{app: nginx}}}}
          template:
            metadata: {{labels: {{app: nginx}}}}
            spec:
              containers: [{{name: nginx, image: "registry.k8s.io/nginx-slim:0.21"}}]
        """)
    real_nodes.kubectl("apply", "-f", "-", input_=manifest)
    real_nodes.kubectl("rollout", "status", "-n", namespace, "statefulset/web", "--timeout=120s", timeout=150)
    pod_ip = real_nodes.kubectl("get", "pod", "web-0", "-n", namespace, "-o", "jsonpath={.status.podIP}").stdout
    real_nodes.kubectl("run", "dns", "-n", namespace, "--image=busybox:1.28", "--restart=Never", "--", "sleep", "3600")
    real_nodes.kubectl("wait", "-n", namespace, "--for=condition=Ready", "pod/dns", "--timeout=90s", timeout=120)
    kubernetes = real_nodes.kubectl("exec", "-n", namespace, "dns", "--", "nslookup",
                                    f"kubernetes.default.svc.{layout.CLUSTER_DOMAIN}").stdout
    assert layout.KUBERNETES_SERVICE in kubernetes
    stateful = real_nodes.kubectl("exec", "-n", namespace, "dns", "--", "nslookup",
                                  f"web-0.nginx.{namespace}.svc.{layout.CLUSTER_DOMAIN}").stdout
    assert pod_ip and pod_ip in stateful


def test_a_claim_of_class_standard_binds_and_its_volume_keeps_what_a_pod_wrote(real_nodes: RealNodes) -> None:
    namespace = real_nodes.namespace()
    manifest = textwrap.dedent(f"""\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {{name: data, namespace: {namespace}}}
        spec: {{accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {{name: writer, namespace: {namespace}}}
        spec:
          restartPolicy: Never
          containers:
          - name: writer
            image: busybox:1.28
            command: [sh, -c, "echo kept > /data/file"]
            volumeMounts: [{{name: data, mountPath: /data}}]
          volumes: [{{name: data, persistentVolumeClaim: {{claimName: data}}}}]
        """)
    real_nodes.kubectl("apply", "-f", "-", input_=manifest)
    real_nodes.kubectl("wait", "-n", namespace, "--for=jsonpath={.status.phase}=Succeeded", "pod/writer",
                       "--timeout=120s", timeout=150)
    claim = json.loads(real_nodes.kubectl("get", "pvc", "data", "-n", namespace, "-o", "json").stdout)
    assert claim["status"]["phase"] == "Bound" and claim["spec"]["storageClassName"] == "standard"
    node = real_nodes.kubectl("get", "pod", "writer", "-n", namespace, "-o", "jsonpath={.spec.nodeName}").stdout
    real_nodes.kubectl("delete", "pod", "writer", "-n", namespace)
    reader = manifest.split("---\n")[1].replace("writer", "reader").replace("echo kept > /data/file", "cat /data/file")
    real_nodes.kubectl("apply", "-f", "-", input_=reader)
    real_nodes.kubectl("wait", "-n", namespace, "--for=jsonpath={.status.phase}=Succeeded", "pod/reader",
                       "--timeout=120s", timeout=150)
    assert real_nodes.kubectl("logs", "-n", namespace, "reader").stdout.strip() == "kept"
    assert real_nodes.kubectl("get", "pod", "reader", "-n", namespace, "-o", "jsonpath={.spec.nodeName}").stdout == node


def test_a_pod_whose_image_is_missing_says_which_image(real_nodes: RealNodes) -> None:
    namespace = real_nodes.namespace()
    missing = "registry.k8s.io/not-built-here:0.1"
    real_nodes.kubectl("run", "missing", "-n", namespace, f"--image={missing}", "--restart=Never")

    def waiting_message() -> str:
        status = json.loads(real_nodes.kubectl("get", "pod", "missing", "-n", namespace, "-o", "json").stdout)["status"]
        state = ((status.get("containerStatuses") or [{}])[0].get("state") or {}).get("waiting") or {}
        return f"{state.get('reason', '')}: {state.get('message', '')}"

    real_nodes.wait_until("the pull to fail", lambda: "ErrImagePull" in waiting_message()
                          or "ImagePullBackOff" in waiting_message(), 60)
    assert missing in waiting_message()
    events = real_nodes.kubectl("get", "events", "-n", namespace, "--field-selector", "involvedObject.name=missing").stdout
    assert missing in events
    # The pull went to the closed port in the node's own namespace, not to a registry.
    assert "127.0.0.1:1" in events or "127.0.0.1:1" in waiting_message()


def test_no_namespace_of_the_lab_has_a_route_out(real_nodes: RealNodes) -> None:
    holders = lab.holders()
    assert {h.name for h in holders} == {layout.LAB, *(m.name for m in layout.MEMBERS)}
    for holder in holders:
        for outside in ("192.0.2.1", "8.8.8.8", "1.1.1.1"):
            done = subprocess.run([*lab.enter(holder.name), "ip", "route", "get", outside], capture_output=True,
                                  text=True, timeout=10, check=False)
            assert done.returncode != 0 and "unreachable" in done.stderr, (holder.name, outside, done.stdout)
        routes = subprocess.run([*lab.enter(holder.name), "ip", "route", "show", "table", "all"], capture_output=True,
                                text=True, timeout=10, check=False).stdout
        assert "default" not in routes, (holder.name, routes)
    # ...and the machine's own namespace has no interface, address or route of the lab.
    now = MachineState.now()
    assert now.links == real_nodes.before.links
    assert now.addresses == real_nodes.before.addresses
    assert now.routes == real_nodes.before.routes


def test_kubelet_writes_its_kernel_settings_into_the_nodes_own_copies(real_nodes: RealNodes) -> None:
    assert host.sysctls() == real_nodes.before.sysctls
    inside = [subprocess.run([*lab.enter("node-1", mount=True), "cat", f"/proc/sys/{name}"], capture_output=True,
                             text=True, timeout=10, check=True).stdout.strip()
              for name in ("vm/overcommit_memory", "kernel/panic", "kernel/panic_on_oops")]
    assert inside == ["1", "10", "1"]  # what kubelet sets (container_manager_linux.go), seen only by the node


def test_every_container_runs_in_a_cgroup_below_the_runs_own_root(real_nodes: RealNodes) -> None:
    pids = cgroups.processes()
    assert pids, "no process in the run's cgroups"
    for pid in pids:
        try:
            lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
        except OSError:
            continue
        memory = next(line.split(":", 2)[2] for line in lines if line.split(":")[1] == "memory")
        assert memory.startswith(f"/{layout.CGROUP_ROOT}/node-"), (pid, memory)


def test_down_removes_every_process_cgroup_namespace_file_and_the_context(real_nodes: RealNodes) -> None:
    if not real_nodes.started_here:
        pytest.skip("the target was running before the tests started it: not stopping someone else's run")
    inside = lab.processes_inside() + cgroups.processes()
    assert inside
    stopped = cluster_command("down", "--nodes", timeout=300)
    assert stopped.returncode == 0, stopped.stderr
    assert all(lab.gone(pid) for pid in inside)
    assert not cgroups.leftovers()
    assert not layout.state_dir().exists()
    assert not kubeconfig.has_context(layout.CONTEXT)
    after, before = asdict(MachineState.now()), asdict(real_nodes.before)
    assert {key: (before[key], value) for key, value in after.items() if value != before[key]} == {}
    assert cluster_command("status", "--nodes", timeout=60).returncode == 1
    leftovers = [pid for pid in map(int, filter(str.isdigit, os.listdir("/proc")))
                 if _runs_a_node_binary(pid)]
    assert not leftovers


def _runs_a_node_binary(pid: int) -> bool:
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return False
    return "/node-bin/" in exe
