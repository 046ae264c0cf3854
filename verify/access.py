"""What a page may do in a cluster beyond its own namespace, declared in its front matter (`access:`).

Each page runs as its own ServiceAccount with every right in its own namespace and nothing else.
What it needs beyond that is declared, one RBAC rule per entry, each with the reason a reviewer
reads::

    access:
    - reason: kubectl get nodes shows the nodes and their kubelet versions
      verbs: [get, list]
      resources: [nodes]
    - reason: the page lists the pods of kube-system
      namespace: kube-system
      verbs: [list]
      resources: [pods]

An entry without ``namespace`` is granted cluster-wide (a ClusterRole); with one, in that namespace
only (a Role there). ``apiGroups`` defaults to the core group, ``resourceNames`` narrows a rule to
named objects. A wildcard is refused (name what the page needs). Verbs that let a page give itself
more (``escalate``, ``bind``, ``impersonate``) are accepted but flagged as such wherever the access
is listed. The live tier grants exactly these rules for the run and removes them afterwards
(`verify.live.identity`); the static tier checks them and lists them first in a review
(`--changed-since`). RBAC enforces; nothing here matches text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from verify.resources import is_cluster_scoped

#: Verbs of Kubernetes' own resources (and the RBAC, certificate and policy subresources).
VERBS = frozenset({"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "escalate",
                   "bind", "impersonate", "approve", "sign", "use"})
#: Verbs with which a page could grant itself more than it declared.
POWERFUL = frozenset({"escalate", "bind", "impersonate"})
KEYS = frozenset({"reason", "verbs", "resources", "apiGroups", "resourceNames", "namespace"})
NAME = re.compile(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?(/[a-z0-9]+)?")


@dataclass(frozen=True)
class Grant:
    """One declared rule: `verbs` on `resources` of `api_groups` (named `resource_names`), cluster-wide or in `namespace`."""

    reason: str
    verbs: tuple[str, ...]
    resources: tuple[str, ...]
    api_groups: tuple[str, ...] = ("",)
    resource_names: tuple[str, ...] = ()
    namespace: str | None = None

    @property
    def powerful(self) -> bool:
        return bool(POWERFUL & set(self.verbs))

    def rule(self) -> dict[str, list[str]]:
        """The RBAC PolicyRule, as the API takes it."""
        rule = {"apiGroups": list(self.api_groups), "resources": list(self.resources), "verbs": list(self.verbs)}
        if self.resource_names:
            rule["resourceNames"] = list(self.resource_names)
        return rule

    def describe(self) -> str:
        groups = ",".join(g or "core" for g in self.api_groups)
        names = f" named {', '.join(self.resource_names)}" if self.resource_names else ""
        namespaced = [r for r in self.resources if not is_cluster_scoped(r.split("/")[0])]
        where = (f"in namespace {self.namespace}" if self.namespace
                 else f"in every namespace ({', '.join(namespaced)})" if namespaced else "cluster-wide")
        warning = " [can grant itself more: " + ", ".join(sorted(POWERFUL & set(self.verbs))) + "]" if self.powerful else ""
        return f"{', '.join(self.verbs)} {', '.join(self.resources)} ({groups}){names} {where}: {self.reason}{warning}"

    def as_json(self) -> dict[str, Any]:
        return {"reason": self.reason, "namespace": self.namespace, **self.rule()}


def _strings(value: Any, key: str, problems: list[str], required: bool = True) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or (required and not value):
        problems.append(f"`{key}` must be a {'non-empty ' if required else ''}list of strings")
        return ()
    if "*" in value or any("*" in v for v in value):
        problems.append(f"`{key}` may not use a wildcard: name exactly what the page needs")
    return tuple(value)


def parse_entry(entry: Any) -> tuple[Grant | None, list[str]]:
    """One entry of `access:`, or the problems with it (no line numbers: the caller adds them)."""
    if not isinstance(entry, dict):
        return None, ["an entry must be a mapping with reason, verbs and resources"]
    problems: list[str] = []
    unknown = sorted(set(entry) - KEYS)
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)}; an entry has {', '.join(sorted(KEYS))}")
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        problems.append("every entry needs a `reason` a reviewer can read")
        reason = ""
    verbs = _strings(entry.get("verbs"), "verbs", problems)
    bad = sorted(set(verbs) - VERBS - {"*"})
    if bad:
        problems.append(f"unknown verb(s) {', '.join(bad)}; known: {', '.join(sorted(VERBS))}")
    resources = _strings(entry.get("resources"), "resources", problems)
    bad = [r for r in resources if r != "*" and not NAME.fullmatch(r)]
    if bad:
        problems.append(f"not a resource name: {', '.join(bad)} (plural, lower case, e.g. `nodes` or `pods/log`)")
    groups = _strings(entry.get("apiGroups", [""]), "apiGroups", problems)
    names = _strings(entry.get("resourceNames"), "resourceNames", problems, required=False)
    namespace = entry.get("namespace")
    if namespace is not None and (not isinstance(namespace, str) or not NAME.fullmatch(namespace) or "/" in namespace):
        problems.append("`namespace` must be a namespace name")
        namespace = None
    if problems:
        return None, problems
    return Grant(reason.strip(), verbs, resources, groups, names, namespace), []


def parse(value: Any) -> tuple[tuple[Grant, ...], list[str]]:
    """The `access:` list: the grants, and each problem as "entry N: …"."""
    if value is None:
        return (), []
    if not isinstance(value, list):
        return (), ["`access` must be a list of rules (reason, verbs, resources, and optionally namespace, "
                    "apiGroups, resourceNames)"]
    grants: list[Grant] = []
    problems: list[str] = []
    for index, entry in enumerate(value, start=1):
        grant, wrong = parse_entry(entry)
        problems += [f"access entry {index}: {p}" for p in wrong]
        if grant is not None:
            grants.append(grant)
    return tuple(grants), problems


def namespaces(grants: Iterable[Grant]) -> list[str]:
    """The namespaces other than its own that a page may act in, in order of first mention."""
    return list(dict.fromkeys(g.namespace for g in grants if g.namespace))
