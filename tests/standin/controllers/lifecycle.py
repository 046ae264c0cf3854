"""Garbage collection and namespaces: dependents whose owners are gone are deleted (background
cascade), foreground deletion waits for blocking dependents, a deleted namespace empties itself
and then disappears, and every namespace gets its `default` ServiceAccount and
`kube-root-ca.crt` ConfigMap."""

from __future__ import annotations

from ..meta import ApiError
from ..resources import RESOURCES, by_kind
from .base import Controller, Obj, is_terminating

CA = "-----BEGIN CERTIFICATE-----\nc3RhbmQtaW4gY2x1c3RlciBDQQ==\n-----END CERTIFICATE-----\n"


class GarbageCollector(Controller):
    name = "garbage-collector"

    def reconcile(self) -> None:
        api = self.api
        everything: list[tuple[str, Obj]] = []
        for key in api.store.keys():
            obj = api.store.get(*key)
            if obj is not None:
                everything.append((key[0], obj))
        uids = {o["metadata"]["uid"]: (k, o) for k, o in everything}
        dependents: dict[str, list[tuple[str, Obj]]] = {}
        for key, obj in everything:
            refs = obj["metadata"].get("ownerReferences") or []
            for ref in refs:
                dependents.setdefault(ref.get("uid", ""), []).append((key, obj))
            if not refs or is_terminating(obj):
                continue
            live = [r for r in refs if r.get("uid") in uids]
            if not live:
                self._delete(key, obj)
            elif len(live) != len(refs):
                obj["metadata"]["ownerReferences"] = live
                api.store.replace(key, obj["metadata"].get("namespace", ""), obj)
        for key, obj in everything:
            finalizers = obj["metadata"].get("finalizers") or []
            if is_terminating(obj) and "foregroundDeletion" in finalizers:
                blocking = [(k, d) for k, d in dependents.get(obj["metadata"]["uid"], [])
                            if api.store.get(k, d["metadata"].get("namespace", ""), d["metadata"]["name"])]
                if not blocking:
                    api.remove_finalizer(_rt(key), obj, "foregroundDeletion")
                for dep_key, dep in blocking:
                    if not is_terminating(dep):
                        self._delete(dep_key, dep)

    def _delete(self, key: str, obj: Obj) -> None:
        try:
            self.api.delete(_rt(key), obj["metadata"].get("namespace"), obj["metadata"]["name"],
                            {"propagationPolicy": "Background"})
        except ApiError:
            pass


class NamespaceController(Controller):
    name = "namespace"

    def reconcile(self) -> None:
        api = self.api
        ns_rt = by_kind("", "Namespace")
        for ns in api.store.list(ns_rt.key)[0]:
            name = ns["metadata"]["name"]
            if not is_terminating(ns):
                self._populate(name)
                continue
            left = [k for k in api.store.keys() if k[1] == name]
            for key in left:
                obj = api.store.get(*key)
                if obj is None or is_terminating(obj) and key[0] != "/pods":
                    continue
                if key[0] == "/events":
                    api.store.remove(*key)
                    continue
                try:
                    if not is_terminating(obj):
                        api.delete(_rt(key[0]), name, obj["metadata"]["name"], {"propagationPolicy": "Background"})
                except ApiError:
                    pass
            if not [k for k in api.store.keys() if k[1] == name]:
                api.store.remove(ns_rt.key, "", name)

    def _populate(self, namespace: str) -> None:
        api = self.api
        sa_rt, cm_rt = by_kind("", "ServiceAccount"), by_kind("", "ConfigMap")
        if api.find(sa_rt, namespace, "default") is None:
            api.create(sa_rt, namespace, {"metadata": {"name": "default"}})
        if api.find(cm_rt, namespace, "kube-root-ca.crt") is None:
            api.create(cm_rt, namespace, {"metadata": {"name": "kube-root-ca.crt", "annotations": {
                "kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver "
                                             "when using internal endpoints such as the internal service IP or "
                                             "kubernetes.default.svc. No other usage is guaranteed across "
                                             "distributions of Kubernetes clusters."}},
                "data": {"ca.crt": CA}})


def _rt(key: str):  # noqa: ANN202 - returns a ResourceType
    for rt in RESOURCES:
        if rt.key == key:
            return rt
    raise KeyError(key)
