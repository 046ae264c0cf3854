"""The HTTP front of the stand-in: Kubernetes API paths, content negotiation (JSON and server-side
Tables), chunked watch streams (resourceVersion resume, label/field selectors, `sendInitialEvents`
with the `k8s.io/initial-events-end` bookmark), discovery and OpenAPI."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import openapi, protobuf, resources
from .api import Api
from .meta import ApiError, bad_request, fields_match, labels_match, parse_field_selector, parse_label_selector
from .resources import ResourceType
from .store import Change
from .tables import to_table

Obj = dict[str, Any]
NO_CONTAINERS = "the stand-in API server runs no containers"


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


class Route:
    """A parsed resource path."""

    def __init__(self, rt: ResourceType, namespace: str | None, name: str | None, sub: str | None) -> None:
        self.rt, self.namespace, self.name, self.sub = rt, namespace, name, sub


def parse_resource_path(parts: list[str]) -> Route | None:
    if parts[:1] == ["api"] and len(parts) >= 3:
        group, version, rest = "", parts[1], parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 4:
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    namespace = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        candidate = resources.lookup(group, version, rest[2])
        if candidate is not None and candidate.namespaced:
            namespace, rest = rest[1], rest[2:]
    rt = resources.lookup(group, version, rest[0])
    if rt is None or len(rest) > 3:
        return None
    return Route(rt, namespace, rest[1] if len(rest) > 1 else None, rest[2] if len(rest) > 2 else None)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: StandInHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    # --- plumbing -------------------------------------------------------------------------------
    def _send(self, code: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Audit-Id", "standin")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, code: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send(code, _dumps(obj), headers=headers)

    def _error(self, error: ApiError) -> None:
        self._json(error.code, error.status())

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _query(self) -> dict[str, str]:
        return {k: v[-1] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query,
                                                            keep_blank_values=True).items()}

    def _dispatch(self) -> None:
        self.server.requests.append((self.command, self.path))
        try:
            self._route()
        except ApiError as error:
            self._error(error)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as error:  # noqa: BLE001 - report as the API would, keep serving
            import traceback

            traceback.print_exc()
            self._error(ApiError(500, "InternalError", f"stand-in internal error: {error}"))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _dispatch  # noqa: N815

    # --- routing --------------------------------------------------------------------------------
    def _route(self) -> None:
        path = urllib.parse.urlsplit(self.path).path.rstrip("/") or "/"
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/") if p]
        api: Api = self.server.api
        if self.command in ("GET", "HEAD"):
            static = self._static(path, parts, api)
            if static is not None:
                return
        route = parse_resource_path(parts)
        if route is None:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        query = self._query()
        dry_run = query.get("dryRun") == "All"
        rt = route.rt
        if route.sub in ("log", "exec", "attach", "portforward", "proxy"):
            what = "logs" if route.sub == "log" else route.sub
            raise bad_request(f'{NO_CONTAINERS}: {what} for pod "{route.name}" is not available')
        if route.sub not in (None, "status", "scale", "finalize"):
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        if rt.namespaced and route.namespace is None and self.command not in ("GET", "HEAD"):
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        headers = {}
        if rt.key == "/endpoints":
            headers["Warning"] = '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"'
        if self.command in ("GET", "HEAD"):
            if route.name is None:
                if query.get("watch") in ("true", "1"):
                    self._watch(route, query)
                    return
                self._list(route, query, headers)
                return
            if route.sub == "scale":
                self._json(200, api.get_scale(rt, route.namespace, route.name), headers)
                return
            obj = api.get(rt, route.namespace, route.name)
            self._respond_object(rt, obj, query, headers)
            return
        if self.command == "POST":
            if route.name is not None:
                raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested "
                                                        "resource")
            created = api.create(rt, route.namespace, self._decode(self._body()), dry_run=dry_run)
            self._respond_object(rt, created, query, headers, code=201)
            return
        if route.name is None and self.command != "DELETE":
            raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        if self.command == "PUT":
            body = self._decode(self._body())
            if route.sub == "scale":
                self._json(200, api.update_scale(rt, route.namespace, route.name, body, dry_run), headers)
                return
            updated = api.update(rt, route.namespace, route.name, body, dry_run=dry_run,
                                 subresource=route.sub if route.sub == "status" else None)
            self._respond_object(rt, updated, query, headers)
            return
        if self.command == "PATCH":
            patch_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            body = self._body()
            if route.sub == "scale":
                self._json(200, api.patch_scale(rt, route.namespace, route.name, patch_type, body, dry_run), headers)
                return
            patched = api.patch(rt, route.namespace, route.name, patch_type, body, dry_run=dry_run,
                                subresource=route.sub if route.sub == "status" else None)
            self._respond_object(rt, patched, query, headers)
            return
        if self.command == "DELETE":
            raw = self._body()
            options = self._decode(raw) if raw else {}
            for key in ("propagationPolicy", "gracePeriodSeconds"):
                if key in query and key not in options:
                    options[key] = int(query[key]) if key == "gracePeriodSeconds" else query[key]
            if route.name is None:
                items, _ = api.list(rt, route.namespace, query.get("labelSelector"), query.get("fieldSelector"))
                deleted = [api.delete(rt, route.namespace, o["metadata"]["name"], options, dry_run) for o in items]
                self._json(200, {"kind": rt.list_kind, "apiVersion": rt.api_version,
                                 "metadata": {"resourceVersion": str(api.store.resource_version)}, "items": deleted})
                return
            deleted = api.delete(rt, route.namespace, route.name, options, dry_run=dry_run or
                                 "All" in (options.get("dryRun") or []))
            self._respond_object(rt, deleted, query, headers)
            return
        raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")

    def _decode(self, raw: bytes) -> Obj:
        content_type = (self.headers.get("Content-Type") or "application/json").split(";")[0].strip()
        if content_type == "application/vnd.kubernetes.protobuf":
            return protobuf.decode(raw)
        if content_type in ("application/yaml", "application/apply-patch+yaml"):
            import yaml

            return yaml.safe_load(raw) or {}
        try:
            return json.loads(raw or b"{}")
        except json.JSONDecodeError as error:
            raise bad_request(f"couldn't get version/kind; json parse error: {error}") from None

    def _static(self, path: str, parts: list[str], api: Api) -> bool | None:
        behaviour = self.server.behaviour
        if path == "/version":
            major, minor = behaviour.kubernetes_version.lstrip("v").split(".")[:2]
            self._json(200, {"major": major, "minor": minor, "emulationMajor": major, "emulationMinor": minor,
                             "minCompatibilityMajor": major, "minCompatibilityMinor": str(int(minor) - 1),
                             "gitVersion": behaviour.kubernetes_version + "+standin",
                             "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
                             "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.25.0", "compiler": "gc",
                             "platform": "linux/amd64"})
            return True
        if path in ("/healthz", "/livez", "/readyz"):
            self._send(200, b"ok", "text/plain; charset=utf-8")
            return True
        if path == "/api":
            self._json(200, resources.api_versions())
            return True
        if path == "/apis":
            self._json(200, resources.api_group_list())
            return True
        if len(parts) == 2 and parts[0] == "api":
            found = resources.resource_list("", parts[1])
        elif len(parts) == 2 and parts[0] == "apis":
            found = resources.api_group(parts[1])
        elif len(parts) == 3 and parts[0] == "apis":
            found = resources.resource_list(parts[1], parts[2])
        elif path == "/openapi/v3":
            found = openapi.index()
        elif path.startswith("/openapi/v3/"):
            doc = openapi.document(path[len("/openapi/v3/"):])
            if doc is None:
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
            self._send(200, doc)
            return True
        elif path.startswith("/openapi/v2"):
            raise ApiError(404, "NotFound", "the stand-in API server serves no OpenAPI v2 document")
        else:
            return None
        if found is None:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        self._json(200, found)
        return True

    # --- responses ------------------------------------------------------------------------------
    def _wants_table(self) -> bool:
        return "as=Table" in (self.headers.get("Accept") or "")

    def _respond_object(self, rt: ResourceType, obj: Obj, query: dict[str, str], headers: dict[str, str],
                        code: int = 200) -> None:
        if self._wants_table() and obj.get("kind") == rt.kind:
            self._json(code, to_table(rt, [obj], obj["metadata"].get("resourceVersion", ""),
                                      include_object=query.get("includeObject", "Metadata")), headers)
            return
        self._json(code, obj, headers)

    def _list(self, route: Route, query: dict[str, str], headers: dict[str, str]) -> None:
        api: Api = self.server.api
        items, rv = api.list(route.rt, route.namespace, query.get("labelSelector"), query.get("fieldSelector"))
        if self._wants_table():
            self._json(200, to_table(route.rt, items, str(rv), include_object=query.get("includeObject", "Metadata")),
                       headers)
            return
        for item in items:
            item.pop("kind", None)
            item.pop("apiVersion", None)
        self._json(200, {"kind": route.rt.list_kind, "apiVersion": route.rt.api_version,
                         "metadata": {"resourceVersion": str(rv)}, "items": items}, headers)

    # --- watch ----------------------------------------------------------------------------------
    def _chunk(self, event: Obj) -> None:
        data = _dumps(event) + b"\n"
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _client_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if readable:
                return self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True
        return False

    def _watch(self, route: Route, query: dict[str, str]) -> None:
        api: Api = self.server.api
        rt = route.rt
        labels = parse_label_selector(query.get("labelSelector"))
        fields = parse_field_selector(query.get("fieldSelector"))
        table = self._wants_table()
        include = query.get("includeObject", "Metadata")
        timeout = float(query.get("timeoutSeconds") or 1800)
        deadline = time.monotonic() + timeout
        first = [True]

        def matches(obj: Obj | None) -> bool:
            return obj is not None and labels_match(labels, obj["metadata"].get("labels")) and \
                fields_match(fields, obj)

        def encode(kind: str, obj: Obj) -> Obj:
            if table:
                body = to_table(rt, [obj], obj["metadata"].get("resourceVersion", ""), headers=first[0],
                                include_object=include)
                first[0] = False
                return {"type": kind, "object": body}
            return {"type": kind, "object": obj}

        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        rv_param = query.get("resourceVersion", "")
        initial = query.get("sendInitialEvents") == "true"
        try:
            with api.store.lock:
                if initial or rv_param in ("", "0"):
                    items, last = api.list(rt, route.namespace, query.get("labelSelector"),
                                           query.get("fieldSelector"))
                    events = [encode("ADDED", o) for o in items]
                    if initial and query.get("allowWatchBookmarks") == "true":
                        events.append({"type": "BOOKMARK", "object": {
                            "kind": rt.kind, "apiVersion": rt.api_version,
                            "metadata": {"resourceVersion": str(last),
                                         "annotations": {"k8s.io/initial-events-end": "true"}}}})
                else:
                    last = int(rv_param)
                    events = []
                    try:
                        api.store.changes_after(last)
                    except ApiError as error:
                        events.append({"type": "ERROR", "object": error.status()})
                        last = -1
            for event in events:
                self._chunk(event)
            while last >= 0 and not self.server.stopping.is_set() and time.monotonic() < deadline:
                changes = api.store.changes_after(last)
                for change in changes:
                    last = change.rv
                    event = self._event_for(change, rt, route.namespace, matches)
                    if event is not None:
                        self._chunk(encode(*event))
                if self._client_gone():
                    return
                api.store.wait(last, min(0.5, max(0.0, deadline - time.monotonic())))
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return
        finally:
            self.close_connection = True

    @staticmethod
    def _event_for(change: Change, rt: ResourceType, namespace: str | None, matches) -> tuple[str, Obj] | None:  # noqa: ANN001
        if change.resource != rt.key or (namespace is not None and change.namespace != namespace):
            return None
        now_match, was_match = matches(change.obj), matches(change.old)
        if change.type == "ADDED":
            return ("ADDED", change.obj) if now_match else None
        if change.type == "DELETED":
            return ("DELETED", change.obj) if was_match else None
        if now_match and was_match:
            return ("MODIFIED", change.obj)
        if now_match:
            return ("ADDED", change.obj)
        if was_match:
            return ("DELETED", change.obj)
        return None


class StandInHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], api: Api, behaviour) -> None:  # noqa: ANN001
        super().__init__(address, Handler)
        self.api = api
        self.behaviour = behaviour
        self.requests: list[tuple[str, str]] = []
        self.stopping = threading.Event()
