"""Cluster targets behind one interface: what `python -m cluster` (and `nox -s cluster`) drives.

A provider starts (`up`), stops (`down`) and inspects (`status`) one kind of target, names the
kubeconfig context it puts into the user's kubeconfig (`context`), and declares what the target can
run (`capabilities`, named like the pages' needs in `verify.needs`; the verifier still probes each
need on the live cluster before a page relies on it). Each provider is one entry of `PROVIDERS`;
the command line offers a `--NAME` flag for each.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from cluster import kubectl as pinned_kubectl

Log = Callable[[str], None]


class Capability(StrEnum):
    """What a target can run (the names of the matching needs in `verify.needs`)."""

    EXEC = "exec"
    CLUSTER_NETWORK = "cluster-network"
    LOAD_BALANCER = "load-balancer"
    DYNAMIC_PV = "dynamic-pv"
    MULTI_NODE = "multi-node"


class ProviderError(Exception):
    """A target could not be started, stopped or inspected; the message names the component and the cause."""


@dataclass
class TargetStatus:
    """What `status` found: whether the target answers, where, and a line for people."""

    running: bool
    context: str
    server: str = ""
    version: str = ""
    nodes: list[str] = field(default_factory=list)
    detail: str = ""

    def describe(self) -> str:
        if not self.running:
            return "not running" + (f" ({self.detail})" if self.detail else "")
        return (f"running at {self.server}: Kubernetes {self.version}, {len(self.nodes)} nodes "
                f"({', '.join(self.nodes)}), context {self.context}" + (f"\n{self.detail}" if self.detail else ""))


class Provider(Protocol):
    """One kind of cluster target. Made with the value its command-line flag took (`--kind NAME`), or ""."""

    name: str
    summary: str
    #: The flag's value, for `--help` ("" when the flag takes none).
    metavar: str
    capabilities: frozenset[Capability]

    @property
    def context(self) -> str: ...

    def build(self, log: Log) -> str:
        """Build (or find cached) what `up` needs, without starting anything; says where it is."""
        ...

    def up(self, log: Log) -> TargetStatus: ...

    def down(self, log: Log) -> None: ...

    def status(self) -> TargetStatus: ...


class Kwok:
    """The v1.37.2 control plane with nodes simulated by kwok (`cluster.kwok`)."""

    name = "kwok"
    metavar = ""
    summary = "the real v1.37.2 control plane, 3 nodes simulated by kwok (API-level steps only)"
    capabilities = frozenset({Capability.MULTI_NODE, Capability.DYNAMIC_PV})

    def __init__(self, argument: str = "") -> None:
        del argument

    @property
    def context(self) -> str:
        from cluster import kwok

        return kwok.CONTEXT

    def build(self, log: Log) -> str:
        from cluster import build

        try:
            return f"control plane binaries: {build.ensure(log)}"
        except build.BuildError as error:
            raise ProviderError(str(error)) from None

    def up(self, log: Log) -> TargetStatus:
        from cluster import build, kwok

        try:
            kwok.up(log)
        except (build.BuildError, kwok.KwokError) as error:
            raise ProviderError(str(error)) from None
        return self.status()

    def down(self, log: Log) -> None:
        from cluster import kwok

        try:
            kwok.down(log)
        except kwok.KwokError as error:
            raise ProviderError(str(error)) from None

    def status(self) -> TargetStatus:
        from cluster import build, kwok

        state = kwok.status(build.cached())
        return TargetStatus(state.running, self.context, state.server, state.version,
                            [f"kwok-node-{i}" for i in range(state.nodes)] if state.running else [])


class Nodes:
    """The same control plane with two real nodes in namespaces of their own (`cluster.nodes`)."""

    name = "nodes"
    metavar = ""
    summary = ("the real v1.37.2 control plane with 2 real nodes (kubelet, kube-proxy, containerd, CoreDNS, "
               "local-path-provisioner, MetalLB) inside a lab of network namespaces; Linux and root only")
    capabilities = frozenset({Capability.EXEC, Capability.CLUSTER_NETWORK, Capability.LOAD_BALANCER,
                              Capability.DYNAMIC_PV, Capability.MULTI_NODE})

    def __init__(self, argument: str = "") -> None:
        del argument

    @property
    def context(self) -> str:
        from cluster.nodes import layout

        return layout.CONTEXT

    def build(self, log: Log) -> str:
        from cluster import build
        from cluster.nodes import images

        try:
            binaries = build.ensure(log)
            folder = build.ensure_nodes(log)
            images.ensure(folder, log)
        except (build.BuildError, images.ImageError) as error:
            raise ProviderError(str(error)) from None
        return f"control plane binaries: {binaries}; node binaries: {folder}; images: {images.images_dir()}"

    def up(self, log: Log) -> TargetStatus:
        from cluster.nodes import provider

        try:
            provider.up(log)
        except provider.NodesError as error:
            raise ProviderError(str(error)) from None
        return self.status()

    def down(self, log: Log) -> None:
        from cluster.nodes import provider

        try:
            provider.down(log)
        except provider.NodesError as error:
            raise ProviderError(str(error)) from None

    def status(self) -> TargetStatus:
        from cluster.nodes import provider

        state = provider.status()
        return TargetStatus(state.running, self.context, state.server, state.version, state.nodes, state.detail)


KIND_CONFIG = """\
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
- role: worker
- role: worker
"""


class Kind:
    """A kind cluster (Docker), 1 control plane + 2 workers, where kind and Docker exist."""

    name = "kind"
    metavar = "NAME"
    summary = "a kind cluster, 1 control plane + 2 workers (needs kind, kubectl and a running Docker)"
    capabilities = frozenset({Capability.EXEC, Capability.DYNAMIC_PV, Capability.MULTI_NODE})

    def __init__(self, argument: str = "") -> None:
        self.cluster_name = argument or "verify"

    @property
    def context(self) -> str:
        return f"kind-{self.cluster_name}"

    def _missing(self) -> list[str]:
        missing = [tool for tool in ("kind", "docker", "kubectl") if shutil.which(tool) is None]
        if not missing and subprocess.run(["docker", "info"], capture_output=True, check=False).returncode != 0:
            missing.append("a running Docker daemon (docker info failed)")
        return missing

    def build(self, log: Log) -> str:
        raise ProviderError("kind brings its own node image: nothing is built here")

    def _run(self, *command: str, timeout: float = 600) -> None:
        done = subprocess.run(list(command), capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise ProviderError(f"kind: `{' '.join(command)}` failed (exit {done.returncode}): "
                                f"{(done.stderr or done.stdout).strip()[-600:]}")

    def up(self, log: Log) -> TargetStatus:
        missing = self._missing()
        if missing:
            raise ProviderError("cannot create a kind cluster, missing: " + ", ".join(missing)
                                + ". Install kind and Docker, start the control plane with `nox -s cluster -- --kwok`, "
                                "or point KUBECONFIG at another local cluster")
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
            handle.write(KIND_CONFIG)
        try:
            log(f"creating kind cluster {self.cluster_name} (1 control plane + 2 workers)")
            self._run("kind", "create", "cluster", "--name", self.cluster_name, "--config", handle.name, "--wait", "120s")
        finally:
            os.unlink(handle.name)
        log(f"ready: `nox -s verify -- --context {self.context}`; delete with `nox -s cluster -- --kind --down`")
        return self.status()

    def down(self, log: Log) -> None:
        if shutil.which("kind") is None:
            raise ProviderError("kind is not installed")
        self._run("kind", "delete", "cluster", "--name", self.cluster_name)
        log(f"kind cluster {self.cluster_name} deleted")

    def status(self) -> TargetStatus:
        return _probe(self.context)


class Existing:
    """A cluster the user already has (any context in their kubeconfig): status and context only."""

    name = "existing"
    metavar = "CONTEXT"
    summary = "a cluster you already have, by context name (status only: it is never started or stopped here)"
    capabilities: frozenset[Capability] = frozenset()  # unknown: the verifier probes each need

    def __init__(self, argument: str = "") -> None:
        self._context = argument

    @property
    def context(self) -> str:
        return self._context

    def build(self, log: Log) -> str:
        raise ProviderError(f"a cluster of your own (context {self._context!r}) is not built here")

    def up(self, log: Log) -> TargetStatus:
        raise ProviderError(f"a cluster of your own (context {self._context!r}) is not started from here; "
                            "`--existing CONTEXT --status` says whether it answers")

    def down(self, log: Log) -> None:
        raise ProviderError(f"a cluster of your own (context {self._context!r}) is never stopped from here")

    def status(self) -> TargetStatus:
        if not self._context:
            raise ProviderError("--existing needs a context name")
        return _probe(self._context)


def _probe(context: str) -> TargetStatus:
    """Ask CONTEXT's API server for its version and nodes (for targets this project does not run itself)."""
    import json

    try:
        kubectl = str(pinned_kubectl.require())
    except pinned_kubectl.KubectlMissing as error:
        raise ProviderError(str(error)) from None
    version = subprocess.run([kubectl, "--context", context, "version", "-o", "json", "--request-timeout=5s"],
                             capture_output=True, text=True, timeout=30, check=False)
    if version.returncode != 0:
        return TargetStatus(False, context, detail=(version.stderr.strip().splitlines() or ["no answer"])[-1])
    nodes = subprocess.run([kubectl, "--context", context, "get", "nodes", "-o", "jsonpath={.items[*].metadata.name}"],
                           capture_output=True, text=True, timeout=30, check=False)
    server = subprocess.run([kubectl, "config", "view", "--minify", "--context", context, "-o",
                             "jsonpath={.clusters[0].cluster.server}"], capture_output=True, text=True, timeout=30, check=False)
    found = json.loads(version.stdout).get("serverVersion", {}).get("gitVersion", "")
    return TargetStatus(True, context, server.stdout.strip(), found, nodes.stdout.split())


#: Every target `python -m cluster` knows: `--NAME` selects one. Adding a target is one entry here.
PROVIDERS: dict[str, Callable[[str], Provider]] = {
    "kwok": Kwok, "nodes": Nodes, "kind": Kind, "existing": Existing,
}
