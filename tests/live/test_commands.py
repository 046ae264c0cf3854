"""How the live tier reads command lines, pages' needs, allowed contexts and secrets."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from verify.live import commands as cmds
from verify.live.cluster import is_allowed
from verify.live.redact import Redactor, secret_values
from verify.live.runner import page_gating_needs, step_needs
from verify.model import Directive, FrontMatter, Location, Page, Step, StepKind
from verify.shellcode.credentials import refused_flags


@pytest.mark.parametrize("command", [
    "kubectl get pods -l app=nginx",
    "kubectl get pvc -l app=nginx -o jsonpath='{.items[*].metadata.name}'",
    'for p in 0 1 2; do kubectl get pod "web-$p" --template \'{{.spec.nodeName}}\'; echo; done',
    "kubectl get pods --namespace=kube-system | grep kube-state",
    "kubectl describe sts web",
    "kubectl rollout status sts/web",
])
def test_queries_are_read_only(command: str) -> None:
    assert cmds.is_read_only(command)


@pytest.mark.parametrize("command", [
    "kubectl apply -f web.yaml",
    "kubectl delete pod -l app=nginx",
    "kubectl get pods -w -l app=nginx",
    "kubectl get pods > pods.txt",
    "kubectl exec web-0 -- hostname",
    "kubectl rollout restart sts/web",
    "expr 1 \\< 2",
])
def test_changes_watches_and_other_commands_are_not(command: str) -> None:
    assert not cmds.is_read_only(command)


def test_implicit_needs() -> None:
    assert cmds.implicit_needs('for i in 0 1; do kubectl exec "web-$i" -- sh -c hostname; done') == {"exec"}
    assert cmds.implicit_needs("kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm") == {"exec"}
    assert cmds.implicit_needs("kubectl logs web-0") == {"exec"}
    assert cmds.implicit_needs("git clone https://github.com/kubernetes/kube-state-metrics.git") == {"internet"}
    assert cmds.implicit_needs("kubectl run nginx --image=nginx") == set()
    assert cmds.implicit_needs("kubectl get pods") == set()


@pytest.mark.parametrize("wrapper", ["sudo -u admin", "sudo", "timeout 10", "timeout -s KILL 10s", "env A=b",
                                     "nohup", "watch -n 1", "exec", "command", "env -u HOME sudo"])
def test_kubectl_behind_wrappers_is_still_kubectl(wrapper: str) -> None:
    """`sudo -u x kubectl …` is still kubectl: a wrapper must not hide a refused option, a need or a change."""
    assert refused_flags(f"{wrapper} kubectl --kubeconfig=/tmp/x get pods") is not None
    assert cmds.implicit_needs(f"{wrapper} kubectl exec web-0 -- hostname") == {"exec"}
    assert not cmds.is_read_only(f"{wrapper} kubectl delete pod web-0")


def test_kubectl_after_a_shell_keyword_is_seen() -> None:
    assert refused_flags("if kubectl --token abc get pods; then echo in; fi") is not None
    assert refused_flags("until kubectl --as=system:admin delete clusterrole x; do sleep 1; done") is not None
    assert refused_flags("kubectl get pods -l app=nginx -o wide") is None
    assert refused_flags("kubectl create clusterrolebinding b --clusterrole=view --user=me") is None  # a subject


def test_interactive_commands_are_rewritten_to_sh_c() -> None:
    script = cmds.container_script([("nslookup web-0.nginx",), ("nslookup web-1.nginx",)])
    rewritten = cmds.rewrite_interactive(
        "kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm -- /bin/sh", script)
    words = shlex.split(rewritten)
    assert words[:8] == ["kubectl", "run", "-i", "--image", "busybox:1.28", "dns-test", "--restart=Never", "--rm"]
    assert words[8:11] == ["--", "/bin/sh", "-c"] and "--tty" not in words
    assert words[11].splitlines() == ["echo @@verify-block-0@@", "nslookup web-0.nginx",
                                      "echo @@verify-block-1@@", "nslookup web-1.nginx"]
    assert shlex.split(cmds.rewrite_interactive("kubectl run -it --image busybox t --rm", "id"))[-4:] == \
        ["--", "sh", "-c", "id"]
    assert cmds.split_container_output("@@verify-block-0@@\nA\n@@verify-block-1@@\nB\nC\n", 2) == ["A\n", "B\nC\n"]


def _step(line: int, commands: tuple[str, ...], **directive: object) -> Step:
    return Step(StepKind.COMMAND, Location(Path("p.md"), line), "\n".join(commands), commands=commands,
                directive=Directive(**directive))  # type: ignore[arg-type]


def test_a_need_that_steps_declare_gates_only_those_steps() -> None:
    page = Page(Path("p.md"), FrontMatter("t", 1, requires=("dynamic-pv", "exec")), (
        _step(10, ("kubectl apply -f web.yaml",)),
        _step(20, ("kubectl exec web-0 -- hostname",), requires=("exec",)),
    ))
    assert page_gating_needs(page) == {"dynamic-pv"}
    assert step_needs(page.steps[1]) == {"exec"}
    assert step_needs(_step(30, ("nslookup web-0",), in_container=True)) == {"exec"}
    assert step_needs(_step(40, ("cat /etc/os-release",), on_node=True)) == {"node-shell"}


def test_only_local_contexts_are_allowed_by_default() -> None:
    assert is_allowed("kind-kind", "https://127.0.0.1:6443")
    assert is_allowed("minikube", "https://192.168.49.2:8443")
    assert is_allowed("k3d-dev", "https://0.0.0.0:6550")
    assert is_allowed("docker-desktop", "https://kubernetes.docker.internal:6443")
    assert is_allowed("my-laptop", "https://localhost:6443")
    assert is_allowed("lab", "http://[::1]:8080")
    assert not is_allowed("gke_prod_cluster", "https://34.1.2.3")
    assert not is_allowed("kindly", "https://10.0.0.1:6443")
    assert is_allowed("gke_prod_cluster", "https://34.1.2.3", allow=["gke_prod_cluster"])


def test_secret_blocks_are_redacted() -> None:
    assert secret_values("ELASTICSEARCH_PASSWORD=hunter2-xyz\n# comment\ncloud.id: 'abc:def=='\nab\n") == \
        ["hunter2-xyz", "abc:def=="]
    redact = Redactor(["hunter2-xyz"])
    assert redact("login with hunter2-xyz now") == "login with *** now"
    assert redact("") == ""


def test_cluster_scoped_kinds_come_from_the_api_servers_discovery_data() -> None:
    """Declared access reads scope from verify/data/printer_columns_1.37.yaml (generated from the server)."""
    from verify.access import Grant
    from verify.resources import is_cluster_scoped, resources

    kinds = resources()
    cluster_wide = [r for r in kinds.values() if not r.namespaced]
    assert {"namespace", "node", "clusterrole", "persistentvolume", "storageclass"} <= {r.kind for r in cluster_wide}
    for known in cluster_wide:
        assert all(is_cluster_scoped(name) for name in (known.kind, *known.names))
    for known in (r for r in kinds.values() if r.namespaced):
        assert not is_cluster_scoped(known.names[0])
        assert "in every namespace" in Grant("r", ("list",), (known.names[0],)).describe()


@pytest.mark.parametrize(("command", "reads"), [
    ("for node in $NODES; do curl -s $node:$NODEPORT | grep -i client_address; done", True),
    ("curl --connect-timeout 1 -s $node:$NODEPORT | grep -i client_address", True),
    ('wget -qO - "$CLUSTERIP_SERVICE_HOST"', True),
    ("curl -d x http://10.0.0.1/", False),
    ("curl -X DELETE http://10.0.0.1/", False),
    ("curl -o page.html http://10.0.0.1/", False),
    ("wget -qO page.html http://10.0.0.1/", False),
    ("kubectl delete pod x; curl -s http://10.0.0.1/", False),
])
def test_an_http_get_to_standard_output_only_reads(command: str, reads: bool) -> None:
    assert cmds.is_read_only(command) is reads
