"""The object store: objects by (resource, namespace, name), one resourceVersion counter, and a
bounded history of changes that watches replay from (like etcd's revision history)."""

from __future__ import annotations

import copy
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .meta import ApiError

Key = tuple[str, str, str]  # (resource key "group/plural", namespace or "", name)


@dataclass(frozen=True)
class Change:
    rv: int
    type: str  # ADDED | MODIFIED | DELETED
    resource: str
    namespace: str
    obj: dict[str, Any]  # the object after the change (for DELETED: its last state)
    old: dict[str, Any] | None


class Store:
    def __init__(self, history: int = 50_000) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self._objects: dict[Key, dict[str, Any]] = {}
        self._rv = 1000
        self._history: deque[Change] = deque(maxlen=history)
        self._listeners: list[Callable[[Change], None]] = []
        self.closed = False

    # --- reading ------------------------------------------------------------------------------
    @property
    def resource_version(self) -> int:
        return self._rv

    def get(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        with self.lock:
            obj = self._objects.get((resource, namespace, name))
            return copy.deepcopy(obj) if obj is not None else None

    def list(self, resource: str, namespace: str | None = None) -> tuple[list[dict[str, Any]], int]:
        with self.lock:
            items = [copy.deepcopy(o) for (res, ns, _), o in sorted(self._objects.items())
                     if res == resource and (namespace is None or ns == namespace)]
            return items, self._rv

    def keys(self) -> list[Key]:
        with self.lock:
            return list(self._objects)

    def namespaces_in_use(self) -> set[str]:
        with self.lock:
            return {ns for (_, ns, _) in self._objects if ns}

    # --- writing ------------------------------------------------------------------------------
    def _commit(self, kind: str, key: Key, obj: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        self._rv += 1
        obj = copy.deepcopy(obj)
        obj.setdefault("metadata", {})["resourceVersion"] = str(self._rv)
        if kind == "DELETED":
            self._objects.pop(key, None)
        else:
            self._objects[key] = obj
        change = Change(self._rv, kind, key[0], key[1], copy.deepcopy(obj), old)
        self._history.append(change)
        for listener in list(self._listeners):
            listener(change)
        self.changed.notify_all()
        return copy.deepcopy(obj)

    def add(self, resource: str, namespace: str, obj: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            key = (resource, namespace, obj["metadata"]["name"])
            if key in self._objects:
                raise ApiError(409, "AlreadyExists", "exists")
            return self._commit("ADDED", key, obj, None)

    def replace(self, resource: str, namespace: str, obj: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            key = (resource, namespace, obj["metadata"]["name"])
            old = self._objects.get(key)
            if old is None:
                raise ApiError(404, "NotFound", "gone")
            return self._commit("MODIFIED", key, obj, copy.deepcopy(old))

    def remove(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        with self.lock:
            key = (resource, namespace, name)
            old = self._objects.get(key)
            if old is None:
                return None
            return self._commit("DELETED", key, old, copy.deepcopy(old))

    # --- watching -----------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[Change], None]) -> None:
        with self.lock:
            self._listeners.append(listener)

    def changes_after(self, rv: int) -> list[Change]:
        """Every change with a resourceVersion above `rv`; 410 Gone if history no longer reaches it."""
        with self.lock:
            if self._history and rv < self._history[0].rv - 1 and rv < self._rv:
                raise ApiError(410, "Expired", f"too old resource version: {rv} ({self._rv})")
            return [c for c in self._history if c.rv > rv]

    def history(self) -> list[Change]:
        """Every retained change, oldest first (tests read the order things happened in)."""
        with self.lock:
            return list(self._history)

    def wait(self, after_rv: int, timeout: float) -> None:
        with self.lock:
            if self._rv > after_rv or self.closed:
                return
            self.changed.wait(timeout)

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.changed.notify_all()

    def __iter__(self) -> Iterator[Key]:
        return iter(self.keys())
