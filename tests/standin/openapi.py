"""A minimal OpenAPI v3 document per group/version.

kubectl 1.37 reads it for two things: whether PATCH of a kind accepts the `fieldValidation` query
parameter (if so, validation is left to the server instead of downloading the v2 schema), and
whether PATCH accepts strategic merge patch with a schema (not offered here, so `kubectl apply`
computes its strategic merge patches from the types compiled into kubectl, which is what the real
schema would give for built-in kinds)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .resources import RESOURCES


def _gv_path(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


def _doc(group: str, version: str) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for r in RESOURCES:
        if r.group != group or r.version != version:
            continue
        gvk = {"group": group, "version": version, "kind": r.kind}
        base = "/" + _gv_path(group, version) + ("/namespaces/{namespace}" if r.namespaced else "")
        params = [{"name": n, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
                  for n in ("dryRun", "fieldManager", "fieldValidation", "force")]
        content = {t: {"schema": {"type": "object"}} for t in
                   ("application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml")}
        item = {
            "get": {"operationId": f"read{r.kind}", "x-kubernetes-action": "get",
                    "x-kubernetes-group-version-kind": gvk, "responses": {"200": {"description": "OK"}}},
            "patch": {"operationId": f"patch{r.kind}", "x-kubernetes-action": "patch",
                      "x-kubernetes-group-version-kind": gvk, "parameters": params,
                      "requestBody": {"content": content, "required": True},
                      "responses": {"200": {"description": "OK"}}},
        }
        paths[f"{base}/{r.plural}/{{name}}"] = item
        paths[f"{base}/{r.plural}"] = {
            "post": {"operationId": f"create{r.kind}", "x-kubernetes-action": "post",
                     "x-kubernetes-group-version-kind": gvk, "parameters": params[:3],
                     "responses": {"201": {"description": "Created"}}}}
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes (stand-in)", "version": "v1.37.1"},
            "paths": paths, "components": {"schemas": {}}}


_DOCS: dict[str, bytes] = {}
for _r in RESOURCES:
    _key = _gv_path(_r.group, _r.version)
    if _key not in _DOCS:
        _DOCS[_key] = json.dumps(_doc(_r.group, _r.version)).encode()


def index() -> dict[str, Any]:
    return {"paths": {key: {"serverRelativeURL": f"/openapi/v3/{key}?hash="
                                                 f"{hashlib.sha256(body).hexdigest()[:32].upper()}"}
                      for key, body in _DOCS.items()}}


def document(path: str) -> bytes | None:
    return _DOCS.get(path)
