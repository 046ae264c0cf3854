"""Interrupting a live run in the middle of a page, and finding the processes it started (for the tests)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

from tests.live.conftest import ROOT, live_command, write_page


def parent_of(pid: int) -> int:
    """The parent of `pid` (0 once the process is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    return int(stat.rsplit(")", 1)[1].split()[1])  # the command name may hold spaces and parentheses


def processes(needle: str, under: int | None = None) -> list[str]:
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
                    pid = parent_of(pid)
                if pid != under:
                    continue
            found.append(cmdline)
    return found


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


def interrupt_mid_page(kubeconfig: Path, tmp_path: Path, signum: int, *extra: str) -> tuple[int, str, dict, float]:
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
        while time.monotonic() < deadline and not processes("sleep 61.25", under=proc.pid):
            time.sleep(0.05)
        assert processes("sleep 61.25", under=proc.pid), "".join(lines)
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
