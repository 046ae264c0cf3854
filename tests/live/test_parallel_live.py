"""`verify live -j 2` on the real control plane: the same report and records as a serial run, and Ctrl-C
stops every page that runs, each cleaned up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.live.conftest import ROOT, ControlPlane, cleaned_up, leftovers, live_command, run_live, write_page
from tests.live.interrupting import processes

# The second page's Service (and its ClusterIP, a cluster-scoped IPAddress) exists from about 3 s after the
# pages start until after the first page's cleanup has compared the cluster with how it found it.
CONFIGMAP_PAGE = """\
    ```shell
    kubectl create configmap first --from-literal=colour=blue
    ```

    ```text
    configmap/first created
    ```

    ```shell
    kubectl get configmap first -o jsonpath='{.data.colour}'
    ```

    ```text
    blue
    ```

    ```shell
    sleep 6
    ```
    """

DEPLOYMENT_PAGE = """\
    <!-- verify: terminal=watch -->
    ```shell
    kubectl get deployments -w
    ```

    ```shell
    kubectl create deployment side --image=registry.k8s.io/pause:3.10 --replicas=2
    ```

    ```text
    deployment.apps/side created
    ```

    ```shell
    kubectl expose deployment side --port=80
    ```

    ```text
    service/side exposed
    ```

    ```shell
    kubectl create clusterrole verify-test-side-by-side --verb=get --resource=pods
    ```

    ```text
    clusterrole.rbac.authorization.k8s.io/verify-test-side-by-side created
    ```

    <!-- invisible-code-block: shell
    kubectl rollout status deployment/side --timeout=60s
    -->

    ```shell
    kubectl get deployment side -o jsonpath='{.status.readyReplicas}'
    ```

    ```text
    2
    ```

    ```shell
    sleep 12
    ```
    """


def _pages(root: Path) -> list[Path]:
    # The second page writes outside its namespace (a ClusterRole), where the first cannot reach: side by side.
    return [write_page(root, "first.md", CONFIGMAP_PAGE), write_page(root, "second.md", DEPLOYMENT_PAGE, front=SECOND)]


SECOND = """\
access:
- reason: it makes a ClusterRole (its cleanup deletes it)
  apiGroups: [rbac.authorization.k8s.io]
  verbs: [create]
  resources: [clusterroles]
- reason: what the ClusterRole grants (a page may grant only what it holds)
  verbs: [get]
  resources: [pods]
"""


def _comparable(live: dict[str, Any]) -> list[dict[str, Any]]:
    """What a report says about each page, without what differs between any two runs: times, the namespace, and
    the cleanup's notes on what other sessions did to the shared cluster meanwhile (see `_notes_on`)."""
    pages = []
    for page in live["pages"]:
        kept = {
            "path": page["path"], "status": page["status"], "summary": page["summary"], "claims": page["claims"],
            "cleanup": {k: v for k, v in page["cleanup"].items() if k != "notes"},
            "capabilities": page.get("capabilities"), "identity": page.get("identity"),
            "confinement": page.get("confinement"), "verified": page["verified"],
            "steps": [{k: v for k, v in step.items() if k not in ("seconds", "output")} for step in page["steps"]],
        }
        pages.append(json.loads(json.dumps(kept).replace(page["namespace"], "NAMESPACE")))
    return pages


def _notes_on(words: set[str], *runs: dict[str, Any]) -> list[str]:
    """The cleanup notes, of any page of `runs`, that hold one of `words`."""
    return [note for live in runs for page in live["pages"] for note in page["cleanup"].get("notes", [])
            if any(word in note for word in words)]


@pytest.mark.xdist_group("cluster-wide")  # its second page makes a ClusterRole (tests/conftest.py)
def test_side_by_side_the_report_and_the_records_are_the_serial_runs(control_plane: ControlPlane, kubeconfig: Path,
                                                                      tmp_path: Path) -> None:
    pages = _pages(tmp_path)
    records = [tmp_path / "verification" / name for name in ("first.json", "second.json")]
    serial = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), "--record", "-j", "1", *map(str, pages))
    assert serial.code == 0, serial.stdout + serial.stderr
    serial_records = [record.read_text(encoding="utf-8") for record in records]
    for record in records:
        record.unlink()
    parallel = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), "--record", "-j", "2", *map(str, pages))
    assert parallel.code == 0, parallel.stdout + parallel.stderr

    assert "pages side by side: up to 2 at once" in parallel.stdout and "(2 running)" in parallel.stdout
    assert "pages side by side" not in serial.stdout
    assert _comparable(parallel.live) == _comparable(serial.live)
    # Side by side, no page takes note of what the other did (its namespace, its Service's address, its ClusterRole).
    ours = {page["namespace"] for live in (serial.live, parallel.live) for page in live["pages"]}
    assert _notes_on(ours | {"ipaddresses", "verify-test-side-by-side"}, serial.live, parallel.live) == []
    assert parallel.live["summary"] == serial.live["summary"] and parallel.live["claims"] == serial.live["claims"]
    assert parallel.live["capabilities"] == serial.live["capabilities"]
    assert [record.read_text(encoding="utf-8") for record in records] == serial_records
    # Each page's block is printed whole: its step lines follow its own page line.
    lines = parallel.stdout.splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("page ") and "first.md" in line)
    assert "kubectl create configmap first" in lines[first + 1]
    assert leftovers(control_plane, serial.live) == [] and leftovers(control_plane, parallel.live) == []


SLEEPING_PAGE = """\
    ```shell
    kubectl create configmap {name} --from-literal=a=b
    ```

    ```shell
    sleep {seconds}
    ```

    ```shell
    kubectl get configmap {name}
    ```
    """


def test_ctrl_c_stops_every_page_running_side_by_side_and_each_is_cleaned_up(control_plane: ControlPlane,
                                                                             kubeconfig: Path, tmp_path: Path) -> None:
    pages = [write_page(tmp_path, f"{name}.md", SLEEPING_PAGE.format(name=name, seconds=seconds))
             for name, seconds in (("one", "61.5"), ("two", "61.75"))]
    report = tmp_path / "verify-report.json"
    proc = subprocess.Popen(live_command(kubeconfig, report, "--root", str(tmp_path), "-j", "2", *map(str, pages)),
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (processes("sleep 61.5", under=proc.pid)
                                                   and processes("sleep 61.75", under=proc.pid)):
            time.sleep(0.05)
        if not (processes("sleep 61.5", under=proc.pid) and processes("sleep 61.75", under=proc.pid)):
            proc.send_signal(signal.SIGINT)
            output, _ = proc.communicate(timeout=90)
            pytest.fail(f"both pages were not sleeping within 90 s; the run printed:\n{output[-4000:]}")
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=90)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    live = json.loads(report.read_text(encoding="utf-8"))["tiers"]["live"]

    assert proc.returncode == 130, output
    assert live["interrupted"] is True
    for page in live["pages"]:
        assert page.get("interrupted") is True and cleaned_up(page), output
        statuses = [(s["status"], s["message"]) for s in page["steps"]]
        assert statuses[0][0] == "passed" and statuses[1:] == [("skipped", "interrupted by SIGINT")] * 2, statuses
    assert "interrupted at " in output and "cleaned up: namespace verify-" in output
    # Without the signal the pages would sleep 61 s more; cleanup of two pages took up to 46 s under load.
    assert elapsed < 55
    assert processes("sleep 61.5") == [] and processes("sleep 61.75") == []
    assert leftovers(control_plane, live) == []
