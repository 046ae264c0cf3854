"""Requests to the API server as plain JSON, through the Python client's connection and credentials.

The verifier reads and writes Kubernetes objects as JSON (dicts), so of the `kubernetes` client it
uses only what connects: the kubeconfig loader, `ApiClient` (its configuration, credentials and
connection pool) and `ApiException`. The typed API classes (`CoreV1Api`, `RbacAuthorizationV1Api`, …)
are left alone on purpose: each imports a pydantic model module per kind it names and validates
every call, which cost about a second of a live run's start on a 2-core machine (`CoreV1Api` alone
imports some 40 model modules) and gave nothing the verifier reads.

A status outside 2xx raises the client's `ApiException`, whose `status` tells 404 from the rest and
whose `body` carries the API server's own message, as the typed classes did.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

JSON = "application/json"
#: The query values the API takes as booleans, written as it expects them.
_BOOL = {True: "true", False: "false"}
Timeout = float | tuple[float, float] | None


def _query(query: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    pairs = []
    for key, value in (query or {}).items():
        if value is None:
            continue
        pairs.append((key, _BOOL[value] if isinstance(value, bool) else str(value)))
    return pairs


def send(api_client: Any, method: str, path: str, *, query: Mapping[str, Any] | None = None, body: Any = None,
         accept: str = JSON, content_type: str | None = None, timeout: Timeout = None) -> Any:
    """One request; the client's response, unread (`read()` it, or stream it). Raises `ApiException` outside 2xx.

    :param path: the path below the server, e.g. ``/api/v1/namespaces/x``.
    :param query: query parameters; None values are left out, booleans written ``true``/``false``.
    :param body: a JSON-serialisable object (sent as JSON unless `content_type` says otherwise).
    :param timeout: seconds for the whole request, or (connect, read); None: the client's default (none).
    """
    from kubernetes.client.exceptions import ApiException

    headers = {"Accept": accept}
    if body is not None:
        headers["Content-Type"] = content_type or JSON
    pairs = _query(query)
    method, url, headers, body, post = api_client.param_serialize(
        method, path, header_params=headers, body=body, auth_settings=["BearerToken"],
        **({"query_params": pairs} if pairs else {}))
    response = api_client.call_api(method, url, header_params=headers, body=body, post_params=post,
                                   _request_timeout=timeout)
    if not 200 <= response.status < 300:
        response.read()
        raise ApiException(status=response.status, reason=response.reason, body=response.data)
    return response


def request(api_client: Any, method: str, path: str, *, query: Mapping[str, Any] | None = None, body: Any = None,
            accept: str = JSON, content_type: str | None = None, timeout: Timeout = None) -> Any:
    """One request (as `send`); the JSON the API server answered (None for an empty body)."""
    response = send(api_client, method, path, query=query, body=body, accept=accept, content_type=content_type,
                    timeout=timeout)
    data = response.read()
    return json.loads(data) if data else None


def get(api_client: Any, path: str, *, query: Mapping[str, Any] | None = None, timeout: Timeout = None) -> Any:
    return request(api_client, "GET", path, query=query, timeout=timeout)


def stream_lines(response: Any) -> Iterator[str]:
    """The lines of a streamed response (a watch: one JSON event per line), as they arrive."""
    from kubernetes.watch.watch import iter_resp_lines

    yield from iter_resp_lines(response.response)


def status_of(error: BaseException) -> int | None:
    """The HTTP status of an `ApiException` (None for any other error)."""
    status = getattr(error, "status", None)
    return status if isinstance(status, int) else None


def items(listing: Any) -> list[dict[str, Any]]:
    """The objects of a list the API server answered."""
    return list((listing or {}).get("items") or [])


def name_of(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")
