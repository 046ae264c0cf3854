"""A stand-in Kubernetes API server for testing the live tier without a cluster.

It is test equipment, not product: a real HTTP server on 127.0.0.1 that the real `kubectl` talks
to, with an in-memory object store, watches, server-side tables, protobuf request bodies of typed
`kubectl create` commands, and small controllers that move pods through their phases. No container
ever runs, so `exec`, `logs`, `attach` and `port-forward` answer with an error, and `pods/exec` is
not advertised in discovery.

    with StandIn(Behaviour.fast()) as cluster:
        cluster.write_kubeconfig(path)
        ...
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType

import yaml

from .api import Api
from .behaviour import Behaviour
from .bootstrap import bootstrap
from .controllers import ControllerManager
from .server import StandInHTTPServer
from .store import Store

__all__ = ["Behaviour", "StandIn"]

CONTEXT = "kind-standin"


class StandIn:
    def __init__(self, behaviour: Behaviour | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.behaviour = behaviour or Behaviour()
        self.store = Store()
        self.api = Api(self.store, self.behaviour)
        bootstrap(self.api, self.behaviour)
        self.controllers = ControllerManager(self.api, self.behaviour)
        self.http = StandInHTTPServer((host, port), self.api, self.behaviour)
        self._thread = threading.Thread(target=self.http.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="standin-http", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.http.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StandIn:
        self.controllers.start()
        self._thread.start()
        return self

    def stop(self) -> None:
        self.http.stopping.set()
        self.controllers.stop()
        self.http.shutdown()
        self.http.server_close()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def kubeconfig(self, context: str = CONTEXT, namespace: str | None = None) -> dict:
        ctx: dict = {"cluster": context, "user": context}
        if namespace:
            ctx["namespace"] = namespace
        return {"apiVersion": "v1", "kind": "Config", "current-context": context, "preferences": {},
                "clusters": [{"name": context, "cluster": {"server": self.url}}],
                "contexts": [{"name": context, "context": ctx}],
                "users": [{"name": context, "user": {}}]}

    def write_kubeconfig(self, path: Path, context: str = CONTEXT, namespace: str | None = None) -> Path:
        path = Path(path)
        path.write_text(yaml.safe_dump(self.kubeconfig(context, namespace), sort_keys=False))
        return path
