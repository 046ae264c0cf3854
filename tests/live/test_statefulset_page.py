"""The StatefulSet page, run live on the real control plane (Kubernetes v1.37.2, kwok nodes) with the real
kubectl 1.37.1: every step the control plane can run passes; the rest is skipped, saying why."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.live.conftest import STS_PAGE, ControlPlane, cleaned_up, copy_page, leftovers, run_live

RUNTIME = "needs a container runtime: control-plane target"


def test_every_step_the_control_plane_can_run_passes(control_plane: ControlPlane, kubeconfig: Path,
                                                     tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    run = run_live(kubeconfig, tmp_path, "--junit", str(junit), str(STS_PAGE), timeout=400)

    assert run.code == 0, run.stdout[-4000:] + run.stderr
    live = run.live
    assert live["target"] == "control-plane" and live["verified"] is False
    assert live["server_version"] == "v1.37.2" and live["nodes"] == 3 and live["kwok_version"]
    page = live["pages"][0]
    assert page["verified"] is False and cleaned_up(page)
    steps = run.steps()
    passed = [s for s in steps if s["status"] == "passed"]
    skipped = [s for s in steps if s["status"] == "skipped"]
    assert not [s for s in steps if s["status"] == "failed"]
    # What is skipped needs a container runtime (exec, in-container DNS, traffic to pods), except the
    # page's own skip directive; and every such step is skipped, never attempted.
    runtime_skips = [s for s in skipped if RUNTIME in s["message"]]
    assert runtime_skips and all("exec" in s["command"] or s["kind"] == "in-container" or "kubectl run -i" in s["command"]
                                 or "curl" in s["command"] for s in runtime_skips)
    assert [s for s in skipped if s not in runtime_skips] == [
        s for s in skipped if s["message"].startswith("403 Forbidden")]
    # The scale, rolling update, partition and orphan-delete steps ran, and so did the watch terminals.
    commands = [s["command"] for s in passed]
    for expected in ("kubectl scale sts web --replicas=5", "kubectl delete statefulset web --cascade=orphan",
                     "kubectl apply -f web-parallel.yaml"):
        assert expected in commands
    assert any("rollingUpdate" in c and "partition" in c for c in commands)
    assert any(c.startswith("kubectl patch statefulset web --type='json'") for c in commands)
    assert sum(1 for s in passed if s["kind"] == "terminal") >= 20
    # Every claim the page makes (ordering, identity, storage, updates, adoption) held, from the events
    claims = [s for s in steps if s["kind"] == "claim"]
    assert len(claims) >= 17 and all(s["status"] == "passed" for s in claims)
    assert page["claims"] == {"passed": len(claims), "failed": 0, "skipped": 0} == live["claims"]
    assert {s["command"].split()[0] for s in claims} >= {
        "claim=ordered-creation", "claim=ordered-deletion", "claim=parallel-creation", "claim=parallel-deletion",
        "claim=stable-identity", "claim=pvcs-kept", "claim=rolling-update", "claim=partition", "claim=adopted"}
    assert len(passed) >= 80
    assert re.search(r"^\d+ passed, 0 failed, \d+ skipped \(claims: \d+ passed, 0 failed, 0 skipped\)$", run.stdout,
                     re.MULTILINE)
    assert "target: control plane, Kubernetes v1.37.2 with 3 nodes simulated by kwok" in run.stdout
    assert leftovers(control_plane, run.live) == []
    assert junit.read_text().count("<testcase") == len(steps)


def test_an_altered_output_fails_at_its_step_with_a_diff_and_stops_the_page(control_plane: ControlPlane, kubeconfig: Path,
                                                                            tmp_path: Path) -> None:
    page = copy_page(tmp_path)
    text = page.read_text(encoding="utf-8")
    documented = "service/nginx created\nstatefulset.apps/web created\n"
    altered = "service/nginx created\nstatefulset.apps/web configured\n"
    assert documented in text
    page.write_text(text.replace(documented, altered, 1), encoding="utf-8")
    line = text[: text.index(documented)].count("\n")  # the ```text fence of the output (1-based)
    command_line = next(i for i, row in enumerate(text.splitlines()[:line], 1) if row == "kubectl apply -f web.yaml") - 1

    run = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), str(page), timeout=90)

    assert run.code == 1, run.stdout + run.stderr
    failed = [s for s in run.steps() if s["status"] == "failed"]
    assert len(failed) == 1 and failed[0]["line"] == command_line
    assert f"differs from the documented output at {failed[0]['path']}:{line}" in failed[0]["message"]
    assert "  - statefulset.apps/web configured" in failed[0]["diff"]
    assert "  + statefulset.apps/web created" in failed[0]["diff"]
    later = [s for s in run.steps() if s["line"] > command_line]
    assert later and all(s["status"] == "skipped" and s["message"] == f"after failure at {failed[0]['location']}"
                         for s in later)
    page_result = run.live["pages"][0]
    assert "LAST SEEN" in page_result["diagnostics"]["events"]
    # No pod logs are asked for: the API server would dial the simulated node's kubelet port for them.
    assert page_result["diagnostics"]["pod_logs_skipped"] == "needs a container runtime: control-plane target"
    assert ":10250" not in json.dumps(run.report)
    assert page_result["cleanup"]["ok"] is True
    assert "- statefulset.apps/web configured" in run.stdout
    assert leftovers(control_plane, run.live) == []


REORDERED = """\
web-0   0/1     Pending             0          0s
web-0   0/1     ContainerCreating   0          0s
web-1   0/1     Pending             0          0s
web-0   1/1     Running             0          19s
"""


def test_a_watch_whose_rows_were_reordered_fails_soon_after_the_page_waited(control_plane: ControlPlane,
                                                                            kubeconfig: Path, tmp_path: Path) -> None:
    """web-0's Running moved below web-1's Pending: once the rollout the page waits for is done and the watch
    prints nothing new, no row is still to come, so the step fails then, not at --watch-timeout (300 s)."""
    page = copy_page(tmp_path)
    text = page.read_text(encoding="utf-8")
    documented = ("web-0   0/1     Pending             0          0s\nweb-0   0/1     ContainerCreating   0          0s\n"
                  "web-0   1/1     Running             0          19s\nweb-1   0/1     Pending             0          0s\n")
    original = ("web-0   0/1     Pending             0          0s\nweb-0   0/1     Pending             0          0s\n"
                "web-0   0/1     ContainerCreating   0          0s\nweb-0   1/1     Running             0          19s\n"
                "web-1   0/1     Pending             0          0s\n")
    assert original in text
    page.write_text(text.replace(original, REORDERED, 1), encoding="utf-8")
    assert documented not in page.read_text(encoding="utf-8")

    run = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), "--watch-timeout", "300", str(page), timeout=400)

    assert run.code == 1, run.stdout + run.stderr
    (failed,) = [s for s in run.steps() if s["status"] == "failed"]
    assert failed["kind"] == "terminal" and "printed nothing new for 5s after the page's wait" in failed["message"]
    assert failed["seconds"] < 30, failed
    assert "  - web-1   0/1     Pending" in failed["diff"] or "web-0   1/1     Running" in failed["diff"]
    assert leftovers(control_plane, run.live) == []
