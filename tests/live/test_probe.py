"""The capability probe reads the real control plane with the Python client: API-level needs are met,
needs that take a container runtime are refused at once with that reason, and every answer says why."""

from __future__ import annotations

import time

from tests.live.conftest import ControlPlane
from verify.live.probe import Prober
from verify.needs import NEEDS_RUNTIME


def test_the_control_plane_offers_nodes_and_volumes_but_nothing_that_runs_containers(
        control_plane: ControlPlane) -> None:
    prober = Prober(control_plane.api_client(), control_plane_only=True)
    started = time.monotonic()
    caps = prober.probe(["multi-node", "dynamic-pv", "exec", "apparmor", "load-balancer", "cluster-network",
                         "internet", "elasticsearch"])
    assert time.monotonic() - started < 10  # no LoadBalancer probe waits for an address that cannot come
    assert caps.have == {"multi-node": True, "dynamic-pv": True, "exec": False, "apparmor": False,
                         "load-balancer": False, "cluster-network": False, "internet": False,
                         "elasticsearch": False}
    assert caps.reasons["multi-node"] == "3 schedulable node(s): kwok-node-0, kwok-node-1, kwok-node-2"
    assert caps.reasons["dynamic-pv"] == "default StorageClass standard (verify.local/simulated-volumes)"
    assert caps.explain(["exec", "dynamic-pv"]) == f"cluster lacks exec ({NEEDS_RUNTIME})"
    assert caps.reasons["load-balancer"] == "needs a load-balancer controller: control-plane target"
    assert "--provide internet" in caps.reasons["internet"]
    assert prober.leftovers(timeout=10) == []


def test_provided_and_withheld_needs_override_the_probe(control_plane: ControlPlane) -> None:
    prober = Prober(control_plane.api_client(), provided=["elasticsearch", "internet"], withheld=["multi-node"],
                    control_plane_only=True)
    caps = prober.probe(["multi-node", "elasticsearch", "internet", "exec"])
    assert caps.have == {"multi-node": False, "elasticsearch": True, "internet": True, "exec": False}
    assert caps.reasons["multi-node"] == "withheld on the command line (--withhold)"
    assert caps.reasons["elasticsearch"] == "provided on the command line"


def test_a_need_that_takes_a_runtime_cannot_be_provided_on_a_control_plane(control_plane: ControlPlane) -> None:
    prober = Prober(control_plane.api_client(), provided=["exec", "node-shell"], control_plane_only=True)
    assert prober.probe(["exec", "node-shell"]).have == {"exec": False, "node-shell": False}
