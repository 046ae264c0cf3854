"""The live evidence for claims: one watch per kind of object on the page's namespace, opened right
after the namespace is created (so before every action of the page), each event kept in order.

Nothing here polls: the watches push events, and a claim waits on a condition variable until the
events its checker needs have arrived (or its timeout passes). `mark()` reads the API server's
current resourceVersion, so a claim's window is "everything committed after the reader's watch
started", whatever the network delay of the recorder's own watches.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from verify import kubeapi
from verify.claims.evidence import Event, Evidence, trim

#: kind → (API group and version path, resource): what the recorder watches in the page's namespace.
KINDS: dict[str, tuple[str, str]] = {
    "Pod": ("/api/v1", "pods"),
    "PersistentVolumeClaim": ("/api/v1", "persistentvolumeclaims"),
    "StatefulSet": ("/apis/apps/v1", "statefulsets"),
    "Service": ("/api/v1", "services"),
    "EndpointSlice": ("/apis/discovery.k8s.io/v1", "endpointslices"),
}
WATCH_SECONDS = 20  # each watch request ends after this long and is resumed from the last resourceVersion


class RecorderError(RuntimeError):
    """The watches could not be opened."""


class Recorder:
    """Records every event of `KINDS` in `namespace` until `stop()`."""

    def __init__(self, api_client: Any, namespace: str, kinds: dict[str, tuple[str, str]] | None = None) -> None:
        from kubernetes import client

        # A client of its own (its own connection pool) for the long-lived watches.
        self.api_client = client.ApiClient(configuration=api_client.configuration)
        self.namespace = namespace
        self.kinds = dict(kinds or KINDS)
        self.events: list[Event] = []
        self.marks: list[tuple[str, int]] = []
        self.claims: list[dict[str, Any]] = []  # what each claim was checked against (for recordings)
        self.errors: list[str] = []
        self.gaps: list[str] = []  # a watch that had to start over: events may be missing there
        self.started = time.monotonic()
        self._seen: dict[tuple[str, str], int] = {}  # (kind, uid) → last resourceVersion seen
        self._condition = threading.Condition()
        self._stop = threading.Event()
        self._listed = {kind: threading.Event() for kind in self.kinds}
        self._threads: list[threading.Thread] = []

    # --- lifecycle ---------------------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> None:
        for kind in self.kinds:
            thread = threading.Thread(target=self._run, args=(kind,), name=f"recorder-{kind}", daemon=True)
            thread.start()
            self._threads.append(thread)
        deadline = time.monotonic() + timeout
        for kind, listed in self._listed.items():
            if not listed.wait(max(0.0, deadline - time.monotonic())):
                self.stop()
                raise RecorderError(f"could not watch {kind} in {self.namespace}: {'; '.join(self.errors[-2:]) or 'timed out'}")

    def stop(self) -> None:
        self._stop.set()
        with self._condition:
            self._condition.notify_all()

    def _path(self, kind: str) -> str:
        group_version, resource = self.kinds[kind]
        return f"{group_version}/namespaces/{self.namespace}/{resource}"

    def _list(self, kind: str, **query: Any) -> Any:
        return kubeapi.get(self.api_client, self._path(kind), query=query, timeout=30)

    def _run(self, kind: str) -> None:
        version: str | None = None
        while not self._stop.is_set():
            try:
                if version is None:
                    listing = self._list(kind)
                    version = listing["metadata"]["resourceVersion"]
                    if self._listed[kind].is_set():  # listed again: what happened meanwhile is summed up
                        self.gaps.append(f"{kind}: the watch expired and was listed again at rv {version}")
                    for item in listing.get("items") or []:
                        self._add(kind, "ADDED", item, listed=True)
                    self._listed[kind].set()
                response = kubeapi.send(self.api_client, "GET", self._path(kind), query={
                    "watch": True, "resourceVersion": version, "allowWatchBookmarks": True,
                    "timeoutSeconds": WATCH_SECONDS}, timeout=(10, WATCH_SECONDS + 10))
                try:
                    for line in kubeapi.stream_lines(response):
                        if self._stop.is_set():
                            break
                        event = json.loads(line)
                        raw = event.get("object") or {}
                        if event.get("type") == "ERROR":
                            if raw.get("code") == 410:  # too old: list again (and say the evidence has a gap)
                                version = None
                                break
                            raise RuntimeError(raw.get("message") or str(raw))
                        version = (raw.get("metadata") or {}).get("resourceVersion") or version
                        if event.get("type") in ("ADDED", "MODIFIED", "DELETED"):
                            self._add(kind, event["type"], raw)
                finally:
                    response.response.release_conn()
            except Exception as error:  # noqa: BLE001 - reported with the claims; the watch is opened again
                self.errors.append(f"{kind}: {type(error).__name__}: {' '.join(str(error).split())[:200]}")
                self._stop.wait(0.5)  # back off before reconnecting (not a claim's wait)

    def _add(self, kind: str, type_: str, raw: dict[str, Any], listed: bool = False) -> bool:
        """Keep one event; with `listed`, only if it is news. Returns whether it was kept."""
        meta = raw.get("metadata") or {}
        uid, version = str(meta.get("uid", "")), int(meta.get("resourceVersion") or 0)
        with self._condition:
            if listed and self._seen.get((kind, uid), -1) >= version:
                return False
            self._seen[(kind, uid)] = max(version, self._seen.get((kind, uid), -1))
            self.events.append(Event(kind, type_, version, trim(kind, raw), time.monotonic() - self.started))
            self._condition.notify_all()
        return True

    # --- what claims use -------------------------------------------------------------------------
    def current_version(self) -> int:
        """The API server's resourceVersion now (a consistent list of one Pod)."""
        listing = self._list("Pod", limit=1)
        return int(listing["metadata"]["resourceVersion"])

    def mark(self, label: str) -> int:
        version = self.current_version()
        self.marks.append((label, version))
        return version

    def _caught_up(self, kinds: list[str]) -> Callable[[], bool]:
        """A test that the recorder has seen every object of `kinds` as it is now."""
        wanted: dict[tuple[str, str], int] = {}
        for kind in kinds:
            listing = self._list(kind)
            for item in listing.get("items") or []:
                meta = item.get("metadata") or {}
                wanted[(kind, str(meta.get("uid", "")))] = int(meta.get("resourceVersion") or 0)
        return lambda: all(self._seen.get(key, -1) >= version for key, version in wanted.items())

    def evidence(self, since: int, manifests: dict[str, Any] | None = None) -> Evidence:
        with self._condition:
            events = list(self.events)
        return Evidence(events, since, dict(manifests or {}))

    def wait(self, kinds: list[str], ready: Callable[[Evidence], bool], since: int, timeout: float,
             manifests: dict[str, Any] | None = None) -> tuple[Evidence, bool]:
        """Wait until the recorder has caught up with the API server and `ready(evidence)` holds.

        Returns the evidence and whether `ready` held before `timeout` seconds passed.
        """
        deadline = time.monotonic() + timeout
        caught_up = self._caught_up(kinds)
        done = False
        with self._condition:
            while not self._stop.is_set():
                if caught_up() and ready(Evidence(list(self.events), since, dict(manifests or {}))):
                    done = True
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._condition.wait(remaining)
        return self.evidence(since, manifests), done

    # --- recordings ------------------------------------------------------------------------------
    def dump(self, path: Path, page: str) -> None:
        """Write what was recorded as JSON lines (`verify.claims.recording` reads it back)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._condition:
            events = sorted(self.events, key=lambda e: e.rv)
        with path.open("w", encoding="utf-8") as handle:
            handle.write(json.dumps({"recording": {"page": page, "namespace": self.namespace, "kinds": list(self.kinds),
                                                   "gaps": self.gaps}}, ensure_ascii=False) + "\n")
            for label, version in self.marks:
                handle.write(json.dumps({"mark": {"step": label, "rv": version}}, ensure_ascii=False) + "\n")
            for claim in self.claims:
                handle.write(json.dumps({"claim": claim}, ensure_ascii=False) + "\n")
            for event in events:
                handle.write(json.dumps(event.as_json(), ensure_ascii=False, separators=(",", ":")) + "\n")
