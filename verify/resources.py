"""Kubernetes 1.37 facts both tiers need.

The kinds kubectl knows (names, group, scope, the columns `kubectl get` prints) are read from
`verify/data/printer_columns_1.37.yaml`, which `python -m cluster printer-columns` generates from
the API server itself; the node port range is kube-apiserver's default.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data" / "printer_columns_1.37.yaml"
#: kube-apiserver's default --service-node-port-range (the control plane's too).
NODE_PORT_RANGE = range(30000, 32768)


@dataclass(frozen=True)
class Resource:
    kind: str  # lower-case singular kind, as kubectl prints it in messages
    names: tuple[str, ...]  # plural and short names accepted on the command line
    group: str  # "" for the core group
    namespaced: bool
    default: tuple[str, ...]  # `kubectl get` columns
    wide: tuple[str, ...]  # `kubectl get -o wide` columns

    @property
    def qualified(self) -> str:
        """`statefulset.apps`, or `service` for the core group."""
        return f"{self.kind}.{self.group}" if self.group else self.kind


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def resources() -> dict[str, Resource]:
    table = {}
    for kind, entry in _data()["kinds"].items():
        table[kind] = Resource(
            kind=kind,
            names=tuple(entry.get("names", ())),
            group=entry.get("group", ""),
            namespaced=bool(entry["namespaced"]),
            default=tuple(entry["default"]),
            wide=tuple(entry["wide"]),
        )
    return table


@functools.lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for kind, resource in resources().items():
        aliases[kind] = kind
        for name in resource.names:
            aliases[name] = kind
        if resource.group:
            aliases[f"{kind}.{resource.group}"] = kind
            for name in resource.names:
                aliases[f"{name}.{resource.group}"] = kind
    return aliases


def resolve_kind(name: str) -> str | None:
    """`sts`, `statefulsets`, `statefulset.apps`, `StatefulSet` → `statefulset` (None if unknown)."""
    return _aliases().get(name.lower())


def resource(name: str) -> Resource | None:
    kind = resolve_kind(name)
    return resources()[kind] if kind else None


@functools.lru_cache(maxsize=1)
def _cluster_scoped_names() -> frozenset[str]:
    """Lower-case kinds and names of every cluster-scoped resource the file records.

    `cluster_scoped` lists every cluster-scoped kind the API server serves (with the names kubectl
    accepts); the kinds the static tier knows say their scope themselves (`namespaced: false`).
    """
    names: set[str] = set()
    for kind, aliases in (_data().get("cluster_scoped") or {}).items():
        names.update([kind, *aliases])
    for kind, known in resources().items():
        if not known.namespaced:
            names.update([kind, *known.names])
    return frozenset(n.lower() for n in names)


def is_cluster_scoped(name: str) -> bool:
    """`ClusterRole`, `clusterroles`, `pv`, `apiservice` → True; `pod`, `sts` → False."""
    return name.lower() in _cluster_scoped_names()
