"""The three patch formats the API accepts: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and
Kubernetes strategic merge patch (lists merged by their merge key, `$patch`/`$setElementOrder`
/`$retainKeys`/`$deleteFromPrimitiveList` directives)."""

from __future__ import annotations

import copy
from typing import Any

from .meta import bad_request

# Field name -> merge key, for the list fields of the built-in types the pages use.
MERGE_KEYS: dict[str, str] = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "env": "name",
    "imagePullSecrets": "name",
    "hostAliases": "ip",
    "ownerReferences": "uid",
    "conditions": "type",
    "topologySpreadConstraints": "topologyKey",
    "resourceClaims": "name",
    "readinessGates": "conditionType",
    "subjects": "",  # atomic
}
MERGED_PRIMITIVE_LISTS = {"finalizers"}


def _merge_key(field: str, *lists: list[Any]) -> str | None:
    if field == "ports":
        for items in lists:
            for item in items or []:
                if isinstance(item, dict) and "containerPort" in item:
                    return "containerPort"
        return "port"
    key = MERGE_KEYS.get(field)
    return key or None


# --- JSON merge patch -------------------------------------------------------------------------

def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# --- strategic merge patch --------------------------------------------------------------------

def strategic_merge(original: Any, patch: Any, field: str = "") -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    if patch.get("$patch") == "delete":
        return None
    result = copy.deepcopy(original) if isinstance(original, dict) else {}
    retain = patch.get("$retainKeys")
    orders: dict[str, list[Any]] = {}
    for key, value in patch.items():
        if key in ("$patch", "$retainKeys"):
            continue
        if key.startswith("$setElementOrder/"):
            orders[key.split("/", 1)[1]] = value
            continue
        if key.startswith("$deleteFromPrimitiveList/"):
            name = key.split("/", 1)[1]
            result[name] = [v for v in result.get(name) or [] if v not in (value or [])]
            continue
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list):
            result[key] = _merge_list(result.get(key), value, key)
        elif isinstance(value, dict):
            merged = strategic_merge(result.get(key), value, key)
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
        else:
            result[key] = copy.deepcopy(value)
    for name, order in orders.items():
        if isinstance(result.get(name), list):
            result[name] = _apply_order(result[name], order, _merge_key(name, result[name]))
    if retain is not None:
        result = {k: v for k, v in result.items() if k in retain}
    return result


def _merge_list(original: Any, patch: list[Any], field: str) -> list[Any]:
    original = original if isinstance(original, list) else []
    if patch and all(not isinstance(v, dict) for v in patch):
        if field in MERGED_PRIMITIVE_LISTS:
            merged = list(original)
            merged += [v for v in patch if v not in merged]
            return merged
        return copy.deepcopy(patch)
    key = _merge_key(field, original, patch)
    if key is None:
        replace = [v for v in patch if not (isinstance(v, dict) and v.get("$patch"))]
        return copy.deepcopy(replace)
    if any(isinstance(v, dict) and v.get("$patch") == "replace" for v in patch):
        return [copy.deepcopy({k: x for k, x in v.items() if k != "$patch"}) for v in patch
                if not (isinstance(v, dict) and v.get("$patch") == "replace" and len(v) == 1)]
    result = copy.deepcopy(original)
    for item in patch:
        if not isinstance(item, dict) or key not in item:
            raise bad_request(f"map: {item} does not contain declared merge key: {key}")
        index = next((i for i, o in enumerate(result) if isinstance(o, dict) and o.get(key) == item[key]), None)
        if item.get("$patch") == "delete":
            if index is not None:
                result.pop(index)
            continue
        if index is None:
            result.append(strategic_merge({}, item, field))
        else:
            result[index] = strategic_merge(result[index], item, field)
    return result


def _apply_order(items: list[Any], order: list[Any], key: str | None) -> list[Any]:
    if not key:
        return items
    wanted = [o.get(key) if isinstance(o, dict) else o for o in order]
    ranked = sorted((i for i in items if i.get(key) in wanted), key=lambda i: wanted.index(i.get(key)))
    rest = [i for i in items if i.get(key) not in wanted]
    return ranked + rest


# --- JSON patch -------------------------------------------------------------------------------

def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise bad_request(f"invalid JSON pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(doc: Any, parts: list[str]) -> Any:
    for part in parts:
        if isinstance(doc, list):
            doc = doc[int(part)]
        elif isinstance(doc, dict):
            doc = doc[part]
        else:
            raise KeyError(part)
    return doc


def json_patch(doc: Any, operations: Any) -> Any:
    if not isinstance(operations, list):
        raise bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    doc = copy.deepcopy(doc)
    for op in operations:
        try:
            kind, parts = op["op"], _pointer(op["path"])
            if kind == "test":
                if _walk(doc, parts) != op.get("value"):
                    raise bad_request(f"testing value {op['path']} failed")
                continue
            if kind in ("move", "copy"):
                from_parts = _pointer(op["from"])
                value = copy.deepcopy(_walk(doc, from_parts))
                if kind == "move":
                    doc = _remove(doc, from_parts)
                doc = _add(doc, parts, value)
            elif kind == "add":
                doc = _add(doc, parts, copy.deepcopy(op["value"]))
            elif kind == "remove":
                doc = _remove(doc, parts)
            elif kind == "replace":
                _walk(doc, parts)  # must exist
                doc = _remove(doc, parts)
                doc = _add(doc, parts, copy.deepcopy(op["value"]))
            else:
                raise bad_request(f"Unexpected kind: {kind}")
        except (KeyError, IndexError, ValueError, TypeError) as error:
            raise ApiErrorFromPatch(op, error) from None
    return doc


def ApiErrorFromPatch(op: Any, error: Exception):  # noqa: N802 - reads like the error it builds
    path = op.get("path") if isinstance(op, dict) else op
    return bad_request(f"the server rejected our request due to an error in our request: "
                       f"jsonpatch {op.get('op') if isinstance(op, dict) else '?'} operation does not apply: "
                       f"doc is missing path: \"{path}\": missing value")


def _add(doc: Any, parts: list[str], value: Any) -> Any:
    if not parts:
        return value
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        if last == "-":
            parent.append(value)
        else:
            index = int(last)
            if index > len(parent):
                raise IndexError(index)
            parent.insert(index, value)
    elif isinstance(parent, dict):
        parent[last] = value
    else:
        raise KeyError(last)
    return doc


def _remove(doc: Any, parts: list[str]) -> Any:
    if not parts:
        return None
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        parent.pop(int(last))
    else:
        del parent[last]
    return doc
