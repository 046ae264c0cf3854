"""What every controller shares: access to the API, the behaviour knobs, and a timer helper."""

from __future__ import annotations

import time
from typing import Any

from ..api import Api
from ..behaviour import Behaviour

Obj = dict[str, Any]


class Controller:
    name = "controller"

    def __init__(self, api: Api, behaviour: Behaviour) -> None:
        self.api = api
        self.behaviour = behaviour
        self._seen: dict[tuple[str, str], float] = {}  # (uid, stage) -> monotonic time first seen
        self.next_due: float | None = None

    def reconcile(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    # Timers: a stage of an object "matures" `delay` seconds after the controller first saw it.
    def matured(self, uid: str, stage: str, delay: float) -> bool:
        now = time.monotonic()
        first = self._seen.setdefault((uid, stage), now)
        due = first + delay
        if now >= due:
            return True
        self.next_due = due if self.next_due is None else min(self.next_due, due)
        return False

    def forget(self, live_uids: set[str]) -> None:
        for key in [k for k in self._seen if k[0] not in live_uids]:
            del self._seen[key]


def is_running_and_ready(pod: Obj) -> bool:
    status = pod.get("status") or {}
    if status.get("phase") != "Running" or pod["metadata"].get("deletionTimestamp"):
        return False
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [])


def is_terminating(obj: Obj) -> bool:
    return bool(obj["metadata"].get("deletionTimestamp"))


def is_terminal(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")
