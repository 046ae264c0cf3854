"""The live tier's safety: timeouts end cleanly, Ctrl-C cleans up, refused or unusable clusters give
one line and exit 2, secrets never leak, what the page did not declare is forbidden."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import yaml

from tests.live.conftest import ROOT, ControlPlane, Run, leftovers, live_command, run_live, write_page


def _parent(pid: int) -> int:
    """The parent of `pid` (0 once the process is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    return int(stat.rsplit(")", 1)[1].split()[1])  # the command name may hold spaces and parentheses


def _processes(needle: str, under: int | None = None) -> list[str]:
    """Command lines holding `needle`; with `under`, only processes that descend from that pid."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if needle not in cmdline or "pytest" in cmdline:
                continue
            if under is not None:
                pid = int(entry.name)
                while pid > 1 and pid != under:
                    pid = _parent(pid)
                if pid != under:
                    continue
            found.append(cmdline)
    return found


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
    # Watch outputs are one ordered subsequence of the whole stream since issue 11: the diff lists the
    # documented rows not seen in order, then the stream (here empty).
    assert "the documented rows must appear in this order in the stream" in failed["diff"]
    assert "  - ghost-0   1/1     Running   0          5s" in failed["diff"] and "  + (no rows)" in failed["diff"]
    assert elapsed < 30
    assert run.live["pages"][0]["cleanup"]["ok"] is True
    assert _processes("app=ghost-watch") == []
    assert leftovers(control_plane, run.live) == []


CTRL_C_PAGE = """\
    ```yaml title="web.yaml"
    --8<-- "manifests/statefulset/web.yaml"
    ```

    <!-- verify: terminal=watch -->
    ```shell
    kubectl get pods -w -l app=ctrl-c-watch
    ```

    ```shell
    kubectl apply -f web.yaml
    ```

    <!-- invisible-code-block: shell
    kubectl rollout status statefulset/web --timeout=60s
    -->

    ```shell
    sleep 61.25
    ```

    ```shell
    kubectl get pods
    ```
    """


def _interrupt_mid_page(kubeconfig: Path, tmp_path: Path, signum: int, *extra: str) -> tuple[int, str, dict, float]:
    (tmp_path / "manifests").symlink_to(ROOT / "manifests")
    page = write_page(tmp_path, "ctrl-c.md", CTRL_C_PAGE, front="requires: [dynamic-pv]\n")
    report = tmp_path / "verify-report.json"
    proc = subprocess.Popen(live_command(kubeconfig, report, "--root", str(tmp_path), *extra, str(page)), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines: list[str] = []
    stdout = proc.stdout
    assert stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(iter(stdout.readline, "")), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        # This run's own sleep: one still dying from an earlier test must not trigger the signal early.
        while time.monotonic() < deadline and not _processes("sleep 61.25", under=proc.pid):
            time.sleep(0.05)
        assert _processes("sleep 61.25", under=proc.pid), "".join(lines)
        time.sleep(0.3)
        sent = time.monotonic()
        proc.send_signal(signum)
        code = proc.wait(timeout=60)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:  # the test failed before the run ended: do not leave it running
            proc.kill()
            proc.wait()
    reader.join(timeout=5)
    return code, "".join(lines), json.loads(report.read_text())["tiers"]["live"], elapsed


def test_ctrl_c_in_the_middle_of_a_page_cleans_up(control_plane: ControlPlane, kubeconfig: Path, tmp_path: Path) -> None:
    code, output, live, elapsed = _interrupt_mid_page(kubeconfig, tmp_path, signal.SIGINT)

    assert code == 130, output
    assert live["interrupted"] is True
    page = live["pages"][0]
    assert page.get("interrupted") is True and page["cleanup"] == {"leftovers": [], "ok": True}, output
    statuses = {s["command"]: (s["status"], s["message"]) for s in page["steps"]}
    assert statuses["kubectl apply -f web.yaml"][0] == "passed"
    assert statuses["sleep 61.25"] == ("skipped", "interrupted by SIGINT")
    assert statuses["kubectl get pods"] == ("skipped", "interrupted by SIGINT")
    assert "cleanup  namespace" in output and "are gone" in output
    assert elapsed < 30
    assert _processes("sleep 61.25") == [] and _processes("app=ctrl-c-watch") == []
    assert leftovers(control_plane, live) == []


def test_sigterm_cleans_up_too(control_plane: ControlPlane, kubeconfig: Path, tmp_path: Path) -> None:
    code, output, live, _ = _interrupt_mid_page(kubeconfig, tmp_path, signal.SIGTERM)

    assert code == 143, output
    assert live["pages"][0]["cleanup"]["ok"] is True
    assert _processes("sleep 61.25") == []
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
