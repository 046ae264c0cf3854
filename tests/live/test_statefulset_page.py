"""The StatefulSet page, run live against the stand-in API server with the real kubectl 1.37.1."""

from __future__ import annotations

import re
from pathlib import Path

from tests.live.conftest import STS_PAGE, copy_page, leftovers, run_live
from tests.live.conftest import ControlPlane


def test_every_step_the_stand_in_can_serve_runs_and_passes(control_plane: ControlPlane, kubeconfig: Path,
                                                           tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    run = run_live(kubeconfig, tmp_path, "--junit", str(junit), str(STS_PAGE), timeout=150)

    assert run.code == 0, run.stdout[-4000:] + run.stderr
    live = run.live
    assert live["target"] == "stand-in" and live["verified"] is False
    assert live["server_version"].endswith("+standin")
    page = live["pages"][0]
    assert page["verified"] is False and page["cleanup"] == {"leftovers": [], "ok": True}
    steps = run.steps()
    passed = [s for s in steps if s["status"] == "passed"]
    skipped = [s for s in steps if s["status"] == "skipped"]
    assert not [s for s in steps if s["status"] == "failed"]
    # Every step that needs exec is skipped, visibly and for that reason; nothing else is skipped
    # except the page's own skip directive.
    exec_skips = [s for s in skipped if "cluster lacks exec" in s["message"]]
    assert exec_skips and all("pods/exec is not served" in s["message"] for s in exec_skips)
    assert all("exec" in s["command"] or s["kind"] == "in-container" or "kubectl run -i" in s["command"]
               for s in exec_skips)
    assert [s for s in skipped if s not in exec_skips] == [
        s for s in skipped if s["message"].startswith("403 Forbidden")]
    # The watch terminals, the outputs and the hidden claims all ran.
    assert sum(1 for s in passed if s["kind"] == "terminal") >= 20
    assert any(s["kind"] == "hidden-command" and s["command"].startswith("expr ") for s in passed)
    assert len(passed) >= 70
    assert "cluster lacks exec (pods/exec is not served)" in run.stdout
    assert re.search(r"^\d+ passed, 0 failed, \d+ skipped$", run.stdout, re.MULTILINE)
    assert "this run does not count as verified" in run.stdout
    assert leftovers(control_plane) == []
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
    assert page_result["cleanup"]["ok"] is True
    assert "- statefulset.apps/web configured" in run.stdout
    assert leftovers(control_plane) == []
