"""Cleanup on a shared control plane: a page deletes what it made, never another run's namespace, the volume
of another namespace's claim, or anything where RBAC gave it no right (several sessions share the cluster)."""

from __future__ import annotations

from verify.access import Grant
from verify.live.cleanup import RUN_LABEL, PageCleanup
from verify.live.inventory import Entry, Inventory, Resource, diff

NAMESPACES = Resource("", "v1", "namespaces", False, frozenset({"list", "delete"}))
VOLUMES = Resource("", "v1", "persistentvolumes", False, frozenset({"list", "delete"}))
CLUSTER_ROLES = Resource("rbac.authorization.k8s.io", "v1", "clusterroles", False, frozenset({"list", "delete"}))
PRIORITY = Resource("scheduling.k8s.io", "v1", "priorityclasses", False, frozenset({"list", "delete"}))
NODES = Resource("", "v1", "nodes", False, frozenset({"list", "patch"}))


def entry(uid: str, labels: dict[str, str] | None = None, claim: str | None = None) -> Entry:
    return Entry(uid, tuple(sorted((labels or {}).items())), (), claim)


def cleanup(*grants: Grant) -> PageCleanup:
    return PageCleanup(api_client=None, namespace="verify-mine-1", run_id="a", grants=grants)


def test_only_what_the_page_could_make_is_its_own() -> None:
    ours = cleanup(Grant("the page makes a ClusterRole", ("create",), ("clusterroles",), ("rbac.authorization.k8s.io",)))
    after = Inventory({
        (NAMESPACES, "", "verify-mine-1"): entry("1", {RUN_LABEL: "a"}),
        (VOLUMES, "", "pvc-1"): entry("2", claim="verify-mine-1"),
        (VOLUMES, "", "pv-static"): entry("3"),
        (CLUSTER_ROLES, "", "made-by-the-page"): entry("4"),
        (CLUSTER_ROLES, "", "verify-page-verify-mine-1"): entry("5", {RUN_LABEL: "a"}),
        (PRIORITY, "", "someone-elses"): entry("6"),
    })
    assert sorted(name for key in after.objects if ours._ours(key, after) for name in [key[2]]) == [
        "made-by-the-page", "pvc-1", "verify-mine-1", "verify-page-verify-mine-1"]


def test_other_runs_and_probes_are_left_out_of_the_comparison() -> None:
    mine = cleanup()
    assert mine._elsewhere(entry("1", {RUN_LABEL: "b", "app.kubernetes.io/managed-by": "verify"}), set())
    assert mine._elsewhere(entry("2", {"app.kubernetes.io/managed-by": "verify"}), set())  # a probe's namespace
    assert mine._elsewhere(entry("3", claim="verify-other-2"), {"verify-other-2"})
    assert mine._elsewhere(entry("4", claim="verify-probe-abc123"), set())
    assert mine._elsewhere(entry("7", claim="verify-other-3"), set())  # its namespace already gone
    assert not mine._elsewhere(entry("8", claim="default"), set())
    assert not mine._elsewhere(entry("5", {RUN_LABEL: "a", "app.kubernetes.io/managed-by": "verify"}), set())
    assert not mine._elsewhere(entry("6", claim="verify-mine-1"), {"verify-other-2"})


def test_a_change_is_the_pages_only_where_its_grants_reach() -> None:
    from verify.live.cleanup import _allows

    label = Grant("labels one node", ("patch",), ("nodes",), ("",), ("kwok-node-0",))
    assert _allows([label], (NODES, "", "kwok-node-0"), {"update", "patch"})
    assert not _allows([label], (NODES, "", "kwok-node-1"), {"update", "patch"})
    assert not _allows([label], (NODES, "", "kwok-node-0"), {"delete"})
    scoped = Grant("configmaps of kube-system", ("create",), ("configmaps",), ("",), (), "kube-system")
    configmaps = Resource("", "v1", "configmaps", True, frozenset({"list"}))
    assert _allows([scoped], (configmaps, "kube-system", "x"), {"create"})
    assert not _allows([scoped], (configmaps, "default", "x"), {"create"})


def test_an_object_replaced_under_the_same_name_counts_as_removed_and_added() -> None:
    before = Inventory({(PRIORITY, "", "p"): entry("old")})
    after = Inventory({(PRIORITY, "", "p"): entry("new")})
    change = diff(before, after)
    assert change.added == [(PRIORITY, "", "p")] and change.removed == [(PRIORITY, "", "p")]
    relabelled = diff(before, Inventory({(PRIORITY, "", "p"): entry("old", {"x": "y"})}))
    assert [key for key, _, _ in relabelled.relabelled] == [(PRIORITY, "", "p")]


class Listing:
    """Stands in for the API client in `inventory.take`: answers each list request from a table of items."""

    def __init__(self, items: dict[str, list[dict]]) -> None:
        self.items = items
        self.accepts: dict[str, str] = {}

    def param_serialize(self, method: str, path: str, header_params: dict, body: object, auth_settings: list) -> tuple:
        self.accepts[path] = header_params["Accept"]
        return method, path, header_params, body, None

    def call_api(self, method: str, url: str, **_: object) -> object:
        import json
        from types import SimpleNamespace

        data = json.dumps({"items": self.items.get(url, [])}).encode()
        return SimpleNamespace(status=200, reason="OK", data=data, read=lambda: data)


def test_a_service_address_and_a_volume_belong_to_the_namespace_their_spec_names() -> None:
    from verify.live import inventory

    addresses = Resource("networking.k8s.io", "v1", "ipaddresses", False, frozenset({"list"}))
    api = Listing({
        "/apis/networking.k8s.io/v1/ipaddresses": [{"metadata": {"name": "10.96.0.12", "uid": "1"},
                                                    "spec": {"parentRef": {"resource": "services",
                                                                           "namespace": "verify-other-2", "name": "web"}}}],
        "/api/v1/persistentvolumes": [{"metadata": {"name": "pvc-1", "uid": "2"},
                                       "spec": {"claimRef": {"namespace": "verify-other-2", "name": "www-web-0"}}}],
        "/api/v1/namespaces": [{"metadata": {"name": "default", "uid": "3"}}],
    })
    taken = inventory.take(api, [addresses, VOLUMES, NAMESPACES])
    assert {key[2]: entry.claim_namespace for key, entry in taken.objects.items()} == {
        "10.96.0.12": "verify-other-2", "pvc-1": "verify-other-2", "default": None}
    assert api.accepts["/api/v1/namespaces"].startswith("application/json;as=PartialObjectMetadataList")
    assert cleanup()._elsewhere(taken.objects[(addresses, "", "10.96.0.12")], set())
