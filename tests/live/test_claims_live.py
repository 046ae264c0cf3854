"""Claims and watch outputs on the real control plane: a copy of the StatefulSet page that claims the
opposite of what Kubernetes does fails at the claim (or at the watch output), saying what the page
claims and what the cluster did."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.live.conftest import ROOT, STS_PAGE, ControlPlane, leftovers, run_live

FIRST_CLAIM = "<!-- verify: claim=ordered-creation pods=web-0,web-1 -->\n"
PARALLEL_CLAIM = "<!-- verify: claim=parallel-creation pods=web-0,web-1 -->\n"


def page_copy(tmp_path: Path, until: str, start: str | None = None) -> Path:
    """The StatefulSet page up to and including the line `until` (from the section `start` on, if given),
    with a copy of the manifests, under a scratch root."""
    text = STS_PAGE.read_text(encoding="utf-8")
    end = text.index(until) + len(until)
    front_end = text.index("\n---\n", 4) + len("\n---\n")
    body = text[text.index(start):end] if start else text[front_end:end]
    target = tmp_path / STS_PAGE.relative_to(ROOT)
    target.parent.mkdir(parents=True, exist_ok=True)
    copied = text[:front_end] + "\n# StatefulSetの基本\n\n" + body if start else text[:end]
    # The part copied has no step that needs exec, so the page's need for it would skip the whole copy.
    copied = copied.replace("requires: [dynamic-pv, exec]", "requires: [dynamic-pv]", 1)
    target.write_text(copied, encoding="utf-8")
    shutil.copytree(ROOT / "manifests", tmp_path / "manifests")
    return target


def failed_step(run) -> dict:
    failed = [s for s in run.steps() if s["status"] == "failed"]
    assert len(failed) == 1, run.stdout[-3000:]
    return failed[0]


def test_a_page_that_claims_web_1_starts_first_fails_at_the_claim(control_plane: ControlPlane, kubeconfig: Path,
                                                                  tmp_path: Path) -> None:
    page = page_copy(tmp_path, FIRST_CLAIM)
    page.write_text(page.read_text(encoding="utf-8").replace(FIRST_CLAIM, FIRST_CLAIM.replace("web-0,web-1", "web-1,web-0")),
                    encoding="utf-8")
    run = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), str(page), timeout=120)

    assert run.code == 1, run.stdout[-3000:]
    step = failed_step(run)
    assert step["kind"] == "claim" and step["command"] == "claim=ordered-creation pods=web-1,web-0"
    assert step["message"].startswith("claim not borne out by the cluster: web-0 was created (rv ")
    assert "before web-1 was Running and Ready" in step["message"]
    diff = step["diff"]
    assert "web-1 Podが起動していないことに注目してください" in diff  # the sentence the claim backs
    assert "  1. web-1 created\n  2. web-1 Running and Ready\n  3. web-0 created" in diff  # the expected order
    observed = [line for line in diff.splitlines() if line.startswith("  rv ")]
    assert [line.split()[2:4] for line in observed][:2] == [["ADDED", "Pod/web-0"], ["MODIFIED", "Pod/web-0"]]
    assert run.live["pages"][0]["claims"] == {"passed": 0, "failed": 1, "skipped": 0}
    assert leftovers(control_plane, run.live) == []


def test_documented_watch_rows_in_the_wrong_order_fail_the_watch(control_plane: ControlPlane, kubeconfig: Path,
                                                                 tmp_path: Path) -> None:
    page = page_copy(tmp_path, FIRST_CLAIM)
    text = page.read_text(encoding="utf-8")
    web0 = ("web-0   0/1     Pending             0          0s\nweb-0   0/1     Pending             0          0s\n"
            "web-0   0/1     ContainerCreating   0          0s\nweb-0   1/1     Running             0          19s\n")
    web1 = web0.replace("web-0", "web-1").replace("19s", "18s")
    assert web0 + web1 in text
    page.write_text(text.replace(web0 + web1, web1 + web0), encoding="utf-8")  # web-1's rows first
    # The default --watch-timeout (300 s): the page's own wait settles the watch long before it.
    run = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), str(page), timeout=120)

    assert run.code == 1, run.stdout[-3000:]
    step = failed_step(run)
    assert step["kind"] == "terminal" and step["command"] == "kubectl get pods -w -l app=nginx"
    assert "the watch printed nothing new for 5s after the page's wait" in step["message"]
    assert "the documented rows must appear in this order in the stream" in step["diff"]
    assert "  - web-0   0/1     Pending             0          0s" in step["diff"]
    assert "  = web-1   0/1     Pending" in step["diff"]  # web-1's rows were found, web-0's not after them
    assert leftovers(control_plane, run.live) == []


def test_a_parallel_page_run_with_orderedready_fails_at_the_parallel_claim(control_plane: ControlPlane,
                                                                           kubeconfig: Path, tmp_path: Path) -> None:
    page = page_copy(tmp_path, PARALLEL_CLAIM, start="## Pod管理ポリシー")
    manifest = tmp_path / "manifests" / "statefulset" / "web-parallel.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert "podManagementPolicy: \"Parallel\"" in text or "podManagementPolicy: Parallel" in text
    manifest.write_text(text.replace("\"Parallel\"", "\"OrderedReady\"").replace(": Parallel", ": OrderedReady"),
                        encoding="utf-8")
    run = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), str(page), timeout=120)

    assert run.code == 1, run.stdout[-3000:]
    step = failed_step(run)
    # the watch output lets web-0 and web-1 interleave (concurrent=…), so it is the claim that says no
    assert step["kind"] == "claim" and step["command"] == "claim=parallel-creation pods=web-0,web-1"
    assert "web-1 was created (rv " in step["message"] and "only after web-0 was Running and Ready" in step["message"]
    assert "StatefulSetコントローラーはweb-0とweb-1を同時に起動しています。" in step["diff"]
    assert "  1. web-0, web-1 all created before any of them is Running and Ready" in step["diff"]
    assert leftovers(control_plane, run.live) == []
