"""What the cluster offers, found out from the API server (`verify.kubeapi`) before a page runs.

Each need of the page vocabulary (`verify.needs.NEEDS`, docs/conventions.md) is probed only when
some page or step asks for it, and every answer carries a reason, so a skip says *why*: ``cluster
lacks exec (pods/exec is not served)``. ``--provide`` and ``--withhold`` override the probe.

On a control-plane target (`verify.live.cluster.ConnectedCluster.control_plane_only`) every need that takes a
container runtime is answered "no" at once, with that reason, and nothing is attempted.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from verify import kubeapi
from verify.needs import NEEDS


@dataclass
class Capabilities:
    have: dict[str, bool] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def missing(self, needs: Iterable[str]) -> list[str]:
        return sorted(n for n in needs if not self.have.get(n, False))

    def explain(self, needs: Iterable[str]) -> str:
        """'cluster lacks exec (pods/exec is not served)' for each missing need."""
        return "; ".join(f"cluster lacks {n} ({self.reasons.get(n, 'not probed')})" for n in self.missing(needs))

    def as_json(self) -> dict[str, Any]:
        return {need: {"available": self.have[need], "reason": self.reasons.get(need, "")} for need in sorted(self.have)}


class Prober:
    """Probes lazily and remembers each answer for the whole run."""

    def __init__(self, api_client: Any, provided: Iterable[str] = (), lb_timeout: float = 60.0,
                 withheld: Iterable[str] = (), control_plane_only: bool = False, host_network: bool = False,
                 lab_seat: bool = False) -> None:
        self.api_client = api_client
        self.lab_seat = lab_seat  # each page's namespace gets a seat in the real-node lab (--page-network lab)
        self.host_network = host_network  # the pages' commands use this machine's network (--page-network host)
        self.provided = set(provided)
        self.withheld = set(withheld)
        self.lb_timeout = lb_timeout
        self.control_plane_only = control_plane_only
        self.capabilities = Capabilities()
        self.default_storage_class: str | None = None  # its name, once dynamic-pv was probed
        self.created_namespaces: list[str] = []

    def probe(self, needs: Iterable[str]) -> Capabilities:
        for need in sorted(set(needs)):
            if need in self.capabilities.have:
                continue
            if need in self.withheld:
                self._set(need, False, "withheld on the command line (--withhold)")
                continue
            known = NEEDS.get(need)
            if self.control_plane_only and known is not None and known.control_plane:
                self._set(need, False, known.control_plane)
                continue
            if need in self.provided:
                self._set(need, True, "provided on the command line")
                continue
            if known is None or known.probe is None:
                self._set(need, False, "unknown need" if known is None
                          else f"not provided; pass --provide {need} if you have it")
                continue
            try:
                ok, reason = known.probe(self)
            except Exception as error:  # noqa: BLE001 - a failed probe means the need is not met
                ok, reason = False, f"probe failed: {' '.join(str(error).split())[:160]}"
            self._set(need, ok, reason)
        return self.capabilities

    def _set(self, need: str, ok: bool, reason: str) -> None:
        self.capabilities.have[need] = ok
        self.capabilities.reasons[need] = reason

    def leftovers(self, timeout: float = 120.0) -> list[str]:
        """Namespaces the probes created that are still there after `timeout` seconds."""
        if not self.created_namespaces:
            return []
        deadline = time.monotonic() + timeout
        while True:
            left = []
            for name in self.created_namespaces:
                try:
                    kubeapi.get(self.api_client, f"/api/v1/namespaces/{name}")
                    left.append(f"namespace {name}")
                except Exception as error:
                    if kubeapi.status_of(error) != 404:
                        raise
            if not left or time.monotonic() >= deadline:
                return left
            time.sleep(0.5)
