"""The identity a page acts with: a ServiceAccount of its own namespace, never the maintainer's credentials.

Before the page's first command the verifier (with the maintainer's context) creates in the page's
namespace a ServiceAccount `verify-page`, a Role with every right in that namespace and a
RoleBinding to it; then, for each rule the page declares in its front matter (`verify.access`), a
ClusterRole and ClusterRoleBinding (rules without a namespace) or a Role and RoleBinding in the named
namespace, all named after the page's namespace and labelled with the run. The page's kubeconfig
holds a token for that ServiceAccount (TokenRequest, bound to the run's length) and the cluster's
address as seen from the page's network namespace; none of the maintainer's credentials are
copied. `revoke` removes the grants outside the namespace (the namespace's deletion takes the rest).

The API server's RBAC is the boundary: a page that tries anything else gets "forbidden".
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from verify import kubeapi
from verify.access import Grant
from verify.live.cleanup import RUN_LABEL
from verify.live.network import Endpoint

ACCOUNT = "verify-page"
#: Long enough for any page under the timeout ceiling; the grants are removed after the page anyway.
TOKEN_SECONDS = 4 * 3600
#: Every right, in the page's own namespace only.
OWN_NAMESPACE: list[dict[str, list[str]]] = [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]
RBAC_VERSION = "rbac.authorization.k8s.io/v1"
RBAC = f"/apis/{RBAC_VERSION}"


class IdentityError(Exception):
    """The page's identity could not be made; one line naming what failed."""


@dataclass
class PageIdentity:
    api_client: Any
    namespace: str
    run_id: str
    grants: tuple[Grant, ...] = ()
    created: list[tuple[str, str, str | None]] = field(default_factory=list)  # (kind, name, namespace) outside
    token: str = ""

    @property
    def user(self) -> str:
        return f"system:serviceaccount:{self.namespace}:{ACCOUNT}"

    def _meta(self, name: str, namespace: str | None = None) -> dict[str, Any]:
        labels = {RUN_LABEL: self.run_id, "app.kubernetes.io/managed-by": "verify"}
        return {"name": name, "labels": labels, **({"namespace": namespace} if namespace else {})}

    def _post(self, path: str, kind: str, api_version: str, **fields: Any) -> Any:
        return kubeapi.request(self.api_client, "POST", path, body={"apiVersion": api_version, "kind": kind, **fields})

    def create(self) -> None:
        """The ServiceAccount, its rights, the declared grants and a token."""
        ns = self.namespace
        try:
            self._post(f"/api/v1/namespaces/{ns}/serviceaccounts", "ServiceAccount", "v1", metadata=self._meta(ACCOUNT))
            self._post(f"{RBAC}/namespaces/{ns}/roles", "Role", RBAC_VERSION, metadata=self._meta(ACCOUNT),
                       rules=_rules(OWN_NAMESPACE))
            self._post(f"{RBAC}/namespaces/{ns}/rolebindings", "RoleBinding", RBAC_VERSION,
                       **self._binding("Role", ACCOUNT, ACCOUNT))
            self._grant()
            request = self._post(f"/api/v1/namespaces/{ns}/serviceaccounts/{ACCOUNT}/token", "TokenRequest",
                                 "authentication.k8s.io/v1",
                                 spec={"audiences": [], "expirationSeconds": TOKEN_SECONDS})
        except Exception as error:  # noqa: BLE001 - the API's own words say what was refused
            raise IdentityError(f"cannot give the page its identity in {ns}: {_reason(error)}") from None
        token = ((request or {}).get("status") or {}).get("token")
        if not token:
            raise IdentityError(f"the API server issued no token for {self.user}")
        self.token = token

    def _binding(self, kind: str, role: str, name: str, namespace: str | None = None) -> dict[str, Any]:
        """The fields of a RoleBinding or ClusterRoleBinding giving `role` to the page's account."""
        return {"metadata": self._meta(name, namespace),
                "subjects": [{"kind": "ServiceAccount", "name": ACCOUNT, "namespace": self.namespace}],
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": role}}

    def _grant(self) -> None:
        name = f"{ACCOUNT}-{self.namespace}"
        cluster_rules = [g.rule() for g in self.grants if g.namespace is None]
        if cluster_rules:
            self._post(f"{RBAC}/clusterroles", "ClusterRole", RBAC_VERSION, metadata=self._meta(name),
                       rules=_rules(cluster_rules))
            self.created.append(("clusterrole", name, None))
            self._post(f"{RBAC}/clusterrolebindings", "ClusterRoleBinding", RBAC_VERSION,
                       **self._binding("ClusterRole", name, name))
            self.created.append(("clusterrolebinding", name, None))
        by_namespace: dict[str, list[dict[str, list[str]]]] = {}
        for grant in self.grants:
            if grant.namespace and grant.namespace != self.namespace:
                by_namespace.setdefault(grant.namespace, []).append(grant.rule())
        for namespace, rules in by_namespace.items():
            self._post(f"{RBAC}/namespaces/{namespace}/roles", "Role", RBAC_VERSION,
                       metadata=self._meta(name, namespace), rules=_rules(rules))
            self.created.append(("role", name, namespace))
            self._post(f"{RBAC}/namespaces/{namespace}/rolebindings", "RoleBinding", RBAC_VERSION,
                       **self._binding("Role", name, name, namespace))
            self.created.append(("rolebinding", name, namespace))

    def revoke(self) -> list[str]:
        """Remove the grants outside the page's namespace; what could not be removed, in words."""
        left = []
        for kind, name, namespace in reversed(self.created):
            plural = {"clusterrole": "clusterroles", "clusterrolebinding": "clusterrolebindings", "role": "roles"}.get(
                kind, "rolebindings")
            path = f"{RBAC}/{plural}/{name}" if namespace is None else f"{RBAC}/namespaces/{namespace}/{plural}/{name}"
            try:
                kubeapi.request(self.api_client, "DELETE", path)
            except Exception as error:  # noqa: BLE001 - reported as a leftover
                if kubeapi.status_of(error) != 404:
                    left.append(f"{kind} {name}" + (f" in {namespace}" if namespace else "") + f" ({_reason(error)})")
        self.created.clear()
        return left

    def describe(self) -> list[str]:
        lines = [f"identity: {self.user} (every right in namespace {self.namespace})"]
        lines += [f"  granted for the run: {g.describe()}" for g in self.grants]
        return lines


def _rules(rules: list[dict[str, list[str]]]) -> list[dict[str, list[str]]]:
    """Policy rules as the API takes them (resourceNames only where a rule names objects)."""
    return [{"apiGroups": r["apiGroups"], "resources": r["resources"], "verbs": r["verbs"],
             **({"resourceNames": r["resourceNames"]} if r.get("resourceNames") else {})} for r in rules]


def _reason(error: Exception) -> str:
    body = getattr(error, "body", None)
    if body:
        with contextlib.suppress(ValueError, TypeError):
            return str(json.loads(body).get("message", body))[:300]
    return " ".join(str(error).split())[:300]


def cluster_entry(kubeconfig: Path, context: str, kubectl: str) -> dict[str, Any]:
    """The `cluster` section of `context` (certificate authority inlined), without any user's credentials."""
    with tempfile.TemporaryDirectory(prefix="verify-kubectl-home-") as home:
        completed = subprocess.run(
            [kubectl, "config", "view", "--raw", "--minify", "--flatten", "--context", context, "-o", "json"],
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "KUBECONFIG": str(kubeconfig), "HOME": home},
            capture_output=True, text=True, timeout=30, check=False)
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or [f"kubectl exited with {completed.returncode}"])[-1]
        raise IdentityError(f"cannot read the cluster of context {context}: {last}")
    clusters = json.loads(completed.stdout).get("clusters") or []
    if not clusters:
        raise IdentityError(f"context {context} names no cluster")
    return dict(clusters[0].get("cluster") or {})


KEPT = ("certificate-authority-data", "insecure-skip-tls-verify", "tls-server-name")


def page_kubeconfig(cluster: dict[str, Any], endpoint: Endpoint | None, context: str, namespace: str,
                    token: str) -> bytes:
    """The page's kubeconfig: the cluster as the page reaches it, the page's token, its namespace."""
    entry = {k: cluster[k] for k in KEPT if k in cluster}
    entry["server"] = endpoint.server_inside() if endpoint is not None else cluster["server"]
    if endpoint is not None and endpoint.tls_server_name and "tls-server-name" not in entry:
        entry["tls-server-name"] = endpoint.tls_server_name
    config = {
        "apiVersion": "v1", "kind": "Config", "current-context": context,
        "clusters": [{"name": context, "cluster": entry}],
        "users": [{"name": ACCOUNT, "user": {"token": token}}],
        "contexts": [{"name": context, "context": {"cluster": context, "user": ACCOUNT, "namespace": namespace}}],
    }
    return yaml.safe_dump(config, sort_keys=False).encode()


def grants_summary(grants: Iterable[Grant]) -> list[dict[str, Any]]:
    return [g.as_json() for g in grants]
