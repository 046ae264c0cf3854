"""The guestbook logging page on the control plane: the guestbook itself runs and is cleaned up by name;
Elastic and clone steps skip, saying why."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.live.conftest import ROOT, ControlPlane, leftovers, run_live

# Its access lets it create ClusterRoles and objects in kube-system, and its cleanup deletes such objects
# that appear while it runs: not at the same time as another page that writes outside its namespace.
pytestmark = pytest.mark.xdist_group("cluster-wide")

GUESTBOOK_PAGE = ROOT / "docs_src/ja/tutorials/stateless-application/guestbook-logs-metrics-with-elk.md"


def test_the_guestbook_steps_run_and_the_elastic_steps_skip_with_their_reason(control_plane: ControlPlane, kubeconfig: Path,
                                                                              tmp_path: Path) -> None:
    run = run_live(kubeconfig, tmp_path, str(GUESTBOOK_PAGE), timeout=300)

    assert run.code == 0, run.stdout[-4000:] + run.stderr
    steps = run.steps()
    assert not [s for s in steps if s["status"] == "failed"]
    passed = [s["command"] for s in steps if s["status"] == "passed"]
    assert any(c.startswith("kubectl apply -f frontend-deployment.yaml") for c in passed)
    assert "kubectl scale --replicas=2 deployment/frontend" in passed
    assert any(c.startswith("kubectl delete deployment frontend redis-leader redis-follower") for c in passed)
    assert "kubectl get pods -l 'app in (guestbook,redis)'" in passed
    skipped = {s["command"]: s["message"] for s in steps if s["status"] == "skipped"}
    assert all(message.strip() for message in skipped.values())
    assert "elasticsearch" in skipped["kubectl apply -f filebeat-config.yaml -f filebeat.yaml"]
    clone = [message for command, message in skipped.items() if command.startswith("git clone --branch v2.18.0")]
    assert clone == ["cluster lacks internet (not provided; pass --provide internet if you have it)"]
    assert "interactive editor" in skipped["vi elastic-stack.env"]
    assert leftovers(control_plane, run.live) == []
