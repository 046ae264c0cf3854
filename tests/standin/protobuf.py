"""Decoding the protobuf request bodies that typed kubectl commands send (`kubectl create namespace`,
`create deployment`, `create secret`, `create configmap`, `create serviceaccount`, `create
[cluster]rolebinding`, `create [cluster]role`, `create service`, `run`).

The wire format is the Kubernetes envelope: the bytes ``k8s\\0``, then a `runtime.Unknown` message
(type meta, raw object bytes). The raw object is decoded with the field numbers of the
`generated.proto` files of k8s.io/api, for the messages those commands fill in. Go's generated
marshallers write value fields even when empty, so zero values are dropped, except for fields that
are pointers in Go (marked `keep`), where zero is meaningful (``replicas: 0``).
Fields without a schema here are skipped.
"""

from __future__ import annotations

import base64
import datetime as _dt
from typing import Any

from .meta import bad_request

MAGIC = b"k8s\x00"

# type spellings: "string", "int", "bool", "bytes", "time", "quantity", "intorstring",
# "map:string", "map:bytes", "map:quantity", or a message name; a trailing "[]" means repeated;
# a trailing "!" means keep the zero value.
Schema = dict[int, tuple[str, str]]

SCHEMAS: dict[str, Schema] = {
    "TypeMeta": {1: ("apiVersion", "string"), 2: ("kind", "string")},
    "Unknown": {1: ("typeMeta", "TypeMeta"), 2: ("raw", "bytes"), 3: ("contentEncoding", "string"),
                4: ("contentType", "string")},
    "ObjectMeta": {1: ("name", "string"), 2: ("generateName", "string"), 3: ("namespace", "string"),
                   5: ("uid", "string"), 6: ("resourceVersion", "string"), 7: ("generation", "int"),
                   11: ("labels", "map:string"), 12: ("annotations", "map:string"),
                   13: ("ownerReferences", "OwnerReference[]"), 14: ("finalizers", "string[]")},
    "OwnerReference": {1: ("kind", "string"), 3: ("name", "string"), 4: ("uid", "string"),
                       5: ("apiVersion", "string"), 6: ("controller", "bool!"), 7: ("blockOwnerDeletion", "bool!")},
    "LabelSelector": {1: ("matchLabels", "map:string"), 2: ("matchExpressions", "LabelSelectorRequirement[]")},
    "LabelSelectorRequirement": {1: ("key", "string"), 2: ("operator", "string"), 3: ("values", "string[]")},
    # core/v1
    "Namespace": {1: ("metadata", "ObjectMeta"), 2: ("spec", "NamespaceSpec"), 3: ("status", "NamespaceStatus")},
    "NamespaceSpec": {1: ("finalizers", "string[]")},
    "NamespaceStatus": {1: ("phase", "string")},
    "Secret": {1: ("metadata", "ObjectMeta"), 2: ("data", "map:bytes"), 3: ("type", "string"),
               4: ("stringData", "map:string"), 5: ("immutable", "bool!")},
    "ConfigMap": {1: ("metadata", "ObjectMeta"), 2: ("data", "map:string"), 3: ("binaryData", "map:bytes"),
                  4: ("immutable", "bool!")},
    "ServiceAccount": {1: ("metadata", "ObjectMeta"), 2: ("secrets", "ObjectReference[]"),
                       3: ("imagePullSecrets", "LocalObjectReference[]"),
                       4: ("automountServiceAccountToken", "bool!")},
    "ObjectReference": {1: ("kind", "string"), 2: ("namespace", "string"), 3: ("name", "string"),
                        4: ("uid", "string"), 5: ("apiVersion", "string"), 6: ("resourceVersion", "string"),
                        7: ("fieldPath", "string")},
    "LocalObjectReference": {1: ("name", "string")},
    "Pod": {1: ("metadata", "ObjectMeta"), 2: ("spec", "PodSpec"), 3: ("status", "PodStatus")},
    "PodStatus": {1: ("phase", "string")},
    "PodTemplateSpec": {1: ("metadata", "ObjectMeta"), 2: ("spec", "PodSpec")},
    "PodSpec": {1: ("volumes", "Volume[]"), 2: ("containers", "Container[]"), 3: ("restartPolicy", "string"),
                4: ("terminationGracePeriodSeconds", "int!"), 5: ("activeDeadlineSeconds", "int!"),
                6: ("dnsPolicy", "string"), 7: ("nodeSelector", "map:string"), 8: ("serviceAccountName", "string"),
                9: ("serviceAccount", "string"), 10: ("nodeName", "string"), 11: ("hostNetwork", "bool"),
                12: ("hostPID", "bool"), 13: ("hostIPC", "bool"),
                15: ("imagePullSecrets", "LocalObjectReference[]"), 16: ("hostname", "string"),
                17: ("subdomain", "string"), 19: ("schedulerName", "string"), 20: ("initContainers", "Container[]"),
                21: ("automountServiceAccountToken", "bool!"), 22: ("tolerations", "Toleration[]"),
                24: ("priorityClassName", "string"), 25: ("priority", "int!"),
                30: ("enableServiceLinks", "bool!")},
    "Container": {1: ("name", "string"), 2: ("image", "string"), 3: ("command", "string[]"),
                  4: ("args", "string[]"), 5: ("workingDir", "string"), 6: ("ports", "ContainerPort[]"),
                  7: ("env", "EnvVar[]"), 8: ("resources", "ResourceRequirements"),
                  9: ("volumeMounts", "VolumeMount[]"), 13: ("terminationMessagePath", "string"),
                  14: ("imagePullPolicy", "string"), 16: ("stdin", "bool"), 17: ("stdinOnce", "bool"),
                  18: ("tty", "bool"), 20: ("terminationMessagePolicy", "string"),
                  24: ("restartPolicy", "string")},
    "ContainerPort": {1: ("name", "string"), 2: ("hostPort", "int"), 3: ("containerPort", "int"),
                      4: ("protocol", "string"), 5: ("hostIP", "string")},
    "EnvVar": {1: ("name", "string"), 2: ("value", "string")},
    "ResourceRequirements": {1: ("limits", "map:quantity"), 2: ("requests", "map:quantity")},
    "VolumeMount": {1: ("name", "string"), 2: ("readOnly", "bool"), 3: ("mountPath", "string"),
                    4: ("subPath", "string")},
    "Volume": {1: ("name", "string")},
    "Toleration": {1: ("key", "string"), 2: ("operator", "string"), 3: ("value", "string"),
                   4: ("effect", "string"), 5: ("tolerationSeconds", "int!")},
    "Service": {1: ("metadata", "ObjectMeta"), 2: ("spec", "ServiceSpec"), 3: ("status", "ServiceStatus")},
    "ServiceStatus": {},
    "ServiceSpec": {1: ("ports", "ServicePort[]"), 2: ("selector", "map:string"), 3: ("clusterIP", "string"),
                    4: ("type", "string"), 5: ("externalIPs", "string[]"), 7: ("sessionAffinity", "string"),
                    8: ("loadBalancerIP", "string"), 9: ("loadBalancerSourceRanges", "string[]"),
                    10: ("externalName", "string"), 11: ("externalTrafficPolicy", "string"),
                    12: ("healthCheckNodePort", "int"), 13: ("publishNotReadyAddresses", "bool"),
                    17: ("ipFamilyPolicy", "string"), 18: ("clusterIPs", "string[]"),
                    19: ("ipFamilies", "string[]"), 20: ("allocateLoadBalancerNodePorts", "bool!"),
                    21: ("loadBalancerClass", "string"), 22: ("internalTrafficPolicy", "string")},
    "ServicePort": {1: ("name", "string"), 2: ("protocol", "string"), 3: ("port", "int"),
                    4: ("targetPort", "intorstring"), 5: ("nodePort", "int"), 6: ("appProtocol", "string")},
    # apps/v1
    "Deployment": {1: ("metadata", "ObjectMeta"), 2: ("spec", "DeploymentSpec"), 3: ("status", "DeploymentStatus")},
    "DeploymentStatus": {},
    "DeploymentSpec": {1: ("replicas", "int!"), 2: ("selector", "LabelSelector"), 3: ("template", "PodTemplateSpec"),
                       4: ("strategy", "DeploymentStrategy"), 5: ("minReadySeconds", "int"),
                       6: ("revisionHistoryLimit", "int!"), 7: ("paused", "bool"),
                       9: ("progressDeadlineSeconds", "int!")},
    "DeploymentStrategy": {1: ("type", "string"), 2: ("rollingUpdate", "RollingUpdateDeployment")},
    "RollingUpdateDeployment": {1: ("maxUnavailable", "intorstring"), 2: ("maxSurge", "intorstring")},
    # rbac/v1
    "ClusterRoleBinding": {1: ("metadata", "ObjectMeta"), 2: ("subjects", "Subject[]"), 3: ("roleRef", "RoleRef")},
    "RoleBinding": {1: ("metadata", "ObjectMeta"), 2: ("subjects", "Subject[]"), 3: ("roleRef", "RoleRef")},
    "Subject": {1: ("kind", "string"), 2: ("apiGroup", "string"), 3: ("name", "string"), 4: ("namespace", "string")},
    "RoleRef": {1: ("apiGroup", "string"), 2: ("kind", "string"), 3: ("name", "string")},
    "ClusterRole": {1: ("metadata", "ObjectMeta"), 2: ("rules", "PolicyRule[]")},
    "Role": {1: ("metadata", "ObjectMeta"), 2: ("rules", "PolicyRule[]")},
    "PolicyRule": {1: ("verbs", "string[]"), 2: ("apiGroups", "string[]"), 3: ("resources", "string[]"),
                   4: ("resourceNames", "string[]"), 5: ("nonResourceURLs", "string[]")},
    "Quantity": {1: ("string", "string")},
    "IntOrString": {1: ("type", "int"), 2: ("intVal", "int"), 3: ("strVal", "string")},
    "MapEntry": {1: ("key", "bytes"), 2: ("value", "bytes")},
}
KINDS = {"Namespace", "Secret", "ConfigMap", "ServiceAccount", "Pod", "Service", "Deployment", "ClusterRoleBinding",
         "RoleBinding", "ClusterRole", "Role"}


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise bad_request("protobuf: truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes) -> list[tuple[int, int, Any]]:
    """(field number, wire type, value) in order; value is an int or bytes."""
    out, pos = [], 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        elif wire == 1:
            value, pos = int.from_bytes(data[pos:pos + 8], "little"), pos + 8
        elif wire == 5:
            value, pos = int.from_bytes(data[pos:pos + 4], "little"), pos + 4
        else:
            raise bad_request(f"protobuf: unsupported wire type {wire}")
        out.append((number, wire, value))
    return out


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _scalar(kind: str, value: Any) -> Any:
    if kind == "string":
        return value.decode("utf-8")
    if kind == "int":
        return _signed(value)
    if kind == "bool":
        return bool(value)
    if kind == "bytes":
        return base64.b64encode(value).decode()
    if kind == "quantity":
        return decode_message("Quantity", value).get("string", "")
    if kind == "intorstring":
        ios = decode_message("IntOrString", value, keep_zero=True)
        return ios.get("strVal", "") if ios.get("type") == 1 else ios.get("intVal", 0)
    if kind == "time":
        seconds = decode_message("Time", value).get("seconds", 0)
        return _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return decode_message(kind, value)


def _empty(value: Any) -> bool:
    return value in ("", 0, False, None) or value == []


def decode_message(name: str, data: bytes, keep_zero: bool = False) -> dict[str, Any]:
    schema = SCHEMAS.get(name, {})
    result: dict[str, Any] = {}
    for number, _wire, value in _fields(data):
        if number not in schema:
            continue
        field, kind = schema[number]
        keep = kind.endswith("!") or keep_zero
        kind = kind.rstrip("!")
        if kind.startswith("map:"):
            entry = {n: v for n, _w, v in _fields(value)}
            key = entry.get(1, b"").decode("utf-8")
            result.setdefault(field, {})[key] = _scalar(kind[4:], entry.get(2, b""))
            continue
        if kind.endswith("[]"):
            result.setdefault(field, []).append(_scalar(kind[:-2], value))
            continue
        decoded = _scalar(kind, value)
        if keep or not _empty(decoded):
            result[field] = decoded
    return result


SCHEMAS["Time"] = {1: ("seconds", "int"), 2: ("nanos", "int")}


def decode(body: bytes) -> dict[str, Any]:
    """The JSON form of a Kubernetes protobuf request body."""
    if not body.startswith(MAGIC):
        raise bad_request("protobuf: the body does not start with the Kubernetes magic number")
    unknown = decode_message("Unknown", body[len(MAGIC):])
    type_meta = unknown.get("typeMeta", {})
    kind = type_meta.get("kind", "")
    if kind not in KINDS:
        raise bad_request(f"the stand-in API server cannot decode protobuf bodies of kind {kind or '?'}")
    raw = base64.b64decode(unknown.get("raw", ""))
    obj = decode_message(kind, raw)
    return {"apiVersion": type_meta.get("apiVersion", ""), "kind": kind, **obj}
