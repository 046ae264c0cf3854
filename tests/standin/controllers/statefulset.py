"""The StatefulSet controller: stable names `<set>-<ordinal>`, one PVC per claim template and ordinal,
OrderedReady (one pod at a time, each waiting for its predecessor to be Running and Ready) or
Parallel pod management, reverse-order scale-down, rolling updates in reverse ordinal order with
`partition`, orphan adoption, and the status fields `kubectl get sts` and `rollout status` read."""

from __future__ import annotations

import copy
import re

from ..api import owner_reference
from ..meta import labels_match, selector_from_label_selector, template_hash
from .base import Controller, Obj, is_running_and_ready, is_terminal, is_terminating


def ordinal_of(set_name: str, pod_name: str) -> int | None:
    match = re.fullmatch(re.escape(set_name) + r"-(\d+)", pod_name)
    return int(match.group(1)) if match else None


class StatefulSetController(Controller):
    name = "statefulset"

    def reconcile(self) -> None:
        api = self.api
        rt = api.resource("apps", "StatefulSet")
        sets = api.store.list(rt.key)[0]
        for sts in sets:
            if is_terminating(sts):
                continue
            self._sync(sts)

    # --- revisions ------------------------------------------------------------------------------
    def _revision(self, sts: Obj) -> str:
        template = sts["spec"]["template"]
        name = f"{sts['metadata']['name']}-{template_hash(template)}"
        rt = self.api.resource("apps", "ControllerRevision")
        ns = sts["metadata"]["namespace"]
        if self.api.find(rt, ns, name) is None:
            existing = self.api.owned_by(rt, ns, sts["metadata"]["uid"])
            number = max([r.get("revision", 0) for r in existing] + [0]) + 1
            self.api.create(rt, ns, {
                "metadata": {"name": name, "labels": dict(template.get("metadata", {}).get("labels") or {}),
                             "ownerReferences": [owner_reference(sts)]},
                "data": {"spec": {"template": {**copy.deepcopy(template), "$patch": "replace"}}},
                "revision": number})
        return name

    def _template_for(self, sts: Obj, revision: str) -> Obj:
        rt = self.api.resource("apps", "ControllerRevision")
        stored = self.api.find(rt, sts["metadata"]["namespace"], revision)
        if stored is None:
            return copy.deepcopy(sts["spec"]["template"])
        template = copy.deepcopy(stored["data"]["spec"]["template"])
        template.pop("$patch", None)
        return template

    # --- pods -----------------------------------------------------------------------------------
    def _claim_name(self, sts: Obj, claim: Obj, ordinal: int) -> str:
        return f"{claim['metadata']['name']}-{sts['metadata']['name']}-{ordinal}"

    def _create_pod(self, sts: Obj, ordinal: int, revision: str) -> None:
        api, meta = self.api, sts["metadata"]
        ns, name = meta["namespace"], f"{meta['name']}-{ordinal}"
        template = self._template_for(sts, revision)
        selector_labels = (sts["spec"].get("selector") or {}).get("matchLabels") or {}
        pvc_rt = api.resource("", "PersistentVolumeClaim")
        for claim in sts["spec"].get("volumeClaimTemplates") or []:
            claim_name = self._claim_name(sts, claim, ordinal)
            if api.find(pvc_rt, ns, claim_name) is None:
                labels = {**(claim["metadata"].get("labels") or {}), **selector_labels}
                api.create(pvc_rt, ns, {"metadata": {"name": claim_name, "labels": labels},
                                        "spec": copy.deepcopy(claim.get("spec") or {})})
                api.record_event(sts, "Normal", "SuccessfulCreate",
                                 f"create Claim {claim_name} Pod {name} in StatefulSet {meta['name']} success",
                                 "statefulset-controller")
        pod_meta = copy.deepcopy(template.get("metadata") or {})
        labels = pod_meta.setdefault("labels", {})
        labels["controller-revision-hash"] = revision
        labels["statefulset.kubernetes.io/pod-name"] = name
        labels["apps.kubernetes.io/pod-index"] = str(ordinal)
        pod_meta.update(name=name, ownerReferences=[owner_reference(sts)])
        pod_meta.pop("generateName", None)
        spec = copy.deepcopy(template.get("spec") or {})
        spec["hostname"] = name
        if sts["spec"].get("serviceName"):
            spec["subdomain"] = sts["spec"]["serviceName"]
        volumes = [v for v in spec.get("volumes") or []
                   if v.get("name") not in {c["metadata"]["name"] for c in sts["spec"].get("volumeClaimTemplates")
                                            or []}]
        for claim in sts["spec"].get("volumeClaimTemplates") or []:
            volumes.append({"name": claim["metadata"]["name"],
                            "persistentVolumeClaim": {"claimName": self._claim_name(sts, claim, ordinal)}})
        if volumes:
            spec["volumes"] = volumes
        api.create(api.resource("", "Pod"), ns, {"metadata": pod_meta, "spec": spec})
        api.record_event(sts, "Normal", "SuccessfulCreate",
                         f"create Pod {name} in StatefulSet {meta['name']} successful", "statefulset-controller")

    def _delete_pod(self, sts: Obj, pod: Obj) -> None:
        self.api.delete(self.api.resource("", "Pod"), pod["metadata"]["namespace"], pod["metadata"]["name"])
        self.api.record_event(sts, "Normal", "SuccessfulDelete",
                              f"delete Pod {pod['metadata']['name']} in StatefulSet {sts['metadata']['name']} "
                              "successful", "statefulset-controller")

    def _adopt(self, sts: Obj) -> list[Obj]:
        api, meta = self.api, sts["metadata"]
        selector = selector_from_label_selector(sts["spec"].get("selector"))
        pods = api.store.list("/pods", meta["namespace"])[0]
        owned = []
        for pod in pods:
            refs = pod["metadata"].get("ownerReferences") or []
            controller = next((r for r in refs if r.get("controller")), None)
            if controller and controller.get("uid") == meta["uid"]:
                owned.append(pod)
            elif controller is None and not is_terminating(pod) and \
                    labels_match(selector, pod["metadata"].get("labels")) and \
                    ordinal_of(meta["name"], pod["metadata"]["name"]) is not None:
                pod["metadata"]["ownerReferences"] = refs + [owner_reference(sts)]
                owned.append(api.store.replace("/pods", meta["namespace"], pod))
        return owned

    # --- the sync loop --------------------------------------------------------------------------
    def _sync(self, sts: Obj) -> None:
        spec = sts["spec"]
        replicas = spec.get("replicas", 1)
        policy = spec.get("podManagementPolicy", "OrderedReady")
        if self.behaviour.pod_management == "parallel":
            policy = "Parallel"
        elif self.behaviour.pod_management == "ordered":
            policy = "OrderedReady"
        monotonic = policy == "OrderedReady"
        update_revision = self._revision(sts)
        current_revision = (sts.get("status") or {}).get("currentRevision") or update_revision
        strategy = spec.get("updateStrategy") or {"type": "RollingUpdate"}
        partition = ((strategy.get("rollingUpdate") or {}).get("partition") or 0) if \
            strategy.get("type") == "RollingUpdate" and self.behaviour.honour_partition else 0

        pods = self._adopt(sts)
        by_ordinal: dict[int, Obj] = {}
        condemned: list[Obj] = []
        for pod in pods:
            ordinal = ordinal_of(sts["metadata"]["name"], pod["metadata"]["name"])
            if ordinal is None:
                continue
            if ordinal < replicas:
                by_ordinal[ordinal] = pod
            else:
                condemned.append(pod)
        self._update_status(sts, pods, replicas, current_revision, update_revision)

        def revision_for(ordinal: int) -> str:
            if strategy.get("type") == "RollingUpdate" and ordinal < partition:
                return current_revision
            return update_revision

        for ordinal in range(replicas):
            pod = by_ordinal.get(ordinal)
            if pod is None:
                self._create_pod(sts, ordinal, revision_for(ordinal))
                if monotonic:
                    return
                continue
            if is_terminal(pod) and not is_terminating(pod):
                self._delete_pod(sts, pod)
                if monotonic:
                    return
                continue
            if is_terminating(pod):
                if monotonic:
                    return
                continue
            if not is_running_and_ready(pod) and monotonic:
                return

        reverse = self.behaviour.scale_down_order != "forward"
        condemned.sort(key=lambda p: ordinal_of(sts["metadata"]["name"], p["metadata"]["name"]) or 0,
                       reverse=reverse)
        for pod in condemned:
            if is_terminating(pod):
                if monotonic:
                    return
                continue
            if monotonic and not all(is_running_and_ready(p) for p in by_ordinal.values()):
                return
            self._delete_pod(sts, pod)
            if monotonic:
                return

        if strategy.get("type", "RollingUpdate") != "RollingUpdate":
            return
        for ordinal in range(replicas - 1, partition - 1, -1):
            pod = by_ordinal.get(ordinal)
            if pod is None:
                return
            revision = (pod["metadata"].get("labels") or {}).get("controller-revision-hash")
            if revision != update_revision and not is_terminating(pod):
                self._delete_pod(sts, pod)
                return
            if not is_running_and_ready(pod):
                return

    def _update_status(self, sts: Obj, pods: list[Obj], replicas: int, current: str, update: str) -> None:
        live = [p for p in pods if not is_terminating(p)]
        ready = sum(1 for p in live if is_running_and_ready(p))

        def revision(p: Obj) -> str | None:
            return (p["metadata"].get("labels") or {}).get("controller-revision-hash")

        updated = sum(1 for p in live if revision(p) == update)
        current_count = sum(1 for p in live if revision(p) == current)
        if updated == replicas and ready == replicas and len(live) == replicas:
            current, current_count = update, updated
        status = {
            "observedGeneration": sts["metadata"].get("generation", 1),
            "replicas": len(live), "readyReplicas": ready, "currentReplicas": current_count,
            "updatedReplicas": updated, "availableReplicas": ready, "currentRevision": current,
            "updateRevision": update, "collisionCount": 0,
        }
        if not ready:
            del status["readyReplicas"]
        if status != sts.get("status"):
            fresh = self.api.find(self.api.resource("apps", "StatefulSet"), sts["metadata"]["namespace"],
                                  sts["metadata"]["name"])
            if fresh is not None and fresh["metadata"]["uid"] == sts["metadata"]["uid"]:
                fresh["status"] = status
                self.api.replace_status(self.api.resource("apps", "StatefulSet"), fresh)
                sts["status"] = status

