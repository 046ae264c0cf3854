"""Everything a page creates goes away, and that is checked.

Before a page runs, the names of the cluster-scoped objects (and, for a page declared
`cluster_scoped`, of the objects in kube-system) are recorded. Afterwards — on success, failure,
timeout or Ctrl-C — the page's namespace is deleted, every object that appeared since is deleted,
and the run waits until all of them are really gone. What is still there after the time budget is
reported as a leftover.
"""

from __future__ import annotations

import datetime as _dt
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RUN_LABEL = "verify.k8s-tutorials-ja/run"
SKEW = _dt.timedelta(seconds=60)


@dataclass
class Kind:
    name: str
    lister: Callable[[], Any]
    deleter: Callable[[str], Any]


def _kinds(api_client: Any, kube_system: bool) -> list[Kind]:
    from kubernetes import client

    core, rbac = client.CoreV1Api(api_client), client.RbacAuthorizationV1Api(api_client)
    storage, apps = client.StorageV1Api(api_client), client.AppsV1Api(api_client)
    kinds = [
        Kind("namespace", core.list_namespace, core.delete_namespace),
        Kind("clusterrole", rbac.list_cluster_role, rbac.delete_cluster_role),
        Kind("clusterrolebinding", rbac.list_cluster_role_binding, rbac.delete_cluster_role_binding),
        Kind("persistentvolume", core.list_persistent_volume, core.delete_persistent_volume),
        Kind("storageclass", storage.list_storage_class, storage.delete_storage_class),
    ]
    if kube_system:
        # (name, API, the client's method suffix): list_namespaced_<suffix> / delete_namespaced_<suffix>
        for name, api, suffix in [("deployment", apps, "deployment"), ("daemonset", apps, "daemon_set"),
                                  ("statefulset", apps, "stateful_set"), ("service", core, "service"),
                                  ("configmap", core, "config_map"), ("secret", core, "secret"),
                                  ("serviceaccount", core, "service_account"), ("role", rbac, "role"),
                                  ("rolebinding", rbac, "role_binding")]:
            lister, deleter = getattr(api, f"list_namespaced_{suffix}"), getattr(api, f"delete_namespaced_{suffix}")
            kinds.append(Kind(f"kube-system/{name}", functools.partial(lister, "kube-system"),
                              functools.partial(_delete_in_kube_system, deleter)))
    return kinds


def _delete_in_kube_system(deleter: Callable[[str, str], Any], name: str) -> Any:
    return deleter(name, "kube-system")


def _names(kind: Kind, namespace: str | None = None) -> dict[str, _dt.datetime | None]:
    """Names and creation times of `kind`; with `namespace`, leaving out what another run owns.

    Several runs may share one cluster (the control plane is shared by everyone working on the
    project), so a namespace created by another verify run, and a volume bound to a claim in
    another namespace, are never this page's, however new they are.
    """
    try:
        items = kind.lister().items
    except Exception as error:
        if getattr(error, "status", None) == 404:
            return {}
        raise
    return {item.metadata.name: item.metadata.creation_timestamp for item in items
            if namespace is None or not _owned_elsewhere(kind.name, item, namespace)}


def _owned_elsewhere(kind: str, item: Any, namespace: str) -> bool:
    if kind == "namespace":
        labels = item.metadata.labels or {}
        return item.metadata.name != namespace and RUN_LABEL in labels
    if kind == "persistentvolume":
        claim = getattr(item.spec, "claim_ref", None)
        return claim is not None and bool(claim.namespace) and claim.namespace != namespace
    return False


@dataclass
class PageCleanup:
    api_client: Any
    namespace: str
    run_id: str
    kube_system: bool = False
    timeout: float = 300.0
    poll: float = 0.25
    before: dict[str, set[str]] = field(default_factory=dict)
    started: _dt.datetime = field(default_factory=lambda: _dt.datetime.now(_dt.UTC))
    ready: bool = False  # a snapshot exists: only then may "new since the snapshot" be deleted

    def __post_init__(self) -> None:
        self.kinds = _kinds(self.api_client, self.kube_system)

    def snapshot(self) -> None:
        self.started = _dt.datetime.now(_dt.UTC)
        self.before = {kind.name: set(_names(kind)) for kind in self.kinds}
        self.ready = True

    def create_namespace(self) -> None:
        from kubernetes import client

        labels = {RUN_LABEL: self.run_id, "app.kubernetes.io/managed-by": "verify"}
        client.CoreV1Api(self.api_client).create_namespace(
            client.V1Namespace(metadata=client.V1ObjectMeta(name=self.namespace, labels=labels)))

    def _new(self) -> list[tuple[Kind, str]]:
        found = []
        for kind in self.kinds:
            for name, created in _names(kind, self.namespace).items():
                if name in self.before.get(kind.name, set()):
                    continue
                if created is not None and created.tzinfo is not None and created < self.started - SKEW:
                    continue
                found.append((kind, name))
        return found

    def _delete(self, kind: Kind, name: str) -> None:
        try:
            kind.deleter(name)
        except Exception as error:
            if getattr(error, "status", None) not in (404, 409):
                raise

    def run(self) -> list[str]:
        """Delete what the page created; the descriptions of what is still there afterwards.

        The snapshot is taken before the page's namespace is created, so the namespace is one of
        the new objects. Volumes go last: most disappear with their claims when the namespace does.
        """
        if not self.ready:
            return []  # nothing was created: the snapshot comes before the namespace
        deadline = time.monotonic() + self.timeout
        first = sorted((x for x in self._new() if x[0].name != "persistentvolume"),
                       key=lambda x: x[0].name != "namespace")
        for kind, name in first:
            self._delete(kind, name)
        self._wait(deadline, lambda: [x for x in self._new() if x[0].name != "persistentvolume"])
        for kind, name in self._new():
            self._delete(kind, name)
        return [f"{kind.name} {name}" for kind, name in self._wait(deadline, self._new)]

    def _wait(self, deadline: float, remaining: Callable[[], list[tuple[Kind, str]]]) -> list[tuple[Kind, str]]:
        while True:
            left = remaining()
            if not left or time.monotonic() >= deadline:
                return left
            time.sleep(self.poll)
