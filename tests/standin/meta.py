"""Small helpers shared by the stand-in: time, names, selectors, API errors."""

from __future__ import annotations

import datetime as _dt
import hashlib
import random
import re
import uuid
from typing import Any

# The alphabet Kubernetes uses for generated suffixes (no vowels, no confusable digits).
SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


class ApiError(Exception):
    """An error the API answers with a `Status` object."""

    def __init__(self, code: int, reason: str, message: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details or {}

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details:
            body["details"] = self.details
        return body


def not_found(plural: str, group: str, name: str) -> ApiError:
    qualified = f"{plural}.{group}" if group else plural
    return ApiError(404, "NotFound", f'{qualified} "{name}" not found',
                    {"name": name, "group": group, "kind": plural} if group else {"name": name, "kind": plural})


def already_exists(plural: str, group: str, name: str) -> ApiError:
    qualified = f"{plural}.{group}" if group else plural
    return ApiError(409, "AlreadyExists", f'{qualified} "{name}" already exists',
                    {"name": name, "group": group, "kind": plural} if group else {"name": name, "kind": plural})


def conflict(plural: str, group: str, name: str) -> ApiError:
    qualified = f"{plural}.{group}" if group else plural
    return ApiError(
        409, "Conflict",
        f'Operation cannot be fulfilled on {qualified} "{name}": the object has been modified; '
        "please apply your changes to the latest version and try again",
        {"name": name, "group": group, "kind": plural} if group else {"name": name, "kind": plural},
    )


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def invalid(kind: str, group: str, name: str, message: str) -> ApiError:
    qualified = f"{kind}.{group}" if group else kind
    return ApiError(422, "Invalid", f'{qualified} "{name}" is invalid: {message}',
                    {"name": name, "group": group, "kind": kind})


# --- time -------------------------------------------------------------------------------------

def now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def rfc3339(moment: _dt.datetime | None = None) -> str:
    return (moment or now()).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_micro(moment: _dt.datetime | None = None) -> str:
    return (moment or now()).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str | None) -> _dt.datetime | None:
    if not text:
        return None
    text = text.replace("Z", "+00:00")
    return _dt.datetime.fromisoformat(text)


def human_duration(seconds: float) -> str:
    """The Go `duration.HumanDuration` format kubectl tables use for AGE (``21s``, ``3m5s``, ``2h``)."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rest = s % 60
        return f"{minutes}m" if rest == 0 else f"{minutes}m{rest}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d" if rest == 0 else f"{hours // 24}d{rest}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        rest = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if rest == 0 else f"{hours // 24 // 365}y{rest}d"
    return f"{hours // 24 // 365}y"


def age(timestamp: str | None) -> str:
    moment = parse_time(timestamp)
    if moment is None:
        return "<unknown>"
    return human_duration((now() - moment).total_seconds())


# --- names ------------------------------------------------------------------------------------

def new_uid() -> str:
    return str(uuid.uuid4())


def random_suffix(length: int = 5, rng: random.Random | None = None) -> str:
    pick = (rng or random).choice
    return "".join(pick(SAFE_ALPHABET) for _ in range(length))


def template_hash(template: Any, collision: int = 0) -> str:
    """A stable short hash of a pod template, in the safe alphabet (like `pod-template-hash`)."""
    digest = hashlib.sha256((repr(_canonical(template)) + str(collision)).encode()).digest()
    value = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(10):
        value, index = divmod(value, len(SAFE_ALPHABET))
        chars.append(SAFE_ALPHABET[index])
    return "".join(chars)


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _canonical(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_canonical(v) for v in value)
    return value


# --- selectors --------------------------------------------------------------------------------

_REQ = re.compile(
    r"^\s*(?P<neg>!)?\s*(?P<key>[A-Za-z0-9./_-]+)\s*"
    r"(?:(?P<op>==|=|!=)\s*(?P<value>[A-Za-z0-9._-]*)|\s+(?P<setop>in|notin)\s*\((?P<values>[^)]*)\))?\s*$"
)


def _split_selector(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current)
    return parts


def parse_label_selector(text: str | None) -> list[tuple[str, str, list[str]]]:
    """Parse the `labelSelector` query string into (key, operator, values) requirements."""
    if not text:
        return []
    requirements = []
    for part in _split_selector(text):
        match = _REQ.match(part)
        if not match:
            raise bad_request(f"unable to parse requirement: {part!r}")
        key = match["key"]
        if match["neg"]:
            requirements.append((key, "!", []))
        elif match["op"]:
            requirements.append((key, "!=" if match["op"] == "!=" else "=", [match["value"]]))
        elif match["setop"]:
            values = [v.strip() for v in match["values"].split(",") if v.strip()]
            requirements.append((key, match["setop"], values))
        else:
            requirements.append((key, "exists", []))
    return requirements


def labels_match(requirements: list[tuple[str, str, list[str]]], labels: dict[str, str] | None) -> bool:
    labels = labels or {}
    for key, op, values in requirements:
        present = key in labels
        if op == "=" and labels.get(key) != values[0]:
            return False
        if op == "!=" and present and labels[key] == values[0]:
            return False
        if op == "in" and labels.get(key) not in values:
            return False
        if op == "notin" and present and labels[key] in values:
            return False
        if op == "exists" and not present:
            return False
        if op == "!" and present:
            return False
    return True


def selector_from_label_selector(selector: dict[str, Any] | None) -> list[tuple[str, str, list[str]]]:
    """Requirements from a `metav1.LabelSelector` (matchLabels + matchExpressions)."""
    if not selector:
        return []
    requirements = [(k, "=", [v]) for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        op = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}[expr["operator"]]
        requirements.append((expr["key"], op, list(expr.get("values") or [])))
    return requirements


def selector_string(selector: dict[str, Any] | None) -> str:
    """The `app=nginx` form of a LabelSelector (what Scale.status.selector and tables show)."""
    if not selector:
        return ""
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        op = expr["operator"]
        if op == "Exists":
            parts.append(expr["key"])
        elif op == "DoesNotExist":
            parts.append("!" + expr["key"])
        else:
            parts.append(f"{expr['key']} {op.lower()} ({','.join(sorted(expr.get('values') or []))})")
    return ",".join(parts)


def parse_field_selector(text: str | None) -> list[tuple[str, str, str]]:
    if not text:
        return []
    result = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        for op in ("!=", "==", "="):
            if op in part:
                key, value = part.split(op, 1)
                result.append((key.strip(), "!=" if op == "!=" else "=", value.strip()))
                break
        else:
            raise bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
    return result


def field_value(obj: dict[str, Any], path: str) -> str:
    current: Any = obj
    for piece in path.split("."):
        if not isinstance(current, dict):
            return ""
        current = current.get(piece)
    if current is None:
        return ""
    return str(current)


def fields_match(requirements: list[tuple[str, str, str]], obj: dict[str, Any]) -> bool:
    for key, op, value in requirements:
        actual = field_value(obj, key)
        if (op == "=" and actual != value) or (op == "!=" and actual == value):
            return False
    return True
