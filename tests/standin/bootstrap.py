"""The objects a fresh kind-like cluster starts with: nodes, system namespaces, the `kubernetes` and
`kube-dns` Services, CoreDNS, and (if the behaviour says so) a default StorageClass."""

from __future__ import annotations

from .api import Api
from .behaviour import Behaviour
from .meta import rfc3339
from .resources import by_kind


def _node(name: str, address: str, control_plane: bool, behaviour: Behaviour) -> dict:
    labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
              "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
    spec: dict = {"podCIDR": "", "providerID": f"kind://docker/standin/{name}"}
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
        spec["taints"] = [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
    ready_message = "kubelet is posting ready status"
    if behaviour.apparmor:
        ready_message += ". AppArmor enabled"
    stamp = rfc3339()
    return {"metadata": {"name": name, "labels": labels,
                         "annotations": {"node.alpha.kubernetes.io/ttl": "0"}},
            "spec": spec,
            "status": {
                "addresses": [{"type": "InternalIP", "address": address}, {"type": "Hostname", "address": name}],
                "capacity": {"cpu": "2", "memory": "24Gi", "pods": "110", "ephemeral-storage": "100Gi"},
                "allocatable": {"cpu": "2", "memory": "24Gi", "pods": "110", "ephemeral-storage": "100Gi"},
                "conditions": [
                    {"type": t, "status": "False", "reason": r, "message": m, "lastHeartbeatTime": stamp,
                     "lastTransitionTime": stamp} for t, r, m in (
                        ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                        ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                        ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"))
                ] + [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": ready_message,
                      "lastHeartbeatTime": stamp, "lastTransitionTime": stamp}],
                "nodeInfo": {"kubeletVersion": behaviour.kubernetes_version, "kubeProxyVersion": "",
                             "osImage": "Debian GNU/Linux 12 (bookworm)", "kernelVersion": "6.12.0-standin",
                             "containerRuntimeVersion": "containerd://2.1.3", "operatingSystem": "linux",
                             "architecture": "amd64", "machineID": "", "systemUUID": "", "bootID": ""},
            }}


def bootstrap(api: Api, behaviour: Behaviour) -> None:
    ns_rt, node_rt = by_kind("", "Namespace"), by_kind("", "Node")
    for name in ("default", "kube-system", "kube-public", "kube-node-lease"):
        api.create(ns_rt, None, {"metadata": {"name": name}})
    prefix = behaviour.node_name_prefix
    names = [f"{prefix}-control-plane"] + [f"{prefix}-worker" + (str(i + 1) if i else "")
                                           for i in range(behaviour.worker_nodes)]
    for index, name in enumerate(names):
        node = api.create(node_rt, None, _node(name, f"172.18.0.{index + 2}", index == 0, behaviour))
        node["status"] = _node(name, f"172.18.0.{index + 2}", index == 0, behaviour)["status"]
        node["spec"]["podCIDR"] = f"10.244.{index}.0/24"
        node["spec"]["podCIDRs"] = [node["spec"]["podCIDR"]]
        api.store.replace(node_rt.key, "", node)
    svc_rt = by_kind("", "Service")
    api.create(svc_rt, "default", {
        "metadata": {"name": "kubernetes", "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "targetPort": 6443}]}})
    api.create(by_kind("", "Endpoints"), "default", {
        "metadata": {"name": "kubernetes", "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
        "subsets": [{"addresses": [{"ip": "172.18.0.2"}], "ports": [{"name": "https", "port": 6443,
                                                                      "protocol": "TCP"}]}]})
    if behaviour.default_storage_class:
        api.create(by_kind("storage.k8s.io", "StorageClass"), None, {
            "metadata": {"name": "standard",
                         "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete",
            "volumeBindingMode": "WaitForFirstConsumer"})
    if behaviour.system_pods:
        labels = {"k8s-app": "kube-dns"}
        api.create(by_kind("apps", "Deployment"), "kube-system", {
            "metadata": {"name": "coredns", "labels": labels},
            "spec": {"replicas": 2, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": {
                         "priorityClassName": "system-cluster-critical",
                         "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                         {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
                         "containers": [{"name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.12.1",
                                         "ports": [{"name": "dns", "containerPort": 53, "protocol": "UDP"},
                                                   {"name": "dns-tcp", "containerPort": 53},
                                                   {"name": "metrics", "containerPort": 9153}]}]}}}})
        api.create(svc_rt, "kube-system", {
            "metadata": {"name": "kube-dns", "labels": {**labels, "kubernetes.io/name": "CoreDNS"}},
            "spec": {"clusterIP": "10.96.0.10", "selector": labels, "ports": [
                {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]}})
