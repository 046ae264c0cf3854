"""The controller manager: one thread that runs every controller whenever the store changes or a
controller's timer is due."""

from __future__ import annotations

import sys
import threading
import time
import traceback

from ..api import Api
from ..behaviour import Behaviour
from .base import Controller
from .kubelet import Kubelet
from .lifecycle import GarbageCollector, NamespaceController
from .networking import ServiceController
from .statefulset import StatefulSetController
from .storage import StorageController
from .workloads import DaemonSetController, DeploymentController, ReplicaSetController


class ControllerManager:
    def __init__(self, api: Api, behaviour: Behaviour) -> None:
        self.api = api
        self.behaviour = behaviour
        self.controllers: list[Controller] = [
            cls(api, behaviour) for cls in (NamespaceController, GarbageCollector, DeploymentController,
                                            ReplicaSetController, DaemonSetController, StatefulSetController,
                                            StorageController, Kubelet, ServiceController)]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="standin-controllers", daemon=True)
        self.errors: list[str] = []

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.api.store.close()
        self._thread.join(timeout=5)

    def run_once(self) -> float | None:
        """Run every controller once; the earliest time one of them wants to run again."""
        due: float | None = None
        with self.api.store.lock:
            for controller in self.controllers:
                controller.next_due = None
                try:
                    controller.reconcile()
                except Exception:  # noqa: BLE001 - a controller bug must not kill the cluster
                    message = f"{controller.name}: {traceback.format_exc()}"
                    if message not in self.errors:
                        self.errors.append(message)
                        print(f"stand-in controller error: {message}", file=sys.stderr)
                if controller.next_due is not None:
                    due = controller.next_due if due is None else min(due, controller.next_due)
        return due

    def _run(self) -> None:
        while not self._stop.is_set():
            rv = self.api.store.resource_version
            due = self.run_once()
            if self.api.store.resource_version != rv:
                time.sleep(self.behaviour.tick)  # let a burst of changes settle, then run again
                continue
            wait = 1.0 if due is None else max(0.0, min(1.0, due - time.monotonic()))
            if wait > 0:
                self.api.store.wait(self.api.store.resource_version, max(wait, self.behaviour.tick))
