"""Dynamic provisioning and the protection finalizers: a PVC of a known StorageClass gets a PV named
`pvc-<uid>` and turns Bound (after its first consumer is scheduled when the class says
WaitForFirstConsumer); a deleted PVC stays Terminating while a pod uses it; a released PV with the
Delete reclaim policy goes away."""

from __future__ import annotations

from .base import Controller, Obj, is_terminal, is_terminating


class StorageController(Controller):
    name = "storage"

    def reconcile(self) -> None:
        api = self.api
        pvcs = api.store.list("/persistentvolumeclaims")[0]
        pods = api.store.list("/pods")[0]
        classes = {c["metadata"]["name"]: c for c in api.store.list("storage.k8s.io/storageclasses")[0]}
        users: dict[tuple[str, str], list[Obj]] = {}
        for pod in pods:
            for vol in (pod.get("spec") or {}).get("volumes") or []:
                claim = vol.get("persistentVolumeClaim")
                if claim:
                    users.setdefault((pod["metadata"]["namespace"], claim["claimName"]), []).append(pod)
        for pvc in pvcs:
            key = (pvc["metadata"]["namespace"], pvc["metadata"]["name"])
            if is_terminating(pvc):
                if not any(not is_terminal(p) for p in users.get(key, [])):
                    api.remove_finalizer(api.resource("", "PersistentVolumeClaim"), pvc,
                                         "kubernetes.io/pvc-protection")
                continue
            if (pvc.get("status") or {}).get("phase") == "Bound":
                continue
            sc = classes.get((pvc.get("spec") or {}).get("storageClassName") or "")
            if sc is None:
                continue
            consumers = [p for p in users.get(key, []) if (p.get("spec") or {}).get("nodeName")]
            if sc.get("volumeBindingMode") == "WaitForFirstConsumer" and not consumers:
                continue
            if self.matured(pvc["metadata"]["uid"], "bind", self.behaviour.bind_delay):
                self._provision(pvc, sc, consumers[0]["spec"]["nodeName"] if consumers else None)
        self._reclaim(pvcs)

    def _provision(self, pvc: Obj, sc: Obj, node: str | None) -> None:
        api = self.api
        spec = pvc.get("spec") or {}
        size = ((spec.get("resources") or {}).get("requests") or {}).get("storage", "1Gi")
        name = f"pvc-{pvc['metadata']['uid']}"
        pv_spec: Obj = {
            "capacity": {"storage": size}, "accessModes": spec.get("accessModes") or ["ReadWriteOnce"],
            "persistentVolumeReclaimPolicy": sc.get("reclaimPolicy", "Delete"),
            "storageClassName": sc["metadata"]["name"], "volumeMode": spec.get("volumeMode", "Filesystem"),
            "claimRef": {"kind": "PersistentVolumeClaim", "namespace": pvc["metadata"]["namespace"],
                         "name": pvc["metadata"]["name"], "uid": pvc["metadata"]["uid"], "apiVersion": "v1"},
            "hostPath": {"path": f"/var/local-path-provisioner/{name}_{pvc['metadata']['namespace']}_"
                                 f"{pvc['metadata']['name']}", "type": "DirectoryOrCreate"},
        }
        if node:
            pv_spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}}
        pv_rt = api.resource("", "PersistentVolume")
        if api.find(pv_rt, None, name) is None:
            pv = api.create(pv_rt, None, {"metadata": {
                "name": name, "annotations": {"pv.kubernetes.io/provisioned-by": sc.get("provisioner", "")}},
                "spec": pv_spec})
            pv["status"] = {"phase": "Bound"}
            api.replace_status(pv_rt, pv)
        pvc_rt = api.resource("", "PersistentVolumeClaim")
        fresh = api.find(pvc_rt, pvc["metadata"]["namespace"], pvc["metadata"]["name"])
        if fresh is None:
            return
        fresh["spec"]["volumeName"] = name
        annotations = fresh["metadata"].setdefault("annotations", {})
        annotations["pv.kubernetes.io/bind-completed"] = "yes"
        annotations["pv.kubernetes.io/bound-by-controller"] = "yes"
        annotations["volume.beta.kubernetes.io/storage-provisioner"] = sc.get("provisioner", "")
        annotations["volume.kubernetes.io/storage-provisioner"] = sc.get("provisioner", "")
        if node:
            annotations["volume.kubernetes.io/selected-node"] = node
        fresh["status"] = {"phase": "Bound", "accessModes": pv_spec["accessModes"], "capacity": {"storage": size}}
        api.store.replace(pvc_rt.key, fresh["metadata"]["namespace"], fresh)
        api.record_event(fresh, "Normal", "ProvisioningSucceeded",
                         f"Successfully provisioned volume {name}", f"{sc.get('provisioner', '')}_standin")

    def _reclaim(self, pvcs: list[Obj]) -> None:
        api = self.api
        pv_rt = api.resource("", "PersistentVolume")
        live = {p["metadata"]["uid"] for p in pvcs}
        for pv in api.store.list(pv_rt.key)[0]:
            claim = (pv.get("spec") or {}).get("claimRef")
            if is_terminating(pv):
                if not claim or claim.get("uid") not in live:
                    api.remove_finalizer(pv_rt, pv, "kubernetes.io/pv-protection")
                continue
            if claim and claim.get("uid") not in live:
                if (pv.get("spec") or {}).get("persistentVolumeReclaimPolicy") == "Delete":
                    api.delete(pv_rt, None, pv["metadata"]["name"])
                elif (pv.get("status") or {}).get("phase") != "Released":
                    pv["status"] = {"phase": "Released"}
                    api.replace_status(pv_rt, pv)
