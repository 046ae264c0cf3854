"""The project's one entry point: `nox -s site`, `nox -s tests`, and the rest."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_venv = "yes"

PYTHON = "3"


def _install(session: nox.Session, extras: str = "") -> None:
    session.install("-e", f".[{extras}]" if extras else ".")


@nox.session(python=PYTHON)
def site(session: nox.Session) -> None:
    """Build site/: Japanese at /, English at /en/ (two strict builds in parallel; `-- --serial`)."""
    _install(session)
    session.run("python", "-m", "site_tools.node")  # npm ci: mermaid from package-lock.json
    session.run("python", "-m", "site_tools.build", *session.posargs)


@nox.session(python=PYTHON)
def serve(session: nox.Session) -> None:
    """Preview on http://127.0.0.1:8000/ (both languages, rebuilt on change); `-- --lang en`: one, live reload."""
    _install(session)
    session.run("python", "-m", "site_tools.node")
    session.run("python", "-m", "site_tools.serve", *session.posargs)


@nox.session(python=PYTHON)
def diagrams(session: nox.Session) -> None:
    """Re-render docs/diagrams/*.svg (mermaid, Debian chromium) for diagrams whose source changed."""
    _install(session, "test")
    session.run("python", "-m", "site_tools.node")
    session.run("python", "-m", "site_tools.diagrams", "render", *session.posargs)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the whole test suite."""
    _install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def verify(session: nox.Session) -> None:
    """Verify the pages: static tier, then live tier against the current kubeconfig context.

    `-- --static [PAGE…]`: only the checks that need no cluster. Live options pass through, e.g.
    `-- --context kind-verify --junit live.xml docs_src/ja/tutorials/stateful-application/`.
    """
    _install(session)
    args = list(session.posargs)
    static_only = "--static" in args
    args = [a for a in args if a != "--static"]
    pages = [a for a in args if not a.startswith("-") and Path(a).exists()]
    session.run("python", "-m", "verify", "static", *(args if static_only else pages))
    if static_only:
        return
    session.run("python", "-m", "verify", "live", *args)


KIND_CONFIG = """\
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
- role: worker
- role: worker
"""


@nox.session(python=False)
def cluster(session: nox.Session) -> None:
    """Create a local kind cluster for the live tier (1 control plane + 2 workers, default StorageClass).

    `-- NAME` names it (default `verify`; the context is `kind-NAME`). Needs `kind` and a running Docker.
    """
    missing = [tool for tool in ("kind", "docker", "kubectl") if shutil.which(tool) is None]
    if not missing and subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
        missing.append("a running Docker daemon (docker info failed)")
    if missing:
        session.error("cannot create a kind cluster, missing: " + ", ".join(missing)
                      + ". Install kind (https://kind.sigs.k8s.io/) and Docker, or point KUBECONFIG at another "
                      "local cluster (minikube, k3d, Docker Desktop) and run `nox -s verify`")
    name = session.posargs[0] if session.posargs else "verify"
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        handle.write(KIND_CONFIG)
    session.run("kind", "create", "cluster", "--name", name, "--config", handle.name, "--wait", "120s", external=True)
    session.run("kubectl", "--context", f"kind-{name}", "get", "nodes", external=True)
    session.run("kubectl", "--context", f"kind-{name}", "get", "storageclass", external=True)
    session.log(f"ready: `nox -s verify -- --context kind-{name}`; delete with `kind delete cluster --name {name}`")


@nox.session(python=PYTHON)
def translations(session: nox.Session) -> None:
    """Translation status; `-- --check`, `-- --diff PAGE`, `-- stamp PAGE`."""
    _install(session)
    session.run("python", "-m", "translations", *session.posargs)
