"""Credentials of the run: a CA, the API server's serving and kubelet-client certificates, the
ServiceAccount signing key (openssl), and one static token per component and node.

Static tokens (`--token-auth-file`) keep the kubeconfigs small; each names the user and groups that
Kubernetes' bootstrap RBAC roles and the Node authorizer expect (`system:kube-controller-manager`,
`system:node:NAME` in `system:nodes`, ...). Everything is made fresh for each start and removed at down.
"""

from __future__ import annotations

import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from atomic_files import write_text
from cluster.nodes import layout


class PkiError(Exception):
    """openssl failed; the message says which file and why."""


@dataclass(frozen=True)
class Identity:
    """One user of the API server: its token, name and groups."""

    name: str
    user: str
    groups: tuple[str, ...] = ()


def identities() -> list[Identity]:
    people = [Identity("admin", "kubernetes-admin", ("system:masters",)),
              Identity("controller-manager", "system:kube-controller-manager"),
              Identity("scheduler", "system:kube-scheduler"),
              Identity("kube-proxy", "system:kube-proxy")]
    people += [Identity(node.name, f"system:node:{node.name}", ("system:nodes",)) for node in layout.NODES]
    return people


def pki_dir() -> Path:
    return layout.state_dir() / "pki"


def _openssl(*args: str, input_: str | None = None) -> None:
    done = subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=60, input=input_, check=False)
    if done.returncode != 0:
        raise PkiError(f"pki: `openssl {' '.join(args[:2])}` failed: {done.stderr.strip()[-400:]}")


def _certificate(name: str, subject: str, *, extensions: str, days: int = 30) -> None:
    folder = pki_dir()
    _openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", str(folder / f"{name}.key"),
             "-subj", subject, "-out", str(folder / f"{name}.csr"))
    ext = folder / f"{name}.ext"
    ext.write_text(extensions, encoding="ascii")
    _openssl("x509", "-req", "-in", str(folder / f"{name}.csr"), "-CA", str(folder / "ca.crt"),
             "-CAkey", str(folder / "ca.key"), "-CAcreateserial", "-days", str(days), "-sha256",
             "-extfile", str(ext), "-out", str(folder / f"{name}.crt"))


def create(relay_host: str) -> None:
    """CA, certificates, keys and tokens under `pki_dir()`; RELAY_HOST is the loopback address users dial."""
    folder = pki_dir()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-keyout", str(folder / "ca.key"),
             "-subj", "/CN=k8s-tutorials-nodes-ca", "-out", str(folder / "ca.crt"))
    names = ["kubernetes", "kubernetes.default", "kubernetes.default.svc",
             f"kubernetes.default.svc.{layout.CLUSTER_DOMAIN}", "localhost"]
    addresses = [layout.CONTROL_PLANE.address, layout.KUBERNETES_SERVICE, relay_host, "127.0.0.1"]
    alt = ",".join([*(f"DNS:{n}" for n in names), *(f"IP:{a}" for a in dict.fromkeys(addresses))])
    _certificate("apiserver", "/CN=kube-apiserver", extensions=f"subjectAltName={alt}\nextendedKeyUsage=serverAuth\n")
    _certificate("apiserver-kubelet-client", "/O=system:masters/CN=kube-apiserver-kubelet-client",
                 extensions="extendedKeyUsage=clientAuth\n")
    _openssl("genrsa", "-out", str(folder / "sa.key"), "2048")
    _openssl("rsa", "-in", str(folder / "sa.key"), "-pubout", "-out", str(folder / "sa.pub"))
    rows = []
    for person in identities():
        token = secrets.token_hex(24)
        (folder / f"{person.name}.token").write_text(token, encoding="ascii")
        groups = ",".join(person.groups)
        rows.append(f'{token},{person.user},{person.user},"{groups}"' if groups else f"{token},{person.user},{person.user}")
    write_text(folder / "tokens.csv", "\n".join(rows) + "\n", mode=0o600)


def token(name: str) -> str:
    return (pki_dir() / f"{name}.token").read_text(encoding="ascii").strip()


def kubeconfig(path: Path, who: str, server: str, context: str = layout.CONTEXT) -> None:
    """A kubeconfig for WHO (an `identities()` name) that dials SERVER; the CA is inlined."""
    import base64

    ca = base64.b64encode((pki_dir() / "ca.crt").read_bytes()).decode()
    config = {"apiVersion": "v1", "kind": "Config", "current-context": context,
              "clusters": [{"name": context, "cluster": {"server": server, "certificate-authority-data": ca}}],
              "users": [{"name": context, "user": {"token": token(who)}}],
              "contexts": [{"name": context, "context": {"cluster": context, "user": context}}]}
    write_text(path, yaml.safe_dump(config, sort_keys=False), mode=0o600)
