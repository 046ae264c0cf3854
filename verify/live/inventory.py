"""Every object of every resource the API server serves, by name, with its labels and annotations.

The cleanup compares an inventory taken before a page with one taken after it (`diff`). Objects are
listed as metadata only (`PartialObjectMetadataList`), one request per resource, so an inventory of
a small cluster costs a fraction of a second. Left out, because they change all the time without
anyone's doing and nothing a page may declare can touch them: events and leases. Left out because
they belong to the page or to another run: objects in the page's own namespace, and in the
namespaces of other verify runs (labelled with the run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from verify import kubeapi

T = TypeVar("T")

#: Resources whose objects come and go by themselves (heartbeats, records of what happened).
NOISE = frozenset({("", "events"), ("events.k8s.io", "events"), ("coordination.k8s.io", "leases")})
#: Cluster-scoped objects that belong to a namespace's object, named in their spec: a PersistentVolume's
#: claim (`claimRef`), a Service's ClusterIP (an IPAddress, `parentRef`).
OWNED_BY_SPEC = frozenset({("", "persistentvolumes"), ("networking.k8s.io", "ipaddresses")})
METADATA_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"


@dataclass(frozen=True)
class Resource:
    group: str
    version: str
    name: str  # plural, e.g. "clusterroles"
    namespaced: bool
    verbs: frozenset[str]

    @property
    def path(self) -> str:
        return f"/api/{self.version}" if not self.group else f"/apis/{self.group}/{self.version}"

    def describe(self) -> str:
        return self.name if not self.group else f"{self.name}.{self.group}"


@dataclass(frozen=True)
class Entry:
    """One object: enough to say it is still there, or what changed on it."""

    uid: str
    labels: tuple[tuple[str, str], ...]
    annotations: tuple[tuple[str, str], ...]
    claim_namespace: str | None = None  # a PersistentVolume's claim's namespace, an IPAddress's Service's

    @property
    def label_map(self) -> dict[str, str]:
        return dict(self.labels)

    @property
    def annotation_map(self) -> dict[str, str]:
        return dict(self.annotations)


#: (resource, namespace or "", name) → entry
Key = tuple[Resource, str, str]


@dataclass
class Inventory:
    objects: dict[Key, Entry] = field(default_factory=dict)
    unlisted: list[str] = field(default_factory=list)  # resources that could not be listed, and why


@dataclass
class Difference:
    added: list[Key] = field(default_factory=list)
    removed: list[Key] = field(default_factory=list)
    relabelled: list[tuple[Key, Entry, Entry]] = field(default_factory=list)  # pre-existing, labels/annotations changed


def request(api_client: Any, method: str, path: str, accept: str = "application/json", body: Any = None,
            content_type: str | None = None, timeout: float = 30.0) -> Any:
    """One request to the API server through the client's own connection and credentials; the JSON it answers.

    A status outside 2xx raises the client's `ApiException` (its `status` tells 404 from the rest).
    """
    return kubeapi.request(api_client, method, path, body=body, accept=accept, content_type=content_type,
                           timeout=timeout)


def _get(api_client: Any, path: str, accept: str = "application/json") -> Any:
    return request(api_client, "GET", path, accept)


#: Lists asked for at once: an inventory is some 60 requests, each mostly a wait for the API server.
AT_ONCE = 8


def _each(call: Callable[[T], Any], items: list[T]) -> list[tuple[T, Any, Exception | None]]:
    """`call` on every item, up to `AT_ONCE` at a time; (item, result, error) in the items' order."""

    def one(item: T) -> tuple[T, Any, Exception | None]:
        try:
            return item, call(item), None
        except Exception as error:  # noqa: BLE001 - handed back to the caller, who says what it means
            return item, None, error

    if len(items) < 2:
        return [one(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(AT_ONCE, len(items)), thread_name_prefix="inventory") as pool:
        return list(pool.map(one, items))


def discover(api_client: Any) -> list[Resource]:
    """Every listable resource of the preferred version of each group (subresources left out)."""
    versions = [("", "v1")]
    for group in _get(api_client, "/apis").get("groups", []):
        preferred = group.get("preferredVersion") or (group.get("versions") or [{}])[0]
        if preferred.get("version"):
            versions.append((group["name"], preferred["version"]))
    found = []
    listings = _each(lambda gv: _get(api_client, f"/api/{gv[1]}" if not gv[0] else f"/apis/{gv[0]}/{gv[1]}"), versions)
    for (group, version), listing, error in listings:
        if error is not None:  # an aggregated API that is down: nothing of it can be listed
            continue
        for item in listing.get("resources", []):
            verbs = frozenset(item.get("verbs") or [])
            if "/" in item["name"] or "list" not in verbs or (group, item["name"]) in NOISE:
                continue
            found.append(Resource(group, version, item["name"], bool(item.get("namespaced")), verbs))
    return found


def _list(api_client: Any, resource: Resource) -> Any:
    # A volume's claim and a Service address's Service are in their spec, which a metadata-only list leaves out.
    accept = "application/json" if (resource.group, resource.name) in OWNED_BY_SPEC else METADATA_LIST
    return _get(api_client, f"{resource.path}/{resource.name}", accept)


def take(api_client: Any, resources: Iterable[Resource], skip_namespaces: Iterable[str] = ()) -> Inventory:
    """The inventory of `resources`, without the objects in `skip_namespaces`."""
    skip = set(skip_namespaces)
    inventory = Inventory()
    for resource, data, error in _each(lambda r: _list(api_client, r), list(resources)):
        if error is not None:  # said in the report, not fatal
            inventory.unlisted.append(f"{resource.describe()}: {' '.join(str(error).split())[:120]}")
            continue
        for item in data.get("items") or []:
            meta = item.get("metadata") or {}
            namespace = meta.get("namespace") or ""
            if namespace in skip:
                continue
            spec = item.get("spec") or {}
            claim = (spec.get("claimRef") or spec.get("parentRef") or {}).get("namespace")
            inventory.objects[(resource, namespace, meta.get("name", ""))] = Entry(
                meta.get("uid", ""), tuple(sorted((meta.get("labels") or {}).items())),
                tuple(sorted((meta.get("annotations") or {}).items())), claim)
    return inventory


def diff(before: Inventory, after: Inventory) -> Difference:
    result = Difference()
    for key, entry in after.objects.items():
        old = before.objects.get(key)
        if old is None or old.uid != entry.uid:
            result.added.append(key)
        elif old.labels != entry.labels or old.annotations != entry.annotations:
            result.relabelled.append((key, old, entry))
    for key, entry in before.objects.items():
        new = after.objects.get(key)
        if new is None or new.uid != entry.uid:
            result.removed.append(key)
    return result


def describe(key: Key) -> str:
    resource, namespace, name = key
    return f"{resource.describe()} {name}" + (f" in {namespace}" if namespace else "")
