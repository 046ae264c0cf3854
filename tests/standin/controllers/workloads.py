"""Deployments (through ReplicaSets named `<deployment>-<pod-template-hash>`), ReplicaSets (pods named
`<replicaset>-<5 random characters>`) and DaemonSets (one pod per schedulable node).

Simplification: a Deployment's rolling update scales the new ReplicaSet to full size and the old
ones to zero once the new pods are available (no maxSurge/maxUnavailable stepping)."""

from __future__ import annotations

import copy

from ..api import owner_reference
from ..meta import rfc3339, template_hash
from .base import Controller, Obj, is_running_and_ready, is_terminating


def _pods_of(controller: Controller, owner: Obj) -> list[Obj]:
    return controller.api.owned_by(controller.api.resource("", "Pod"), owner["metadata"]["namespace"],
                                   owner["metadata"]["uid"])


def _write_status(controller: Controller, group: str, kind: str, obj: Obj, status: Obj) -> None:
    if status == obj.get("status"):
        return
    rt = controller.api.resource(group, kind)
    fresh = controller.api.find(rt, obj["metadata"].get("namespace"), obj["metadata"]["name"])
    if fresh is not None and fresh["metadata"]["uid"] == obj["metadata"]["uid"]:
        fresh["status"] = status
        controller.api.replace_status(rt, fresh)


class ReplicaSetController(Controller):
    name = "replicaset"

    def reconcile(self) -> None:
        api = self.api
        for rs in api.store.list("apps/replicasets")[0]:
            if is_terminating(rs):
                continue
            pods = [p for p in _pods_of(self, rs) if not is_terminating(p)]
            wanted = rs["spec"].get("replicas", 1)
            if len(pods) < wanted:
                for _ in range(wanted - len(pods)):
                    self._create(rs)
            elif len(pods) > wanted:
                ranked = sorted(pods, key=lambda p: (is_running_and_ready(p), bool(p["spec"].get("nodeName")),
                                                     p["metadata"]["creationTimestamp"]))
                for pod in ranked[: len(pods) - wanted]:
                    api.delete(api.resource("", "Pod"), pod["metadata"]["namespace"], pod["metadata"]["name"])
                    api.record_event(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}",
                                     "replicaset-controller")
            pods = [p for p in _pods_of(self, rs) if not is_terminating(p)]
            ready = sum(1 for p in pods if is_running_and_ready(p))
            status = {"replicas": len(pods), "fullyLabeledReplicas": len(pods), "readyReplicas": ready,
                      "availableReplicas": ready, "observedGeneration": rs["metadata"].get("generation", 1)}
            if not ready:
                del status["readyReplicas"], status["availableReplicas"]
            if not pods:
                status = {"replicas": 0, "observedGeneration": status["observedGeneration"]}
            _write_status(self, "apps", "ReplicaSet", rs, status)

    def _create(self, rs: Obj) -> None:
        template = copy.deepcopy(rs["spec"]["template"])
        meta = template.get("metadata") or {}
        meta.update(generateName=rs["metadata"]["name"] + "-", ownerReferences=[owner_reference(rs)])
        meta.pop("name", None)
        pod = self.api.create(self.api.resource("", "Pod"), rs["metadata"]["namespace"],
                              {"metadata": meta, "spec": template.get("spec") or {}})
        self.api.record_event(rs, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}",
                              "replicaset-controller")


class DeploymentController(Controller):
    name = "deployment"

    def reconcile(self) -> None:
        for deploy in self.api.store.list("apps/deployments")[0]:
            if not is_terminating(deploy):
                self._sync(deploy)

    def _sync(self, deploy: Obj) -> None:
        api = self.api
        rs_rt = api.resource("apps", "ReplicaSet")
        ns = deploy["metadata"]["namespace"]
        spec = deploy["spec"]
        template = copy.deepcopy(spec["template"])
        template.setdefault("metadata", {}).setdefault("labels", {}).pop("pod-template-hash", None)
        pod_hash = template_hash(template)
        new_name = f"{deploy['metadata']['name']}-{pod_hash}"
        owned = api.owned_by(rs_rt, ns, deploy["metadata"]["uid"])
        new = next((r for r in owned if r["metadata"]["name"] == new_name), None)
        old = [r for r in owned if r["metadata"]["name"] != new_name]
        wanted = spec.get("replicas", 1)
        revision = str(max([int((r["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision",
                                                                             "0")) for r in owned] + [0]) +
                       (0 if new else 1))
        if new is None:
            template["metadata"]["labels"]["pod-template-hash"] = pod_hash
            selector = copy.deepcopy(spec["selector"])
            selector.setdefault("matchLabels", {})["pod-template-hash"] = pod_hash
            start = 0 if (spec.get("strategy") or {}).get("type") == "Recreate" and \
                any(r["spec"].get("replicas") for r in old) else wanted
            new = api.create(rs_rt, ns, {
                "metadata": {"name": new_name, "labels": dict(template["metadata"]["labels"]),
                             "annotations": {"deployment.kubernetes.io/revision": revision,
                                             "deployment.kubernetes.io/desired-replicas": str(wanted),
                                             "deployment.kubernetes.io/max-replicas": str(wanted)},
                             "ownerReferences": [owner_reference(deploy)]},
                "spec": {"replicas": start, "selector": selector, "template": template}})
            api.record_event(deploy, "Normal", "ScalingReplicaSet",
                             f"Scaled up replica set {new_name} from 0 to {start}", "deployment-controller")
        recreate = (spec.get("strategy") or {}).get("type") == "Recreate"
        old_live = [r for r in old if r["spec"].get("replicas") or (r.get("status") or {}).get("replicas")]
        if recreate and old_live:
            for r in old_live:
                if r["spec"].get("replicas"):
                    self._scale(deploy, r, 0)
        elif new["spec"].get("replicas") != wanted:
            self._scale(deploy, new, wanted)
        elif old_live and (new.get("status") or {}).get("availableReplicas", 0) >= wanted:
            for r in old_live:
                if r["spec"].get("replicas"):
                    self._scale(deploy, r, 0)
        self._status(deploy, new, old)

    def _scale(self, deploy: Obj, rs: Obj, replicas: int) -> None:
        before = rs["spec"].get("replicas", 0)
        rs["spec"]["replicas"] = replicas
        rs["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/desired-replicas"] = \
            str(deploy["spec"].get("replicas", 1))
        self.api.update(self.api.resource("apps", "ReplicaSet"), rs["metadata"]["namespace"],
                        rs["metadata"]["name"], rs, check_rv=False)
        verb = "up" if replicas > before else "down"
        self.api.record_event(deploy, "Normal", "ScalingReplicaSet",
                              f"Scaled {verb} replica set {rs['metadata']['name']} from {before} to {replicas}",
                              "deployment-controller")

    def _status(self, deploy: Obj, new: Obj, old: list[Obj]) -> None:
        everything = [new] + old
        replicas = sum((r.get("status") or {}).get("replicas", 0) for r in everything)
        ready = sum((r.get("status") or {}).get("readyReplicas", 0) for r in everything)
        available = sum((r.get("status") or {}).get("availableReplicas", 0) for r in everything)
        updated = (new.get("status") or {}).get("replicas", 0)
        wanted = deploy["spec"].get("replicas", 1)
        previous = {c["type"]: c for c in (deploy.get("status") or {}).get("conditions") or []}
        stamp = rfc3339()

        def condition(kind: str, status: str, reason: str, message: str) -> Obj:
            old_cond = previous.get(kind)
            if old_cond and old_cond.get("status") == status and old_cond.get("reason") == reason:
                return old_cond
            return {"type": kind, "status": status, "lastUpdateTime": stamp, "lastTransitionTime": stamp,
                    "reason": reason, "message": message}

        complete = updated == wanted and available >= wanted and replicas == wanted
        conditions = [
            condition("Available", "True" if available >= wanted else "False",
                      "MinimumReplicasAvailable" if available >= wanted else "MinimumReplicasUnavailable",
                      "Deployment has minimum availability." if available >= wanted
                      else "Deployment does not have minimum availability."),
            condition("Progressing", "True", "NewReplicaSetAvailable" if complete else "ReplicaSetUpdated",
                      f'ReplicaSet "{new["metadata"]["name"]}" has successfully progressed.' if complete
                      else f'ReplicaSet "{new["metadata"]["name"]}" is progressing.'),
        ]
        status: Obj = {"observedGeneration": deploy["metadata"].get("generation", 1), "replicas": replicas,
                       "updatedReplicas": updated, "readyReplicas": ready, "availableReplicas": available,
                       "conditions": conditions}
        if replicas - available > 0:
            status["unavailableReplicas"] = replicas - available
        for key in ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas"):
            if not status[key]:
                del status[key]
        annotations = deploy["metadata"].get("annotations") or {}
        revision = (new["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision")
        if revision and annotations.get("deployment.kubernetes.io/revision") != revision:
            fresh = self.api.find(self.api.resource("apps", "Deployment"), deploy["metadata"]["namespace"],
                                  deploy["metadata"]["name"])
            if fresh is not None:
                fresh["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/revision"] = revision
                self.api.store.replace("apps/deployments", fresh["metadata"]["namespace"], fresh)
                deploy = fresh
        _write_status(self, "apps", "Deployment", deploy, status)


class DaemonSetController(Controller):
    name = "daemonset"

    def reconcile(self) -> None:
        api = self.api
        nodes = api.store.list("/nodes")[0]
        for ds in api.store.list("apps/daemonsets")[0]:
            if is_terminating(ds):
                continue
            template = ds["spec"]["template"]
            tolerations = (template.get("spec") or {}).get("tolerations") or []
            eligible = [n for n in nodes if not any(
                t.get("effect") == "NoSchedule" and not any(
                    tol.get("operator") == "Exists" and (not tol.get("key") or tol.get("key") == t.get("key"))
                    or tol.get("key") == t.get("key") for tol in tolerations)
                for t in (n.get("spec") or {}).get("taints") or [])]
            pods = [p for p in _pods_of(self, ds) if not is_terminating(p)]
            by_node = {p["spec"].get("nodeName"): p for p in pods}
            for node in eligible:
                name = node["metadata"]["name"]
                if name not in by_node:
                    meta = copy.deepcopy(template.get("metadata") or {})
                    meta.update(generateName=ds["metadata"]["name"] + "-", ownerReferences=[owner_reference(ds)])
                    spec = copy.deepcopy(template.get("spec") or {})
                    spec["nodeName"] = name
                    pod = api.create(api.resource("", "Pod"), ds["metadata"]["namespace"],
                                     {"metadata": meta, "spec": spec})
                    api.record_event(ds, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}",
                                     "daemonset-controller")
            pods = [p for p in _pods_of(self, ds) if not is_terminating(p)]
            ready = sum(1 for p in pods if is_running_and_ready(p))
            status = {"desiredNumberScheduled": len(eligible), "currentNumberScheduled": len(pods),
                      "numberReady": ready, "numberAvailable": ready, "updatedNumberScheduled": len(pods),
                      "numberMisscheduled": 0, "observedGeneration": ds["metadata"].get("generation", 1)}
            if len(pods) - ready:
                status["numberUnavailable"] = len(pods) - ready
            _write_status(self, "apps", "DaemonSet", ds, status)

