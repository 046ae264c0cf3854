"""The capability probe reads the cluster with the Python client; the stand-in's knobs change its
answers, and every answer says why."""

from __future__ import annotations

from pathlib import Path

from tests.standin import Behaviour, StandIn
from verify.cluster import api_client_for
from verify.live.probe import Prober


def _prober(cluster: StandIn, tmp_path: Path, **kwargs: object) -> Prober:
    client = api_client_for(cluster.write_kubeconfig(tmp_path / "kubeconfig"))
    return Prober(client, internet_check=lambda: (False, "no network in this test"), **kwargs)  # type: ignore[arg-type]


def test_a_default_stand_in_offers_nodes_and_volumes_but_no_exec(tmp_path: Path) -> None:
    with StandIn(Behaviour.fast()) as cluster:
        prober = _prober(cluster, tmp_path, lb_timeout=0.5)
        caps = prober.probe(["multi-node", "dynamic-pv", "exec", "apparmor", "load-balancer", "internet",
                             "elasticsearch"])
        assert caps.have == {"multi-node": True, "dynamic-pv": True, "exec": False, "apparmor": False,
                             "load-balancer": False, "internet": False, "elasticsearch": False}
        assert caps.reasons["multi-node"] == "2 schedulable node(s): standin-worker, standin-worker2"
        assert caps.explain(["exec", "dynamic-pv"]) == "cluster lacks exec (pods/exec is not served)"
        assert caps.reasons["load-balancer"].startswith("a probe LoadBalancer Service got no address within")
        assert "--provide elasticsearch" in caps.reasons["elasticsearch"]
        assert prober.leftovers(timeout=10) == []


def test_knobs_change_the_answers(tmp_path: Path) -> None:
    with StandIn(Behaviour.fast(worker_nodes=1, default_storage_class=False, load_balancer=True,
                                apparmor=True)) as cluster:
        prober = _prober(cluster, tmp_path, lb_timeout=10, provided=["node-shell"])
        caps = prober.probe(["multi-node", "dynamic-pv", "load-balancer", "apparmor", "node-shell"])
        assert caps.have == {"multi-node": False, "dynamic-pv": False, "load-balancer": True, "apparmor": True,
                             "node-shell": True}
        assert caps.reasons["load-balancer"].startswith("a probe LoadBalancer Service got 172.18.255.")
        assert caps.reasons["node-shell"] == "provided on the command line"
        assert prober.leftovers(timeout=10) == []
