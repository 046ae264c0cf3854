"""Endpoints and EndpointSlices follow the pods a Service selects; a LoadBalancer Service gets an
address when the behaviour says the cluster offers load balancers (otherwise it stays <pending>)."""

from __future__ import annotations

from ..meta import labels_match, parse_label_selector, random_suffix
from ..resources import by_kind
from .base import Controller, Obj, is_running_and_ready, is_terminating


def _target_port(port: Obj, pod: Obj) -> int | None:
    target = port.get("targetPort", port.get("port"))
    if isinstance(target, int):
        return target
    for container in (pod.get("spec") or {}).get("containers") or []:
        for cport in container.get("ports") or []:
            if cport.get("name") == target:
                return cport.get("containerPort")
    return None


class ServiceController(Controller):
    name = "service"

    def reconcile(self) -> None:
        api = self.api
        svc_rt, ep_rt = by_kind("", "Service"), by_kind("", "Endpoints")
        services = api.store.list(svc_rt.key)[0]
        names = {(s["metadata"]["namespace"], s["metadata"]["name"]) for s in services}
        for ep in api.store.list(ep_rt.key)[0]:
            if (ep["metadata"]["namespace"], ep["metadata"]["name"]) not in names:
                api.store.remove(ep_rt.key, ep["metadata"]["namespace"], ep["metadata"]["name"])
        for svc in services:
            if is_terminating(svc):
                continue
            spec = svc.get("spec") or {}
            if spec.get("selector"):
                self._endpoints(svc)
            if spec.get("type") == "LoadBalancer" and self.behaviour.load_balancer and \
                    not ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress"):
                if self.matured(svc["metadata"]["uid"], "lb", self.behaviour.load_balancer_delay):
                    used = {i.get("ip") for s in api.store.list(svc_rt.key)[0]
                            for i in ((s.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []}
                    address = next(f"172.18.255.{n}" for n in range(200, 255) if f"172.18.255.{n}" not in used)
                    svc["status"] = {"loadBalancer": {"ingress": [{"ip": address, "ipMode": "VIP"}]}}
                    api.replace_status(svc_rt, svc)
                    api.record_event(svc, "Normal", "IPAllocated", f"Assigned IP [\"{address}\"]", "metallb-controller")

    def _endpoints(self, svc: Obj) -> None:
        api = self.api
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        selector = parse_label_selector(",".join(f"{k}={v}" for k, v in svc["spec"]["selector"].items()))
        pods = [p for p in api.store.list("/pods", ns)[0]
                if labels_match(selector, p["metadata"].get("labels")) and (p.get("status") or {}).get("podIP")
                and not is_terminating(p)]
        ready = [p for p in pods if is_running_and_ready(p)]
        not_ready = [p for p in pods if not is_running_and_ready(p)]

        def address(pod: Obj) -> Obj:
            entry: Obj = {"ip": pod["status"]["podIP"], "nodeName": pod["spec"].get("nodeName"),
                          "targetRef": {"kind": "Pod", "namespace": ns, "name": pod["metadata"]["name"],
                                        "uid": pod["metadata"]["uid"]}}
            if pod["spec"].get("hostname") and pod["spec"].get("subdomain") == name:
                entry["hostname"] = pod["spec"]["hostname"]
            return entry

        sample = (ready or not_ready or [None])[0]
        ports = []
        for port in svc["spec"].get("ports") or []:
            number = _target_port(port, sample) if sample else None
            if number is not None:
                entry = {"port": number, "protocol": port.get("protocol", "TCP")}
                if port.get("name"):
                    entry["name"] = port["name"]
                ports.append(entry)
        subset: Obj = {}
        if ready:
            subset["addresses"] = [address(p) for p in ready]
        if not_ready:
            subset["notReadyAddresses"] = [address(p) for p in not_ready]
        if subset and ports:
            subset["ports"] = ports
        body = {"metadata": {"name": name, "labels": dict(svc["metadata"].get("labels") or {})},
                "subsets": [subset] if subset else []}
        ep_rt = by_kind("", "Endpoints")
        current = api.find(ep_rt, ns, name)
        if current is None:
            api.create(ep_rt, ns, body)
        elif current.get("subsets", []) != body["subsets"]:
            current["subsets"] = body["subsets"]
            api.update(ep_rt, ns, name, current, check_rv=False)
        self._slice(svc, ready, not_ready, ports, address)

    def _slice(self, svc: Obj, ready: list[Obj], not_ready: list[Obj], ports: list[Obj], address) -> None:  # noqa: ANN001
        api = self.api
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        rt = by_kind("discovery.k8s.io", "EndpointSlice")
        mine = [s for s in api.store.list(rt.key, ns)[0]
                if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == name]
        endpoints = [{"addresses": [p["status"]["podIP"]], "nodeName": p["spec"].get("nodeName"),
                      "conditions": {"ready": p in ready, "serving": p in ready, "terminating": False},
                      "targetRef": address(p)["targetRef"]} for p in ready + not_ready]
        if not mine:
            api.create(rt, ns, {"metadata": {"name": f"{name}-{random_suffix(5, api.rng)}",
                                             "labels": {"kubernetes.io/service-name": name,
                                                        "endpointslice.kubernetes.io/managed-by":
                                                            "endpointslice-controller.k8s.io"},
                                             "ownerReferences": [{"apiVersion": "v1", "kind": "Service",
                                                                  "name": name, "uid": svc["metadata"]["uid"],
                                                                  "controller": True, "blockOwnerDeletion": True}]},
                                "addressType": "IPv4", "endpoints": endpoints, "ports": ports})
            return
        current = mine[0]
        if current.get("endpoints") != endpoints or current.get("ports") != ports:
            current["endpoints"], current["ports"] = endpoints, ports
            api.update(rt, ns, current["metadata"]["name"], current, check_rv=False)
