"""The API resources the stand-in serves, and the discovery documents that describe them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


@dataclass(frozen=True)
class ResourceType:
    group: str
    version: str
    plural: str
    singular: str
    kind: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()
    verbs: tuple[str, ...] = tuple(ALL_VERBS)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.group}/{self.plural}"

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_version_path(self) -> str:
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"

    @property
    def list_kind(self) -> str:
        return self.kind + "List"


def _r(group: str, version: str, plural: str, kind: str, namespaced: bool = True, **kw: Any) -> ResourceType:
    return ResourceType(group, version, plural, kw.pop("singular", kind.lower()), kind, namespaced, **kw)


RESOURCES: tuple[ResourceType, ...] = (
    # core/v1
    _r("", "v1", "namespaces", "Namespace", False, short_names=("ns",), subresources=("status", "finalize")),
    _r("", "v1", "nodes", "Node", False, short_names=("no",), subresources=("status",)),
    _r("", "v1", "pods", "Pod", short_names=("po",), categories=("all",),
       subresources=("status", "log", "binding", "eviction", "ephemeralcontainers")),
    _r("", "v1", "services", "Service", short_names=("svc",), categories=("all",), subresources=("status",)),
    _r("", "v1", "endpoints", "Endpoints", short_names=("ep",), singular="endpoints"),
    _r("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", short_names=("pvc",), subresources=("status",)),
    _r("", "v1", "persistentvolumes", "PersistentVolume", False, short_names=("pv",), subresources=("status",)),
    _r("", "v1", "events", "Event", short_names=("ev",)),
    _r("", "v1", "configmaps", "ConfigMap", short_names=("cm",)),
    _r("", "v1", "secrets", "Secret"),
    _r("", "v1", "serviceaccounts", "ServiceAccount", short_names=("sa",)),
    _r("", "v1", "resourcequotas", "ResourceQuota", short_names=("quota",), subresources=("status",)),
    _r("", "v1", "limitranges", "LimitRange", short_names=("limits",)),
    # apps/v1
    _r("apps", "v1", "statefulsets", "StatefulSet", short_names=("sts",), categories=("all",),
       subresources=("status", "scale")),
    _r("apps", "v1", "deployments", "Deployment", short_names=("deploy",), categories=("all",),
       subresources=("status", "scale")),
    _r("apps", "v1", "replicasets", "ReplicaSet", short_names=("rs",), categories=("all",),
       subresources=("status", "scale")),
    _r("apps", "v1", "daemonsets", "DaemonSet", short_names=("ds",), categories=("all",), subresources=("status",)),
    _r("apps", "v1", "controllerrevisions", "ControllerRevision"),
    # batch/v1
    _r("batch", "v1", "jobs", "Job", categories=("all",), subresources=("status",)),
    _r("batch", "v1", "cronjobs", "CronJob", short_names=("cj",), categories=("all",), subresources=("status",)),
    # others
    _r("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice"),
    _r("networking.k8s.io", "v1", "ingresses", "Ingress", short_names=("ing",), subresources=("status",)),
    _r("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", short_names=("netpol",)),
    _r("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", short_names=("pdb",), subresources=("status",)),
    _r("storage.k8s.io", "v1", "storageclasses", "StorageClass", False, short_names=("sc",)),
    _r("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", False),
    _r("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", False),
    _r("rbac.authorization.k8s.io", "v1", "roles", "Role"),
    _r("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding"),
    _r("coordination.k8s.io", "v1", "leases", "Lease"),
)

BY_KEY: dict[str, ResourceType] = {r.key: r for r in RESOURCES}
BY_KIND: dict[tuple[str, str], ResourceType] = {(r.group, r.kind): r for r in RESOURCES}

# Subresources that the stand-in advertises only when it can really serve them.
STREAMING_SUBRESOURCES = ("exec", "attach", "portforward", "proxy")


def lookup(group: str, version: str, plural: str) -> ResourceType | None:
    found = BY_KEY.get(f"{group}/{plural}")
    if found is None or found.version != version:
        return None
    return found


def by_kind(group: str, kind: str) -> ResourceType:
    return BY_KIND[(group, kind)]


def groups() -> list[str]:
    seen: list[str] = []
    for r in RESOURCES:
        if r.group and r.group not in seen:
            seen.append(r.group)
    return seen


def _subresource_entry(r: ResourceType, sub: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": f"{r.plural}/{sub}", "singularName": "", "namespaced": r.namespaced,
                             "kind": r.kind, "verbs": ["get", "patch", "update"]}
    if sub == "scale":
        entry.update(group="autoscaling", version="v1", kind="Scale")
    elif sub == "log":
        entry.update(kind="Pod", verbs=["get"])
    elif sub == "binding":
        entry.update(kind="Binding", verbs=["create"])
    elif sub == "eviction":
        entry.update(group="policy", version="v1", kind="Eviction", verbs=["create"])
    elif sub in STREAMING_SUBRESOURCES:
        entry.update(kind="PodExecOptions" if sub == "exec" else "Pod", verbs=["create", "get"])
    elif sub == "finalize":
        entry.update(verbs=["update"])
    return entry


def resource_list(group: str, version: str) -> dict[str, Any] | None:
    """The legacy `APIResourceList` for one group/version (what `/api/v1` or `/apis/apps/v1` answers)."""
    members = [r for r in RESOURCES if r.group == group and r.version == version]
    if not members:
        return None
    entries = []
    for r in members:
        entry: dict[str, Any] = {"name": r.plural, "singularName": r.singular, "namespaced": r.namespaced,
                                 "kind": r.kind, "verbs": list(r.verbs)}
        if r.short_names:
            entry["shortNames"] = list(r.short_names)
        if r.categories:
            entry["categories"] = list(r.categories)
        entry["storageVersionHash"] = f"standin{len(r.plural):02d}{r.kind[:4]}"
        entries.append(entry)
        for sub in r.subresources:
            entries.append(_subresource_entry(r, sub))
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": f"{group}/{version}" if group else version, "resources": entries}


def api_versions() -> dict[str, Any]:
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]}


def api_group_list() -> dict[str, Any]:
    result = []
    for group in groups():
        versions = sorted({r.version for r in RESOURCES if r.group == group})
        gvs = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
        result.append({"name": group, "versions": gvs, "preferredVersion": gvs[0]})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": result}


def api_group(group: str) -> dict[str, Any] | None:
    for g in api_group_list()["groups"]:
        if g["name"] == group:
            return {"kind": "APIGroup", "apiVersion": "v1", **g}
    return None
