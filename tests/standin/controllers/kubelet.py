"""The scheduler and the kubelets: pods go Pending -> scheduled -> ContainerCreating -> Running/Ready,
and a deleted pod goes Terminating -> containers stopped -> removed. No container ever runs."""

from __future__ import annotations

import ipaddress

from ..meta import rfc3339
from .base import Controller, Obj, is_terminal

CONDITION_TYPES = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")


def _conditions(**status: str) -> list[Obj]:
    stamp = rfc3339()
    return [{"type": t, "status": status[t], "lastProbeTime": None, "lastTransitionTime": stamp}
            for t in CONDITION_TYPES if t in status]


def _merge_conditions(old: list[Obj], new: list[Obj]) -> list[Obj]:
    by_type = {c["type"]: c for c in old}
    for cond in new:
        previous = by_type.get(cond["type"])
        if previous and previous.get("status") == cond["status"]:
            continue
        by_type[cond["type"]] = cond
    return [by_type[t] for t in CONDITION_TYPES if t in by_type] + \
        [c for t, c in by_type.items() if t not in CONDITION_TYPES]


class Kubelet(Controller):
    name = "kubelet"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._next_ip: dict[str, int] = {}

    # --- scheduling -----------------------------------------------------------------------------
    def _nodes(self) -> list[Obj]:
        return self.api.store.list("/nodes")[0]

    def _fits(self, pod: Obj, node: Obj) -> bool:
        spec = pod.get("spec") or {}
        if (node.get("spec") or {}).get("unschedulable"):
            return False
        labels = node["metadata"].get("labels") or {}
        if any(labels.get(k) != v for k, v in (spec.get("nodeSelector") or {}).items()):
            return False
        tolerations = spec.get("tolerations") or []
        for taint in (node.get("spec") or {}).get("taints") or []:
            if taint.get("effect") not in ("NoSchedule", "NoExecute"):
                continue
            if not any(t.get("operator") == "Exists" and (not t.get("key") or t.get("key") == taint.get("key"))
                       or t.get("key") == taint.get("key") and t.get("value") == taint.get("value")
                       for t in tolerations):
                return False
        return True

    def _schedule(self, pod: Obj) -> None:
        nodes = self._nodes()
        fitting = [n for n in nodes if self._fits(pod, n)]
        if not fitting:
            pod.setdefault("status", {})["conditions"] = [{
                "type": "PodScheduled", "status": "False", "lastProbeTime": None,
                "lastTransitionTime": rfc3339(), "reason": "Unschedulable",
                "message": f"0/{len(nodes)} nodes are available: {len(nodes)} node(s) didn't match Pod's node "
                           "affinity/selector or had untolerated taints. preemption: 0/"
                           f"{len(nodes)} nodes are available: {len(nodes)} Preemption is not helpful for "
                           "scheduling."}]
            self.api.replace_status(self.api.resource("", "Pod"), pod)
            self.api.record_event(pod, "Warning", "FailedScheduling", pod["status"]["conditions"][0]["message"],
                                  "default-scheduler")
            return
        pods = self.api.store.list("/pods")[0]
        load = {n["metadata"]["name"]: 0 for n in fitting}
        for other in pods:
            node_name = (other.get("spec") or {}).get("nodeName")
            if node_name in load and not is_terminal(other):
                load[node_name] += 1
        chosen = min(fitting, key=lambda n: (load[n["metadata"]["name"]], n["metadata"]["name"]))
        name = chosen["metadata"]["name"]
        pod["spec"]["nodeName"] = name
        status = pod.setdefault("status", {})
        status["conditions"] = _merge_conditions(status.get("conditions") or [], _conditions(PodScheduled="True"))
        self.api.store.replace("/pods", pod["metadata"]["namespace"], pod)
        self.api.record_event(pod, "Normal", "Scheduled",
                              f"Successfully assigned {pod['metadata']['namespace']}/{pod['metadata']['name']} "
                              f"to {name}", "default-scheduler")

    # --- pod lifecycle --------------------------------------------------------------------------
    def _claims_bound(self, pod: Obj) -> bool:
        for vol in (pod.get("spec") or {}).get("volumes") or []:
            claim = vol.get("persistentVolumeClaim")
            if claim:
                pvc = self.api.store.get("/persistentvolumeclaims", pod["metadata"]["namespace"], claim["claimName"])
                if pvc is None or (pvc.get("status") or {}).get("phase") != "Bound":
                    return False
        return True

    def _pod_ip(self, node_name: str) -> str:
        nodes = sorted(n["metadata"]["name"] for n in self._nodes())
        index = nodes.index(node_name) if node_name in nodes else 0
        network = ipaddress.ip_network(self.behaviour.pod_cidr)
        subnet = list(network.subnets(new_prefix=24))[index + 1]
        used = {ip.get("ip") for p in self.api.store.list("/pods")[0]
                for ip in (p.get("status") or {}).get("podIPs") or []}
        counter = self._next_ip.get(node_name, 1)
        while True:
            counter = counter % 250 + 1
            candidate = str(subnet[counter + 1])
            if candidate not in used:
                self._next_ip[node_name] = counter
                return candidate

    def _host_ip(self, node_name: str) -> str:
        node = self.api.store.get("/nodes", "", node_name) or {}
        for address in (node.get("status") or {}).get("addresses") or []:
            if address.get("type") == "InternalIP":
                return address["address"]
        return ""

    def _start_creating(self, pod: Obj) -> None:
        status = pod.setdefault("status", {})
        node = pod["spec"]["nodeName"]
        status["hostIP"] = self._host_ip(node)
        status["hostIPs"] = [{"ip": status["hostIP"]}]
        status["startTime"] = rfc3339()
        status["conditions"] = _merge_conditions(status.get("conditions") or [], _conditions(
            PodReadyToStartContainers="False", Initialized="True", Ready="False", ContainersReady="False"))
        for cond in status["conditions"]:
            if cond["type"] in ("Ready", "ContainersReady") and cond["status"] == "False":
                cond["reason"] = "ContainersNotReady"
                names = " ".join(c["name"] for c in pod["spec"]["containers"])
                cond["message"] = f"containers with unready status: [{names}]"
        status["containerStatuses"] = [{
            "name": c["name"], "image": c.get("image", ""), "imageID": "", "ready": False, "restartCount": 0,
            "started": False, "state": {"waiting": {"reason": "ContainerCreating"}}, "lastState": {},
            "volumeMounts": [{"name": m.get("name"), "mountPath": m.get("mountPath")}
                             for m in c.get("volumeMounts") or []],
        } for c in pod["spec"]["containers"]]
        self.api.replace_status(self.api.resource("", "Pod"), pod)

    def _start_running(self, pod: Obj) -> None:
        status = pod["status"]
        node = pod["spec"]["nodeName"]
        failing = [c for c in pod["spec"]["containers"] if c.get("image") in self.behaviour.failing_images]
        if failing:
            if all((cs.get("state") or {}).get("waiting", {}).get("reason") == "ImagePullBackOff"
                   for cs in status["containerStatuses"] if cs["image"] in self.behaviour.failing_images):
                return
            for cs in status["containerStatuses"]:
                if cs["image"] in self.behaviour.failing_images:
                    reason = "ErrImagePull" if cs["state"].get("waiting", {}).get("reason") == "ContainerCreating" \
                        else "ImagePullBackOff"
                    cs["state"] = {"waiting": {"reason": reason,
                                               "message": f'failed to pull image "{cs["image"]}": not found'}}
            self.api.replace_status(self.api.resource("", "Pod"), pod)
            for c in failing:
                self.api.record_event(pod, "Warning", "Failed", f'Failed to pull image "{c["image"]}": not found',
                                      "kubelet", node)
            return
        ip = self._pod_ip(node)
        status["phase"] = "Running"
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
        status["conditions"] = _merge_conditions(status["conditions"], _conditions(
            PodReadyToStartContainers="True", Ready="True", ContainersReady="True"))
        for cond in status["conditions"]:
            if cond["status"] == "True":
                cond.pop("reason", None)
                cond.pop("message", None)
        started = rfc3339()
        for cs in status["containerStatuses"]:
            cs.update(ready=True, started=True, state={"running": {"startedAt": started}},
                      imageID=f"{cs['image'].split(':')[0]}@sha256:{'0' * 64}",
                      containerID=f"containerd://{pod['metadata']['uid'].replace('-', '')}{cs['name']}"[:77])
        self.api.replace_status(self.api.resource("", "Pod"), pod)
        for c in pod["spec"]["containers"]:
            self.api.record_event(pod, "Normal", "Pulled", f'Container image "{c["image"]}" already present on '
                                                           "machine", "kubelet", node)
            self.api.record_event(pod, "Normal", "Created", f"Created container: {c['name']}", "kubelet", node)
            self.api.record_event(pod, "Normal", "Started", f"Started container {c['name']}", "kubelet", node)

    def _stop(self, pod: Obj) -> None:
        status = pod.setdefault("status", {})
        stamp = rfc3339()
        for cs in status.get("containerStatuses") or []:
            running = (cs.get("state") or {}).get("running")
            cs.update(ready=False, started=False, state={"terminated": {
                "exitCode": 0, "reason": "Completed", "startedAt": (running or {}).get("startedAt", stamp),
                "finishedAt": stamp, "containerID": cs.get("containerID", "")}})
        status["conditions"] = _merge_conditions(status.get("conditions") or [], _conditions(
            PodReadyToStartContainers="False", Ready="False", ContainersReady="False"))
        if self.behaviour.terminal_phase_on_delete and status.get("phase") == "Running":
            status["phase"] = self.behaviour.terminal_phase_on_delete
        self.api.replace_status(self.api.resource("", "Pod"), pod)

    def reconcile(self) -> None:
        pods = self.api.store.list("/pods")[0]
        self.forget({p["metadata"]["uid"] for p in pods})
        for pod in pods:
            uid = pod["metadata"]["uid"]
            spec, status = pod.get("spec") or {}, pod.get("status") or {}
            node = spec.get("nodeName")
            if pod["metadata"].get("deletionTimestamp"):
                stopped = all((cs.get("state") or {}).get("terminated") for cs in status.get("containerStatuses")
                              or []) and status.get("containerStatuses")
                if not node:
                    self.api.finish_pod_deletion(pod)
                elif not stopped:
                    if self.matured(uid, "stopping", self.behaviour.stop_delay):
                        if status.get("containerStatuses"):
                            for c in spec.get("containers") or []:
                                self.api.record_event(pod, "Normal", "Killing", f"Stopping container {c['name']}",
                                                      "kubelet", node)
                            self._stop(pod)
                        else:
                            self.api.finish_pod_deletion(pod)
                elif self.matured(uid, "removing", self.behaviour.remove_delay):
                    self.api.finish_pod_deletion(pod)
                continue
            if is_terminal(pod):
                continue
            if not node:
                scheduled_false = any(c.get("type") == "PodScheduled" and c.get("status") == "False"
                                      for c in status.get("conditions") or [])
                delay = self.behaviour.schedule_delay * (10 if scheduled_false else 1)
                if self.matured(uid, "scheduling" + str(scheduled_false), delay):
                    self._schedule(pod)
                continue
            statuses = status.get("containerStatuses")
            if not statuses:
                if self.matured(uid, "kubelet", self.behaviour.kubelet_delay):
                    self._start_creating(pod)
                continue
            waiting = [cs for cs in statuses if (cs.get("state") or {}).get("waiting")]
            if waiting and self._claims_bound(pod):
                reason = waiting[0]["state"]["waiting"].get("reason")
                if self.matured(uid, "start-" + str(reason), self.behaviour.start_delay):
                    self._start_running(pod)
