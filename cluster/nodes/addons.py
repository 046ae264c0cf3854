"""What a small real cluster has besides its nodes: CoreDNS, a default StorageClass backed by
local-path-provisioner, and MetalLB in layer-2 mode. Each runs as Pods from the images assembled
here (`images`), from the binaries built from their pinned Go modules.

The Deployments, Services and ConfigMaps below are written here. MetalLB's own resource definitions
(its CRDs and RBAC roles) are read from the pinned module in the Go module cache and applied as
MetalLB ships them, with the namespace set as its kustomization does.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import yaml

from cluster import build
from cluster.nodes import layout

COREDNS_IMAGE = "k8s-tutorials.local/coredns:v1.15.0"
LOCAL_PATH_IMAGE = "k8s-tutorials.local/local-path-provisioner:v0.0.30"
HELPER_IMAGE = "k8s-tutorials.local/busybox:1.35"
METALLB_CONTROLLER_IMAGE = "k8s-tutorials.local/metallb-controller:v0.16.1"
METALLB_SPEAKER_IMAGE = "k8s-tutorials.local/metallb-speaker:v0.16.1"
METALLB_NAMESPACE = "metallb-system"
STORAGE_CLASS = "standard"

COREFILE = f"""\
.:53 {{
    errors
    health :8080
    ready :8181
    kubernetes {layout.CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {{
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }}
    cache 30
    loadbalance
}}
"""

Manifest = dict[str, Any]


def _meta(name: str, namespace: str = "", **labels: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = dict(labels)
    return meta


def _service_account_with_role(name: str, namespace: str, rules: list[dict[str, Any]]) -> list[Manifest]:
    role = f"k8s-tutorials:{name}"
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(name, namespace)},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": _meta(role), "rules": rules},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": _meta(role),
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
         "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": namespace}]},
    ]


def coredns() -> list[Manifest]:
    """CoreDNS answering for cluster.local behind the Service kube-dns (10.96.0.10), as kubelet's clusterDNS says."""
    ns = "kube-system"
    labels = {"k8s-app": "kube-dns"}
    read = ["get", "list", "watch"]
    rules = [{"apiGroups": [""], "resources": ["endpoints", "services", "pods", "namespaces"], "verbs": ["list", "watch"]},
             {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": ["list", "watch"]},
             {"apiGroups": [""], "resources": ["nodes"], "verbs": read}]
    pod = {"serviceAccountName": "coredns", "dnsPolicy": "Default", "priorityClassName": "system-cluster-critical",
           "containers": [{"name": "coredns", "image": COREDNS_IMAGE, "args": ["-conf", "/etc/coredns/Corefile"],
                           "ports": [{"name": "dns", "containerPort": 53, "protocol": "UDP"},
                                     {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"}],
                           "readinessProbe": {"httpGet": {"path": "/ready", "port": 8181}, "periodSeconds": 2},
                           "livenessProbe": {"httpGet": {"path": "/health", "port": 8080}},
                           "volumeMounts": [{"name": "config", "mountPath": "/etc/coredns", "readOnly": True}]}],
           "volumes": [{"name": "config", "configMap": {"name": "coredns"}}]}
    return [
        *_service_account_with_role("coredns", ns, rules),
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("coredns", ns), "data": {"Corefile": COREFILE}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta("coredns", ns, **labels),
         "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                  "template": {"metadata": {"labels": labels}, "spec": pod}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": _meta("kube-dns", ns, **labels, **{"kubernetes.io/name": "CoreDNS"}),
         "spec": {"selector": labels, "clusterIP": layout.CLUSTER_DNS,
                  "ports": [{"name": "dns", "port": 53, "protocol": "UDP"}, {"name": "dns-tcp", "port": 53, "protocol": "TCP"}]}},
    ]


_SETUP = '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"\n'
_TEARDOWN = '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"\n'
_HELPER_POD = f"""\
apiVersion: v1
kind: Pod
metadata:
  name: helper-pod
spec:
  priorityClassName: system-node-critical
  tolerations:
  - key: node.kubernetes.io/disk-pressure
    operator: Exists
    effect: NoSchedule
  containers:
  - name: helper-pod
    image: {HELPER_IMAGE}
    imagePullPolicy: Never
"""


def local_path() -> list[Manifest]:
    """local-path-provisioner, and `standard` as the default StorageClass (what kind names it)."""
    ns = "local-path-storage"
    account = "local-path-provisioner-service-account"
    config = {"nodePathMap": [{"node": node.name, "paths": [str(layout.member_dir(node.name) / "volumes")]}
                              for node in layout.NODES]}
    read = ["get", "list", "watch"]
    rules = [{"apiGroups": [""], "resources": ["nodes", "persistentvolumeclaims", "configmaps", "pods", "pods/log"],
              "verbs": read},
             {"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": [*read, "create", "patch", "update", "delete"]},
             {"apiGroups": [""], "resources": ["pods"], "verbs": ["create", "delete"]},
             {"apiGroups": [""], "resources": ["events"], "verbs": ["create", "patch"]},
             {"apiGroups": ["storage.k8s.io"], "resources": ["storageclasses"], "verbs": ["get", "list", "watch"]},
             {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": [*read, "create", "update", "patch"]}]
    labels = {"app": "local-path-provisioner"}
    pod = {"serviceAccountName": account,
           "containers": [{"name": "provisioner", "image": LOCAL_PATH_IMAGE,
                           "command": ["/usr/local/bin/local-path-provisioner", "--debug", "start",
                                       "--config", "/etc/config/config.json",
                                       "--helper-pod-file", "/etc/config/helperPod.yaml"],
                           "env": [{"name": "POD_NAMESPACE",
                                    "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                                   {"name": "HELPER_IMAGE", "value": HELPER_IMAGE},
                                   {"name": "CONFIG_MOUNT_PATH", "value": "/etc/config/"}],
                           "volumeMounts": [{"name": "config", "mountPath": "/etc/config/"}]}],
           "volumes": [{"name": "config", "configMap": {"name": "local-path-config"}}]}
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": _meta(ns)},
        *_service_account_with_role(account, ns, rules),
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("local-path-config", ns),
         "data": {"config.json": json.dumps(config, indent=1), "setup": _SETUP, "teardown": _TEARDOWN,
                  "helperPod.yaml": _HELPER_POD}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta("local-path-provisioner", ns, **labels),
         "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                  "template": {"metadata": {"labels": labels}, "spec": pod}}},
        {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
         "metadata": {"name": STORAGE_CLASS, "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
         "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer"},
    ]


def metallb_source() -> Path:
    env_cmd = ["go", "list", "-m", "-f", "{{.Dir}}", "go.universe.tf/metallb"]
    done = subprocess.run(env_cmd, cwd=build.HERE / "metallb", capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise build.BuildError(f"MetalLB: `{' '.join(env_cmd)}` in cluster/metallb failed: {done.stderr.strip()[-400:]}")
    return Path(done.stdout.strip())


_CLUSTER_SCOPED = {"ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "Namespace"}


def _in_namespace(documents: list[Manifest], namespace: str) -> list[Manifest]:
    """What MetalLB's kustomization does to its RBAC: the namespace on namespaced objects and on subjects."""
    for document in documents:
        if document.get("kind") not in _CLUSTER_SCOPED:
            document.setdefault("metadata", {})["namespace"] = namespace
        for subject in document.get("subjects") or []:
            if subject.get("kind") == "ServiceAccount":
                subject["namespace"] = namespace
    return documents


def metallb_shipped() -> list[Manifest]:
    """MetalLB's CRDs and RBAC as the pinned module ships them."""
    source = metallb_source() / "config"
    documents: list[Manifest] = []
    for path in sorted((source / "crd" / "bases").glob("*.yaml")):
        documents += [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    for name in ("role.yaml", "service-accounts.yaml"):
        documents += _in_namespace([d for d in yaml.safe_load_all((source / "rbac" / name).read_text(encoding="utf-8")) if d],
                                   METALLB_NAMESPACE)
    return documents


def metallb() -> list[Manifest]:
    """MetalLB's controller and speakers (layer 2)."""
    ns = METALLB_NAMESPACE
    env = [{"name": "METALLB_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
           {"name": "METALLB_POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]
    controller = {"serviceAccountName": "controller",
                  "containers": [{"name": "controller", "image": METALLB_CONTROLLER_IMAGE,
                                  "args": ["--port=0", "--webhook-mode=disabled", "--disable-cert-rotation=true",
                                           "--log-level=info"],
                                  "env": [*env, {"name": "METALLB_DEPLOYMENT", "value": "controller"}]}]}
    speaker = {"serviceAccountName": "speaker", "hostNetwork": True,
               "tolerations": [{"operator": "Exists"}],
               "containers": [{"name": "speaker", "image": METALLB_SPEAKER_IMAGE,
                               "args": ["--port=0", "--log-level=info"],
                               "env": [*env, {"name": "METALLB_NODE_NAME",
                                              "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
                               "securityContext": {"capabilities": {"add": ["NET_RAW"], "drop": ["ALL"]}}}]}
    return [
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": _meta("controller", ns, app="metallb", component="controller"),
         "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "metallb", "component": "controller"}},
                  "template": {"metadata": {"labels": {"app": "metallb", "component": "controller"}}, "spec": controller}}},
        {"apiVersion": "apps/v1", "kind": "DaemonSet",
         "metadata": _meta("speaker", ns, app="metallb", component="speaker"),
         "spec": {"selector": {"matchLabels": {"app": "metallb", "component": "speaker"}},
                  "template": {"metadata": {"labels": {"app": "metallb", "component": "speaker"}}, "spec": speaker}}},
    ]


def metallb_pool() -> list[Manifest]:
    """The part of the lab subnet MetalLB hands out, announced by ARP on the nodes' lab interface."""
    low, high = layout.LOAD_BALANCER_RANGE
    ns = METALLB_NAMESPACE
    return [
        {"apiVersion": "metallb.io/v1beta1", "kind": "IPAddressPool", "metadata": _meta("lab", ns),
         "spec": {"addresses": [f"{low}-{high}"]}},
        {"apiVersion": "metallb.io/v1beta1", "kind": "L2Advertisement", "metadata": _meta("lab", ns),
         "spec": {"ipAddressPools": ["lab"], "interfaces": ["eth0"]}},
    ]


def metallb_namespace() -> Manifest:
    # MetalLB's speakers need the host network and NET_RAW: its namespace is privileged, as MetalLB's own is.
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": METALLB_NAMESPACE, "labels": {"pod-security.kubernetes.io/enforce": "privileged"}}}


def dump(documents: list[Manifest]) -> str:
    return yaml.safe_dump_all(documents, sort_keys=False)
