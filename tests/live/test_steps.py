"""How steps run: read-only queries are retried until they match, changes never are, and an
interactive `kubectl run -i --tty … -- sh` is rewritten to `sh -c` for its in-container blocks."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from tests.live.conftest import ROOT, ControlPlane, leftovers, run_live, write_page
from verify.live.commands import container_script, rewrite_interactive


def test_a_read_only_query_is_retried_until_its_output_matches(control_plane: ControlPlane, kubeconfig: Path,
                                                              tmp_path: Path) -> None:
    (tmp_path / "manifests").symlink_to(ROOT / "manifests")
    page = write_page(tmp_path, "retry.md", """\
        ```yaml title="web.yaml"
        --8<-- "manifests/statefulset/web.yaml"
        ```

        ```shell
        kubectl apply -f web.yaml
        ```

        ```shell
        kubectl get pods -l app=nginx
        ```

        ```text
        NAME    READY   STATUS    RESTARTS   AGE
        web-0   1/1     Running   0          1m
        web-1   1/1     Running   0          1m
        ```
        """, front="requires: [dynamic-pv]\n")
    run = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), str(page))

    assert run.code == 0, run.stdout + run.stderr
    query = run.steps()[1]
    assert query["status"] == "passed" and query["attempts"] > 1
    assert any(note.startswith("tolerated duration: 1m ≈ ") for note in query["notes"])
    assert leftovers(control_plane, run.live) == []


def test_a_command_that_changes_the_cluster_is_never_retried(control_plane: ControlPlane, kubeconfig: Path,
                                                            tmp_path: Path) -> None:
    page = write_page(tmp_path, "once.md", """\
        ```shell
        kubectl create configmap settings --from-literal=mode=fast
        ```

        ```text
        configmap/settings configured
        ```
        """)
    run = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), str(page))

    assert run.code == 1
    step = run.steps()[0]
    assert step["status"] == "failed" and "attempts" not in step
    assert step["output"] == "configmap/settings created\n"  # not "AlreadyExists" from a second try


def test_interactive_commands_and_their_in_container_blocks_are_never_attempted_on_the_control_plane(
        control_plane: ControlPlane, kubeconfig: Path, tmp_path: Path) -> None:
    page = write_page(tmp_path, "dns.md", """\
        <!-- verify: interactive=rewrite -->
        ```shell
        kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm -- /bin/sh
        ```

        <!-- verify: in-container -->
        ```shell
        nslookup web-0.nginx
        ```

        ```text
        Name:      web-0.nginx
        ```
        """)
    # Claiming exec does not help: kwok's simulated exec would run the command on this machine.
    run = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), "--provide", "exec", str(page))

    assert run.code == 0, run.stdout + run.stderr
    assert [(s["status"], s["message"]) for s in run.steps()] == [
        ("skipped", "cluster lacks exec (needs a container runtime: control-plane target)")] * 2
    assert "dns-test" not in json.dumps(run.live["pages"][0].get("diagnostics", {}))


def test_the_rewrite_of_an_interactive_command_runs_its_blocks_through_sh_c() -> None:
    script = container_script([("nslookup web-0.nginx",)])
    words = shlex.split(rewrite_interactive(
        "kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm -- /bin/sh", script))
    assert words[:3] == ["kubectl", "run", "-i"] and "--tty" not in words
    assert words[-3:-1] == ["/bin/sh", "-c"]
    assert words[-1].splitlines() == ["echo @@verify-block-0@@", "nslookup web-0.nginx"]


def test_exit_statuses_are_checked_as_the_page_declares(control_plane: ControlPlane, kubeconfig: Path, tmp_path: Path) -> None:
    page = write_page(tmp_path, "exit.md", """\
        <!-- verify: exit=1 -->
        ```shell
        kubectl get pod missing
        ```

        ```text
        Error from server (NotFound): pods "missing" not found
        ```

        <!-- verify: exit=any -->
        ```shell
        kubectl get pods | grep nothing-here
        ```

        ```shell
        kubectl get pod missing
        ```

        ```text
        Error from server (NotFound): pods "missing" not found
        ```
        """)
    run = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), "--retry-budget", "5", str(page))

    assert run.code == 1
    expected_failure, any_status, undeclared = run.steps()
    assert expected_failure["status"] == "passed" and any_status["status"] == "passed"
    assert undeclared["status"] == "failed"
    # a read-only query is retried (within --retry-budget) before it counts as failed
    assert undeclared["message"].startswith("exit status 1 (expected 0): kubectl get pod missing (after ")


def test_an_output_the_page_marks_as_skipped_is_shown_but_not_compared(control_plane: ControlPlane, kubeconfig: Path,
                                                                      tmp_path: Path) -> None:
    page = write_page(tmp_path, "example-output.md", """\
        ```shell
        kubectl get nodes
        ```

        <!-- verify: skip reason="node names depend on the cluster" -->
        ```text
        NAME                   STATUS   ROLES    AGE   VERSION
        kubernetes-node-6jst   Ready    <none>   2h    v1.37.1
        ```
        """, front="access:\n- reason: the page lists the nodes\n  verbs: [list]\n  resources: [nodes]\n")
    run = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), str(page))

    assert run.code == 0, run.stdout + run.stderr
    step = run.steps()[0]
    assert step["status"] == "passed"
    assert step["notes"][0] == "output not compared: node names depend on the cluster"
    assert "kubernetes-node-6jst" not in step["output"]
