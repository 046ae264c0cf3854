"""Server-side `Table` responses (what `kubectl get` prints), with the columns and cell rules of the
Kubernetes v1.37 printers (pkg/printers/internalversion/printers.go). Cells are generated for the
wide columns too, as the real server does; kubectl hides priority-1 columns unless `-o wide`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .meta import age, parse_time, selector_string
from .resources import ResourceType

Obj = dict[str, Any]
Column = tuple[str, str, int]  # (name, type, priority)

_NAME: Column = ("Name", "string", 0)
_AGE: Column = ("Age", "string", 0)


def _spec(o: Obj) -> Obj:
    return o.get("spec") or {}


def _status(o: Obj) -> Obj:
    return o.get("status") or {}


def _meta(o: Obj) -> Obj:
    return o.get("metadata") or {}


def _created(o: Obj) -> str:
    return age(_meta(o).get("creationTimestamp"))


def _containers(template: Obj | None) -> tuple[str, str]:
    containers = (((template or {}).get("spec") or {}).get("containers")) or []
    return ",".join(c.get("name", "") for c in containers), ",".join(c.get("image", "") for c in containers)


def _labels(labels: dict[str, str] | None) -> str:
    if not labels:
        return "<none>"
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def _access_modes(modes: list[str] | None) -> str:
    short = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"}
    return ",".join(short[m] for m in ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"]
                    if m in (modes or []))


# --- per-kind rows ----------------------------------------------------------------------------

def pod_status(pod: Obj) -> tuple[str, int, int, int]:
    """(STATUS, ready containers, total containers, restarts) by the rules of printPod."""
    spec, status, meta = _spec(pod), _status(pod), _meta(pod)
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    total = len(spec.get("containers") or [])
    ready = restarts = 0
    initializing = False
    init_specs = {c["name"]: c for c in spec.get("initContainers") or []}
    total += sum(1 for c in init_specs.values() if c.get("restartPolicy") == "Always")
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        restarts += cs.get("restartCount", 0)
        state = cs.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated and terminated.get("exitCode", 0) == 0:
            continue
        if init_specs.get(cs["name"], {}).get("restartPolicy") == "Always" and cs.get("started"):
            ready += 1 if cs.get("ready") else 0
            continue
        if terminated:
            reason = "Init:" + (terminated.get("reason") or f"ExitCode:{terminated.get('exitCode', 0)}")
        elif waiting and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        initializing = True
        break
    if not initializing:
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += cs.get("restartCount", 0)
            state = cs.get("state") or {}
            if (state.get("waiting") or {}).get("reason"):
                reason = state["waiting"]["reason"]
            elif state.get("terminated") is not None and state["terminated"].get("reason"):
                reason = state["terminated"]["reason"]
            elif state.get("terminated") is not None:
                reason = f"ExitCode:{state['terminated'].get('exitCode', 0)}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            ready_cond = any(c.get("type") == "Ready" and c.get("status") == "True"
                             for c in status.get("conditions") or [])
            reason = "Running" if ready_cond else "NotReady"
    if meta.get("deletionTimestamp") and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"
    return reason, ready, total, restarts


def _pod(o: Obj) -> list[Any]:
    reason, ready, total, restarts = pod_status(o)
    ips = _status(o).get("podIPs") or []
    gates = _spec(o).get("readinessGates") or []
    gate_cell = "<none>"
    if gates:
        conds = {c.get("type"): c.get("status") for c in _status(o).get("conditions") or []}
        gate_cell = f"{sum(1 for g in gates if conds.get(g.get('conditionType')) == 'True')}/{len(gates)}"
    return [_meta(o)["name"], f"{ready}/{total}", reason, str(restarts), _created(o),
            ips[0]["ip"] if ips else "<none>", _spec(o).get("nodeName") or "<none>",
            _status(o).get("nominatedNodeName") or "<none>", gate_cell]


def _statefulset(o: Obj) -> list[Any]:
    names, images = _containers(_spec(o).get("template"))
    return [_meta(o)["name"], f"{_status(o).get('readyReplicas', 0)}/{_spec(o).get('replicas', 1)}",
            _created(o), names, images]


def _deployment(o: Obj) -> list[Any]:
    names, images = _containers(_spec(o).get("template"))
    st = _status(o)
    return [_meta(o)["name"], f"{st.get('readyReplicas', 0)}/{_spec(o).get('replicas', 1)}",
            st.get("updatedReplicas", 0), st.get("availableReplicas", 0), _created(o), names, images,
            selector_string(_spec(o).get("selector"))]


def _replicaset(o: Obj) -> list[Any]:
    names, images = _containers(_spec(o).get("template"))
    st = _status(o)
    return [_meta(o)["name"], _spec(o).get("replicas", 1), st.get("replicas", 0), st.get("readyReplicas", 0),
            _created(o), names, images, selector_string(_spec(o).get("selector"))]


def _daemonset(o: Obj) -> list[Any]:
    names, images = _containers(_spec(o).get("template"))
    st = _status(o)
    node_selector = ((_spec(o).get("template") or {}).get("spec") or {}).get("nodeSelector")
    return [_meta(o)["name"], st.get("desiredNumberScheduled", 0), st.get("currentNumberScheduled", 0),
            st.get("numberReady", 0), st.get("updatedNumberScheduled", 0), st.get("numberAvailable", 0),
            _labels(node_selector), _created(o), names, images, selector_string(_spec(o).get("selector"))]


def _lb_ingress(o: Obj) -> str:
    found = sorted({i.get("ip") or i.get("hostname") for i in
                    (((_status(o).get("loadBalancer") or {}).get("ingress")) or []) if i.get("ip") or i.get("hostname")})
    return ",".join(found)


def _service(o: Obj) -> list[Any]:
    spec = _spec(o)
    kind = spec.get("type", "ClusterIP")
    external_ips = spec.get("externalIPs") or []
    if kind in ("ClusterIP", "NodePort"):
        external = ",".join(external_ips) or "<none>"
    elif kind == "LoadBalancer":
        lb = _lb_ingress(o)
        parts = (lb.split(",") if lb else []) + external_ips
        external = ",".join(parts) if parts else "<pending>"
        # Not wide: clipped to 16 bytes (the server generates wide cells; kubectl shows them as is).
    elif kind == "ExternalName":
        external = spec.get("externalName", "")
    else:
        external = "<unknown>"
    ports = []
    for p in spec.get("ports") or []:
        if p.get("nodePort"):
            ports.append(f"{p['port']}:{p['nodePort']}/{p.get('protocol', 'TCP')}")
        else:
            ports.append(f"{p['port']}/{p.get('protocol', 'TCP')}")
    cluster_ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return [_meta(o)["name"], kind, cluster_ips[0] if cluster_ips else "<none>", external,
            ",".join(ports) or "<none>", _created(o), _labels(spec.get("selector"))]


def _endpoints(o: Obj) -> list[Any]:
    found: list[str] = []
    count = 0
    for subset in o.get("subsets") or []:
        addresses = subset.get("addresses") or []
        ports = subset.get("ports") or []
        if not ports:
            count += len(addresses)
            found += [a["ip"] for a in addresses]
        for port in ports:
            count += len(addresses)
            found += [f"{a['ip']}:{port['port']}" for a in addresses]
    if not found:
        text = "<none>"
    elif len(found) > 3:
        text = ",".join(found[:3]) + f" + {count - 3} more..."
    else:
        text = ",".join(found)
    return [_meta(o)["name"], text, _created(o)]


def _endpointslice(o: Obj) -> list[Any]:
    ports = [str(p.get("port") or p.get("name") or "*") for p in o.get("ports") or []]
    addresses = [a for e in o.get("endpoints") or [] for a in e.get("addresses") or []]

    def more(items: list[str]) -> str:
        if len(items) > 3:
            return ",".join(items[:3]) + f" + {len(items) - 3} more..."
        return ",".join(items) or "<unset>"

    return [_meta(o)["name"], o.get("addressType", ""), more(ports), more(addresses), _created(o)]


def _pvc(o: Obj) -> list[Any]:
    spec, status = _spec(o), _status(o)
    phase = "Terminating" if _meta(o).get("deletionTimestamp") else status.get("phase", "")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = _access_modes(status.get("accessModes"))
        capacity = (status.get("capacity") or {}).get("storage", "")
    return [_meta(o)["name"], phase, spec.get("volumeName", ""), capacity, modes,
            spec.get("storageClassName") or "", spec.get("volumeAttributesClassName") or "<unset>",
            _created(o), spec.get("volumeMode") or "<unset>"]


def _pv(o: Obj) -> list[Any]:
    spec, status = _spec(o), _status(o)
    claim = spec.get("claimRef")
    phase = "Terminating" if _meta(o).get("deletionTimestamp") else status.get("phase", "")
    return [_meta(o)["name"], (spec.get("capacity") or {}).get("storage", ""), _access_modes(spec.get("accessModes")),
            spec.get("persistentVolumeReclaimPolicy", ""), phase,
            f"{claim.get('namespace', '')}/{claim.get('name', '')}" if claim else "",
            spec.get("storageClassName") or "", spec.get("volumeAttributesClassName") or "<unset>",
            status.get("reason", ""), _created(o), spec.get("volumeMode") or "<unset>"]


def _event(o: Obj) -> list[Any]:
    first = age(o.get("firstTimestamp")) if o.get("firstTimestamp") else age(o.get("eventTime"))
    last = age(o.get("lastTimestamp")) if o.get("lastTimestamp") else first
    count = o.get("count") or 1
    if o.get("series"):
        last = age(o["series"].get("lastObservedTime"))
        count = o["series"].get("count", count)
    inv = o.get("involvedObject") or {}
    target = f"{inv.get('kind', '').lower()}/{inv['name']}" if inv.get("name") else inv.get("kind", "").lower()
    source = o.get("source") or {}
    src = source.get("component") or o.get("reportingComponent") or ""
    if source.get("host"):
        src = f"{src}, {source['host']}"
    return [last, o.get("type", ""), o.get("reason", ""), target, inv.get("fieldPath", ""), src,
            (o.get("message") or "").strip(), first, count, _meta(o)["name"]]


def _node(o: Obj) -> list[Any]:
    conds = {c.get("type"): c.get("status") for c in _status(o).get("conditions") or []}
    status = ["Ready" if conds["Ready"] == "True" else "NotReady"] if "Ready" in conds else ["Unknown"]
    if _spec(o).get("unschedulable"):
        status.append("SchedulingDisabled")
    roles = sorted({k.split("/", 1)[1] for k in (_meta(o).get("labels") or {})
                    if k.startswith("node-role.kubernetes.io/") and k.split("/", 1)[1]})
    info = _status(o).get("nodeInfo") or {}
    addresses = {a.get("type"): a.get("address") for a in _status(o).get("addresses") or []}
    return [_meta(o)["name"], ",".join(status), ",".join(roles) or "<none>", _created(o),
            info.get("kubeletVersion", ""), addresses.get("InternalIP", "<none>"),
            addresses.get("ExternalIP", "<none>"), info.get("osImage") or "<unknown>",
            info.get("kernelVersion") or "<unknown>", info.get("containerRuntimeVersion") or "<unknown>"]


def _storageclass(o: Obj) -> list[Any]:
    annotations = _meta(o).get("annotations") or {}
    name = _meta(o)["name"]
    if annotations.get("storageclass.kubernetes.io/is-default-class") == "true":
        name += " (default)"
    return [name, o.get("provisioner", ""), o.get("reclaimPolicy", "Delete"),
            o.get("volumeBindingMode", "Immediate"), str(bool(o.get("allowVolumeExpansion"))).lower(), _created(o)]


def _binding(o: Obj) -> list[Any]:
    ref = o.get("roleRef") or {}
    users, groups, sas = [], [], []
    for s in o.get("subjects") or []:
        if s.get("kind") == "User":
            users.append(s.get("name", ""))
        elif s.get("kind") == "Group":
            groups.append(s.get("name", ""))
        elif s.get("kind") == "ServiceAccount":
            sas.append(f"{s.get('namespace', '')}/{s.get('name', '')}")
    return [_meta(o)["name"], f"{ref.get('kind', '')}/{ref.get('name', '')}", _created(o),
            ", ".join(users), ", ".join(groups), ", ".join(sas)]


def _job(o: Obj) -> list[Any]:
    spec, st = _spec(o), _status(o)
    succeeded = st.get("succeeded", 0)
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    elif (spec.get("parallelism") or 0) > 1:
        completions = f"{succeeded}/1 of {spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    conds = {c.get("type"): c.get("status") for c in st.get("conditions") or []}
    if conds.get("Complete") == "True":
        status = "Complete"
    elif conds.get("Failed") == "True":
        status = "Failed"
    elif _meta(o).get("deletionTimestamp"):
        status = "Terminating"
    else:
        status = "Running"
    duration = ""
    start, end = parse_time(st.get("startTime")), parse_time(st.get("completionTime"))
    if start and end:
        from .meta import human_duration
        duration = human_duration((end - start).total_seconds())
    elif start:
        duration = age(st.get("startTime"))
    names, images = _containers(spec.get("template"))
    return [_meta(o)["name"], status, completions, duration, _created(o), names, images,
            selector_string(spec.get("selector"))]


def _controllerrevision(o: Obj) -> list[Any]:
    owner = next((r for r in _meta(o).get("ownerReferences") or [] if r.get("controller")), None)
    controller = "<none>"
    if owner:
        group = owner.get("apiVersion", "").split("/")[0] if "/" in owner.get("apiVersion", "") else ""
        kind = owner["kind"].lower() + (f".{group}" if group else "")
        controller = f"{kind}/{owner['name']}"
    return [_meta(o)["name"], controller, o.get("revision", 0), _created(o)]


def _created_at(o: Obj) -> list[Any]:
    return [_meta(o)["name"], _meta(o).get("creationTimestamp", "")]


TABLES: dict[str, tuple[list[Column], Callable[[Obj], list[Any]]]] = {
    "/pods": ([_NAME, ("Ready", "string", 0), ("Status", "string", 0), ("Restarts", "string", 0), _AGE,
               ("IP", "string", 1), ("Node", "string", 1), ("Nominated Node", "string", 1),
               ("Readiness Gates", "string", 1)], _pod),
    "apps/statefulsets": ([_NAME, ("Ready", "string", 0), _AGE, ("Containers", "string", 1),
                           ("Images", "string", 1)], _statefulset),
    "apps/deployments": ([_NAME, ("Ready", "string", 0), ("Up-to-date", "string", 0),
                          ("Available", "string", 0), _AGE, ("Containers", "string", 1), ("Images", "string", 1),
                          ("Selector", "string", 1)], _deployment),
    "apps/replicasets": ([_NAME, ("Desired", "integer", 0), ("Current", "integer", 0), ("Ready", "integer", 0),
                          _AGE, ("Containers", "string", 1), ("Images", "string", 1), ("Selector", "string", 1)],
                         _replicaset),
    "apps/daemonsets": ([_NAME, ("Desired", "integer", 0), ("Current", "integer", 0), ("Ready", "integer", 0),
                         ("Up-to-date", "integer", 0), ("Available", "integer", 0), ("Node Selector", "string", 0),
                         _AGE, ("Containers", "string", 1), ("Images", "string", 1), ("Selector", "string", 1)],
                        _daemonset),
    "apps/controllerrevisions": ([_NAME, ("Controller", "string", 0), ("Revision", "integer", 0), _AGE],
                                 _controllerrevision),
    "/services": ([_NAME, ("Type", "string", 0), ("Cluster-IP", "string", 0), ("External-IP", "string", 0),
                   ("Port(s)", "string", 0), _AGE, ("Selector", "string", 1)], _service),
    "/endpoints": ([_NAME, ("Endpoints", "string", 0), _AGE], _endpoints),
    "discovery.k8s.io/endpointslices": ([_NAME, ("AddressType", "string", 0), ("Ports", "string", 0),
                                         ("Endpoints", "string", 0), _AGE], _endpointslice),
    "/persistentvolumeclaims": ([_NAME, ("Status", "string", 0), ("Volume", "string", 0),
                                 ("Capacity", "string", 0), ("Access Modes", "string", 0),
                                 ("StorageClass", "string", 0), ("VolumeAttributesClass", "string", 0), _AGE,
                                 ("VolumeMode", "string", 1)], _pvc),
    "/persistentvolumes": ([_NAME, ("Capacity", "string", 0), ("Access Modes", "string", 0),
                            ("Reclaim Policy", "string", 0), ("Status", "string", 0), ("Claim", "string", 0),
                            ("StorageClass", "string", 0), ("VolumeAttributesClass", "string", 0),
                            ("Reason", "string", 0), _AGE, ("VolumeMode", "string", 1)], _pv),
    "/events": ([("Last Seen", "string", 0), ("Type", "string", 0), ("Reason", "string", 0),
                 ("Object", "string", 0), ("Subobject", "string", 1), ("Source", "string", 1),
                 ("Message", "string", 0), ("First Seen", "string", 1), ("Count", "string", 1),
                 ("Name", "string", 1)], _event),
    "/nodes": ([_NAME, ("Status", "string", 0), ("Roles", "string", 0), _AGE, ("Version", "string", 0),
                ("Internal-IP", "string", 1), ("External-IP", "string", 1), ("OS-Image", "string", 1),
                ("Kernel-Version", "string", 1), ("Container-Runtime", "string", 1)], _node),
    "/namespaces": ([_NAME, ("Status", "string", 0), _AGE],
                    lambda o: [_meta(o)["name"], _status(o).get("phase", ""), _created(o)]),
    "/secrets": ([_NAME, ("Type", "string", 0), ("Data", "string", 0), _AGE],
                 lambda o: [_meta(o)["name"], o.get("type", "Opaque"), len(o.get("data") or {}), _created(o)]),
    "/configmaps": ([_NAME, ("Data", "string", 0), _AGE],
                    lambda o: [_meta(o)["name"], len(o.get("data") or {}) + len(o.get("binaryData") or {}),
                               _created(o)]),
    "/serviceaccounts": ([_NAME, ("Secrets", "string", 0), _AGE],
                         lambda o: [_meta(o)["name"], len(o.get("secrets") or []), _created(o)]),
    "storage.k8s.io/storageclasses": ([_NAME, ("Provisioner", "string", 0), ("ReclaimPolicy", "string", 0),
                                       ("VolumeBindingMode", "string", 0), ("AllowVolumeExpansion", "string", 0),
                                       _AGE], _storageclass),
    "rbac.authorization.k8s.io/clusterrolebindings": ([_NAME, ("Role", "string", 0), _AGE, ("Users", "string", 1),
                                                       ("Groups", "string", 1), ("ServiceAccounts", "string", 1)],
                                                      _binding),
    "rbac.authorization.k8s.io/rolebindings": ([_NAME, ("Role", "string", 0), _AGE, ("Users", "string", 1),
                                                ("Groups", "string", 1), ("ServiceAccounts", "string", 1)], _binding),
    "batch/jobs": ([_NAME, ("Status", "string", 0), ("Completions", "string", 0), ("Duration", "string", 0), _AGE,
                    ("Containers", "string", 1), ("Images", "string", 1), ("Selector", "string", 1)], _job),
}
DEFAULT_TABLE: tuple[list[Column], Callable[[Obj], list[Any]]] = ([_NAME, ("Created At", "date", 0)], _created_at)


def _partial(o: Obj) -> Obj:
    meta = {k: v for k, v in _meta(o).items() if k != "managedFields"}
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta}


def to_table(rt: ResourceType, items: list[Obj], resource_version: str, headers: bool = True,
             include_object: str = "Metadata") -> Obj:
    columns, row_of = TABLES.get(rt.key, DEFAULT_TABLE)
    rows = []
    for item in items:
        row: Obj = {"cells": row_of(item)}
        if include_object == "Object":
            row["object"] = item
        elif include_object != "None":
            row["object"] = _partial(item)
        phase = (_status(item).get("phase") if rt.key == "/pods" else None)
        if phase == "Succeeded":
            row["conditions"] = [{"type": "Completed", "status": "True", "reason": "Succeeded",
                                  "message": "The pod has completed successfully."}]
        elif phase == "Failed":
            row["conditions"] = [{"type": "Completed", "status": "True", "reason": "Failed",
                                  "message": "The pod failed."}]
        rows.append(row)
    table: Obj = {"kind": "Table", "apiVersion": "meta.k8s.io/v1",
                  "metadata": {"resourceVersion": resource_version}, "rows": rows}
    if headers:
        table["columnDefinitions"] = [
            {"name": name, "type": kind, "format": "name" if name == "Name" else "", "description": "",
             "priority": priority} for name, kind, priority in columns]
    else:
        table["columnDefinitions"] = None
    return table
