"""Structured evidence for claims: the events of a watch opened on the page's namespace before its
first step, and the questions claims ask of them.

An `Event` is one watch event (``ADDED``, ``MODIFIED``, ``DELETED``) of one object, with the object
trimmed to what claims read (names, UIDs, owners, conditions, images, claims, ports, endpoints).
Events are ordered by ``resourceVersion``: on one etcd every write gets the next revision, so two
events of any objects compare in the order the API server committed them (the order Kubernetes'
own StatefulSet e2e tests read from a watch), not in the order a second-resolution timestamp says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

ADDED, MODIFIED, DELETED = "ADDED", "MODIFIED", "DELETED"
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


@dataclass(frozen=True)
class Event:
    """One watch event; `rv` is the object's resourceVersion at that event (an etcd revision)."""

    kind: str  # Pod, PersistentVolumeClaim, StatefulSet, Service, EndpointSlice
    type: str  # ADDED | MODIFIED | DELETED
    rv: int
    object: dict[str, Any]
    seconds: float = 0.0  # when the recorder received it, from the start of the recording

    @property
    def name(self) -> str:
        return str(self.object.get("metadata", {}).get("name", ""))

    @property
    def uid(self) -> str:
        return str(self.object.get("metadata", {}).get("uid", ""))

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "type": self.type, "rv": self.rv, "t": round(self.seconds, 3), "object": self.object}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Event:
        return cls(data["kind"], data["type"], int(data["rv"]), data["object"], float(data.get("t", 0.0)))


# --- trimming: what a claim may read of an object ----------------------------------------------

def _pick(source: dict[str, Any] | None, *keys: str) -> dict[str, Any]:
    source = source or {}
    return {k: source[k] for k in keys if source.get(k) is not None}


#: Labels controllers add for their own bookkeeping; no claim reads them.
BOOKKEEPING_LABELS = frozenset({"controller-revision-hash", "apps.kubernetes.io/pod-index", "pod-template-hash",
                                "statefulset.kubernetes.io/pod-name", "endpointslice.kubernetes.io/managed-by",
                                "service.kubernetes.io/headless"})


def _metadata(raw: dict[str, Any]) -> dict[str, Any]:
    meta = raw.get("metadata") or {}
    trimmed = _pick(meta, "name", "uid", "creationTimestamp", "deletionTimestamp")
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k not in BOOKKEEPING_LABELS}
    if labels:
        trimmed["labels"] = labels
    owners = [_pick(o, "kind", "name", "uid", "controller") for o in meta.get("ownerReferences") or []]
    if owners:
        trimmed["ownerReferences"] = owners
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k.startswith(APPARMOR_ANNOTATION)}
    if annotations:
        trimmed["annotations"] = annotations
    return trimmed


def _security(context: dict[str, Any] | None) -> dict[str, Any]:
    return _pick(context, "appArmorProfile")


def _pod(raw: dict[str, Any]) -> dict[str, Any]:
    spec, status = raw.get("spec") or {}, raw.get("status") or {}
    containers = []
    for container in spec.get("containers") or []:
        item = _pick(container, "name", "image")
        if _security(container.get("securityContext")):
            item["securityContext"] = _security(container.get("securityContext"))
        containers.append(item)
    claims = [v["persistentVolumeClaim"]["claimName"] for v in spec.get("volumes") or []
              if (v.get("persistentVolumeClaim") or {}).get("claimName")]
    trimmed_spec: dict[str, Any] = {"containers": containers, **_pick(spec, "nodeName")}
    if claims:
        trimmed_spec["claims"] = claims
    if _security(spec.get("securityContext")):
        trimmed_spec["securityContext"] = _security(spec.get("securityContext"))
    conditions = [_pick(c, "type", "status", "lastTransitionTime") for c in status.get("conditions") or []
                  if c.get("type") in ("PodScheduled", "Ready")]
    return {"metadata": _metadata(raw), "spec": trimmed_spec,
            "status": {**_pick(status, "phase"), **({"conditions": conditions} if conditions else {})}}


def _claim(raw: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": _metadata(raw), "spec": _pick(raw.get("spec"), "volumeName"),
            "status": _pick(raw.get("status"), "phase")}


def _stateful_set(raw: dict[str, Any]) -> dict[str, Any]:
    spec, status = raw.get("spec") or {}, raw.get("status") or {}
    template = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    return {"metadata": _metadata(raw),
            "spec": {**_pick(spec, "replicas", "podManagementPolicy", "updateStrategy"),
                     "images": [c.get("image") for c in template]},
            "status": _pick(status, "currentRevision", "updateRevision", "readyReplicas", "replicas")}


def _service(raw: dict[str, Any]) -> dict[str, Any]:
    spec = raw.get("spec") or {}
    ports = [_pick(p, "name", "port", "nodePort", "protocol") for p in spec.get("ports") or []]
    return {"metadata": _metadata(raw),
            "spec": {**_pick(spec, "type", "externalTrafficPolicy", "healthCheckNodePort", "selector"),
                     "ports": ports}}


def _endpoint_slice(raw: dict[str, Any]) -> dict[str, Any]:
    endpoints = []
    for endpoint in raw.get("endpoints") or []:
        item = _pick(endpoint, "nodeName")
        target = endpoint.get("targetRef") or {}
        if target:
            item["targetRef"] = _pick(target, "kind", "name", "uid")
        item["ready"] = bool((endpoint.get("conditions") or {}).get("ready"))
        endpoints.append(item)
    return {"metadata": _metadata(raw), "endpoints": endpoints}


TRIM: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "Pod": _pod,
    "PersistentVolumeClaim": _claim,
    "StatefulSet": _stateful_set,
    "Service": _service,
    "EndpointSlice": _endpoint_slice,
}


def trim(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    return TRIM[kind](raw)


# --- what claims read of a trimmed object -------------------------------------------------------

def condition(obj: dict[str, Any], kind: str) -> bool:
    return any(c.get("type") == kind and c.get("status") == "True"
               for c in (obj.get("status") or {}).get("conditions") or [])


def running_and_ready(obj: dict[str, Any]) -> bool:
    return (obj.get("status") or {}).get("phase") == "Running" and condition(obj, "Ready")


def terminating(obj: dict[str, Any]) -> bool:
    return bool((obj.get("metadata") or {}).get("deletionTimestamp"))


def images(obj: dict[str, Any]) -> list[str]:
    return [str(c.get("image")) for c in (obj.get("spec") or {}).get("containers") or []]


def controller(obj: dict[str, Any]) -> dict[str, Any] | None:
    return next((o for o in (obj.get("metadata") or {}).get("ownerReferences") or [] if o.get("controller")), None)


def ordinal(name: str) -> int | None:
    head, _, tail = name.rpartition("-")
    return int(tail) if head and tail.isdigit() else None


def short(uid: str) -> str:
    return uid[:8] if uid else "?"


def pod_state(obj: dict[str, Any]) -> str:
    """A few words for a Pod, as a reader would describe the row `kubectl get -w` prints."""
    words = [str((obj.get("status") or {}).get("phase") or "?")]
    if condition(obj, "Ready"):
        words.append("Ready")
    if terminating(obj):
        words.append("terminating")
    return " ".join(words)


def describe(event: Event) -> str:
    """One line of the observed event sequence in a failure message."""
    return f"rv {event.rv:<8} {summary(event)}"


def summary(event: Event) -> str:
    """What `describe` says of an event, without its revision."""
    obj = event.object
    what = f"{event.type:<8} {event.kind}/{event.name} uid={short(event.uid)}"
    if event.kind == "Pod":
        extra = pod_state(obj) if event.type != DELETED else "gone"
        if images(obj):
            extra += f" image={','.join(images(obj))}"
        owner = controller(obj)
        extra += f" owner={owner['kind']}/{owner['name']}:{short(owner.get('uid', ''))}" if owner else " owner=none"
    elif event.kind == "PersistentVolumeClaim":
        extra = str((obj.get("status") or {}).get("phase") or "")
    elif event.kind == "StatefulSet":
        spec = obj.get("spec") or {}
        partition = ((spec.get("updateStrategy") or {}).get("rollingUpdate") or {}).get("partition")
        template_images = ",".join(map(str, spec.get("images", [])))
        extra = f"replicas={spec.get('replicas')} {spec.get('podManagementPolicy', '')} images={template_images}"
        extra += f" partition={partition}" if partition is not None else ""
    elif event.kind == "Service":
        spec = obj.get("spec") or {}
        ports = ",".join(f"{p.get('port')}:{p.get('nodePort', '-')}" for p in spec.get("ports") or [])
        extra = f"{spec.get('type')} ports={ports} externalTrafficPolicy={spec.get('externalTrafficPolicy', '-')}"
        extra += f" healthCheckNodePort={spec.get('healthCheckNodePort', '-')}"
    else:
        extra = "endpoints=" + ",".join(f"{(e.get('targetRef') or {}).get('name', '?')}@{e.get('nodeName', '?')}"
                                         f"{'' if e.get('ready') else '(not ready)'}" for e in obj.get("endpoints") or [])
    return f"{what} {extra}".rstrip()


# --- the evidence a claim is checked against ------------------------------------------------------

@dataclass
class Evidence:
    """The events recorded so far, and the window a claim looks at (events after `since`)."""

    events: list[Event]
    since: int = 0  # resourceVersion when the window began (the reader's watch was started)
    manifests: dict[str, Any] = field(default_factory=dict)  # the page's files by title, parsed

    def __post_init__(self) -> None:
        self.events = sorted(self.events, key=lambda e: e.rv)

    def window(self, kind: str | None = None, name: str | None = None) -> list[Event]:
        return [e for e in self.events if e.rv > self.since and (kind is None or e.kind == kind)
                and (name is None or e.name == name)]

    def history(self, kind: str, name: str | None = None, until: int | None = None) -> Iterator[Event]:
        for event in self.events:
            if event.kind == kind and (name is None or event.name == name) and (until is None or event.rv <= until):
                yield event

    def state(self, kind: str, name: str, at: int | None = None) -> dict[str, Any] | None:
        """The object `name` as it was at revision `at` (default: as last seen), or None if it did not exist."""
        current = None
        for event in self.history(kind, name, at):
            current = None if event.type == DELETED else event.object
        return current

    def before(self, kind: str, name: str) -> dict[str, Any] | None:
        """The object as it was when the window began."""
        return self.state(kind, name, self.since)

    def objects(self, kind: str, at: int | None = None) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for event in self.history(kind, until=at):
            if event.type == DELETED:
                found.pop(event.name, None)
            else:
                found[event.name] = event.object
        return found

    def first(self, predicate: Callable[[Event], bool], kind: str = "Pod", name: str | None = None,
              after: int | None = None) -> Event | None:
        for event in self.window(kind, name):
            if (after is None or event.rv > after) and predicate(event):
                return event
        return None

    def last_rv(self) -> int:
        return self.events[-1].rv if self.events else self.since


def created(evidence: Evidence, name: str, kind: str = "Pod") -> Event | None:
    """The first object named `name` created in the window (its ADDED event)."""
    return evidence.first(lambda e: e.type == ADDED, kind, name)


def became_ready(evidence: Evidence, pod: Event) -> Event | None:
    """The first event at which the Pod created by `pod` (same UID) is Running and Ready."""
    return evidence.first(lambda e: e.uid == pod.uid and e.type != DELETED and running_and_ready(e.object),
                          "Pod", pod.name, after=pod.rv - 1)


def termination(evidence: Evidence, name: str, uid: str | None = None) -> tuple[Event | None, Event | None]:
    """When the Pod `name` (the one with `uid`, if given) started terminating and when it was gone."""
    started = evidence.first(lambda e: (uid is None or e.uid == uid) and (terminating(e.object) or e.type == DELETED),
                             "Pod", name)
    gone = evidence.first(lambda e: (uid is None or e.uid == uid) and e.type == DELETED, "Pod", name)
    return started, gone


def sequence(evidence: Evidence, kinds: Iterable[str], names: Iterable[str], limit: int = 60) -> list[str]:
    """The observed events of these objects in the window, one line each, repeats of a line left out."""
    kinds, names = set(kinds), set(names)
    lines: list[str] = []
    last: dict[tuple[str, str], str] = {}
    for event in evidence.window():
        if event.kind not in kinds or (names and event.name not in names and not _owned_by_named(event, names)):
            continue
        key = (event.kind, event.name)
        body = summary(event).split(" ", 1)[-1]  # without the event type: a MODIFIED that changes nothing shown
        if last.get(key) == body and event.type == MODIFIED:
            continue
        last[key] = body
        lines.append(describe(event))
    if len(lines) > limit:
        lines = [*lines[: limit // 2], f"… {len(lines) - limit} more …", *lines[-limit // 2:]]
    return lines


def _owned_by_named(event: Event, names: set[str]) -> bool:
    return event.kind == "EndpointSlice" and (event.object.get("metadata", {}).get("labels") or {}).get(
        SERVICE_NAME_LABEL) in names
