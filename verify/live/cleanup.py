"""Everything a page did goes away, and that is checked against an inventory of the whole cluster.

Before a page runs, an inventory of every object of every resource the API server serves is taken
(`verify.live.inventory`; the page's namespace does not exist yet). The namespace is created with
Pod Security Admission's `baseline` level enforced (labels the page cannot change: a Role in a
namespace cannot touch the Namespace object). Afterwards (on success, failure, timeout or Ctrl-C)
the namespace is deleted and the run waits until it and the volumes of its claims are gone; then a
second inventory is compared with the first:

* an object that appeared where the page was granted `create` (its `access:` declaration) is
  deleted, as are the verifier's own grants if revoking them failed;
* labels and annotations that changed on an object the page was granted `update` or `patch` on are
  put back;
* an object that disappeared where the page was granted `delete` cannot be brought back: it is
  reported;
* any other difference cannot be the page's doing (RBAC gave it no right there): it is noted, not
  blamed, since other runs and controllers share the cluster.

What could not be deleted or restored within the time budget is a leftover, and fails the page.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from verify import kubeapi
from verify.access import Grant
from verify.live import inventory
from verify.live.inventory import Inventory, Key, Resource

T = TypeVar("T")
RUN_LABEL = "verify.k8s-tutorials-ja/run"
#: The Pod Security Admission level of every page's namespace (set by the verifier, not the page).
POD_SECURITY = {"pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "latest",
                "pod-security.kubernetes.io/warn": "baseline", "pod-security.kubernetes.io/warn-version": "latest"}


def _allows(grants: Iterable[Grant], key: Key, verbs: set[str]) -> bool:
    """Whether some grant lets the page do one of `verbs` to the object at `key`."""
    resource, namespace, name = key
    for grant in grants:
        if not verbs & set(grant.verbs) or resource.name not in grant.resources or resource.group not in grant.api_groups:
            continue
        if grant.resource_names and name not in grant.resource_names and "create" not in verbs:
            continue
        if grant.namespace is None or grant.namespace == namespace:
            return True
    return False


def other_runs(api_client: Any, own: str) -> set[str]:
    """Namespaces of other verify runs (labelled with their run), whose objects are never this page's."""
    found: set[str] = set()
    for ns in kubeapi.items(kubeapi.get(api_client, "/api/v1/namespaces", query={"labelSelector": RUN_LABEL})):
        name = kubeapi.name_of(ns)
        if name and name != own:
            found.add(name)
    return found


@dataclass
class PageCleanup:
    api_client: Any
    namespace: str
    run_id: str
    grants: tuple[Grant, ...] = ()
    timeout: float = 300.0
    beside: tuple[Grant, ...] = ()  # what pages running beside this one may change: not noted
    poll: float = 0.25
    before: Inventory | None = None
    resources: list[Resource] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # differences that cannot be the page's doing
    _last: Inventory = field(default_factory=Inventory)  # the latest inventory `_added` took

    def snapshot(self) -> None:
        self.resources = inventory.discover(self.api_client)
        self.before = self._inventory()

    def create_namespace(self, pod_security: str = "baseline") -> None:
        """The page's namespace, enforcing `baseline` (or the level a maintainer allowed with --allow-pod-security)."""
        levels = {key: pod_security if key.endswith(("/enforce", "/warn")) else value
                  for key, value in POD_SECURITY.items()}
        labels = {RUN_LABEL: self.run_id, "app.kubernetes.io/managed-by": "verify", **levels}
        kubeapi.request(self.api_client, "POST", "/api/v1/namespaces", body={
            "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.namespace, "labels": labels}})

    def _inventory(self) -> Inventory:
        """The cluster now, without the page's namespace's contents and without what other verify runs own.

        The other runs' namespaces are asked for before and after the listing: a page running side by side
        may create its namespace (and the API server its ServiceAccount) while the listing goes on.
        """
        others = other_runs(self.api_client, self.namespace)
        taken = inventory.take(self.api_client, self.resources, {self.namespace} | others)
        others |= other_runs(self.api_client, self.namespace)
        taken.objects = {key: entry for key, entry in taken.objects.items()
                         if key[1] not in others and not self._elsewhere(entry, others)}
        return taken

    def _elsewhere(self, entry: inventory.Entry, others: set[str]) -> bool:
        """Made by another verify run or a probe (labelled so), or a volume of their claims or an address of
        their Services.

        A volume whose claim was in another page's namespace (``verify-…``) is that page's even once the
        namespace is gone: with pages side by side, its volumes may outlive it by a moment.
        """
        labels = entry.label_map
        if labels.get("app.kubernetes.io/managed-by") == "verify" and labels.get(RUN_LABEL) != self.run_id:
            return True
        claim = entry.claim_namespace
        return claim is not None and claim != self.namespace and (claim in others or claim.startswith("verify-"))

    def _ours(self, key: Key, after: Inventory) -> bool:
        """An object the page (or the verifier for it) made outside its namespace, so the cleanup removes it."""
        resource, _, name = key
        entry = after.objects[key]
        if resource.name == "namespaces" and name == self.namespace:
            return True
        if dict(entry.labels).get(RUN_LABEL) == self.run_id and name.endswith(self.namespace):
            return True  # the page's own grants, if revoking them failed
        if (resource.group, resource.name) == ("", "persistentvolumes") and entry.claim_namespace == self.namespace:
            return True
        return _allows(self.grants, key, {"create"})

    def run(self) -> list[str]:
        """Delete and restore what the page did; the descriptions of what is still wrong afterwards."""
        if self.before is None:
            return []  # nothing was created: the snapshot comes before the namespace
        deadline = time.monotonic() + self.timeout
        self._delete_namespace()
        self._wait(deadline, self._namespace_remains)
        after = self._inventory()
        change = inventory.diff(self.before, after)
        problems = []
        for key in change.added:
            if self._ours(key, after):
                self._delete(key)
            elif not _allows(self.beside, key, {"create"}):
                self.notes.append(f"appeared during the run, not the page's doing: {inventory.describe(key)}")
        for key, old, new in change.relabelled:
            if _allows(self.grants, key, {"update", "patch"}):
                problems += self._restore(key, old, new)
            elif key[1] != self.namespace and not _allows(self.beside, key, {"update", "patch"}):
                self.notes.append(f"labels or annotations changed during the run, not the page's doing: "
                                  f"{inventory.describe(key)}")
        for key in change.removed:
            if _allows(self.grants, key, {"delete", "deletecollection"}):
                problems.append(f"{inventory.describe(key)} was deleted during the run and cannot be restored")
            elif key[1] != self.namespace and not _allows(self.beside, key, {"delete", "deletecollection"}):
                self.notes.append(f"disappeared during the run, not the page's doing: {inventory.describe(key)}")
        left = self._wait(deadline, lambda: [k for k in self._added() if self._ours(k, self._last)])
        return problems + [inventory.describe(k) for k in left]

    def _added(self) -> list[Key]:
        assert self.before is not None
        self._last = self._inventory()
        return inventory.diff(self.before, self._last).added

    def _namespace_remains(self) -> list[str]:
        """The page's namespace, and the volumes of its claims, while they are still there (they go together)."""
        left = [f"namespace {self.namespace}"]
        try:
            kubeapi.get(self.api_client, f"/api/v1/namespaces/{self.namespace}")
        except Exception as error:
            if kubeapi.status_of(error) != 404:
                raise
            left = []
        left += [f"persistentvolume {kubeapi.name_of(pv) or '?'}"
                 for pv in kubeapi.items(kubeapi.get(self.api_client, "/api/v1/persistentvolumes"))
                 if ((pv.get("spec") or {}).get("claimRef") or {}).get("namespace") == self.namespace]
        return left

    def _delete_namespace(self) -> None:
        try:
            kubeapi.request(self.api_client, "DELETE", f"/api/v1/namespaces/{self.namespace}")
        except Exception as error:
            if kubeapi.status_of(error) not in (404, 409):
                raise

    def _delete(self, key: Key) -> None:
        resource, namespace, name = key
        path = f"{resource.path}/" + (f"namespaces/{namespace}/" if namespace else "") + f"{resource.name}/{name}"
        try:
            inventory.request(self.api_client, "DELETE", path)
        except Exception as error:
            if getattr(error, "status", None) not in (404, 409):
                raise

    def _restore(self, key: Key, old: inventory.Entry, new: inventory.Entry) -> list[str]:
        """Put labels and annotations back as they were before the page; what could not be, in words."""
        resource, namespace, name = key
        patch: dict[str, dict[str, str | None]] = {"labels": {}, "annotations": {}}
        for field_name, was, now in (("labels", old.label_map, new.label_map),
                                     ("annotations", old.annotation_map, new.annotation_map)):
            for k in set(was) | set(now):
                if was.get(k) != now.get(k):
                    patch[field_name][k] = was.get(k)
        path = f"{resource.path}/" + (f"namespaces/{namespace}/" if namespace else "") + f"{resource.name}/{name}"
        try:
            inventory.request(self.api_client, "PATCH", path, body={"metadata": patch},
                              content_type="application/merge-patch+json")
        except Exception as error:  # noqa: BLE001 - reported as a leftover
            return [f"{inventory.describe(key)}: labels/annotations could not be restored ({' '.join(str(error).split())[:120]})"]
        self.notes.append(f"restored labels/annotations of {inventory.describe(key)}")
        return []

    def _wait(self, deadline: float, remaining: Callable[[], list[T]]) -> list[T]:
        while True:
            left = remaining()
            if not left or time.monotonic() >= deadline:
                return left
            time.sleep(self.poll)
