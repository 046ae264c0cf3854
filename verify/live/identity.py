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

from verify.access import Grant
from verify.live.cleanup import RUN_LABEL
from verify.live.network import Endpoint

ACCOUNT = "verify-page"
#: Long enough for any page under the timeout ceiling; the grants are removed after the page anyway.
TOKEN_SECONDS = 4 * 3600
#: Every right, in the page's own namespace only.
OWN_NAMESPACE: list[dict[str, list[str]]] = [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]


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

    def _meta(self, name: str, namespace: str | None = None) -> Any:
        from kubernetes import client

        labels = {RUN_LABEL: self.run_id, "app.kubernetes.io/managed-by": "verify"}
        return client.V1ObjectMeta(name=name, namespace=namespace, labels=labels)

    def create(self) -> None:
        """The ServiceAccount, its rights, the declared grants and a token."""
        from kubernetes import client

        core, rbac = client.CoreV1Api(self.api_client), client.RbacAuthorizationV1Api(self.api_client)
        ns = self.namespace
        try:
            core.create_namespaced_service_account(ns, client.V1ServiceAccount(metadata=self._meta(ACCOUNT)))
            rbac.create_namespaced_role(ns, client.V1Role(metadata=self._meta(ACCOUNT), rules=_rules(OWN_NAMESPACE)))
            rbac.create_namespaced_role_binding(ns, client.V1RoleBinding(**self._binding("Role", ACCOUNT, ACCOUNT)))
            self._grant(rbac)
            request = core.create_namespaced_service_account_token(ACCOUNT, ns, client.AuthenticationV1TokenRequest(
                spec=client.V1TokenRequestSpec(audiences=[], expiration_seconds=TOKEN_SECONDS)))
        except Exception as error:  # noqa: BLE001 - the API's own words say what was refused
            raise IdentityError(f"cannot give the page its identity in {ns}: {_reason(error)}") from None
        token = request.status.token if request.status else None
        if not token:
            raise IdentityError(f"the API server issued no token for {self.user}")
        self.token = token

    def _binding(self, kind: str, role: str, name: str, namespace: str | None = None) -> dict[str, Any]:
        """The keyword arguments of a RoleBinding or ClusterRoleBinding giving `role` to the page's account."""
        from kubernetes import client

        return {"metadata": self._meta(name, namespace),
                "subjects": [client.RbacV1Subject(kind="ServiceAccount", name=ACCOUNT, namespace=self.namespace)],
                "role_ref": client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind=kind, name=role)}

    def _grant(self, rbac: Any) -> None:
        from kubernetes import client

        name = f"{ACCOUNT}-{self.namespace}"
        cluster_rules = [g.rule() for g in self.grants if g.namespace is None]
        if cluster_rules:
            rbac.create_cluster_role(client.V1ClusterRole(metadata=self._meta(name), rules=_rules(cluster_rules)))
            self.created.append(("clusterrole", name, None))
            rbac.create_cluster_role_binding(client.V1ClusterRoleBinding(**self._binding("ClusterRole", name, name)))
            self.created.append(("clusterrolebinding", name, None))
        by_namespace: dict[str, list[dict[str, list[str]]]] = {}
        for grant in self.grants:
            if grant.namespace and grant.namespace != self.namespace:
                by_namespace.setdefault(grant.namespace, []).append(grant.rule())
        for namespace, rules in by_namespace.items():
            rbac.create_namespaced_role(namespace, client.V1Role(metadata=self._meta(name, namespace),
                                                                 rules=_rules(rules)))
            self.created.append(("role", name, namespace))
            rbac.create_namespaced_role_binding(namespace, client.V1RoleBinding(**self._binding("Role", name, name,
                                                                                                   namespace)))
            self.created.append(("rolebinding", name, namespace))

    def revoke(self) -> list[str]:
        """Remove the grants outside the page's namespace; what could not be removed, in words."""
        from kubernetes import client

        rbac = client.RbacAuthorizationV1Api(self.api_client)
        left = []
        for kind, name, namespace in reversed(self.created):
            try:
                if kind == "clusterrole":
                    rbac.delete_cluster_role(name)
                elif kind == "clusterrolebinding":
                    rbac.delete_cluster_role_binding(name)
                elif kind == "role":
                    rbac.delete_namespaced_role(name, namespace or "")
                else:
                    rbac.delete_namespaced_role_binding(name, namespace or "")
            except Exception as error:  # noqa: BLE001 - reported as a leftover
                if getattr(error, "status", None) != 404:
                    left.append(f"{kind} {name}" + (f" in {namespace}" if namespace else "") + f" ({_reason(error)})")
        self.created.clear()
        return left

    def describe(self) -> list[str]:
        lines = [f"identity: {self.user} (every right in namespace {self.namespace})"]
        lines += [f"  granted for the run: {g.describe()}" for g in self.grants]
        return lines


def _rules(rules: list[dict[str, list[str]]]) -> list[Any]:
    from kubernetes import client

    return [client.V1PolicyRule(api_groups=r["apiGroups"], resources=r["resources"], verbs=r["verbs"],
                                resource_names=r.get("resourceNames")) for r in rules]


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
