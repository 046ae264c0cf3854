"""The API semantics behind the HTTP layer: create/update/patch/delete with the rules of the real API
server that kubectl's output depends on (generateName, generation, graceful pod deletion,
finalizers, cascading deletion, namespaces being terminated, the scale subresource, dry runs).
Controllers call the same methods, so every change is stored and watched the same way."""

from __future__ import annotations

import copy
import datetime as _dt
import ipaddress
import json
import random
import re
import time
from typing import Any

from . import defaults, patching
from .behaviour import Behaviour
from .meta import (ApiError, already_exists, bad_request, conflict, fields_match, invalid, labels_match, new_uid,
                   not_found, now, parse_field_selector, parse_label_selector, random_suffix, rfc3339,
                   selector_from_label_selector, selector_string)
from .resources import BY_KIND, ResourceType, by_kind
from .store import Store

Obj = dict[str, Any]

_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
PROTECTED_NAMESPACES = {"default", "kube-system", "kube-public"}
STS_MUTABLE = {"replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy",
               "minReadySeconds"}


class Api:
    def __init__(self, store: Store, behaviour: Behaviour, rng: random.Random | None = None) -> None:
        self.store = store
        self.behaviour = behaviour
        self.rng = rng or random.Random()

    # --- helpers ------------------------------------------------------------------------------
    @staticmethod
    def _ns(rt: ResourceType, namespace: str | None) -> str:
        return (namespace or "") if rt.namespaced else ""

    def _require_namespace(self, rt: ResourceType, namespace: str, creating: bool) -> None:
        if not rt.namespaced:
            return
        ns = self.store.get("/namespaces", "", namespace)
        if ns is None:
            raise not_found("namespaces", "", namespace)
        if creating and ns["metadata"].get("deletionTimestamp"):
            raise ApiError(403, "Forbidden",
                           f'{rt.plural} is forbidden: unable to create new content in namespace {namespace} '
                           "because it is being terminated")

    def get(self, rt: ResourceType, namespace: str | None, name: str) -> Obj:
        obj = self.store.get(rt.key, self._ns(rt, namespace), name)
        if obj is None:
            raise not_found(rt.plural, rt.group, name)
        return obj

    def find(self, rt: ResourceType, namespace: str | None, name: str) -> Obj | None:
        return self.store.get(rt.key, self._ns(rt, namespace), name)

    def list(self, rt: ResourceType, namespace: str | None = None, label_selector: str | None = None,
             field_selector: str | None = None) -> tuple[list[Obj], int]:
        labels = parse_label_selector(label_selector)
        fields = parse_field_selector(field_selector)
        items, rv = self.store.list(rt.key, namespace if rt.namespaced and namespace else None)
        return [o for o in items if labels_match(labels, o["metadata"].get("labels"))
                and fields_match(fields, o)], rv

    # --- create -------------------------------------------------------------------------------
    def create(self, rt: ResourceType, namespace: str | None, body: Obj, dry_run: bool = False) -> Obj:
        if not isinstance(body, dict):
            raise bad_request("the body of the request was in an unknown format")
        obj = copy.deepcopy(body)
        if obj.get("kind") and obj["kind"] != rt.kind:
            raise bad_request(f"the API version in the data ({obj.get('apiVersion')}) does not match the "
                              f"expected API version ({rt.api_version})" if obj.get("apiVersion") != rt.api_version
                              else f"kind {obj['kind']} does not match {rt.kind}")
        obj["kind"], obj["apiVersion"] = rt.kind, rt.api_version
        meta = obj.setdefault("metadata", {})
        ns = self._ns(rt, namespace)
        if rt.namespaced:
            if meta.get("namespace") and meta["namespace"] != ns:
                raise bad_request("the namespace of the provided object does not match the namespace sent on "
                                  "the request")
            meta["namespace"] = ns
        else:
            meta.pop("namespace", None)
        with self.store.lock:
            self._require_namespace(rt, ns, creating=True)
            if not meta.get("name"):
                if not meta.get("generateName"):
                    raise invalid(rt.kind, rt.group, "", "metadata.name: Required value: name or generateName "
                                                         "is required")
                for _ in range(20):
                    candidate = meta["generateName"] + random_suffix(5, self.rng)
                    if self.store.get(rt.key, ns, candidate) is None:
                        meta["name"] = candidate
                        break
            name = meta["name"]
            if not _DNS1123_SUBDOMAIN.match(name) or len(name) > 253:
                raise invalid(rt.kind, rt.group, name,
                              f'metadata.name: Invalid value: "{name}": a lowercase RFC 1123 subdomain must '
                              "consist of lower case alphanumeric characters, '-' or '.', and must start and end "
                              "with an alphanumeric character")
            if self.store.get(rt.key, ns, name) is not None:
                raise already_exists(rt.plural, rt.group, name)
            for key in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp",
                        "deletionGracePeriodSeconds", "selfLink"):
                meta.pop(key, None)
            meta["uid"] = new_uid()
            meta["creationTimestamp"] = rfc3339()
            if "spec" in obj or rt.kind in ("StatefulSet", "Deployment", "ReplicaSet", "DaemonSet", "Job"):
                meta["generation"] = 1
            if "status" in rt.subresources and rt.kind not in ("Namespace",):
                obj.pop("status", None)
            defaults.apply(rt.group, rt.kind, obj)
            self._validate(rt, obj, None)
            self._admit_create(rt, obj)
            if dry_run:
                return obj
            return self.store.add(rt.key, ns, obj)

    def _validate(self, rt: ResourceType, obj: Obj, old: Obj | None) -> None:
        name = obj["metadata"]["name"]
        spec = obj.get("spec") or {}
        if rt.kind == "Pod" and not spec.get("containers"):
            raise invalid(rt.kind, rt.group, name, "spec.containers: Required value")
        if rt.kind in ("StatefulSet", "Deployment", "ReplicaSet", "DaemonSet"):
            selector = spec.get("selector")
            if not selector:
                raise invalid(rt.kind, rt.group, name, "spec.selector: Required value")
            template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
            if not labels_match(selector_from_label_selector(selector), template_labels):
                raise invalid(rt.kind, rt.group, name,
                              f"spec.template.metadata.labels: Invalid value: {json.dumps(template_labels)}: "
                              "`selector` does not match template `labels`")
        if rt.kind == "StatefulSet" and old is not None:
            old_spec = old.get("spec") or {}
            changed = {k for k in set(spec) | set(old_spec) if spec.get(k) != old_spec.get(k)} - STS_MUTABLE
            if changed:
                raise invalid(rt.kind, rt.group, name,
                              "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', "
                              "'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' "
                              "and 'minReadySeconds' are forbidden")
        if rt.kind in ("Deployment", "ReplicaSet") and old is not None:
            if (spec.get("selector") or {}) != ((old.get("spec") or {}).get("selector") or {}):
                raise invalid(rt.kind, rt.group, name, f"spec.selector: Invalid value: "
                                                       f"{json.dumps(spec.get('selector'))}: field is immutable")

    def _admit_create(self, rt: ResourceType, obj: Obj) -> None:
        if rt.kind == "Service":
            spec = obj.setdefault("spec", {})
            if spec.get("type") != "ExternalName":
                if spec.get("clusterIP") in (None, ""):
                    spec["clusterIP"] = self._allocate_cluster_ip()
                spec["clusterIPs"] = [spec["clusterIP"]]
            if spec.get("type") in ("NodePort", "LoadBalancer"):
                used = self._used_node_ports()
                for port in spec.get("ports") or []:
                    if not port.get("nodePort"):
                        candidate = self.rng.randint(30000, 32767)
                        while candidate in used:
                            candidate = self.rng.randint(30000, 32767)
                        used.add(candidate)
                        port["nodePort"] = candidate
                if spec.get("externalTrafficPolicy") == "Local" and spec.get("type") == "LoadBalancer":
                    spec.setdefault("healthCheckNodePort", self.rng.randint(30000, 32767))
        elif rt.kind == "PersistentVolumeClaim":
            meta = obj["metadata"]
            if "kubernetes.io/pvc-protection" not in meta.setdefault("finalizers", []):
                meta["finalizers"].append("kubernetes.io/pvc-protection")
            spec = obj.setdefault("spec", {})
            if not spec.get("storageClassName") and "storageClassName" not in spec:
                default = self.default_storage_class()
                if default:
                    spec["storageClassName"] = default
        elif rt.kind == "PersistentVolume":
            meta = obj["metadata"]
            if "kubernetes.io/pv-protection" not in meta.setdefault("finalizers", []):
                meta["finalizers"].append("kubernetes.io/pv-protection")
            obj.setdefault("status", {"phase": "Available"})
        elif rt.kind == "Pod":
            for vol in obj["spec"].get("volumes") or []:
                claim = vol.get("persistentVolumeClaim")
                if claim is not None:
                    claim.setdefault("readOnly", False)

    def default_storage_class(self) -> str | None:
        classes, _ = self.store.list("storage.k8s.io/storageclasses")
        for sc in classes:
            annotations = sc["metadata"].get("annotations") or {}
            if annotations.get("storageclass.kubernetes.io/is-default-class") == "true":
                return sc["metadata"]["name"]
        return None

    def _allocate_cluster_ip(self) -> str:
        used = {(s.get("spec") or {}).get("clusterIP") for s in self.store.list("/services")[0]}
        network = ipaddress.ip_network(self.behaviour.service_cidr)
        while True:
            candidate = str(network[self.rng.randint(11, network.num_addresses - 2)])
            if candidate not in used:
                return candidate

    def _used_node_ports(self) -> set[int]:
        return {p.get("nodePort") for s in self.store.list("/services")[0]
                for p in (s.get("spec") or {}).get("ports") or [] if p.get("nodePort")}

    # --- update and patch ---------------------------------------------------------------------
    def update(self, rt: ResourceType, namespace: str | None, name: str, body: Obj, dry_run: bool = False,
               subresource: str | None = None, check_rv: bool = True) -> Obj:
        ns = self._ns(rt, namespace)
        with self.store.lock:
            old = self.store.get(rt.key, ns, name)
            if old is None:
                raise not_found(rt.plural, rt.group, name)
            obj = copy.deepcopy(body)
            meta = obj.setdefault("metadata", {})
            if meta.get("name") and meta["name"] != name:
                raise bad_request("the name of the object (%s) does not match the name on the URL (%s)"
                                  % (meta["name"], name))
            wanted_rv = meta.get("resourceVersion")
            if check_rv and wanted_rv and wanted_rv != old["metadata"]["resourceVersion"]:
                raise conflict(rt.plural, rt.group, name)
            obj["kind"], obj["apiVersion"] = rt.kind, rt.api_version
            for key in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "name",
                        "namespace", "generation"):
                if key in old["metadata"]:
                    meta[key] = old["metadata"][key]
                else:
                    meta.pop(key, None)
            if subresource == "status":
                kept = copy.deepcopy(old)
                kept["status"] = obj.get("status", {})
                obj = kept
            elif "status" in rt.subresources and rt.kind != "Namespace":
                if "status" in old:
                    obj["status"] = old["status"]
                else:
                    obj.pop("status", None)
            defaults.apply(rt.group, rt.kind, obj)
            self._validate(rt, obj, old)
            if rt.kind == "Service":
                spec, old_spec = obj.setdefault("spec", {}), old.get("spec") or {}
                if spec.get("clusterIP") in (None, "") and old_spec.get("clusterIP"):
                    spec["clusterIP"] = old_spec["clusterIP"]
                    spec["clusterIPs"] = old_spec.get("clusterIPs", [old_spec["clusterIP"]])
                old_ports = {p.get("port"): p.get("nodePort") for p in old_spec.get("ports") or []}
                for port in spec.get("ports") or []:
                    if not port.get("nodePort") and old_ports.get(port.get("port")):
                        port["nodePort"] = old_ports[port["port"]]
            if _spec_part(obj) != _spec_part(old) and "generation" in old["metadata"]:
                meta["generation"] = old["metadata"]["generation"] + 1
            if dry_run:
                obj["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
                return obj
            if meta.get("deletionTimestamp") and not meta.get("finalizers"):
                return self._remove(rt, ns, obj)
            if _comparable(obj) == _comparable(old):
                return old  # a no-op update does not bump the resourceVersion
            return self.store.replace(rt.key, ns, obj)

    def patch(self, rt: ResourceType, namespace: str | None, name: str, patch_type: str, body: bytes,
              dry_run: bool = False, subresource: str | None = None) -> Obj:
        ns = self._ns(rt, namespace)
        with self.store.lock:
            current = self.store.get(rt.key, ns, name)
            if current is None:
                if patch_type == "application/apply-patch+yaml":
                    return self.create(rt, namespace, _load_yaml(body), dry_run)
                raise not_found(rt.plural, rt.group, name)
            patched = self._apply_patch(current, patch_type, body)
            wanted = (patched.get("metadata") or {}).get("resourceVersion")
            patched.setdefault("metadata", {})
            check = wanted is not None and wanted != current["metadata"]["resourceVersion"]
            if not check:
                patched["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
            return self.update(rt, namespace, name, patched, dry_run=dry_run, subresource=subresource)

    @staticmethod
    def _apply_patch(current: Obj, patch_type: str, body: bytes) -> Obj:
        try:
            if patch_type == "application/json-patch+json":
                return patching.json_patch(current, json.loads(body or b"[]"))
            if patch_type == "application/apply-patch+yaml":
                return patching.strategic_merge(current, _load_yaml(body))
            patch = json.loads(body or b"{}")
        except json.JSONDecodeError as error:
            raise bad_request(f"error decoding patch: {error}") from None
        if not isinstance(patch, dict):
            raise bad_request("json: cannot unmarshal array into Go value of type map[string]interface {}")
        if patch_type == "application/merge-patch+json":
            return patching.merge_patch(current, patch)
        if patch_type == "application/strategic-merge-patch+json":
            return patching.strategic_merge(current, patch)
        raise ApiError(415, "UnsupportedMediaType", f"the body of the request was in an unknown format - "
                                                    f"accepted media types include: application/json-patch+json, "
                                                    f"application/merge-patch+json, "
                                                    f"application/apply-patch+yaml, "
                                                    f"application/strategic-merge-patch+json")

    def replace_status(self, rt: ResourceType, obj: Obj) -> Obj:
        """A controller writing status (no validation, no generation change)."""
        ns = obj["metadata"].get("namespace", "") if rt.namespaced else ""
        with self.store.lock:
            old = self.store.get(rt.key, ns, obj["metadata"]["name"])
            if old is None:
                raise not_found(rt.plural, rt.group, obj["metadata"]["name"])
            if old["metadata"]["uid"] != obj["metadata"]["uid"]:
                raise conflict(rt.plural, rt.group, obj["metadata"]["name"])
            if _comparable(obj) == _comparable(old):
                return old
            return self.store.replace(rt.key, ns, obj)

    # --- delete -------------------------------------------------------------------------------
    def delete(self, rt: ResourceType, namespace: str | None, name: str, options: Obj | None = None,
               dry_run: bool = False) -> Obj:
        options = options or {}
        ns = self._ns(rt, namespace)
        with self.store.lock:
            obj = self.store.get(rt.key, ns, name)
            if obj is None:
                raise not_found(rt.plural, rt.group, name)
            pre = options.get("preconditions") or {}
            if pre.get("uid") and pre["uid"] != obj["metadata"]["uid"]:
                raise ApiError(409, "Conflict", f'Precondition failed: UID in precondition: {pre["uid"]}, '
                                                f'UID in object meta: {obj["metadata"]["uid"]}')
            if pre.get("resourceVersion") and pre["resourceVersion"] != obj["metadata"]["resourceVersion"]:
                raise conflict(rt.plural, rt.group, name)
            if rt.kind == "Namespace" and name in PROTECTED_NAMESPACES:
                raise ApiError(403, "Forbidden", f'namespaces "{name}" is forbidden: this namespace may not be '
                                                 "deleted")
            if dry_run:
                return obj
            meta = obj["metadata"]
            propagation = options.get("propagationPolicy") or ("Orphan" if options.get("orphanDependents")
                                                               else "Background")
            if rt.kind == "Namespace":
                if not meta.get("deletionTimestamp"):
                    meta["deletionTimestamp"] = rfc3339()
                    meta["deletionGracePeriodSeconds"] = 0
                    obj.setdefault("status", {})["phase"] = "Terminating"
                    return self.store.replace(rt.key, ns, obj)
                return obj
            if propagation == "Orphan":
                self.orphan_dependents(meta["uid"])
            if rt.kind == "Pod":
                result = self._delete_pod(obj, options)
                if result is not None:
                    return result
            if propagation == "Foreground" and not meta.get("deletionTimestamp"):
                meta.setdefault("finalizers", []).append("foregroundDeletion")
            if meta.get("finalizers"):
                if not meta.get("deletionTimestamp"):
                    meta["deletionTimestamp"] = rfc3339()
                    meta["deletionGracePeriodSeconds"] = 0
                    return self.store.replace(rt.key, ns, obj)
                return obj
            return self._remove(rt, ns, obj)

    def _delete_pod(self, pod: Obj, options: Obj) -> Obj | None:
        """Graceful deletion: a scheduled, running pod gets a deletionTimestamp and the kubelet stops it."""
        meta, spec = pod["metadata"], pod.get("spec") or {}
        grace = options.get("gracePeriodSeconds")
        if grace is None:
            grace = spec.get("terminationGracePeriodSeconds", 30)
        phase = (pod.get("status") or {}).get("phase")
        if not spec.get("nodeName") or phase in ("Succeeded", "Failed") and not meta.get("finalizers"):
            return None
        if grace == 0 and not meta.get("finalizers"):
            return None  # --force --grace-period=0 removes it at once
        if meta.get("deletionTimestamp"):
            if meta.get("deletionGracePeriodSeconds", 0) <= grace:
                return pod
        meta["deletionTimestamp"] = rfc3339(now() + _dt.timedelta(seconds=grace))
        meta["deletionGracePeriodSeconds"] = grace
        return self.store.replace("/pods", meta["namespace"], pod)

    def _remove(self, rt: ResourceType, ns: str, obj: Obj) -> Obj:
        removed = self.store.remove(rt.key, ns, obj["metadata"]["name"])
        return removed if removed is not None else obj

    def finish_pod_deletion(self, pod: Obj) -> None:
        """The kubelet confirming a pod is gone (deletion with grace period 0)."""
        with self.store.lock:
            current = self.store.get("/pods", pod["metadata"]["namespace"], pod["metadata"]["name"])
            if current is None or current["metadata"]["uid"] != pod["metadata"]["uid"]:
                return
            if current["metadata"].get("finalizers"):
                return
            self.store.remove("/pods", pod["metadata"]["namespace"], pod["metadata"]["name"])

    def remove_finalizer(self, rt: ResourceType, obj: Obj, finalizer: str) -> None:
        with self.store.lock:
            ns = obj["metadata"].get("namespace", "") if rt.namespaced else ""
            current = self.store.get(rt.key, ns, obj["metadata"]["name"])
            if current is None or finalizer not in (current["metadata"].get("finalizers") or []):
                return
            current["metadata"]["finalizers"].remove(finalizer)
            if not current["metadata"]["finalizers"]:
                del current["metadata"]["finalizers"]
                if current["metadata"].get("deletionTimestamp"):
                    if rt.kind == "Pod" and (current.get("spec") or {}).get("nodeName") and \
                            (current.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                        self.store.replace(rt.key, ns, current)
                        return
                    self.store.remove(rt.key, ns, current["metadata"]["name"])
                    return
            self.store.replace(rt.key, ns, current)

    def orphan_dependents(self, uid: str) -> None:
        with self.store.lock:
            for key in self.store.keys():
                obj = self.store.get(*key)
                refs = (obj or {}).get("metadata", {}).get("ownerReferences") or []
                if any(r.get("uid") == uid for r in refs):
                    kept = [r for r in refs if r.get("uid") != uid]
                    if kept:
                        obj["metadata"]["ownerReferences"] = kept
                    else:
                        del obj["metadata"]["ownerReferences"]
                    self.store.replace(key[0], key[1], obj)

    # --- scale subresource --------------------------------------------------------------------
    def get_scale(self, rt: ResourceType, namespace: str, name: str) -> Obj:
        obj = self.get(rt, namespace, name)
        meta = obj["metadata"]
        return {"kind": "Scale", "apiVersion": "autoscaling/v1",
                "metadata": {"name": name, "namespace": meta.get("namespace"), "uid": meta["uid"],
                             "resourceVersion": meta["resourceVersion"],
                             "creationTimestamp": meta["creationTimestamp"]},
                "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 1)},
                "status": {"replicas": (obj.get("status") or {}).get("replicas", 0),
                           "selector": selector_string((obj.get("spec") or {}).get("selector"))}}

    def update_scale(self, rt: ResourceType, namespace: str, name: str, scale: Obj, dry_run: bool = False) -> Obj:
        replicas = (scale.get("spec") or {}).get("replicas")
        if not isinstance(replicas, int) or replicas < 0:
            raise invalid("Scale", "autoscaling", name, f"spec.replicas: Invalid value: {replicas}: must be "
                                                        "greater than or equal to 0")
        with self.store.lock:
            obj = self.get(rt, namespace, name)
            wanted = (scale.get("metadata") or {}).get("resourceVersion")
            if wanted and wanted != obj["metadata"]["resourceVersion"]:
                raise conflict(rt.plural, rt.group, name)
            obj["spec"]["replicas"] = replicas
            self.update(rt, namespace, name, obj, dry_run=dry_run, check_rv=False)
            if dry_run:
                result = self.get_scale(rt, namespace, name)
                result["spec"]["replicas"] = replicas
                return result
            return self.get_scale(rt, namespace, name)

    def patch_scale(self, rt: ResourceType, namespace: str, name: str, patch_type: str, body: bytes,
                    dry_run: bool = False) -> Obj:
        with self.store.lock:
            scale = self._apply_patch(self.get_scale(rt, namespace, name), patch_type, body)
            return self.update_scale(rt, namespace, name, scale, dry_run)

    # --- events -------------------------------------------------------------------------------
    def record_event(self, involved: Obj, event_type: str, reason: str, message: str, component: str,
                     host: str | None = None) -> None:
        """Record (or count again) a core/v1 Event about `involved`, like client-go's recorder."""
        meta = involved["metadata"]
        namespace = meta.get("namespace") or "default"
        with self.store.lock:
            for event in self.store.list("/events", namespace)[0]:
                inv = event.get("involvedObject") or {}
                if inv.get("uid") == meta.get("uid") and event.get("reason") == reason and \
                        event.get("message") == message:
                    event["count"] = event.get("count", 1) + 1
                    event["lastTimestamp"] = rfc3339()
                    self.store.replace("/events", namespace, event)
                    return
            if self.store.get("/namespaces", "", namespace) is None:
                return
            stamp = rfc3339()
            event = {
                "kind": "Event", "apiVersion": "v1",
                "metadata": {"name": f"{meta['name']}.{time.time_ns():x}", "namespace": namespace,
                             "uid": new_uid(), "creationTimestamp": stamp},
                "involvedObject": {"kind": involved.get("kind"), "namespace": meta.get("namespace"),
                                   "name": meta["name"], "uid": meta.get("uid"),
                                   "apiVersion": involved.get("apiVersion"),
                                   "resourceVersion": meta.get("resourceVersion")},
                "reason": reason, "message": message, "source": {"component": component, **({"host": host} if host
                                                                                             else {})},
                "firstTimestamp": stamp, "lastTimestamp": stamp, "count": 1, "type": event_type,
                "eventTime": None, "reportingComponent": component, "reportingInstance": host or "",
            }
            self.store.add("/events", namespace, event)

    # --- convenience for controllers ----------------------------------------------------------
    def resource(self, group: str, kind: str) -> ResourceType:
        return by_kind(group, kind)

    def owned_by(self, rt: ResourceType, namespace: str, uid: str) -> list[Obj]:
        items, _ = self.store.list(rt.key, namespace)
        return [o for o in items if any(r.get("uid") == uid and r.get("controller")
                                        for r in o["metadata"].get("ownerReferences") or [])]


def owner_reference(owner: Obj, block: bool = True) -> Obj:
    return {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": owner["metadata"]["name"],
            "uid": owner["metadata"]["uid"], "controller": True, "blockOwnerDeletion": block}


def _spec_part(obj: Obj) -> Obj:
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "kind", "apiVersion")}


def _comparable(obj: Obj) -> Obj:
    result = copy.deepcopy(obj)
    result.get("metadata", {}).pop("resourceVersion", None)
    return result


def _load_yaml(body: bytes) -> Obj:
    import yaml

    try:
        loaded = yaml.safe_load(body or b"{}")
    except yaml.YAMLError as error:
        raise bad_request(f"error decoding YAML: {error}") from None
    if not isinstance(loaded, dict):
        raise bad_request("the body of the request was in an unknown format")
    return loaded


KINDS = BY_KIND
