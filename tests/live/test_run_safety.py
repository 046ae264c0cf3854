"""The live tier's safety: timeouts end cleanly, Ctrl-C cleans up, refused or unusable clusters give
one line and exit 2, secrets never leak, what the page did not declare is forbidden."""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path

import yaml

from tests.live.conftest import ControlPlane, Run, cleaned_up, leftovers, run_live, write_page
from tests.live.interrupting import interrupt_mid_page, processes


def test_a_watch_terminal_that_never_sees_its_rows_times_out_cleanly(control_plane: ControlPlane, kubeconfig: Path,
                                                                     tmp_path: Path) -> None:
    page = write_page(tmp_path, "ghost.md", """\
        <!-- verify: terminal=watch -->
        ```shell
        kubectl get pods -w -l app=ghost-watch
        ```

        ```shell
        kubectl get pods
        ```

        ```text
        No resources found in default namespace.
        ```

        <!-- verify: terminal=watch show -->
        ```shell
        kubectl get pods -w -l app=ghost-watch
        ```

        ```text
        NAME      READY   STATUS    RESTARTS   AGE
        ghost-0   1/1     Running   0          5s
        ```
        """)
    started = time.monotonic()
    run = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), "--watch-timeout", "2", str(page))
    elapsed = time.monotonic() - started

    assert run.code == 1, run.stdout + run.stderr
    assert [s["status"] for s in run.steps()] == ["passed", "passed", "failed"]
    failed = run.steps()[2]
    assert failed["message"].startswith("not all documented rows were seen within 2s")
    # A watch's documented rows are one ordered subsequence of its whole stream: the diff lists the
    # documented rows not seen in that order, then the stream (here empty).
    assert "the documented rows must appear in this order in the stream" in failed["diff"]
    assert "  - ghost-0   1/1     Running   0          5s" in failed["diff"] and "  + (no rows)" in failed["diff"]
    assert elapsed < 45  # a watch left waiting would hold the run to its step timeout; start-up and cleanup fit
    assert run.live["pages"][0]["cleanup"]["ok"] is True
    assert processes("app=ghost-watch") == []
    assert leftovers(control_plane, run.live) == []


def test_ctrl_c_in_the_middle_of_a_page_cleans_up(control_plane: ControlPlane, kubeconfig: Path, tmp_path: Path) -> None:
    code, output, live, elapsed = interrupt_mid_page(kubeconfig, tmp_path, signal.SIGINT)

    assert code == 130, output
    assert live["interrupted"] is True
    page = live["pages"][0]
    assert page.get("interrupted") is True and cleaned_up(page), output
    statuses = {s["command"]: (s["status"], s["message"]) for s in page["steps"]}
    assert statuses["kubectl apply -f web.yaml"][0] == "passed"
    assert statuses["sleep 61.25"] == ("skipped", "interrupted by SIGINT")
    assert statuses["kubectl get pods"] == ("skipped", "interrupted by SIGINT")
    assert "cleanup  namespace" in output and "are gone" in output
    assert elapsed < 45  # the page's own sleep would take 61 s; a loaded machine's cleanup takes up to ~30 s
    assert processes("sleep 61.25") == [] and processes("app=ctrl-c-watch") == []
    assert leftovers(control_plane, live) == []


def test_sigterm_cleans_up_too(control_plane: ControlPlane, kubeconfig: Path, tmp_path: Path) -> None:
    code, output, live, _ = interrupt_mid_page(kubeconfig, tmp_path, signal.SIGTERM)

    assert code == 143, output
    assert live["pages"][0]["cleanup"]["ok"] is True
    assert processes("sleep 61.25") == []
    assert leftovers(control_plane, live) == []


def _one_line_error(run: Run) -> str:
    assert run.code == 2, run.stdout + run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    return lines[0]


def test_a_context_that_is_not_local_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "production",
        "clusters": [{"name": "prod", "cluster": {"server": "https://k8s.example.com:6443"}}],
        "contexts": [{"name": "production", "context": {"cluster": "prod", "user": "admin"}}],
        "users": [{"name": "admin", "user": {"token": "not-used"}}]}))
    line = _one_line_error(run_live(config, tmp_path))
    assert line == ('verify live: error: refusing context "production" (server https://k8s.example.com:6443): '
                    "only local clusters are allowed by default; pass --allow-context production to run against it")
    assert not (tmp_path / "verify-report.json").exists()


def test_an_unreachable_server_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = tmp_path / "kubeconfig"
    config.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "kind-gone",
        "clusters": [{"name": "kind-gone", "cluster": {"server": f"http://127.0.0.1:{port}"}}],
        "contexts": [{"name": "kind-gone", "context": {"cluster": "kind-gone", "user": "kind-gone"}}],
        "users": [{"name": "kind-gone", "user": {}}]}))
    line = _one_line_error(run_live(config, tmp_path))
    assert line == (f'verify live: error: cannot reach the API server of context "kind-gone" at '
                    f"http://127.0.0.1:{port}: Connection refused")


def test_a_missing_kubeconfig_is_one_line_and_exit_2(tmp_path: Path) -> None:
    line = _one_line_error(run_live(tmp_path / "absent", tmp_path))
    assert line == (f"verify live: error: no kubeconfig: {tmp_path / 'absent'} does not exist "
                    "(set KUBECONFIG or pass --kubeconfig)")


def test_secret_values_never_reach_the_report_or_the_console(control_plane: ControlPlane, kubeconfig: Path,
                                                            tmp_path: Path) -> None:
    page = write_page(tmp_path, "secret.md", """\
        パスワードを書きます。

        <!-- verify: file secret -->
        ```text
        s3cr3t-Passw0rd-42
        ```

        ```shell
        echo "the password is s3cr3t-Passw0rd-42"
        ```

        ```text
        the password is something else
        ```
        """)
    run = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), str(page))

    assert run.code == 1
    report_text = (tmp_path / "verify-report.json").read_text()
    assert "s3cr3t-Passw0rd-42" not in report_text + run.stdout + run.stderr
    assert "the password is ***" in run.steps()[0]["output"]
    assert "***" in run.stdout


def test_the_api_server_refuses_what_the_page_did_not_declare(control_plane: ControlPlane, kubeconfig: Path,
                                                              tmp_path: Path) -> None:
    """RBAC decides; the failure explains where a page declares what it needs (and refuses nothing by text)."""
    page = write_page(tmp_path, "scoped.md", """\
        ```shell
        kubectl delete namespace kube-public
        ```
        """)
    run = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), str(page))

    assert run.code == 1
    step = run.steps()[0]
    assert step["status"] == "failed"
    assert 'namespaces "kube-public" is forbidden' in step["output"]
    assert "declares under `access:`" in step["message"]
    assert control_plane.kubectl("get", "namespace", "kube-public").returncode == 0
