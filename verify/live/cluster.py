"""Which cluster a live run may touch, and the private kubeconfig each page runs with.

A run only talks to a context that is allowed: by default a local cluster (a context named
``kind-*``, ``k3d-*``, ``minikube`` or ``docker-desktop``, or any context whose API server is on a
loopback address); anything else must be named with ``--allow-context``. Every problem here is a
`ClusterError` whose text is one line, and the command line turns it into exit status 2.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cluster.kubeconfig import user_kubeconfig

if TYPE_CHECKING:  # imported when used: the client library takes a while to load
    from kubernetes.client import ApiClient

    from verify.records import Target as RecordTarget

DEFAULT_ALLOWED = ("kind-*", "k3d-*", "minikube", "docker-desktop")
KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node"
CONTROL_PLANE, FULL_CLUSTER = "control-plane", "cluster"


class ClusterError(Exception):
    """A cluster the run must not or cannot use; the message is one line."""


@dataclass
class ConnectedCluster:
    """The cluster a run talks to.

    ``kind`` is ``control-plane`` when kwok plays any of its nodes (a real API server and real
    controllers, but no container runtime: nothing runs in a pod and no pod, Service or node
    address carries traffic) and ``cluster`` when every node is a real kubelet.
    """

    kubeconfig: Path
    context: str
    server: str
    version: dict[str, Any] = field(default_factory=dict)
    kind: str = FULL_CLUSTER
    nodes: int = 0
    kwok_version: str = ""
    runtime: str = ""  # the real nodes' container runtimes, e.g. containerd://2.4.2

    @property
    def control_plane_only(self) -> bool:
        return self.kind == CONTROL_PLANE

    @property
    def server_version(self) -> str:
        return str(self.version.get("gitVersion", "unknown"))

    def record(self, kubectl: str) -> RecordTarget:
        """What a verification record says about the target (with the kubectl version that ran the pages)."""
        from verify.records import Target as RecordTarget

        if self.control_plane_only:
            return RecordTarget(self.kind, self.server_version, kubectl, self.nodes, self.kwok_version or None)
        return RecordTarget(self.kind, self.server_version, kubectl, self.nodes, None, self.context,
                            self.runtime or None)

    def describe(self) -> dict[str, Any]:
        """What the report says about the target."""
        data: dict[str, Any] = {"target": self.kind, "server_version": self.server_version, "nodes": self.nodes}
        if self.kwok_version:
            data["kwok_version"] = self.kwok_version
        if self.runtime:
            data["runtime"] = self.runtime
        return data


def kubeconfig_path(explicit: Path | None = None) -> Path:
    """`--kubeconfig`, else the file $KUBECONFIG or ~/.kube/config names, by kubectl's rule (`cluster.kubeconfig`)."""
    return user_kubeconfig(explicit)


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ClusterError(f"no kubeconfig: {path} does not exist (set KUBECONFIG or pass --kubeconfig)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ClusterError(f"cannot read kubeconfig {path}: {first}") from None
    if not isinstance(data, dict):
        raise ClusterError(f"cannot read kubeconfig {path}: not a kubeconfig mapping")
    return data


def _named(items: Iterable[Any] | None, name: str) -> dict[str, Any] | None:
    for item in items or []:
        if isinstance(item, dict) and item.get("name") == name:
            return item
    return None


def is_loopback(server: str) -> bool:
    host = urllib.parse.urlsplit(server).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_allowed(context: str, server: str, allow: Iterable[str] = ()) -> bool:
    if context in set(allow):
        return True
    if any(fnmatch.fnmatchcase(context, pattern) for pattern in DEFAULT_ALLOWED):
        return True
    return is_loopback(server)


def select(kubeconfig: Path | None, context: str | None, allow: Iterable[str] = ()) -> ConnectedCluster:
    """Pick the context and refuse it unless allowed; does not contact the cluster."""
    path = kubeconfig_path(kubeconfig)
    config = _load(path)
    name = context or config.get("current-context")
    if not name:
        raise ClusterError(f"kubeconfig {path} has no current context; pass --context NAME")
    ctx = _named(config.get("contexts"), name)
    if ctx is None:
        raise ClusterError(f'context "{name}" not found in kubeconfig {path}')
    cluster = _named(config.get("clusters"), (ctx.get("context") or {}).get("cluster", ""))
    server = str(((cluster or {}).get("cluster") or {}).get("server", ""))
    if not server:
        raise ClusterError(f'context "{name}" in {path} names no cluster with a server address')
    if not is_allowed(name, server, allow):
        raise ClusterError(
            f'refusing context "{name}" (server {server}): only local clusters are allowed by default; '
            f"pass --allow-context {name} to run against it")
    return ConnectedCluster(path, name, server)


def connect(target: ConnectedCluster, timeout: float = 5.0) -> ConnectedCluster:
    """Ask the API server for its version; a cluster that does not answer is an error."""
    from kubernetes import config

    from verify import kubeapi

    try:
        api_client = config.new_client_from_config(config_file=str(target.kubeconfig), context=target.context)
        api_client.configuration.retries = False
        info = kubeapi.get(api_client, "/version", timeout=timeout)
    except Exception as error:  # noqa: BLE001 - every failure to connect is reported the same way
        raise ClusterError(f'cannot reach the API server of context "{target.context}" at {target.server}: '
                           f"{_reason(error)}") from None
    target.version = dict(info or {})
    _classify(target, api_client, timeout)
    return target


def _classify(target: ConnectedCluster, api_client: Any, timeout: float) -> None:
    """Count the nodes and tell a kwok control plane from a full cluster."""
    from verify import kubeapi

    try:
        nodes = kubeapi.items(kubeapi.get(api_client, "/api/v1/nodes", timeout=timeout))
    except Exception as error:  # noqa: BLE001 - a cluster that answers /version but not nodes is unusable
        raise ClusterError(f'cannot list the nodes of context "{target.context}": {_reason(error)}') from None
    target.nodes = len(nodes)
    simulated = [n for n in nodes if ((n.get("metadata") or {}).get("annotations") or {}).get(KWOK_NODE_ANNOTATION)
                 == "fake"]
    if simulated:
        target.kind = CONTROL_PLANE
        version = ((simulated[0].get("status") or {}).get("nodeInfo") or {}).get("kubeletVersion") or ""
        target.kwok_version = version.removeprefix("kwok-")
        return
    runtimes = {((n.get("status") or {}).get("nodeInfo") or {}).get("containerRuntimeVersion") for n in nodes}
    target.runtime = ", ".join(sorted(r for r in runtimes if r))


def _reason(error: Exception) -> str:
    text = " ".join(str(error).split())
    errno = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text)
    if errno:
        return errno.group(1).strip().rstrip(".")
    for marker in ("timed out", "Connection refused", "Name or service not known", "certificate verify failed"):
        if marker.lower() in text.lower():
            return marker.lower()
    return text[:160] or type(error).__name__


def answers(api_client: Any, timeout: float = 3.0) -> bool:
    """Whether the API server still answers at all (any HTTP response counts), asked once, no retries.

    Used after a step fails, to tell a page's failure from a cluster that went away mid-run."""
    try:
        api_client.rest_client.pool_manager.request(
            "GET", api_client.configuration.host.rstrip("/") + "/version", timeout=timeout, retries=False,
            headers=dict(api_client.default_headers))
    except Exception:  # noqa: BLE001 - refused, reset, timed out, TLS torn down: not answering
        return False
    return True


def api_client_for(kubeconfig: Path, context: str | None = None) -> ApiClient:
    from kubernetes import config

    return config.new_client_from_config(config_file=str(kubeconfig), context=context)
